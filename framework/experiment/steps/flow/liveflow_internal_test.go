package flow

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/registry"
)

// A running flow writes a line per iteration count its thermometer has
// read (the mean reading), is listed while it runs, and its folder is
// gone when it ends.
func TestFlowProgressFile(t *testing.T) {
	s, err := registry.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res := FlowResult{Iterations: []int64{0, 4, 8}, Labels: []string{"T"}, TMean: make([]float64, 3)}
	bar, end := liveFlow(s, "f", registry.NewHolder(), nopMeter{}, &res)
	res.TMean[0] = 2.5
	bar.Add(1)
	res.TMean[1] = 2.25
	bar.Add(1)
	flows := LiveFlows(s)
	if len(flows) != 1 || flows[0].Name != "f" {
		t.Fatalf("live flows %+v, want f", flows)
	}
	f, ok := LiveFlowByID(s, flows[0].ID())
	if !ok {
		t.Fatalf("LiveFlowByID(%s): not found", flows[0].ID())
	}
	rows, _, err := steps.LiveTail(filepath.Join(f.Dir, steps.LiveFile), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[1].Epoch != 4 || rows[1].Done != 2 || rows[1].Of != 3 || rows[1].Metrics["T mean"] != 2.25 {
		t.Fatalf("rows %+v, want iteration counts 0 and 4 with their T mean", rows)
	}
	end()
	if _, err := os.Stat(f.Dir); !os.IsNotExist(err) {
		t.Errorf("the flow's progress folder outlives it: %v", err)
	}
	if flows := LiveFlows(s); len(flows) != 0 {
		t.Errorf("an ended flow still listed: %+v", flows)
	}
}

type nopMeter struct{}

func (nopMeter) Add(int64)   {}
func (nopMeter) Note(string) {}
func (nopMeter) Done()       {}
func (nopMeter) Abort()      {}
