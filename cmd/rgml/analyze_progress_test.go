package main

import (
	"strings"
	"testing"
)

// A finished analysis ends its progress at 1/1, not at 0/1 (0 %).
func TestAnalyzeProgressEndsDone(t *testing.T) {
	mustRgml(t, "sample", "--model", "ising", "--param", "T=0,6", "--L", "4", "--per-point", "10", "--name", "d")
	mustRgml(t, "train", "--learner", "rbm", "--data", "d", "--set", "hidden=4", "--set", "epochs=2", "--name", "r")
	code, _, stderr := rgml(t, "analyze", "--analyzer", "spectrum", "--models", "r", "--data", "d")
	if code != 0 {
		t.Fatalf("analyze: exit %d: %s", code, stderr)
	}
	if !strings.Contains(stderr, "1/1 analysis (100%)") || strings.Contains(stderr, "0/1") {
		t.Errorf("progress of a finished analysis: %q", stderr)
	}
}
