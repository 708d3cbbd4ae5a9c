package formats

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/npz"
)

// FlowFile is the file of a Flow entry; `rgml flow --out` writes the same
// arrays to a plain .npz.
const FlowFile = "flow.npz"

// Flow is what flow.npz holds: the thermometer's reading after each
// iteration count of an RBM flow.
//
// Labels are the names of what the thermometer reads, as its training
// data labelled them (one, or two for a joint label such as "T,Delta"):
// the file's columns take their names (NAME_mean, NAME_mode, eq_NAME),
// so that a flow of a thermometer of any label is read by that label's
// name and no reader guesses it. With one label, Classes holds its K
// classes and the file names them classes. With two (Two set), Classes
// holds K pairs, row after row, and the file names them classes2 [K, 2].
// TMean and TMode are the first label's.
type Flow struct {
	Labels       []string
	Iterations   []int64
	TMean, TMode []float64 // per iteration count
	Classes      []float64
	Distribution []float64 // iterations × K
	// Two is the read-out of a two-parameter thermometer (nil otherwise).
	Two *TwoParameter
	// Configs are the flowed configurations, iterations × N × Sites, when
	// the flow kept them (nil otherwise).
	Configs  []int8
	N, Sites int
	// Shape is the lattice of the configurations ([L, L, L] for a 6×6×6
	// one), written as lattice_shape with them. A square lattice's is not
	// written, so that its files keep the bytes (and digests) they had
	// before other dimensions; a file without it is of an L×L lattice.
	Shape []int
}

// TwoParameter is the part of a flow read by a thermometer of two labels
// beyond the first: the second label's mean and mode, thermometer-free
// observables of the flowed configurations (the averages of the
// observables the data's model declares, measured by the model) and the
// grid point of the starting data whose averages are nearest (NaN when
// unknown); all per iteration count. The fields named T and Delta are
// the first and the second label's, whatever their names.
type TwoParameter struct {
	DeltaMean, DeltaMode []float64
	Observables          []FlowObservable
	EqT, EqDelta         []float64
}

// FlowObservable is one observable of a model averaged over the flowed
// configurations per iteration count: ⟨|O|⟩ when Abs (the model
// declares it symmetric under a change of sign), ⟨O⟩ otherwise. Its
// column in the file is abs_NAME or mean_NAME.
type FlowObservable struct {
	Name   string
	Abs    bool
	Values []float64
}

// Column is the observable's column name in the file.
func (o FlowObservable) Column() string {
	if o.Abs {
		return "abs_" + o.Name
	}
	return "mean_" + o.Name
}

// Label is how a figure or a table names the average: ⟨|O|⟩ or ⟨O⟩.
func (o FlowObservable) Label() string {
	if o.Abs {
		return "⟨|" + o.Name + "|⟩"
	}
	return "⟨" + o.Name + "⟩"
}

// legacyObservables are the columns flows recorded before the read-out
// measured with the model (square-lattice counts of spins): read as
// observables of those names, so that older entries still draw.
var legacyObservables = map[string]FlowObservable{"abs_m": {Name: "m", Abs: true}, "s2": {Name: "s2"}, "nn": {Name: "nn"}}

// observablesOf are the observable columns of a flow's file, in its order.
func observablesOf(arrays []npz.Array) []FlowObservable {
	var out []FlowObservable
	for _, a := range arrays {
		if o, ok := legacyObservables[a.Name]; ok {
			out = append(out, FlowObservable{Name: o.Name, Abs: o.Abs, Values: npz.Float64s(arrays, a.Name)})
		} else if name, ok := strings.CutPrefix(a.Name, "abs_"); ok && name != "" {
			out = append(out, FlowObservable{Name: name, Abs: true, Values: npz.Float64s(arrays, a.Name)})
		} else if name, ok := strings.CutPrefix(a.Name, "mean_"); ok && name != "" {
			out = append(out, FlowObservable{Name: name, Values: npz.Float64s(arrays, a.Name)})
		}
	}
	return out
}

// first and second are the labels' names.
func (f Flow) first() string  { return f.Labels[0] }
func (f Flow) second() string { return f.Labels[1] }

// check says what is wrong with a flow before it is written: its labels
// are the columns' names.
func (f Flow) check() error {
	want := 1
	if f.Two != nil {
		want = 2
	}
	if len(f.Labels) != want || slices.Contains(f.Labels, "") || (want == 2 && f.Labels[0] == f.Labels[1]) {
		return fmt.Errorf("%s: a reading of %d label(s) names them %q", FlowFile, want, f.Labels)
	}
	return nil
}

