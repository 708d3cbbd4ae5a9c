package sdk_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

// statesLearner returns, as its weights, the state space its training and
// test sets arrived with.
type statesLearner struct{ meanLearner }

func (statesLearner) Train(ctx context.Context, req sdk.TrainRequest, ev sdk.TrainEvents) ([]sdk.Tensor, error) {
	out := []sdk.Tensor{{Name: "W", Shape: []int{len(req.Train.StateSpace)}, Data: slices.Clone(req.Train.StateSpace)}}
	if req.Test != nil {
		out = append(out, sdk.Tensor{Name: "test", Shape: []int{len(req.Test.StateSpace)}, Data: slices.Clone(req.Test.StateSpace)})
	}
	return out, nil
}

// The declared state space reaches the learner with the data; data outside
// it, and a state space a learner cannot take, are the user's mistake, in
// one line.
func TestStateSpaceCrossesTheWire(t *testing.T) {
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Learner: statesLearner{}}))
	defer client.Close()
	raw, err := client.Dispense(sdk.KindLearner)
	if err != nil {
		t.Fatal(err)
	}
	l := raw.(sdk.Learner)
	ctx := context.Background()
	potts := sdk.Dataset{Size: 2, Configs: []int8{0, 1, 2, 0, 2, 2, 1, 0}, StateSpace: []int8{0, 1, 2}}
	test := potts
	w, err := l.Train(ctx, sdk.TrainRequest{Train: potts, Test: &test}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"W", "test"} {
		got, ok := sdk.FindTensor(w, name)
		if !ok || !slices.Equal(got.Data.([]int8), []int8{0, 1, 2}) {
			t.Errorf("%s: the learner saw the state space %v, want [0 1 2]", name, got.Data)
		}
	}

	// Undeclared: nothing on the wire, nil at the learner.
	w, err = l.Train(ctx, sdk.TrainRequest{Train: sdk.Dataset{Size: 2, Configs: potts.Configs}}, &recorder{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := sdk.FindTensor(w, "W"); got.Len() != 0 {
		t.Errorf("undeclared state space arrived as %v", got.Data)
	}

	big := make([]int8, 128)
	for i := range big {
		big[i] = int8(i - 64)
	}
	for _, c := range []struct {
		name string
		d    sdk.Dataset
		want string
	}{
		{"value outside", sdk.Dataset{Size: 2, Configs: []int8{0, 1, 3, 0}, StateSpace: []int8{0, 1, 2}}, "value 3 is not in the state space [0 1 2]"},
		{"too many values", sdk.Dataset{Size: 2, Configs: []int8{0, 1, 2, 0}, StateSpace: big}, "128 values; at most 127"},
		{"repeated value", sdk.Dataset{Size: 2, Configs: []int8{0, 1, 1, 0}, StateSpace: []int8{0, 1, 0}}, "the value 0 twice"},
	} {
		_, err := l.Train(ctx, sdk.TrainRequest{Train: c.d}, &recorder{})
		if !errors.Is(err, sdk.ErrInvalidArgument) || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: %v, want one line InvalidArgument with %q", c.name, err, c.want)
		}
	}
}

func TestDatasetStates(t *testing.T) {
	d := sdk.Dataset{Size: 2, Configs: []int8{2, 0, 2, 0}}
	if got := d.States(); !slices.Equal(got, []int8{0, 2}) {
		t.Errorf("undeclared: %v, want the values found [0 2]", got)
	}
	d.StateSpace = []int8{2, -1, 0}
	if got := d.States(); !slices.Equal(got, []int8{-1, 0, 2}) {
		t.Errorf("declared: %v, want [-1 0 2]", got)
	}
}
