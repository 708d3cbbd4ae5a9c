package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
)

// A thermometer trained with --label Delta gave a table headed T_MEAN
// T_MODE: the columns take the label the thermometer learned.
func TestFlowTableNamesTheLabel(t *testing.T) {
	var out bytes.Buffer
	r := experiment.FlowResult{Labels: []string{"Delta"}, Iterations: []int64{0}, TMean: []float64{0.5},
		TMode: []float64{0.5}, Classes: []float64{0, 1}, Distribution: []float64{0.5, 0.5}}
	printFlow(&env{stdout: &out}, r)
	head, _, _ := strings.Cut(out.String(), "\n")
	if !strings.Contains(head, "DELTA_MEAN") || !strings.Contains(head, "DELTA_MODE") || strings.Contains(head, "T_MEAN") {
		t.Errorf("header %q: want DELTA_MEAN and DELTA_MODE", head)
	}
}
