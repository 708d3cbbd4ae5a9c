package experiment

import (
	"fmt"

	"github.com/rgml/rgml/framework/npz"
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
	arrays, err := ReadNPZ(s, en, FlowFile)
	if err != nil {
		return ""
	}
	var its []int64
	if a, ok := npz.Find(arrays, "iterations"); ok {
		its, _ = a.Data.([]int64)
	}
	col := func(n string) []float64 { return npz.Float64s(arrays, n) }
	mode, mean := col("T_mode"), col("T_mean")
	n := len(its)
	if n == 0 || len(mode) != n || len(mean) != n {
		return ""
	}
	if dm, dmean := col("Delta_mode"), col("Delta_mean"); len(dm) == n && len(dmean) == n {
		line := fmt.Sprintf("%s: thermometer mode (T, Δ) (%g, %g) → (%g, %g), mean (%.2f, %.2f) → (%.2f, %.2f) (iterations %d → %d)",
			name, mode[0], dm[0], mode[n-1], dm[n-1], mean[0], dmean[0], mean[n-1], dmean[n-1], its[0], its[n-1])
		if m, q, nn, eT, eD := col("abs_m"), col("s2"), col("nn"), col("eq_T"), col("eq_Delta"); len(m) == n && len(q) == n &&
			len(nn) == n && len(eT) == n && len(eD) == n {
			line += fmt.Sprintf("; |m|, <s²>, nn %.2f, %.2f, %.2f → %.2f, %.2f, %.2f, nearest Monte Carlo point (%g, %g) → (%g, %g)",
				m[0], q[0], nn[0], m[n-1], q[n-1], nn[n-1], eT[0], eD[0], eT[n-1], eD[n-1])
		}
		return line
	}
	return fmt.Sprintf("%s: thermometer mode %g → %g, mean %.2f → %.2f (iterations %d → %d)",
		name, mode[0], mode[n-1], mean[0], mean[n-1], its[0], its[n-1])
}
