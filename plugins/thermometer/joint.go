package thermometer

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/sdk"
)

// Joint classes: a label "T,Delta" makes the classes the distinct pairs
// (T, Δ) of the training set (the grid points of a Blume-Capel grid),
// sorted by T then Δ. The classes tensor is then float64 [classes, 2],
// row j holding class j's values, and predict's mean is float64 [2].

// MaxLabels is the most labels a joint class may combine.
const MaxLabels = 2

// classShape is the shape of the classes tensor: [k], or [k, dim] for
// joint classes.
func classShape(k, dim int) []int {
	if dim <= 1 {
		return []int{k}
	}
	return []int{k, dim}
}

// classifyJoint returns the sorted distinct tuples of the labels names
// (flattened, len(names) values per class) and each configuration's class.
func classifyJoint(names []string, labels map[string][]float64) ([]float64, []int32, error) {
	if len(names) > MaxLabels {
		return nil, nil, sdk.InvalidArgument("label %q combines %d labels; the thermometer takes at most %d (e.g. T,Delta)",
			strings.Join(names, ","), len(names), MaxLabels)
	}
	cols, err := labelColumns("training set", names, labels)
	if err != nil {
		return nil, nil, err
	}
	d, n := len(names), len(cols[0])
	tuples := make([][]float64, n)
	for i := range tuples {
		tuples[i] = make([]float64, d)
		for k, c := range cols {
			tuples[i][k] = c[i]
		}
	}
	slices.SortFunc(tuples, slices.Compare)
	tuples = slices.CompactFunc(tuples, slices.Equal)
	if len(tuples) < 2 {
		return nil, nil, sdk.InvalidArgument("training set: label %s takes %d distinct value(s); the thermometer needs at least 2 classes",
			strings.Join(names, ","), len(tuples))
	}
	classes := make([]float64, 0, len(tuples)*d)
	for _, t := range tuples {
		classes = append(classes, t...)
	}
	idx, err := jointIndices("training set", names, labels, classes)
	return classes, idx, err
}

// labelColumns returns the columns names of labels, checked finite.
func labelColumns(what string, names []string, labels map[string][]float64) ([][]float64, error) {
	cols := make([][]float64, len(names))
	for k, name := range names {
		c, ok := labels[name]
		if !ok {
			return nil, sdk.InvalidArgument("%s has no label %q", what, name)
		}
		if k > 0 && len(c) != len(cols[0]) {
			return nil, sdk.InvalidArgument("%s: label %s has %d values, label %s %d", what, name, len(c), names[0], len(cols[0]))
		}
		for i, v := range c {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, sdk.InvalidArgument("%s: label %s of configuration %d is %v; the thermometer reads finite values only",
					what, name, i, v)
			}
		}
		cols[k] = c
	}
	return cols, nil
}

// jointIndices maps each configuration's tuple of labels to its index in
// the flattened sorted classes.
func jointIndices(what string, names []string, labels map[string][]float64, classes []float64) ([]int32, error) {
	cols, err := labelColumns(what, names, labels)
	if err != nil {
		return nil, err
	}
	d := len(names)
	k := len(classes) / d
	idx := make([]int32, len(cols[0]))
	key := make([]float64, d)
	for i := range idx {
		for c, col := range cols {
			key[c] = col[i]
		}
		lo, hi := 0, k
		for lo < hi {
			m := (lo + hi) / 2
			if slices.Compare(classes[m*d:(m+1)*d], key) < 0 {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo == k || !slices.Equal(classes[lo*d:(lo+1)*d], key) {
			return nil, sdk.InvalidArgument("%s: labels %s = %v (configuration %d) are not among the %d training classes",
				what, strings.Join(names, ","), key, i, k)
		}
		idx[i] = int32(lo)
	}
	return idx, nil
}

// findClasses returns the classes tensor of k classes: float64 [k], or
// [k, dim] (dim = 0: whichever it is, at most MaxLabels columns).
func findClasses(ts []sdk.Tensor, k, dim int, what string) ([]float64, error) {
	t, ok := sdk.FindTensor(ts, TensorClasses)
	if !ok {
		return nil, sdk.InvalidArgument("%s: no tensor %s", what, TensorClasses)
	}
	v, isF := t.Data.([]float64)
	d := 1
	if len(t.Shape) == 2 {
		d = t.Shape[1]
	}
	good := isF && len(t.Shape) >= 1 && len(t.Shape) <= 2 && t.Shape[0] == k && d >= 1 && d <= MaxLabels &&
		len(v) == k*d && (dim == 0 || d == dim) && (len(t.Shape) == 1 || d > 1)
	if !good {
		want := fmt.Sprintf("[%d] or [%d, %d]", k, k, MaxLabels)
		if dim > 0 {
			want = fmt.Sprint(classShape(k, dim))
		}
		return nil, sdk.InvalidArgument("%s: tensor %s is %s %v, want float64 %s", what, TensorClasses, dtype(t.Data), t.Shape, want)
	}
	return v, nil
}
