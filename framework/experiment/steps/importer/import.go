// Package importer is the step that registers a dataset made elsewhere
// (an .npz file a user hands over) after checking its every array.
package importer

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// ImportArrays checks the arrays of an .npz file a user hands us and makes
// a dataset of them:
//
//   - configs: int8, shape [N, L·L] or [N, L, L] (of a lattice of
//     dimension d: [N, L^d] or [N, L, …, L], see importArrays), N ≥ 1, of at
//     most sdk.MaxStates distinct values, which are the dataset's state
//     space (see importArrays for a declared one);
//   - every other array is a per-configuration label (e.g. T): float64,
//     shape [N], finite;
//   - L: if L > 0 it must match the shape; if L = 0 it is read from an
//     [N, L, L] shape or inferred from a square number of sites, and a
//     non-square number of sites is an error asking for L.
//
// Each problem is one error saying what to fix (wrapping ErrUsage).
func ImportArrays(arrays []npz.Array, L int) (sdk.Dataset, error) {
	return importArrays(arrays, L, 0, nil)
}

// importArrays is ImportArrays of a lattice of dimension dim: configs of
// shape [N, L^dim] or [N, L, …, L]; dim 0 takes the dimension from an
// [N, L, …, L] shape, and is 2 for [N, sites]. The dataset's state space is
// states when given (every value must be one of them), else the sorted
// distinct values of the configurations: learners choose their units from
// it as from a sampled dataset's.
func importArrays(arrays []npz.Array, L, dim int, states []int8) (sdk.Dataset, error) {
	hs := make([]npz.Header, len(arrays))
	for i, a := range arrays {
		descr, _, _, err := npz.Raw(a.Data)
		if err != nil {
			return sdk.Dataset{}, spec.Usagef("array %s: %v", a.Name, err)
		}
		hs[i] = npz.Header{Name: a.Name, Descr: descr, Shape: a.Shape}
	}
	_, size, dim, err := importLayout(hs, L, dim)
	if err != nil {
		return sdk.Dataset{}, err
	}
	c, _ := npz.Find(arrays, "configs")
	configs := c.Data.([]int8)
	if states, err = stateSpace(configs, sdk.LatticeSites(size, dim), states); err != nil {
		return sdk.Dataset{}, err
	}
	d := sdk.Dataset{Size: size, Dimension: dim, Configs: configs, Labels: map[string][]float64{}, StateSpace: states}
	for _, a := range arrays {
		if a.Name == "configs" {
			continue
		}
		v := a.Data.([]float64)
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return sdk.Dataset{}, spec.Usagef("label %s[%d] = %v: labels must be finite", a.Name, i, x)
			}
		}
		d.Labels[a.Name] = v
	}
	return d, nil
}

// stateSpace returns the state space of configs (sites per
// configuration): declared, sorted, when given, after checking that every
// value is in it; else the sorted values the configurations take.
func stateSpace(configs []int8, sites int, declared []int8) ([]int8, error) {
	if declared != nil {
		if len(declared) == 0 {
			return nil, spec.Usagef("the declared state space is empty: list the values a site may take")
		}
		if err := sdk.CheckStateSpace(declared); err != nil {
			return nil, spec.Usagef("declared %v", err)
		}
		var in [256]bool
		for _, s := range declared {
			in[uint8(s)] = true
		}
		for i, v := range configs {
			if !in[uint8(v)] {
				return nil, spec.Usagef("configs[%d][%d] = %d is not in the declared state space %v", i/sites, i%sites, v, slices.Sorted(slices.Values(declared)))
			}
		}
		return slices.Sorted(slices.Values(declared)), nil
	}
	var seen [256]bool
	for _, v := range configs {
		seen[uint8(v)] = true
	}
	var out []int8
	for v := math.MinInt8; v <= math.MaxInt8; v++ {
		if seen[uint8(int8(v))] {
			out = append(out, int8(v))
		}
	}
	if len(out) > sdk.MaxStates {
		return nil, spec.Usagef("configs take %d distinct values; a state space has at most %d", len(out), sdk.MaxStates)
	}
	return out, nil
}

// importLayout checks the dtypes and shapes of an import's arrays (see
// ImportArrays), as their .npy headers give them, and returns the number
// of configurations and the lattice: its size and dimension (see
// importArrays). It needs no data, so that a file whose arrays disagree is
// refused before they are inflated.
func importLayout(hs []npz.Header, L, dim int) (n, size, d int, err error) {
	n, size, d, err = configsLayout(hs, L, dim)
	if err != nil {
		return 0, 0, 0, err
	}
	for _, h := range hs {
		if h.Name == "configs" {
			continue
		}
		if h.Descr != "<f8" {
			return 0, 0, 0, spec.Usagef("label %s is %s, want float64 (one value per configuration): save it with .astype(numpy.float64)", h.Name, dtypeName(h.Descr))
		}
		if len(h.Shape) != 1 || h.Shape[0] != n {
			return 0, 0, 0, spec.Usagef("label %s has shape %v, want [%d]: one value per configuration", h.Name, h.Shape, n)
		}
	}
	return n, size, d, nil
}

