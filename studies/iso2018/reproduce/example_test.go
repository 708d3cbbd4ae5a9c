package reproduce_test

import (
	"fmt"

	"github.com/rgml/rgml/studies/iso2018/reproduce"
)

// A type L flow judged by Fig. 11's criterion: the thermometer's mode ends
// at or below T = 1.25.
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
	v := reproduce.FinalMode("flow-l", "Fig. 11", flows, []reproduce.RBM{L64}, reproduce.LowT, false)
	fmt.Println(v.Pass, v.Value)
	delete(flows, reproduce.FlowKey{RBM: L64, From: 6})
	v = reproduce.FinalMode("flow-l", "Fig. 11", flows, []reproduce.RBM{L64}, reproduce.LowT, false)
	fmt.Println(v)
	// Output:
	// true 1
	// MISSING flow-l           Fig. 11 — missing input: no flow of RBM L64 from T = 6
}
