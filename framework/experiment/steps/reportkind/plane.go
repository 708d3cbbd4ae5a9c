package reportkind

import (
	"fmt"
	"slices"
	"strings"

	"gonum.org/v1/plot"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/grid"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// A flow read by a thermometer of two parameters (twoparam.go) has no
// one-parameter distribution to draw: the report draws instead its
// distribution on the thermometer's grid, its thermometer-free
// observables, and, for all such flows together, their paths on the
// plane of the two parameters, with the references the data's model
// declares on that plane.

// planeFlow is a two-parameter flow's entry and its file.
type planeFlow struct {
	en    registry.Entry
	rbm   string // the flowing RBM's name, "" if its lineage does not say
	from  string // its starting selection, e.g. "T=0.4 Delta=0"
	where []string
	ax    report.Axes
	flow  formats.Flow
}

// planeFlowOf returns the file of a flow read by a two-parameter
// thermometer and the plane it lies on; ok is false for any other flow,
// and for one whose file cannot be read (its figure then says why).
func (g *gather) planeFlowOf(en registry.Entry) (formats.Flow, report.Axes, bool) {
	f, err := stepdata.ReadFlow(g.s, en)
	if err != nil {
		return formats.Flow{}, report.Axes{}, false
	}
	ax, ok := planeAxes(f)
	return f, ax, ok
}

// planeAxes are the two parameters a flow's thermometer reads, in the
// order of its classes' columns: the first is drawn up, the second
// across.
func planeAxes(f formats.Flow) (report.Axes, bool) {
	p := f.Params()
	if len(p) != 2 {
		return report.Axes{}, false
	}
	return report.Axes{X: p[1], Y: p[0]}, true
}

// planeFlowItems are the figures of one two-parameter flow; the flow is
// kept for the plane diagrams.
func (g *gather) planeFlowItems(en registry.Entry, base report.Entry, f formats.Flow, ax report.Axes) []report.Item {
	pf := planeFlow{en: en, ax: ax, flow: f}
	if w, ok := g.manifest(en).Lineage.Extra["where"].([]any); ok {
		for _, x := range w {
			pf.where = append(pf.where, fmt.Sprint(x))
		}
		pf.from = strings.Join(pf.where, " ")
	}
	if rbm, ok := g.input(en, "rbm"); ok {
		pf.rbm = rbm.Name
	}
	g.plane = append(g.plane, pf)
	plane := fmt.Sprintf("(%s, %s)", report.Symbol(ax.Y), report.Symbol(ax.X))
	dist := base
	dist.Name, dist.Group = "flow-"+en.Name, "flows"
	g.figure(dist.Name, ReportFigure{Kind: "flow-grid", Entry: en})
	dist.Caption = "the " + plane + " thermometer's distribution on its grid after each iteration count of " + flowRef(en) + flowFrom(g, en) +
		" (colour: the share of the configurations read at each grid point)"
	obs := base
	obs.Name, obs.Label, obs.Group = "flow-"+en.Name+"-observables", "thermometer-free check", "checks"
	obs.Caption = "thermometer-free readings of " + flowRef(en) + ": the averages over the flowed configurations of the " +
		"observables their model declares (⟨|O|⟩ of one symmetric under a change of sign), measured by the model at the " +
		"flow's start, against iteration count (iteration 0: the Monte Carlo input)"
	items := []report.Item{{Entry: dist, Make: func() (*report.Figure, error) { return planeGridFigure(en, f, ax) }}}
	if len(f.Two.Observables) == 0 {
		return items // data no model sampled: nothing measured them
	}
	g.figure(obs.Name, ReportFigure{Kind: "flow-observables", Entry: en})
	return append(items, report.Item{Entry: obs, Make: func() (*report.Figure, error) { return planeObservablesFigure(en, f) }})
}

func planeGridFigure(en registry.Entry, f formats.Flow, ax report.Axes) (*report.Figure, error) {
	rows := make([][]float64, len(f.Iterations))
	for i := range rows {
		rows[i] = f.Row(i)
	}
	title := fmt.Sprintf("%s on the (%s, %s) grid", flowRef(en), report.Symbol(ax.Y), report.Symbol(ax.X))
	return report.GridDistributions(title, ax, f.Classes, f.Iterations, rows)
}

func planeObservablesFigure(en registry.Entry, f formats.Flow) (*report.Figure, error) {
	its := f.Iterations
	// Iteration counts span decades and start at 0 (the Monte Carlo
	// input): evenly spaced, labelled with their counts.
	x, itv := make([]float64, len(its)), make([]float64, len(its))
	var ticks []plot.Tick
	for i, v := range its {
		x[i], itv[i] = float64(i), float64(v)
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: fmt.Sprint(v)})
	}
	if f.Two == nil || len(f.Two.Observables) == 0 {
		return nil, fmt.Errorf("%s: %s has no observables per iteration", en, formats.FlowFile)
	}
	var ss []report.Series
	data := []npz.Array{npz.Float64("iteration", itv, len(itv))}
	for _, o := range f.Two.Observables {
		ss = append(ss, report.Series{Label: o.Label(), X: x, Y: o.Values})
		data = append(data, npz.Float64(o.Column(), o.Values, len(o.Values)))
	}
	fig, err := report.Lines(report.LineOptions{Title: flowRef(en) + ": thermometer-free readings",
		XLabel: "flow iteration (evenly spaced counts)", YLabel: "value"}, ss...)
	if err != nil {
		return nil, err
	}
	fig.Plot.X.Tick.Marker = plot.ConstantTicks(ticks)
	fig.Data = data
	return fig, nil
}

