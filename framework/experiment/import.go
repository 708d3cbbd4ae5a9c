package experiment

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// ImportArrays checks the arrays of an .npz file a user hands us and makes
// a dataset of them:
//
//   - configs: int8, shape [N, L·L] or [N, L, L], N ≥ 1, every value in
//     {−1, +1} or {−1, 0, +1};
//   - every other array is a per-configuration label (e.g. T): float64,
//     shape [N], finite;
//   - L: if L > 0 it must match the shape; if L = 0 it is read from an
//     [N, L, L] shape or inferred from a square number of sites, and a
//     non-square number of sites is an error asking for L.
//
// Each problem is one error saying what to fix (wrapping ErrUsage).
func ImportArrays(arrays []npz.Array, L int) (sdk.Dataset, error) {
	c, ok := npz.Find(arrays, "configs")
	if !ok {
		names := make([]string, len(arrays))
		for i, a := range arrays {
			names[i] = a.Name
		}
		return sdk.Dataset{}, usagef("no array named configs (the file has: %s)", strings.Join(names, ", "))
	}
	configs, isInt8 := c.Data.([]int8)
	if !isInt8 {
		return sdk.Dataset{}, usagef("configs is %T, want int8: save it with configs.astype(numpy.int8)", c.Data)
	}
	var n, sites, size int
	switch len(c.Shape) {
	case 2:
		n, sites = c.Shape[0], c.Shape[1]
		if L > 0 {
			if L*L != sites {
				return sdk.Dataset{}, usagef("configs has %d sites per configuration, L = %d needs %d", sites, L, L*L)
			}
			size = L
		} else {
			size = int(math.Round(math.Sqrt(float64(sites))))
			if size*size != sites || sites == 0 {
				return sdk.Dataset{}, usagef("configs has %d sites per configuration, not a square number: give the lattice size L", sites)
			}
		}
	case 3:
		if c.Shape[1] != c.Shape[2] {
			return sdk.Dataset{}, usagef("configs has shape %v: an L×L lattice needs [N, L, L]", c.Shape)
		}
		n, size = c.Shape[0], c.Shape[1]
		sites = size * size
		if L > 0 && L != size {
			return sdk.Dataset{}, usagef("configs has shape %v, not L = %d", c.Shape, L)
		}
	default:
		return sdk.Dataset{}, usagef("configs has shape %v: want [N, sites] or [N, L, L]", c.Shape)
	}
	if n == 0 {
		return sdk.Dataset{}, usagef("configs holds no configuration")
	}
	if size < 2 {
		return sdk.Dataset{}, usagef("configs has %d site(s) per configuration: the lattice needs L >= 2", sites)
	}
	for i, v := range configs {
		if v < -1 || v > 1 {
			return sdk.Dataset{}, usagef("configs[%d][%d] = %d: spins must be −1, +1 (or 0 for spin-1 models)", i/sites, i%sites, v)
		}
	}
	d := sdk.Dataset{Size: size, Configs: configs, Labels: map[string][]float64{}}
	for _, a := range arrays {
		if a.Name == "configs" {
			continue
		}
		v, isF64 := a.Data.([]float64)
		if !isF64 {
			return sdk.Dataset{}, usagef("label %s is %T, want float64 (one value per configuration): save it with .astype(numpy.float64)", a.Name, a.Data)
		}
		if len(a.Shape) != 1 || a.Shape[0] != n {
			return sdk.Dataset{}, usagef("label %s has shape %v, want [%d]: one value per configuration", a.Name, a.Shape, n)
		}
		for i, x := range v {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return sdk.Dataset{}, usagef("label %s[%d] = %v: labels must be finite", a.Name, i, x)
			}
		}
		d.Labels[a.Name] = v
	}
	return d, nil
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
}

// ImportResult is a registered imported dataset.
type ImportResult struct {
	Entry   registry.Entry
	Configs int
	L       int
	Labels  []string
	SHA256  string
}

// Import checks an .npz file (see ImportArrays) and registers it as a
// dataset: data.npz holds configs (N × L·L int8) and the labels, the
// lineage says where it came from and records L.
func Import(ctx context.Context, env *Env, spec ImportSpec) (ImportResult, error) {
	var res ImportResult
	if err := registry.ValidateName(spec.Name); err != nil {
		return res, usagef("name: %v", err)
	}
	if spec.L < 0 {
		return res, usagef("L %d: must be positive (or 0 to infer it)", spec.L)
	}
	b, err := os.ReadFile(spec.File)
	if err != nil {
		return res, usagef("cannot read %s: %v", spec.File, unwrapPath(err))
	}
	sum := sha256.Sum256(b)
	res.SHA256 = hex.EncodeToString(sum[:])
	if spec.SHA256 != "" && spec.SHA256 != res.SHA256 {
		return res, usagef("%s changed since the plan read it: run again", spec.File)
	}
	arrays, err := npz.Decode(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return res, usagef("%s: %v", spec.File, err)
	}
	if len(spec.Labels) > 0 {
		keep := []npz.Array{}
		for _, name := range spec.Labels {
			a, ok := npz.Find(arrays, name)
			if !ok || name == "configs" {
				return res, usagef("%s has no label array %q", spec.File, name)
			}
			keep = append(keep, a)
		}
		if c, ok := npz.Find(arrays, "configs"); ok {
			keep = append(keep, c)
		}
		arrays = keep
	}
	ds, err := ImportArrays(arrays, spec.L)
	if err != nil {
		return res, fmt.Errorf("%s: %w", spec.File, err)
	}
	n := ds.Len()
	out := []npz.Array{npz.Int8("configs", ds.Configs, n, ds.Sites())}
	labels := sortedKeys(ds.Labels)
	for _, name := range labels {
		out = append(out, npz.Float64(name, ds.Labels[name], n))
	}
	var buf bytes.Buffer
	if err := npz.Encode(&buf, out...); err != nil {
		return res, err
	}
	store, err := env.store()
	if err != nil {
		return res, err
	}
	abs, _ := filepath.Abs(spec.File)
	lineage := registry.Lineage{
		Description: fmt.Sprintf("imported from %s, sha256 %s", abs, res.SHA256),
		Host:        env.hostRef(),
		Parameters:  map[string]any{"L": ds.Size},
		Samples:     int64(n),
		Key:         spec.Key,
		Extra: map[string]any{"source": abs, "source_sha256": res.SHA256, "labels": labels,
			"lattice_shape": []int{ds.Size, ds.Size}},
	}
	entry, err := store.Put(ctx, registry.Dataset, spec.Name, []registry.File{{Name: "data.npz", Data: buf.Bytes()}}, lineage)
	if err != nil {
		return res, fmt.Errorf("registering the dataset: %w", err)
	}
	res.Entry, res.Configs, res.L, res.Labels = entry, n, ds.Size, labels
	return res, nil
}