// configsLayout checks the configs array's header: see importArrays.
func configsLayout(hs []npz.Header, L, dim int) (n, size, d int, err error) {
	var c npz.Header
	found := false
	names := make([]string, len(hs))
	for i, h := range hs {
		names[i] = h.Name
		if h.Name == "configs" {
			c, found = h, true
		}
	}
	if !found {
		return 0, 0, 0, spec.Usagef("no array named configs (the file has: %s)", strings.Join(names, ", "))
	}
	if !isInt8(c.Descr) {
		return 0, 0, 0, spec.Usagef("configs is %s, want int8: save it with configs.astype(numpy.int8)", dtypeName(c.Descr))
	}
	if dim < 0 || dim > sdk.MaxDimension {
		return 0, 0, 0, spec.Usagef("dimension %d: want 1 … %d (0: from the shape)", dim, sdk.MaxDimension)
	}
	var sites int
	switch k := len(c.Shape) - 1; {
	case k == 1:
		n, sites, d = c.Shape[0], c.Shape[1], sdk.Dim(dim)
		if L > 0 {
			if sdk.LatticeSites(L, d) != sites {
				return 0, 0, 0, spec.Usagef("configs has %d sites per configuration, L = %d needs %d (the %s)", sites, L, sdk.LatticeSites(L, d), sdk.Lattice(L, d))
			}
			size = L
		} else {
			size = int(math.Round(math.Pow(float64(sites), 1/float64(d))))
			if sdk.LatticeSites(size, d) != sites || sites == 0 {
				power := "a square number"
				if d != 2 {
					power = "a whole number to the power " + strconv.Itoa(d)
				}
				return 0, 0, 0, spec.Usagef("configs has %d sites per configuration, not %s: give the lattice size L", sites, power)
			}
		}
	case k >= 2 && k <= sdk.MaxDimension:
		n, size, d = c.Shape[0], c.Shape[1], k
		for _, l := range c.Shape[1:] {
			if l != size {
				return 0, 0, 0, spec.Usagef("configs has shape %v: an %s lattice needs [N%s]",
					c.Shape, strings.Repeat("L×", k-1)+"L", strings.Repeat(", L", k))
			}
		}
		sites = sdk.LatticeSites(size, d)
		if dim != 0 && dim != d {
			return 0, 0, 0, spec.Usagef("configs has shape %v, a lattice of dimension %d, not %d", c.Shape, d, dim)
		}
		if L > 0 && L != size {
			return 0, 0, 0, spec.Usagef("configs has shape %v, not L = %d", c.Shape, L)
		}
	default:
		return 0, 0, 0, spec.Usagef("configs has shape %v: want [N, sites] or [N, L, …, L] (d = 1 … %d)", c.Shape, sdk.MaxDimension)
	}
	if n == 0 {
		return 0, 0, 0, spec.Usagef("configs holds no configuration")
	}
	if size < 2 {
		return 0, 0, 0, spec.Usagef("configs has %d site(s) per configuration: the lattice needs L >= 2", sites)
	}
	return n, size, d, nil
}

func isInt8(descr string) bool { return descr == "|i1" || descr == "<i1" || descr == "i1" }

// dtypeName names an .npy dtype as numpy users write it.
func dtypeName(descr string) string {
	switch {
	case isInt8(descr):
		return "int8"
	case descr == "<i4":
		return "int32"
	case descr == "<i8":
		return "int64"
	case descr == "<f4":
		return "float32"
	case descr == "<f8":
		return "float64"
	}
	return descr
}

// MaxImportBytes bounds the array data of an imported .npz file (16 GiB,
// the most a sampled dataset may hold).
const MaxImportBytes = 1 << 34

// Read reads the .npz file at path for an import: a regular file
// (not a pipe or a device, which never end), whose arrays' dtypes and
// shapes are checked from their headers (importLayout) before any is
// inflated. Only the labels named (all when labels is empty) and configs
// are read. It returns the checked dataset and the file's SHA-256.
func Read(path string, L int, labels []string) (sdk.Dataset, string, error) {
	return read(path, L, 0, labels, nil)
}

// ReadStates is Read of every label with a declared state space (nil:
// the values the configurations take), as a spec's import: item with
// states: reads it.
func ReadStates(path string, L int, states []int8) (sdk.Dataset, string, error) {
	return read(path, L, 0, nil, states)
}

