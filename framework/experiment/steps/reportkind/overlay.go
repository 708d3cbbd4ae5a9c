package reportkind

import (
	"fmt"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// OverlayFigure draws several entries on one figure, one colour each,
// named by what differs between them: kind "history" (models: small
// multiples, one panel per quantity of their training histories) or
// "flow" (flows: the mean measured temperature against flow iteration,
// with the temperatures the first flow's model declares dashed).
func OverlayFigure(s *registry.Store, kind string, entries []registry.Entry) (*report.Figure, error) {
	g := newGather(s)
	var ov []report.Overlaid
	var labels []string // what each flow's thermometer reads
	for _, en := range entries {
		o := report.Overlaid{Name: en.Ref(), Params: g.overlayParams(en)}
		switch kind {
		case "history":
			h, err := trainedHistory(s, en)
			if err != nil {
				return nil, err
			}
			ep := epochs(h)
			for _, name := range h.MetricNames() {
				o.Series = append(o.Series, report.Series{Label: name, X: ep, Y: h.Metrics[name]})
			}
		case "flow":
			f, err := ReadFlowDistribution(s, en)
			if err != nil {
				return nil, err
			}
			o.Series = []report.Series{meanMeasured(f)}
			labels = append(labels, f.Label)
		default:
			return nil, usagef("plot %s draws one entry; several overlay only in history and flow", kind)
		}
		ov = append(ov, o)
	}
	if kind == "history" {
		return report.OverlayMultiples("training histories", "epoch", ov)
	}
	refs, err := g.refsOf(entries[0])
	if err != nil {
		return nil, err
	}
	if slices.ContainsFunc(labels, func(l string) bool { return l != labels[0] }) {
		return nil, usagef("plot flow: the flows' thermometers read %s: overlay flows of one label", strings.Join(slices.Compact(slices.Sorted(slices.Values(labels))), ", "))
	}
	return report.OverlayLines(report.LineOptions{Title: "mean measured temperature of each flow", XLabel: "flow iteration",
		YLabel: "mean measured " + report.Symbol(labels[0]), HLines: refs.lines(labels[0])}, ov)
}

// meanMeasured is a flow's mean measured temperature per iteration: the
// one number per iteration that several flows can share a plot by.
func meanMeasured(f FlowDistribution) report.Series {
	s := report.Series{Label: "mean measured " + report.Symbol(f.Label)}
	for i, it := range f.Iterations {
		var sum, w float64
		for j, c := range f.Classes {
			sum += c * f.Distribution[i][j]
			w += f.Distribution[i][j]
		}
		s.X = append(s.X, float64(it))
		s.Y = append(s.Y, sum/w)
	}
	return s
}

// overlayParams are what an entry's lineage says it was made with:
// plugin, algorithm, seed, parameters, hyper-parameters and inputs
// (role=NAME:VERSION), as text, for the legend to pick the differing.
func (g *gather) overlayParams(en registry.Entry) map[string]string {
	l := g.manifest(en).Lineage
	out := map[string]string{"seed": fmt.Sprint(l.Seed)}
	if l.Plugin != nil {
		out["plugin"] = l.Plugin.Name
	}
	if l.Algorithm != "" {
		out["algorithm"] = l.Algorithm
	}
	for _, m := range []map[string]any{l.Parameters, l.HyperParameters} {
		for k, v := range m {
			out[k], _ = paramValue(v)
		}
	}
	for _, in := range l.Inputs {
		if e, err := g.s.Lookup(in.Digest); err == nil {
			out[in.Role] = e.Ref()
		}
	}
	return out
}
