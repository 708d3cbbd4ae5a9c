package thermometer

import (
	"slices"

	"github.com/rgml/rgml/framework/sdk"
)

// The thermometer reads a site's value directly when the dataset's state
// space lies within {−1, 0, +1} (Ising and Blume-Capel data, as in the
// paper) and one-hot otherwise: for states s_0 < … < s_{q−1} (a Potts
// model's {0, 1, 2}), site i becomes the q inputs δ(σ_i, s_k), input
// i·q + k, so that no order or spacing of the values is implied. W1 then
// has sites·q rows and the weights carry the states.

// TensorStates names the states of one-hot inputs, int8 [q].
const TensorStates = "states"

// inputStates returns the states the inputs encode one-hot, or nil when
// the data's values are read directly.
func inputStates(d sdk.Dataset) ([]int8, error) {
	states := d.States()
	if err := sdk.CheckStateSpace(states); err != nil {
		return nil, err
	}
	for _, s := range states {
		if s < -1 || s > 1 {
			return states, nil
		}
	}
	return nil, nil
}

// oneHot returns the configurations of sites sites encoded one-hot over
// states (int8 0 or 1, sites·q per configuration).
func oneHot(what string, c []int8, sites int, states []int8) ([]int8, error) {
	var index [256]int16
	for i := range index {
		index[i] = -1
	}
	for k, s := range states {
		index[uint8(s)] = int16(k)
	}
	q := len(states)
	out := make([]int8, len(c)*q)
	for i, v := range c {
		k := index[uint8(v)]
		if k < 0 {
			return nil, sdk.InvalidArgument("%s: configuration %d, site %d: value %d is not one of the states %v the thermometer "+
				"was trained on", what, i/sites, i%sites, v, states)
		}
		out[i*q+int(k)] = 1
	}
	return out, nil
}

// encodeSet returns a dataset's configurations as the network's inputs and
// the inputs per configuration.
func encodeSet(what string, d sdk.Dataset, states []int8) ([]int8, int, error) {
	if states == nil {
		return d.Configs, d.Sites(), nil
	}
	c, err := oneHot(what, d.Configs, d.Sites(), states)
	return c, d.Sites() * len(states), err
}

// statesOf reads the optional states tensor of weights whose W1 has rows
// rows: nil for direct inputs.
func statesOf(ws []sdk.Tensor, rows int, what string) ([]int8, error) {
	t, ok := sdk.FindTensor(ws, TensorStates)
	if !ok {
		return nil, nil
	}
	states, isInt8 := t.Data.([]int8)
	if !isInt8 || len(t.Shape) != 1 || len(states) < 2 || rows%len(states) != 0 {
		return nil, sdk.InvalidArgument("%s: tensor %s is %s %v; W1's %d rows need int8 [q], q dividing them", what, TensorStates, dtype(t.Data), t.Shape, rows)
	}
	if err := sdk.CheckStateSpace(states); err != nil {
		return nil, sdk.InvalidArgument("%s: tensor %s: %v", what, TensorStates, err)
	}
	return slices.Clone(states), nil
}
