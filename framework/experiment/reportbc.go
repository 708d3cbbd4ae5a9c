package experiment

import (
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/plot"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// A flow read by a (T, Δ) thermometer (twoparam.go) has no temperature
// distribution to draw as Figs. 5–11: the report draws instead its
// distribution on the grid, its thermometer-free observables, and, for
// all such flows together, their paths on the phase diagram.

// jointFlow is a (T, Δ) flow's entry and the arrays of its flow.npz.
type jointFlow struct {
	en     registry.Entry
	rbm    string // the flowing RBM's name, "" if its lineage does not say
	from   string // its starting selection, e.g. "T=0.4 Delta=0"
	arrays []npz.Array
}

// jointArrays returns the arrays of a flow read by a (T, Δ) thermometer
// (its file holds classes2); ok is false for any other flow, and for one
// whose file cannot be read (its figure then says why).
func (g *gather) jointArrays(en registry.Entry) ([]npz.Array, bool) {
	arrays, err := ReadNPZ(g.s, en, FlowFile)
	if err != nil {
		return nil, false
	}
	_, ok := npz.Find(arrays, "classes2")
	return arrays, ok
}

// jointFlowItems are the figures of one (T, Δ) flow; the flow is kept
// for the phase diagrams.
func (g *gather) jointFlowItems(en registry.Entry, base report.Entry, arrays []npz.Array) []report.Item {
	jf := jointFlow{en: en, arrays: arrays}
	if w, ok := g.manifest(en).Lineage.Extra["where"].([]any); ok {
		var parts []string
		for _, x := range w {
			parts = append(parts, fmt.Sprint(x))
		}
		jf.from = strings.Join(parts, " ")
	}
	if rbm, ok := g.input(en, "rbm"); ok {
		jf.rbm = rbm.Name
	}
	g.joint = append(g.joint, jf)
	grid := base
	grid.Name, grid.Paper = "flow-"+en.Name, "Sec. 5"
	grid.Caption = "the (T, Δ) thermometer's distribution on its grid after each iteration count of flow " + en.Ref() +
		" (colour: the share of the configurations read at each grid point)"
	obs := base
	obs.Name, obs.Paper = "flow-"+en.Name+"-observables", "thermometer-free check"
	obs.Caption = "thermometer-free readings of flow " + en.Ref() + ": ⟨|m|⟩, ⟨s²⟩ and the nearest-neighbour correlation nn " +
		"of the flowed configurations against iteration count (iteration 0: the Monte Carlo input)"
	return []report.Item{
		{Entry: grid, Make: func() (*report.Figure, error) { return jointGridFigure(en, arrays) }},
		{Entry: obs, Make: func() (*report.Figure, error) { return jointObservablesFigure(en, arrays) }},
	}
}

func jointGridFigure(en registry.Entry, arrays []npz.Array) (*report.Figure, error) {
	it, _ := npz.Find(arrays, "iterations")
	its, ok1 := it.Data.([]int64)
	classes, dist := npz.Float64s(arrays, "classes2"), npz.Float64s(arrays, "distribution")
	k := len(classes) / 2
	if !ok1 || k == 0 || len(dist) != len(its)*k {
		return nil, fmt.Errorf("%s: %s has no iterations, classes2 and distribution that agree", en, FlowFile)
	}
	rows := make([][]float64, len(its))
	for i := range its {
		rows[i] = dist[i*k : (i+1)*k]
	}
	return report.GridDistributions("flow "+en.Ref()+" on the (T, Δ) grid", classes, its, rows)
}

func jointObservablesFigure(en registry.Entry, arrays []npz.Array) (*report.Figure, error) {
	it, _ := npz.Find(arrays, "iterations")
	its, _ := it.Data.([]int64)
	// Iteration counts span decades and start at 0 (the Monte Carlo
	// input): evenly spaced, labelled with their counts.
	x, itv := make([]float64, len(its)), make([]float64, len(its))
	var ticks []plot.Tick
	for i, v := range its {
		x[i], itv[i] = float64(i), float64(v)
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: fmt.Sprint(v)})
	}
	var ss []report.Series
	data := []npz.Array{npz.Float64("iteration", itv, len(itv))}
	for _, c := range []struct{ name, label string }{{"abs_m", "mean |m|"}, {"s2", "mean s²"}, {"nn", "nn"}} {
		y := npz.Float64s(arrays, c.name)
		if len(y) != len(x) || len(x) == 0 {
			return nil, fmt.Errorf("%s: %s has no %s per iteration", en, FlowFile, c.name)
		}
		ss = append(ss, report.Series{Label: c.label, X: x, Y: y})
		data = append(data, npz.Float64(c.name, y, len(y)))
	}
	f, err := report.Lines(report.LineOptions{Title: "flow " + en.Ref() + ": thermometer-free readings",
		XLabel: "flow iteration (evenly spaced counts)", YLabel: "value"}, ss...)
	if err != nil {
		return nil, err
	}
	f.Plot.X.Tick.Marker = plot.ConstantTicks(ticks)
	f.Data = data
	return f, nil
}