// read is Read of a lattice of dimension dim with a declared state space
// (see importArrays).
func read(path string, L, dim int, labels []string, states []int8) (sdk.Dataset, string, error) {
	f, fi, err := fsutil.OpenRegular(path)
	if err != nil {
		return sdk.Dataset{}, "", spec.Usagef("cannot read %s: %v", path, steps.UnwrapPath(err))
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sdk.Dataset{}, "", spec.Usagef("cannot read %s: %v", path, steps.UnwrapPath(err))
	}
	sum := hex.EncodeToString(h.Sum(nil))
	lim := npz.Limits{MaxBytes: MaxImportBytes}
	if len(labels) > 0 {
		lim.Keep = func(name string) bool { return name == "configs" || slices.Contains(labels, name) }
	}
	lim.Check = func(hs []npz.Header) error {
		for _, name := range labels {
			if _, ok := findHeader(hs, name); !ok || name == "configs" {
				return spec.Usagef("%s has no label array %q", path, name)
			}
		}
		if _, _, _, err := importLayout(hs, L, dim); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		return nil
	}
	arrays, err := npz.DecodeLimited(f, fi.Size(), lim)
	if err != nil {
		if errors.Is(err, spec.ErrUsage) {
			return sdk.Dataset{}, "", err
		}
		return sdk.Dataset{}, "", spec.Usagef("%s: %v", path, err)
	}
	// The digest must be of the bytes decoded: a file rewritten meanwhile
	// is an error, not a dataset under another file's digest.
	if now, err := f.Stat(); err != nil || now.Size() != fi.Size() || !now.ModTime().Equal(fi.ModTime()) {
		return sdk.Dataset{}, "", spec.Usagef("%s changed while being read: run again", path)
	}
	ds, err := importArrays(arrays, L, dim, states)
	if err != nil {
		return sdk.Dataset{}, "", fmt.Errorf("%s: %w", path, err)
	}
	return ds, sum, nil
}

func findHeader(hs []npz.Header, name string) (npz.Header, bool) {
	for _, h := range hs {
		if h.Name == name {
			return h, true
		}
	}
	return npz.Header{}, false
}

// ImportSpec is a dataset made elsewhere (rgml datasets import).
type ImportSpec struct {
	Name string // registered under this name
	File string // an .npz with configs and per-configuration labels
	L    int    // 0: from the shape, or √sites when that is a whole number
	// Labels, if given, are the arrays kept as labels (each must exist);
	// otherwise every array but configs is one.
	Labels []string
	// SHA256, if set, is the file's digest when the plan read it: a file
	// changed since is an error rather than a result under a stale key.
	SHA256 string
	Key    string // the step key, recorded as Lineage.Key
	// Dimension of the lattice (configs of L^Dimension sites); 0: from an
	// [N, L, …, L] shape, or 2 for [N, sites].
	Dimension int
	// States is the state space the data's model declares (every value of
	// configs must be in it); nil: the values the configurations take.
	States []int8
}

// ImportResult is a registered imported dataset.
type ImportResult struct {
	Entry     registry.Entry
	Configs   int
	L         int
	Dimension int
	Labels    []string
	SHA256    string
	// States is the state space recorded; StatesInferred says it is the
	// values the data take rather than a declared one.
	States         []int8
	StatesInferred bool
}

// Import checks an .npz file (see ImportArrays) and registers it as a
// dataset: data.npz holds configs (N × L^d int8) and the labels, the
// lineage says where it came from and records L and the lattice shape.
func Import(ctx context.Context, env *steps.Env, in ImportSpec) (ImportResult, error) {
	var res ImportResult
	if err := registry.ValidateName(in.Name); err != nil {
		return res, spec.Usagef("name: %v", err)
	}
	if in.L < 0 {
		return res, spec.Usagef("L %d: must be positive (or 0 to infer it)", in.L)
	}
	ds, sum, err := read(in.File, in.L, in.Dimension, in.Labels, in.States)
	if err != nil {
		return res, err
	}
	res.SHA256 = sum
	if in.SHA256 != "" && in.SHA256 != res.SHA256 {
		return res, spec.Usagef("%s changed since the plan read it: run again", in.File)
	}
	n, labels := ds.Len(), slices.Sorted(maps.Keys(ds.Labels))
	var buf bytes.Buffer
	if err := npz.Encode(&buf, Arrays(ds)...); err != nil {
		return res, err
	}
	store, err := env.Registry()
	if err != nil {
		return res, err
	}
	abs, _ := filepath.Abs(in.File)
	lineage := registry.Lineage{
		Description: fmt.Sprintf("imported from %s, sha256 %s", abs, res.SHA256),
		Host:        env.HostRef(),
		Parameters:  map[string]any{"L": ds.Size},
		Samples:     int64(n),
		Key:         in.Key,
		Extra: map[string]any{"source": abs, "source_sha256": res.SHA256, "labels": labels,
			"lattice_shape": slices.Repeat([]int{ds.Size}, ds.Dimension), steps.StateSpaceKey: ds.StateSpace},
	}
	entry, err := store.Put(ctx, registry.Dataset, in.Name, []registry.File{{Name: "data.npz", Data: buf.Bytes()}}, lineage)
	if err != nil {
		return res, fmt.Errorf("registering the dataset: %w", err)
	}
	res.Entry, res.Configs, res.L, res.Dimension, res.Labels = entry, n, ds.Size, ds.Dimension, labels
	res.States, res.StatesInferred = ds.StateSpace, in.States == nil
	return res, nil
}

// Arrays are an imported dataset's data.npz: the configurations
// and its labels in name order.
func Arrays(ds sdk.Dataset) []npz.Array {
	n := ds.Len()
	out := []npz.Array{npz.Int8("configs", ds.Configs, n, ds.Sites())}
	for _, name := range slices.Sorted(maps.Keys(ds.Labels)) {
		out = append(out, npz.Float64(name, ds.Labels[name], n))
	}
	return out
}