// K is the number of the thermometer's classes.
func (f Flow) K() int {
	if f.Two != nil {
		return len(f.Classes) / 2
	}
	return len(f.Classes)
}

// Row returns the distribution after iteration count i (index into
// Iterations).
func (f Flow) Row(i int) []float64 {
	k := f.K()
	return f.Distribution[i*k : (i+1)*k]
}

// Arrays are the file's arrays in the order they are written; the order
// is part of the file's bytes, and so of the entries' digests. An error
// when the flow's labels do not name its readings.
func (f Flow) Arrays() ([]npz.Array, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	n, k, x := len(f.Iterations), f.K(), f.first()
	var arrays []npz.Array
	if t := f.Two; t != nil {
		y := f.second()
		arrays = []npz.Array{
			{Name: "iterations", Shape: []int{n}, Data: f.Iterations},
			npz.Float64(x+"_mean", f.TMean, n),
			npz.Float64(x+"_mode", f.TMode, n),
			npz.Float64(y+"_mean", t.DeltaMean, n),
			npz.Float64(y+"_mode", t.DeltaMode, n),
			npz.Float64("classes2", f.Classes, k, 2),
			npz.Float64("distribution", f.Distribution, n, k),
		}
		for _, o := range t.Observables {
			arrays = append(arrays, npz.Float64(o.Column(), o.Values, n))
		}
		arrays = append(arrays, npz.Float64("eq_"+x, t.EqT, n), npz.Float64("eq_"+y, t.EqDelta, n))
	} else {
		arrays = []npz.Array{
			{Name: "iterations", Shape: []int{n}, Data: f.Iterations},
			npz.Float64(x+"_mean", f.TMean, n),
			npz.Float64(x+"_mode", f.TMode, n),
			npz.Float64("classes", f.Classes, k),
			npz.Float64("distribution", f.Distribution, n, k),
		}
	}
	if f.Configs != nil {
		arrays = append(arrays, npz.Int8("configs", f.Configs, n, f.N, f.Sites))
		if len(f.Shape) != 0 && len(f.Shape) != 2 {
			shape := make([]int64, len(f.Shape))
			for i, l := range f.Shape {
				shape[i] = int64(l)
			}
			arrays = append(arrays, npz.Array{Name: "lattice_shape", Shape: []int{len(shape)}, Data: shape})
		}
	}
	return arrays, nil
}

// EncodeFlow writes f as flow.npz.
func EncodeFlow(f Flow) ([]byte, error) {
	arrays, err := f.Arrays()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	err = npz.Encode(&buf, arrays...)
	return buf.Bytes(), err
}

// DecodeFlow reads flow.npz's arrays; a file whose arrays are missing or
// disagree in length is an error naming what is wrong.
func DecodeFlow(arrays []npz.Array) (Flow, error) {
	it, _ := npz.Find(arrays, "iterations")
	its, ok := it.Data.([]int64)
	if !ok || len(its) == 0 {
		return Flow{}, fmt.Errorf("%s has no int64 iterations", FlowFile)
	}
	n := len(its)
	labels := labelsOf(arrays)
	if len(labels) == 0 {
		return Flow{}, fmt.Errorf("%s has no %s", FlowFile, missingHalf(arrays))
	}
	x := labels[0]
	f := Flow{Iterations: its, TMean: npz.Float64s(arrays, x+"_mean"), TMode: npz.Float64s(arrays, x+"_mode"),
		Distribution: npz.Float64s(arrays, "distribution"), Labels: labels[:1]}
	if c2, ok := npz.Find(arrays, "classes2"); ok {
		f.Classes, _ = c2.Data.([]float64)
		if len(c2.Shape) != 2 || c2.Shape[1] != 2 {
			return Flow{}, fmt.Errorf("%s: classes2 has shape %v, want [K 2]", FlowFile, c2.Shape)
		}
		if len(labels) != 2 {
			return Flow{}, fmt.Errorf("%s has classes2 but no second label's NAME_mean and NAME_mode", FlowFile)
		}
		y := labels[1]
		f.Labels = labels
		f.Two = &TwoParameter{
			DeltaMean: npz.Float64s(arrays, y+"_mean"), DeltaMode: npz.Float64s(arrays, y+"_mode"),
			Observables: observablesOf(arrays),
			EqT:         npz.Float64s(arrays, "eq_"+x), EqDelta: npz.Float64s(arrays, "eq_"+y),
		}
		cols := map[string][]float64{y + "_mean": f.Two.DeltaMean, y + "_mode": f.Two.DeltaMode,
			"eq_" + x: f.Two.EqT, "eq_" + y: f.Two.EqDelta}
		for _, o := range f.Two.Observables {
			cols[o.Column()] = o.Values
		}
		for name, col := range cols {
			if len(col) != n {
				return Flow{}, fmt.Errorf("%s has no %s per iteration", FlowFile, name)
			}
		}
	} else {
		f.Classes = npz.Float64s(arrays, "classes")
	}
	switch k := f.K(); {
	case len(f.TMean) != n || len(f.TMode) != n:
		return Flow{}, fmt.Errorf("%s has no %s_mean and %s_mode per iteration", FlowFile, x, x)
	case k == 0 || len(f.Distribution) != n*k:
		return Flow{}, fmt.Errorf("%s has no classes and distribution that agree with its %d iterations", FlowFile, n)
	}
	if c, ok := npz.Find(arrays, "configs"); ok {
		configs, isInt8 := c.Data.([]int8)
		if !isInt8 || len(c.Shape) != 3 || c.Shape[0] != n {
			return Flow{}, fmt.Errorf("%s is malformed (configs %v for %d iterations)", FlowFile, c.Shape, n)
		}
		f.Configs, f.N, f.Sites = configs, c.Shape[1], c.Shape[2]
		if err := f.readShape(arrays); err != nil {
			return Flow{}, err
		}
	}
	return f, nil
}

