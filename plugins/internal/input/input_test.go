package input

import (
	"errors"
	"reflect"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
)

func TestGroups(t *testing.T) {
	values, members := Groups([]float64{3, 1, 3, 2, 1})
	if !reflect.DeepEqual(values, []float64{1, 2, 3}) || !reflect.DeepEqual(members, [][]int{{1, 4}, {3}, {0, 2}}) {
		t.Errorf("Groups: %v %v", values, members)
	}
}

func TestConfigsAndMatrix(t *testing.T) {
	c := []int8{1, -1, 1, 1, -1, -1, -1, 1}
	if _, n, err := Configs(sdk.Tensor{Name: "c", Shape: []int{2, 4}, Data: c}, 2); err != nil || n != 2 {
		t.Errorf("[2, 4] at L = 2: n %d, %v", n, err)
	}
	if _, n, err := Configs(sdk.Tensor{Name: "c", Shape: []int{2, 2, 2}, Data: c}, 2); err != nil || n != 2 {
		t.Errorf("[2, 2, 2] at L = 2: n %d, %v", n, err)
	}
	for name, tn := range map[string]sdk.Tensor{
		"another lattice": {Name: "c", Shape: []int{1, 8}, Data: c},
		"not int8":        {Name: "c", Shape: []int{2, 4}, Data: make([]float64, 8)},
		"a zero spin":     {Name: "c", Shape: []int{2, 4}, Data: []int8{1, 0, 1, 1, 1, 1, 1, 1}},
	} {
		if _, _, err := Configs(tn, 2); !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: %v", name, err)
		}
	}
	w := sdk.Tensor{Name: "W", Shape: []int{4, 3}, Data: make([]float32, 12)}
	if _, r, c, err := Matrix(w, 4, "weights"); err != nil || r != 4 || c != 3 {
		t.Errorf("Matrix: %d×%d, %v", r, c, err)
	}
	if _, _, _, err := Matrix(w, 9, "weights"); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("W of 4 rows for N_v = 9: %v", err)
	}
	if _, err := Labels(sdk.Tensor{Name: "T", Shape: []int{3}, Data: []float64{1, 2, 3}}, 2); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("3 labels for 2 configurations: %v", err)
	}
}
