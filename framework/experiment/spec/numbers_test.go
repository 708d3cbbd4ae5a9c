package spec_test

import (
	"testing"

	"github.com/rgml/rgml/framework/experiment/spec"
)

// goccy/go-yaml reads 1e-3 (no dot) as a string: the scalar T: 1e-3 was
// read as the number, the same in a list was refused ("want a finite
// number, got a string").
func TestExponentInLists(t *testing.T) {
	s, err := spec.Parse("n.yaml", []byte(`datasets:
  - name: d
    model: ising
    params: {T: [1e-3, 1, "2E+1"]}
trainings:
  - name: r-{lr}
    learner: rbm
    data: d
    set: {lr: [0.1, 1e-3]}
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Datasets[0].Params[0].Values; len(got) != 3 || got[0] != 1e-3 || got[1] != 1 || got[2] != 20 {
		t.Errorf("params T = %v, want [0.001 1 20]", got)
	}
	var lrs []float64
	for _, tr := range s.Trainings {
		lrs = append(lrs, tr.Set["lr"])
	}
	if len(lrs) != 2 || lrs[0] != 0.1 || lrs[1] != 1e-3 {
		t.Errorf("set lr = %v, want [0.1 0.001]", lrs)
	}
	// A string that is no number is still refused.
	if _, err := spec.Parse("n.yaml", []byte("datasets:\n  - name: d\n    model: ising\n    params: {T: [1, hot]}\n")); err == nil {
		t.Error("params {T: [1, hot]} accepted")
	}
}
