package sample

import (
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// The move counts a chunk may carry: never negative, totals within int64.
func TestAssemblerRefusesImpossibleCounts(t *testing.T) {
	up := []int8{1, 1, 1, 1}
	for _, c := range []struct {
		cluster bool
		chunks  []sdk.SampleChunk
		want    string // "" accepted
	}{
		{false, []sdk.SampleChunk{{Configs: up, Attempts: 10, Accepted: 10}}, ""},
		{false, []sdk.SampleChunk{{Configs: up, Attempts: 10, Accepted: -1}}, "sent 10 moves attempted and -1 accepted for point 0: counts cannot be negative"},
		{false, []sdk.SampleChunk{{Configs: up, Attempts: -4, Accepted: 0}}, "counts cannot be negative"},
		{false, []sdk.SampleChunk{{Configs: up, Attempts: 3, Accepted: 40}}, ""}, // a hybrid algorithm's clusters
		{false, []sdk.SampleChunk{{Configs: up, Attempts: math.MaxInt64, Accepted: 1}, {First: 1, Configs: up, Attempts: 1}}, "the totals overflow int64"},
		{true, []sdk.SampleChunk{{Configs: up, Attempts: 2, Accepted: 7}}, ""},
		{true, []sdk.SampleChunk{{Configs: up, Attempts: 2, Accepted: -7}}, "sent 2 clusters and -7 cluster spins for point 0: counts cannot be negative"},
		{true, []sdk.SampleChunk{{Configs: up, Attempts: 1, Accepted: math.MaxInt64}, {First: 1, Configs: up, Accepted: 1}}, "the totals overflow int64"},
	} {
		a := NewAssembler(1, 2, 4, []int8{-1, 1}, c.cluster)
		var err error
		for _, ch := range c.chunks {
			if _, err = a.Add(ch); err != nil {
				break
			}
		}
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%+v: %v", c.chunks, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%+v: error %v, want %q", c.chunks, err, c.want)
		}
	}
}

// Values outside the declared state space are refused; a model that
// declares none may send any.
func TestAssemblerChecksStates(t *testing.T) {
	a := NewAssembler(2, 1, 3, []int8{0, 1, 2}, false)
	if _, err := a.Add(sdk.SampleChunk{Configs: []int8{0, 1, 2}}); err != nil {
		t.Fatal(err)
	}
	_, err := a.Add(sdk.SampleChunk{Point: 1, Configs: []int8{2, 7, 7}})
	if want := "sent configuration 0 of point 1, site 1: value 7 is not in the state space [0 1 2] it declares"; err == nil || err.Error() != want {
		t.Errorf("error %v, want %q", err, want)
	}
	if err := a.Complete(); err == nil {
		t.Error("the refused chunk was kept")
	}
	if _, err := NewAssembler(1, 1, 3, nil, false).Add(sdk.SampleChunk{Configs: []int8{7, -7, 0}}); err != nil {
		t.Errorf("no declared state space: %v", err)
	}
}
