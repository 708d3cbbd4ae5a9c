package reproduce

import (
	"fmt"
	"math"
)

// Control judges a control RBM of Veiga & Vicente (2020) (random weights;
// trained on T = 0 and ∞ only): it sets the thermometer beside a
// thermometer-free reading. energyT holds, per flow key and iteration, the
// temperature implied by the mean energy of the flowed configurations
// (the correlations analyzer's exact-energy inversion; +Inf above every
// finite T). Pass means the thermometer's final mode lies within one grid
// step of the energy's temperature for every start, i.e. the thermometer's
// reading is backed by the configurations; Fail means it is not (what the
// critics predicted for random weights) — either way the row shows both
// numbers.
func Control(row string, flows map[FlowKey]Flow, energyT map[FlowKey][]float64, r RBM) Verdict {
	v := Verdict{Row: row, Paper: "controls", Says: "not the paper's: Veiga & Vicente (2020) found that the thermometer reads ≈ T_c even for random weights", Criterion: fmt.Sprintf(
		"%s, flows from T = 0, 2.25, 6: the thermometer's final mode within one grid step of the temperature implied by the flowed configurations' energy (taken as the grid's end when beyond it: the thermometer cannot read further)", r)}
	return eachFlow(v, flows, []RBM{r}, Starts, func(k FlowKey, f Flow, step float64) (bool, string, error) {
		e := energyT[k]
		if len(e) != len(f.Iterations) {
			return false, "", missing("energy-implied temperatures of the flow of %s from T = %s: %d for %d iterations",
				r, fmtT(k.From), len(e), len(f.Iterations))
		}
		_, m := f.Final()
		te := e[len(e)-1]
		read, beyond := te, ""
		if lo, hi := f.Classes[0], f.Classes[len(f.Classes)-1]; te > hi || te < lo {
			read = math.Max(lo, math.Min(hi, te))
			beyond = fmt.Sprintf(" (beyond the grid: %s)", fmtT(read))
		}
		return near(m, read, step), fmt.Sprintf("%s, energy says T = %s%s", finalText(f), fmtT(te), beyond), nil
	})
}
