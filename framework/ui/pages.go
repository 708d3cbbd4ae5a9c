package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/compare"
	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

var funcs = template.FuncMap{
	"hex":  hexOf,
	"when": func(t time.Time) string { return t.Local().Format(time.DateTime) },
	"secs": func(v float64) string {
		if v <= 0 {
			return "-"
		}
		return strconv.FormatFloat(v, 'f', 1, 64)
	},
	"text": compare.Text,
	"in": func(s string, set []string) bool {
		for _, x := range set {
			if x == s {
				return true
			}
		}
		return false
	},
}

// hexOf is a digest's hex digits, as URLs carry it.
func hexOf(d string) string { return strings.TrimPrefix(d, registry.DigestPrefix) }

// page is what every template gets: its title, the section the
// navigation marks, and the page's own data.
type page struct {
	Title, Section string
	Data           any
}

func (s *Server) render(w http.ResponseWriter, name string, p page) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, p); err != nil {
		http.Error(w, "ui: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write(buf.Bytes())
}

// fail answers a request the registry cannot: what was not found is the
// visitor's to fix (404), anything else the server's (500).
func fail(w http.ResponseWriter, err error) {
	code := http.StatusInternalServerError
	if errors.Is(err, registry.ErrNotFound) || errors.Is(err, registry.ErrBadRef) || errors.Is(err, registry.ErrInvalidKind) {
		code = http.StatusNotFound
	}
	http.Error(w, err.Error(), code)
}

// runRow is one run as the runs page lists it.
type runRow struct {
	Entry  registry.Entry
	Record *registry.RunRecord
	Error  string
}

// slurmWait bounds what a page waits for Slurm to say of a run's jobs.
const slurmWait = 10 * time.Second

func (s *Server) runsPage(w http.ResponseWriter, r *http.Request) {
	st := s.o.Store
	es, err := st.List(registry.Run, "")
	if err != nil {
		fail(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), slurmWait)
	defer cancel()
	rows := make([]runRow, 0, len(es))
	for _, en := range es {
		row := runRow{Entry: en}
		m, err := st.Manifest(en)
		if err == nil {
			row.Record, err = experiment.SettledRunRecord(ctx, st, en, m)
		}
		if err != nil {
			row.Error = err.Error()
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Entry.Created.After(rows[j].Entry.Created) })
	live, _ := experiment.LiveTrainings(st)
	s.render(w, "runs.html", page{Title: "runs", Section: "runs", Data: struct {
		Runs []runRow
		Live []experiment.LiveTraining
	}{rows, live}})
}

// kinds are the entry kinds the navigation lists, by their plural.
var kinds = []struct {
	Kind   registry.Kind
	Plural string
}{{registry.Dataset, "datasets"}, {registry.Model, "models"}, {registry.Flow, "flows"}, {registry.Analysis, "analyses"}}

// listRow is one entry of a listing: what it was made from and by.
type listRow struct {
	Entry  registry.Entry
	Plugin string
	Inputs []inputLink
}

// inputLink is an entry an entry was made from, under its role.
type inputLink struct {
	Role, Ref, Hex string
}

func (s *Server) listPage(w http.ResponseWriter, r *http.Request) {
	kind := registry.Kind(r.PathValue("kind"))
	st := s.o.Store
	es, err := st.List(kind, "")
	if err != nil {
		fail(w, err)
		return
	}
	refs := map[string]string{}
	rows := make([]listRow, 0, len(es))
	for i := len(es) - 1; i >= 0; i-- {
		row := listRow{Entry: es[i], Plugin: "-"}
		if m, err := st.Manifest(es[i]); err == nil {
			if m.Lineage.Plugin != nil {
				row.Plugin = m.Lineage.Plugin.Name
			}
			row.Inputs = s.inputs(m.Lineage, refs)
		}
		rows = append(rows, row)
	}
	s.render(w, "list.html", page{Title: string(kind) + "s", Section: string(kind), Data: struct {
		Kind registry.Kind
		Rows []listRow
	}{kind, rows}})
}

// inputs are the entries lineage names, each with its role; refs caches
// digest -> "kind NAME:VERSION" across calls.
func (s *Server) inputs(l registry.Lineage, refs map[string]string) []inputLink {
	var out []inputLink
	add := func(role, d string) {
		ref, ok := refs[d]
		if !ok {
			ref = hexOf(d)[:min(12, len(hexOf(d)))]
			if en, err := s.o.Store.Lookup(d); err == nil {
				ref = string(en.Kind) + " " + en.Ref()
				if !en.Removed.IsZero() {
					ref += " (removed)"
				}
			}
			refs[d] = ref
		}
		out = append(out, inputLink{Role: role, Ref: ref, Hex: hexOf(d)})
	}
	for _, d := range l.Datasets {
		add("data", d)
	}
	if l.Parent != "" {
		add("parent", l.Parent)
	}
	for _, in := range l.Inputs {
		add(in.Role, in.Digest)
	}
	return out
}

// lookup is the entry the request's {digest} names.
func (s *Server) lookup(r *http.Request) (registry.Entry, error) {
	h := r.PathValue("digest")
	if len(h) != 64 {
		return registry.Entry{}, fmt.Errorf("%w: %q is not the 64 hex digits of an entry's digest", registry.ErrBadRef, h)
	}
	return s.o.Store.Lookup(h)
}

func (s *Server) entryPage(w http.ResponseWriter, r *http.Request) {
	st := s.o.Store
	en, err := s.lookup(r)
	if err != nil {
		fail(w, err)
		return
	}
	m, err := st.Manifest(en)
	if err != nil {
		fail(w, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), slurmWait)
	defer cancel()
	rec, err := experiment.SettledRunRecord(ctx, st, en, m)
	if err != nil {
		fail(w, err)
		return
	}
	var steps []stepRow
	if rec != nil {
		steps = s.steps(rec)
	}
	s.render(w, "entry.html", page{Title: en.String(), Section: string(en.Kind), Data: struct {
		Entry   registry.Entry
		Lineage registry.Lineage
		Inputs  []inputLink
		Record  *registry.RunRecord
		Steps   []stepRow
		Params  []param
		Hyper   []param
		Losses  []param
		Slurm   bool
	}{en, m.Lineage, s.inputs(m.Lineage, map[string]string{}), rec, steps, params(m.Lineage.Parameters), params(m.Lineage.HyperParameters),
		losses(m.Lineage.Metrics), experiment.SlurmJobs(m) != nil}})
}

// stepRow is a step of a run with the entry it recorded, if live.
type stepRow struct {
	registry.RunStep
	Hex     string // of its entry, "" if it has none or it was removed
	Removed bool
}

func (s *Server) steps(rec *registry.RunRecord) []stepRow {
	out := make([]stepRow, 0, len(rec.Steps))
	for _, st := range rec.Steps {
		row := stepRow{RunStep: st}
		if st.Digest != "" {
			if en, err := s.o.Store.Lookup(st.Digest); err == nil && en.Removed.IsZero() {
				row.Hex = hexOf(en.Digest)
			} else if err == nil {
				row.Removed = true
			}
		}
		out = append(out, row)
	}
	return out
}

// param is one name = value of a lineage's maps, for a table.
type param struct{ Name, Value string }

func params(m map[string]any) []param {
	out := make([]param, 0, len(m))
	for k, v := range m {
		out = append(out, param{k, fmt.Sprint(v)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func losses(m *registry.Metrics) []param {
	if m == nil {
		return nil
	}
	out := []param{}
	if m.Epochs > 0 {
		out = append(out, param{"epochs", strconv.Itoa(m.Epochs)})
	}
	if m.WallSeconds > 0 {
		out = append(out, param{"wall seconds", strconv.FormatFloat(m.WallSeconds, 'f', 1, 64)})
	}
	for _, set := range []map[string]float64{m.FinalLosses, m.Other} {
		var names []string
		for k := range set {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			out = append(out, param{k, strconv.FormatFloat(set[k], 'g', 6, 64)})
		}
	}
	return out
}

// comparePage puts the entries ?d=HEX&d=HEX… side by side, the columns
// that differ first (framework/compare), sorted by ?sort=COLUMN
// (-COLUMN: descending); two runs also by the steps they differ in.
func (s *Server) comparePage(w http.ResponseWriter, r *http.Request) {
	st := s.o.Store
	ds := r.URL.Query()["d"]
	if len(ds) < 2 {
		http.Error(w, "compare: tick two entries or more of one kind to compare", http.StatusBadRequest)
		return
	}
	var es []registry.Entry
	for _, d := range ds {
		en, err := st.Lookup(d)
		if err != nil {
			fail(w, err)
			return
		}
		if len(es) > 0 && en.Kind != es[0].Kind {
			http.Error(w, fmt.Sprintf("compare: %s and %s are of two kinds; compare entries of one kind", es[0], en), http.StatusBadRequest)
			return
		}
		es = append(es, en)
	}
	t, err := compare.Build(st, es)
	if err != nil {
		fail(w, err)
		return
	}
	if col := r.URL.Query().Get("sort"); col != "" {
		if err := t.Sort(col); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	if len(es) == 2 && es[0].Kind == registry.Run {
		if t.Steps, _, err = compare.StepDiffs(st, es[0], es[1]); err != nil {
			fail(w, err)
			return
		}
	}
	q := r.URL.Query()
	q.Del("sort")
	s.render(w, "compare.html", page{Title: "compare " + string(t.Kind) + "s", Section: string(t.Kind), Data: struct {
		Table *compare.Table
		Query string
	}{t, q.Encode()}})
}
