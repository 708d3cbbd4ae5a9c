package flow

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

// nanModel measures every configuration's energy as its index, but the
// third's as NaN.
type nanModel struct{}

func (nanModel) Observables(_ context.Context, _ sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	v := make([]float64, len(configs)/(size*size))
	for i := range v {
		v[i] = float64(i)
	}
	v[2] = math.NaN()
	return map[string][]float64{"energy": v}, nil
}

// A model's NaN observable fails the read-out instead of making every
// grid point's distance NaN.
func TestGridObservablesRefusesNaN(t *testing.T) {
	d := sdk.Dataset{Size: 2, Configs: make([]int8, 4*4), Labels: map[string][]float64{"T": {1, 1, 2, 2}, "Delta": {0, 0, 0, 0}}}
	_, err := GridObservables(context.Background(), nanModel{}, []sdk.Observable{{Name: "energy"}}, sdk.Params{}, d, "T", "Delta")
	if want := "the model returned NaN as energy of configuration 2"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want %q", err, want)
	}
}