// planeItems are the plane diagrams of the two-parameter flows gathered:
// per starting point, the mean path of every RBM's flow from it; per RBM,
// the mean and mode paths of its flows. Flows on different planes are
// never drawn together.
func (g *gather) planeItems() []report.Item {
	if len(g.plane) == 0 {
		return nil
	}
	ends := " Each path runs from its starting point (open circle, the parameters the flow started from) " +
		"through its first reading (the first iteration count) to its last (square)."
	byFrom, byRBM := map[string][]planeFlow{}, map[string][]planeFlow{}
	for _, pf := range g.plane {
		byFrom[pf.from] = append(byFrom[pf.from], pf)
		byRBM[pf.rbm] = append(byRBM[pf.rbm], pf)
	}
	var items []report.Item
	add := func(name, title, caption string, flows []planeFlow, label func(planeFlow) string, by ...string) {
		for _, part := range byAxes(flows) {
			var refs []string
			for _, pf := range part {
				refs = append(refs, refOf(pf.en))
			}
			ax := part[0].ax
			n := name
			if len(items) > 0 && slices.ContainsFunc(items, func(it report.Item) bool { return it.Name == n }) {
				n += "-" + stem(ax.X+"-"+ax.Y)
			}
			marks, err := g.planeRefs(part, ax)
			g.figure(n, ReportFigure{Kind: "flow-paths"})
			e := report.Entry{Name: n, Refs: refs, Caption: caption + ends + citeRefs(marks, ax), Group: "flow paths"}
			items = append(items, report.Item{Entry: e, Make: func() (*report.Figure, error) {
				if err != nil {
					return nil, err
				}
				return planeFigure(title, ax, marks, part, label, by...)
			}})
		}
	}
	for _, from := range sortedKeys(byFrom) {
		where := orUnknown(from, "an unknown start")
		add("phase-diagram-from-"+stem(orUnknown(from, "unknown")), "flows from "+where+": thermometer mean",
			"the plane of the thermometer's parameters with the path of its mean for the flow of every RBM from "+where+".",
			byFrom[from], func(pf planeFlow) string { return orUnknown(pf.rbm, pf.en.Name) }, "mean")
	}
	for _, rbm := range sortedKeys(byRBM) {
		who := orUnknown(rbm, "an RBM not in their lineage")
		add("phase-diagram-"+stem(orUnknown(rbm, "unknown-rbm")), "flows of "+who+": thermometer mean and mode",
			"the plane of the thermometer's parameters with the paths of its mean and mode for the flows of "+who+".",
			byRBM[rbm], func(pf planeFlow) string { return orUnknown(pf.from, pf.en.Name) }, "mean", "mode")
	}
	return items
}

