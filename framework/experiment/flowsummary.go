package experiment

import (
	"fmt"
	"strings"

	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/registry"
)

// FlowSummary is one line on the thermometer reading of the flow with
// digest d that a run registered as its step name: its mode and mean
// before the first and after the last iteration count, and for a joint
// (T, Δ) reading the flowed observables and nearest Monte Carlo points
// too. It is "" when the flow cannot be read or holds no such reading:
// the summary is a courtesy after a run, never a reason to fail it.
func FlowSummary(s *registry.Store, name, d string) string {
	en, err := s.Lookup(d)
	if err != nil {
		return ""
	}
	f, err := ReadFlow(s, en)
	if err != nil {
		return ""
	}
	its, n, p := f.Iterations, len(f.Iterations)-1, f.Params()
	if len(p) == 1 {
		mode, mean := f.Mode(p[0]), f.Mean(p[0])
		return fmt.Sprintf("%s: thermometer mode %g → %g, mean %.2f → %.2f (iterations %d → %d)",
			name, mode[0], mode[n], mean[0], mean[n], its[0], its[n])
	}
	x, y := p[0], p[1]
	mx, my, ax, ay := f.Mode(x), f.Mode(y), f.Mean(x), f.Mean(y)
	ex, ey, t := f.Equilibrium(x), f.Equilibrium(y), f.Two
	line := fmt.Sprintf("%s: thermometer mode (%s, %s) (%g, %g) → (%g, %g), mean (%.2f, %.2f) → (%.2f, %.2f) (iterations %d → %d)",
		name, report.Symbol(x), report.Symbol(y), mx[0], my[0], mx[n], my[n], ax[0], ay[0], ax[n], ay[n], its[0], its[n])
	if len(t.Observables) == 0 {
		return line
	}
	var labels, first, last []string
	for _, o := range t.Observables {
		labels = append(labels, o.Label())
		first, last = append(first, fmt.Sprintf("%.2f", o.Values[0])), append(last, fmt.Sprintf("%.2f", o.Values[n]))
	}
	return fmt.Sprintf("%s; %s %s → %s, nearest Monte Carlo point (%g, %g) → (%g, %g)", line,
		strings.Join(labels, ", "), strings.Join(first, ", "), strings.Join(last, ", "), ex[0], ey[0], ex[n], ey[n])
}
