package ui

import (
	"net/http"

	"github.com/rgml/rgml/registry"
)

// Sizes of the lineage graph, in SVG user units (pixels).
const (
	nodeW, nodeH = 200, 40
	colGap       = 70
	rowGap       = 14
	margin       = 10
)

// node is an entry of a lineage graph, placed.
type node struct {
	Entry   registry.Entry
	Hex     string
	Label   string
	X, Y    int
	Root    bool
	Removed bool
}

// edge runs from an input (left) to the entry made from it (right).
type edge struct {
	Role           string
	X1, Y1, X2, Y2 int
}

// graph is a lineage laid out in columns: the entry on the right, what it
// was made from to its left, one column per step back.
type graph struct {
	W, H  int
	Nodes []node
	Edges []edge
}

// lineageGraph lays out the lineage of en (registry.Store.Lineage): each
// entry in the column of its longest path to en, so that every edge runs
// from left to right.
func lineageGraph(s *registry.Store, en registry.Entry) (graph, error) {
	chain, err := s.Lineage(en.Kind, en.Digest)
	if err != nil {
		return graph{}, err
	}
	idx := map[string]int{}
	for i, e := range chain {
		idx[e.Digest] = i
	}
	type link struct {
		from, to int
		role     string
	}
	var links []link
	for i, e := range chain {
		m, err := s.Manifest(e)
		if err != nil {
			continue // removed and collected: its node stands alone
		}
		add := func(role, d string) {
			if j, ok := idx[d]; ok && j != i {
				links = append(links, link{j, i, role})
			}
		}
		for _, d := range m.Lineage.Datasets {
			add("data", d)
		}
		if m.Lineage.Parent != "" {
			add("parent", m.Lineage.Parent)
		}
		for _, in := range m.Lineage.Inputs {
			add(in.Role, in.Digest)
		}
	}
	// depth: the longest path to the root (lineage has no cycles; the
	// bound keeps a damaged one from looping).
	depth := make([]int, len(chain))
	for range len(chain) {
		changed := false
		for _, l := range links {
			if depth[l.from] < depth[l.to]+1 {
				depth[l.from], changed = depth[l.to]+1, true
			}
		}
		if !changed {
			break
		}
	}
	maxDepth, rows := 0, map[int]int{}
	for _, d := range depth {
		maxDepth = max(maxDepth, d)
	}
	g := graph{}
	for i, e := range chain {
		col := maxDepth - depth[i]
		n := node{Entry: e, Hex: hexOf(e.Digest), Label: label(e), Root: i == 0, Removed: !e.Removed.IsZero(),
			X: margin + col*(nodeW+colGap), Y: margin + rows[col]*(nodeH+rowGap)}
		rows[col]++
		g.Nodes = append(g.Nodes, n)
		g.W = max(g.W, n.X+nodeW+margin)
		g.H = max(g.H, n.Y+nodeH+margin)
	}
	for _, l := range links {
		a, b := g.Nodes[l.from], g.Nodes[l.to]
		g.Edges = append(g.Edges, edge{Role: l.role, X1: a.X + nodeW, Y1: a.Y + nodeH/2, X2: b.X, Y2: b.Y + nodeH/2})
	}
	return g, nil
}

// label is a node's text, cut to what its box holds.
func label(e registry.Entry) string {
	s := e.Ref()
	if r := []rune(s); len(r) > 26 {
		s = string(r[:25]) + "…"
	}
	return s
}

func (s *Server) lineagePage(w http.ResponseWriter, r *http.Request) {
	en, err := s.lookup(r)
	if err != nil {
		fail(w, err)
		return
	}
	g, err := lineageGraph(s.o.Store, en)
	if err != nil {
		fail(w, err)
		return
	}
	s.render(w, "lineage.html", page{Title: "lineage of " + en.String(), Section: string(en.Kind), Data: struct {
		Entry registry.Entry
		Graph graph
		NodeW int
		NodeH int
	}{en, g, nodeW, nodeH}})
}