// phaseItems are the phase diagrams of the (T, Δ) flows gathered: per
// starting point, the mean path of every RBM's flow from it; per RBM,
// the mean and mode paths of its flows.
func (g *gather) phaseItems() []report.Item {
	if len(g.joint) == 0 {
		return nil
	}
	ends := " Each path runs from its first iteration count (circle) to its last (square)."
	byFrom, byRBM := map[string][]jointFlow{}, map[string][]jointFlow{}
	for _, jf := range g.joint {
		byFrom[jf.from] = append(byFrom[jf.from], jf)
		byRBM[jf.rbm] = append(byRBM[jf.rbm], jf)
	}
	var items []report.Item
	add := func(name, title, caption string, flows []jointFlow, label func(jointFlow) string, by ...string) {
		var refs []string
		for _, jf := range flows {
			refs = append(refs, refOf(jf.en))
		}
		marks, err := g.phaseRefs(flows)
		e := report.Entry{Name: name, Paper: "Sec. 5", Refs: refs, Caption: caption + ends + citeRefs(marks)}
		items = append(items, report.Item{Entry: e, Make: func() (*report.Figure, error) {
			if err != nil {
				return nil, err
			}
			return phaseFigure(title, marks, flows, label, by...)
		}})
	}
	for _, from := range sortedKeys(byFrom) {
		where := orUnknown(from, "an unknown start")
		add("phase-diagram-from-"+stem(orUnknown(from, "unknown")), "flows from "+where+": thermometer mean",
			"the phase diagram with the path of the (T, Δ) thermometer's mean for the flow of every RBM from "+where+".",
			byFrom[from], func(jf jointFlow) string { return orUnknown(jf.rbm, jf.en.Name) }, "mean")
	}
	for _, rbm := range sortedKeys(byRBM) {
		who := orUnknown(rbm, "an RBM not in their lineage")
		add("phase-diagram-"+stem(orUnknown(rbm, "unknown-rbm")), "flows of "+who+": thermometer mean and mode",
			"the phase diagram with the paths of the (T, Δ) thermometer's mean and mode for the flows of "+who+".",
			byRBM[rbm], func(jf jointFlow) string { return orUnknown(jf.from, jf.en.Name) }, "mean", "mode")
	}
	return items
}

// stem makes a selection such as "T=0.4 Delta=0" a file stem.
func stem(s string) string {
	return strings.NewReplacer("=", "", " ", "-", "/", "_", "\\", "_").Replace(s)
}

func orUnknown(s, unknown string) string {
	if s == "" {
		return unknown
	}
	return s
}

// phaseRefs are the marks of a phase diagram of flows: the references on
// the (Δ, T) plane of the models of the flows' data, each once.
func (g *gather) phaseRefs(flows []jointFlow) ([]report.PhaseRef, error) {
	var marks []report.PhaseRef
	for _, jf := range flows {
		refs, err := g.refsOf(jf.en)
		if err != nil {
			return nil, err
		}
		marks = addPhaseRefs(marks, refs.phase()...)
	}
	return marks, nil
}

func phaseFigure(title string, marks []report.PhaseRef, flows []jointFlow, label func(jointFlow) string, by ...string) (*report.Figure, error) {
	var paths []report.Path
	for _, jf := range flows {
		for _, b := range by {
			p, err := report.FlowPath(label(jf)+" ("+b+")", jf.arrays, b)
			if err != nil {
				return nil, err
			}
			paths = append(paths, p)
		}
	}
	return report.PhaseDiagram(title, marks, paths...)
}

// gridCorners returns the first configuration at each corner of a (T, Δ)
// grid — lowest and highest T at lowest and highest Δ, the ordered, empty
// and disordered ends of the Blume-Capel phase diagram — and their labels.
func gridCorners(configs []int8, sites int, T, D []float64) ([][]int8, []string) {
	if len(T) == 0 || len(D) != len(T) {
		return nil, nil
	}
	tl, th, dl, dh := slices.Min(T), slices.Max(T), slices.Min(D), slices.Max(D)
	var out [][]int8
	var labels []string
	for _, c := range [][2]float64{{tl, dl}, {tl, dh}, {th, dl}, {th, dh}} {
		label := fmt.Sprintf("T = %s, Δ = %s", formatNumber(c[0]), formatNumber(c[1]))
		if slices.Contains(labels, label) {
			continue // a grid with one T or one Δ
		}
		for i := range T {
			if T[i] == c[0] && D[i] == c[1] {
				out, labels = append(out, configs[i*sites:(i+1)*sites]), append(labels, label)
				break
			}
		}
	}
	return out, labels
}
