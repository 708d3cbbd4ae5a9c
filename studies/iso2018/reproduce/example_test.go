package reproduce_test

import (
	"fmt"

	"github.com/rgml/rgml/studies/iso2018/reproduce"
)

// A type L flow judged by Fig. 11's criterion, from the start its caption
// gives (T = 6): the thermometer's mode ends at or below T = 1.25. The
// flows from T = 0 and 2.25 are reported beyond the paper, not judged.
func ExampleFinalMode() {
	classes := []float64{0, 0.25, 0.5, 0.75, 1, 1.25, 1.5}
	read := func(k int) []float64 { d := make([]float64, len(classes)); d[k] = 1; return d }
	flows := map[reproduce.FlowKey]reproduce.Flow{}
	L64 := reproduce.RBM{Kind: reproduce.TypeL, Hidden: 64}
	for _, from := range reproduce.Starts {
		flows[reproduce.FlowKey{RBM: L64, From: from}] = reproduce.Flow{
			Iterations: []int64{0, 1000}, Classes: classes, Distribution: [][]float64{read(6), read(1)},
		}
	}
	flows[reproduce.FlowKey{RBM: L64, From: 0}] = reproduce.Flow{
		Iterations: []int64{0, 1000}, Classes: classes, Distribution: [][]float64{read(0), read(6)},
	}
	v := reproduce.FinalMode("flow-l", "Fig. 11", "", flows, []reproduce.RBM{L64}, []float64{6}, reproduce.LowT, false)
	fmt.Println(v)
	fmt.Println("beyond the paper:", v.Beyond)
	delete(flows, reproduce.FlowKey{RBM: L64, From: 6})
	v = reproduce.FinalMode("flow-l", "Fig. 11", "", flows, []reproduce.RBM{L64}, []float64{6}, reproduce.LowT, false)
	fmt.Println(v)
	// Output:
	// pass    flow-l           Fig. 11 — L64 from 6: mode 0.25 (mean 0.25) at 1000 ✓
	// beyond the paper: L64 from 0: mode 1.5 (mean 1.50) at 1000 ✗; L64 from 2.25: mode 0.25 (mean 0.25) at 1000 ✓
	// ABSENT  flow-l           Fig. 11 — missing input: no flow of L64 from T = 6
}
