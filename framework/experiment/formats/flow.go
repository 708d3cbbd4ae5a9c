package formats

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/rgml/rgml/framework/npz"
)

// FlowFile is the file of a Flow entry; `rgml flow --out` writes the same
// arrays to a plain .npz.
const FlowFile = "flow.npz"

// Flow is what flow.npz holds: the thermometer's reading after each
// iteration count of an RBM flow.
//
// With a thermometer of one parameter, Classes holds its K classes and
// the file names them classes. With a thermometer of two parameters
// (Two set), Classes holds K (T, Δ) pairs, row after row, and the file
// names them classes2 [K, 2]; T_mean and T_mode are the first
// coordinate.
type Flow struct {
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

// TwoParameter is the part of a flow read by a two-parameter (T, Δ)
// thermometer beyond the first coordinate: the second coordinate's mean
// and mode, thermometer-free observables of the flowed configurations
// (|m|, ⟨s²⟩, nearest-neighbour correlation) and the grid point of the
// starting data whose observables are nearest (NaN when unknown); all per
// iteration count.
type TwoParameter struct {
	// Name is the second coordinate's name, as the thermometer's data
	// label it; "" is Delta. Its columns are NAME_mean, NAME_mode and
	// eq_NAME; the fields keep the name Delta for the files they read.
	Name                 string
	DeltaMean, DeltaMode []float64
	AbsM, S2, NN         []float64
	EqT, EqDelta         []float64
}

// second is the second coordinate's name.
func (t *TwoParameter) second() string {
	if t.Name == "" {
		return "Delta"
	}
	return t.Name
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
// is part of the file's bytes, and so of the entries' digests.
func (f Flow) Arrays() []npz.Array {
	n, k := len(f.Iterations), f.K()
	var arrays []npz.Array
	if t := f.Two; t != nil {
		arrays = []npz.Array{
			{Name: "iterations", Shape: []int{n}, Data: f.Iterations},
			npz.Float64("T_mean", f.TMean, n),
			npz.Float64("T_mode", f.TMode, n),
			npz.Float64(t.second()+"_mean", t.DeltaMean, n),
			npz.Float64(t.second()+"_mode", t.DeltaMode, n),
			npz.Float64("classes2", f.Classes, k, 2),
			npz.Float64("distribution", f.Distribution, n, k),
			npz.Float64("abs_m", t.AbsM, n),
			npz.Float64("s2", t.S2, n),
			npz.Float64("nn", t.NN, n),
			npz.Float64("eq_T", t.EqT, n),
			npz.Float64("eq_"+t.second(), t.EqDelta, n),
		}
	} else {
		arrays = []npz.Array{
			{Name: "iterations", Shape: []int{n}, Data: f.Iterations},
			npz.Float64("T_mean", f.TMean, n),
			npz.Float64("T_mode", f.TMode, n),
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
	return arrays
}

// EncodeFlow writes f as flow.npz.
func EncodeFlow(f Flow) ([]byte, error) {
	var buf bytes.Buffer
	err := npz.Encode(&buf, f.Arrays()...)
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
	f := Flow{Iterations: its, TMean: npz.Float64s(arrays, "T_mean"), TMode: npz.Float64s(arrays, "T_mode"),
		Distribution: npz.Float64s(arrays, "distribution")}
	if c2, ok := npz.Find(arrays, "classes2"); ok {
		f.Classes, _ = c2.Data.([]float64)
		if len(c2.Shape) != 2 || c2.Shape[1] != 2 {
			return Flow{}, fmt.Errorf("%s: classes2 has shape %v, want [K 2]", FlowFile, c2.Shape)
		}
		p := secondName(arrays)
		f.Two = &TwoParameter{Name: p,
			DeltaMean: npz.Float64s(arrays, p+"_mean"), DeltaMode: npz.Float64s(arrays, p+"_mode"),
			AbsM: npz.Float64s(arrays, "abs_m"), S2: npz.Float64s(arrays, "s2"), NN: npz.Float64s(arrays, "nn"),
			EqT: npz.Float64s(arrays, "eq_T"), EqDelta: npz.Float64s(arrays, "eq_"+p),
		}
		if p == "" {
			return Flow{}, fmt.Errorf("%s has classes2 but no second parameter's NAME_mean and NAME_mode", FlowFile)
		}
		for name, col := range map[string][]float64{p + "_mean": f.Two.DeltaMean, p + "_mode": f.Two.DeltaMode,
			"abs_m": f.Two.AbsM, "s2": f.Two.S2, "nn": f.Two.NN, "eq_T": f.Two.EqT, "eq_" + p: f.Two.EqDelta} {
			if len(col) != n {
				return Flow{}, fmt.Errorf("%s has no %s per iteration", FlowFile, name)
			}
		}
	} else {
		f.Classes = npz.Float64s(arrays, "classes")
	}
	switch k := f.K(); {
	case len(f.TMean) != n || len(f.TMode) != n:
		return Flow{}, fmt.Errorf("%s has no T_mean and T_mode per iteration", FlowFile)
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

// secondName is the second coordinate of a two-parameter flow's file:
// the name P other than T with a P_mean and a P_mode; "" if none.
func secondName(arrays []npz.Array) string {
	for _, a := range arrays {
		p, ok := strings.CutSuffix(a.Name, "_mean")
		if _, hasMode := npz.Find(arrays, p+"_mode"); ok && hasMode && p != "" && p != "T" {
			return p
		}
	}
	return ""
}

// Params are the names of the parameters the flow's thermometer reads,
// in the order of its classes' columns: T, or T and the second (Delta
// unless the file names another) for a reading of two parameters. Mean, Mode and Equilibrium take these names, so
// that a reader asks for a parameter by the name its data give it.
func (f Flow) Params() []string {
	if f.Two != nil {
		return []string{"T", f.Two.second()}
	}
	return []string{"T"}
}

// Mean is the thermometer's mean reading of parameter p after each
// iteration count; nil for a parameter the flow does not read.
func (f Flow) Mean(p string) []float64 {
	switch {
	case p == "T":
		return f.TMean
	case f.Two != nil && p == f.Two.second():
		return f.Two.DeltaMean
	}
	return nil
}

// Mode is the thermometer's most likely class's p after each iteration
// count; nil for a parameter the flow does not read.
func (f Flow) Mode(p string) []float64 {
	switch {
	case p == "T":
		return f.TMode
	case f.Two != nil && p == f.Two.second():
		return f.Two.DeltaMode
	}
	return nil
}

// Equilibrium is p of the Monte Carlo grid point nearest the flowed
// configurations after each iteration count (a reading of two
// parameters only); nil otherwise.
func (f Flow) Equilibrium(p string) []float64 {
	if f.Two == nil {
		return nil
	}
	switch p {
	case "T":
		return f.Two.EqT
	case f.Two.second():
		return f.Two.EqDelta
	}
	return nil
}