// readShape reads lattice_shape, which must give the configurations'
// number of sites.
func (f *Flow) readShape(arrays []npz.Array) error {
	a, ok := npz.Find(arrays, "lattice_shape")
	if !ok {
		return nil
	}
	shape, isInt64 := a.Data.([]int64)
	sites := 1
	for _, l := range shape {
		sites *= int(l)
	}
	if !isInt64 || len(shape) == 0 || sites != f.Sites {
		return fmt.Errorf("%s is malformed (lattice_shape %v for configurations of %d sites)", FlowFile, a.Data, f.Sites)
	}
	f.Shape = make([]int, len(shape))
	for i, l := range shape {
		f.Shape[i] = int(l)
	}
	return nil
}

// labelsOf are the labels a flow's file reads, in the order of its
// columns: each name P with a P_mean and a P_mode, the first written
// first.
func labelsOf(arrays []npz.Array) []string {
	var out []string
	for _, a := range arrays {
		p, ok := strings.CutSuffix(a.Name, "_mean")
		if _, hasMode := npz.Find(arrays, p+"_mode"); ok && hasMode && p != "" {
			out = append(out, p)
		}
	}
	return out
}

// missingHalf names what a file without a label's pair of columns lacks:
// the other half of a NAME_mean or NAME_mode it has, else both.
func missingHalf(arrays []npz.Array) string {
	for _, a := range arrays {
		for have, want := range map[string]string{"_mean": "_mode", "_mode": "_mean"} {
			if p, ok := strings.CutSuffix(a.Name, have); ok && p != "" {
				return p + want
			}
		}
	}
	return "NAME_mean and NAME_mode of the label its thermometer reads"
}

// Params are the names of the labels the flow's thermometer reads, in
// the order of its classes' columns. Mean, Mode and Equilibrium take
// these names, so that a reader asks for a label by the name its data
// give it.
func (f Flow) Params() []string { return slices.Clone(f.Labels) }

// Mean is the thermometer's mean reading of label p after each
// iteration count; nil for a label the flow does not read.
func (f Flow) Mean(p string) []float64 {
	switch {
	case len(f.Labels) > 0 && p == f.first():
		return f.TMean
	case f.Two != nil && len(f.Labels) == 2 && p == f.second():
		return f.Two.DeltaMean
	}
	return nil
}

// Mode is the thermometer's most likely class's p after each iteration
// count; nil for a label the flow does not read.
func (f Flow) Mode(p string) []float64 {
	switch {
	case len(f.Labels) > 0 && p == f.first():
		return f.TMode
	case f.Two != nil && len(f.Labels) == 2 && p == f.second():
		return f.Two.DeltaMode
	}
	return nil
}

// Equilibrium is p of the Monte Carlo grid point nearest the flowed
// configurations after each iteration count (a reading of two labels
// only); nil otherwise.
func (f Flow) Equilibrium(p string) []float64 {
	if f.Two == nil || len(f.Labels) != 2 {
		return nil
	}
	switch p {
	case f.first():
		return f.Two.EqT
	case f.second():
		return f.Two.EqDelta
	}
	return nil
}