// byAxes splits flows by the plane they lie on, in order of first
// appearance.
func byAxes(flows []planeFlow) [][]planeFlow {
	var out [][]planeFlow
	for _, pf := range flows {
		i := slices.IndexFunc(out, func(part []planeFlow) bool { return part[0].ax == pf.ax })
		if i < 0 {
			out = append(out, nil)
			i = len(out) - 1
		}
		out[i] = append(out[i], pf)
	}
	return out
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

// planeRefs are the marks of a plane diagram of flows: the references on
// the plane of the models of the flows' data, each once.
func (g *gather) planeRefs(flows []planeFlow, ax report.Axes) ([]report.PlaneRef, error) {
	var marks []report.PlaneRef
	for _, pf := range flows {
		refs, err := g.refsOf(pf.en)
		if err != nil {
			return nil, err
		}
		marks = addPlaneRefs(marks, refs.plane(ax)...)
	}
	return marks, nil
}

func planeFigure(title string, ax report.Axes, marks []report.PlaneRef, flows []planeFlow, label func(planeFlow) string, by ...string) (*report.Figure, error) {
	var paths []report.Path
	for _, pf := range flows {
		for _, b := range by {
			p, err := planePath(label(pf)+" ("+b+")", pf.flow, ax, b)
			if err != nil {
				return nil, err
			}
			p.Start = startOf(pf.where, ax)
			paths = append(paths, p)
		}
	}
	return report.PlaneFlows(title, ax, marks, paths...)
}

// planePath is a flow's path on the plane ax, by the thermometer's mean
// or mode reading, or by the nearest Monte Carlo point ("eq").
func planePath(label string, f formats.Flow, ax report.Axes, by string) (report.Path, error) {
	read := map[string]func(string) []float64{"mean": f.Mean, "mode": f.Mode, "eq": f.Equilibrium}[by]
	if read == nil {
		return report.Path{}, fmt.Errorf("path by %q: want mean, mode or eq", by)
	}
	x, y := read(ax.X), read(ax.Y)
	if x == nil || y == nil {
		return report.Path{}, fmt.Errorf("flow %s has no %s reading of %s and %s: is it read by a thermometer of (%s, %s)?", label, by, ax.X, ax.Y, ax.X, ax.Y)
	}
	return report.Path{Label: label, X: x, Y: y}, nil
}

// startOf is the point {x, y} a flow started from, when its selection
// fixes both parameters of the plane to one value each; nil otherwise.
func startOf(where []string, ax report.Axes) []float64 {
	axes, err := stepdata.ParseWhere(where)
	if err != nil {
		return nil
	}
	at := func(name string) (float64, bool) {
		i := slices.IndexFunc(axes, func(a grid.Axis) bool { return a.Name == name })
		if i < 0 || len(axes[i].Values) != 1 {
			return 0, false
		}
		return axes[i].Values[0], true
	}
	x, okX := at(ax.X)
	y, okY := at(ax.Y)
	if !okX || !okY {
		return nil
	}
	return []float64{x, y}
}

// gridCorners returns the first configuration at each corner of a grid
// of two parameters a and b — lowest and highest a at lowest and highest
// b — and their labels (names as the labels name the parameters).
func gridCorners(configs []int8, sites int, na, nb string, a, b []float64) ([][]int8, []string) {
	if len(a) == 0 || len(b) != len(a) {
		return nil, nil
	}
	al, ah, bl, bh := slices.Min(a), slices.Max(a), slices.Min(b), slices.Max(b)
	var out [][]int8
	var labels []string
	for _, c := range [][2]float64{{al, bl}, {al, bh}, {ah, bl}, {ah, bh}} {
		label := fmt.Sprintf("%s = %s, %s = %s", report.Symbol(na), formatNumber(c[0]), report.Symbol(nb), formatNumber(c[1]))
		if slices.Contains(labels, label) {
			continue // a grid with one value of a or b
		}
		for i := range a {
			if a[i] == c[0] && b[i] == c[1] {
				out, labels = append(out, configs[i*sites:(i+1)*sites]), append(labels, label)
				break
			}
		}
	}
	return out, labels
}
