package experiment_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
)

func TestImportArrays(t *testing.T) {
	c := []int8{1, -1, 1, 1, -1, -1, 1, 1, 1, 1, 1, 1, 0, 1, -1, 1} // 4 configurations of 2×2
	T := []float64{0, 1, 2, 3}
	for _, tc := range []struct {
		name   string
		arrays []npz.Array
		L      int
		want   string // "" = accepted
	}{
		{"inferred L", []npz.Array{npz.Int8("configs", c, 4, 4), npz.Float64("T", T, 4)}, 0, ""},
		{"given L", []npz.Array{npz.Int8("configs", c, 4, 4)}, 2, ""},
		{"N×L×L", []npz.Array{npz.Int8("configs", c, 4, 2, 2), npz.Float64("T", T, 4)}, 0, ""},
		{"no configs", []npz.Array{npz.Float64("T", T, 4)}, 0, "no array named configs (the file has: T)"},
		{"float configs", []npz.Array{npz.Float64("configs", make([]float64, 16), 4, 4)}, 0, "configs is float64, want int8"},
		{"label count", []npz.Array{npz.Int8("configs", c, 4, 4), npz.Float64("T", T[:3], 3)}, 0, "label T has shape [3], want [4]"},
		{"label dtype", []npz.Array{npz.Int8("configs", c, 4, 4), {Name: "T", Shape: []int{4}, Data: []int64{0, 1, 2, 3}}}, 0, "label T is int64, want float64"},
		{"not square", []npz.Array{npz.Int8("configs", c[:12], 2, 6)}, 0, "6 sites per configuration, not a square number: give the lattice size L"},
		{"wrong L", []npz.Array{npz.Int8("configs", c, 4, 4)}, 3, "4 sites per configuration, L = 3 needs 9"},
		{"not L×L", []npz.Array{npz.Int8("configs", c[:12], 2, 2, 3)}, 0, "an L×L lattice needs [N, L, L]"},
		{"empty", []npz.Array{npz.Int8("configs", nil, 0, 4)}, 0, "holds no configuration"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := experiment.ImportArrays(tc.arrays, tc.L)
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if d.Size != 2 || d.Len() != 4 {
					t.Errorf("size %d, %d configurations", d.Size, d.Len())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, experiment.ErrUsage) {
				t.Errorf("err = %v, want a usage error containing %q", err, tc.want)
			}
		})
	}
}

// An import takes any int8 values and records the values its
// configurations take as its state space, so that learners choose their
// units from it; more than sdk.MaxStates distinct values is a usage error.
func TestImportArraysStates(t *testing.T) {
	d, err := experiment.ImportArrays([]npz.Array{npz.Int8("configs", []int8{5, 0, 2, 0, 2, 2, 5, 0}, 2, 4)}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int8{0, 2, 5}; !slices.Equal(d.StateSpace, want) {
		t.Errorf("state space %v, want %v", d.StateSpace, want)
	}
	many := make([]int8, 2*64)
	for i := range many {
		many[i] = int8(i - 64)
	}
	_, err = experiment.ImportArrays([]npz.Array{npz.Int8("configs", many, 2, 64)}, 0)
	if want := "configs take 128 distinct values; a state space has at most 127"; err == nil || !strings.Contains(err.Error(), want) || !errors.Is(err, experiment.ErrUsage) {
		t.Errorf("err = %v, want a usage error containing %q", err, want)
	}
}

// An imported dataset is read and checked at planning, its digest is the
// file's, and selections are checked against its labels.
func TestPlanImport(t *testing.T) {
	dir := t.TempDir()
	c := make([]int8, 3*9)
	for i := range c {
		c[i] = 1
	}
	if err := npz.WriteFile(filepath.Join(dir, "mc.npz"), npz.Int8("configs", c, 3, 9), npz.Float64("T", []float64{1, 2, 3}, 3)); err != nil {
		t.Fatal(err)
	}
	spec := "datasets:\n  - name: mc\n    import: mc.npz\ntrainings:\n  - name: r\n    learner: rbm\n    data: mc\n    where: {T: 4}\n"
	s, err := experiment.Parse(filepath.Join(dir, "s.yaml"), []byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	_, err = experiment.NewPlan(t.Context(), s, catalog(t))
	if err == nil || !strings.Contains(err.Error(), "s.yaml:8:5: where.T: selects no configuration of mc (its T values: 1, 2, 3)") {
		t.Fatalf("err = %v", err)
	}
	p := plan(t, filepath.Join(dir, "s.yaml"), strings.Replace(spec, "T: 4", "T: 2", 1))
	st, _ := p.Step("dataset/mc")
	if imported, ok := st.Resolved.(*sdk.Dataset); !ok || imported.Size != 3 || len(st.SHA256) != 64 {
		t.Errorf("imported step: %+v", st)
	}
	// A supervised learner's test set must carry the label too.
	if err := npz.WriteFile(filepath.Join(dir, "bare.npz"), npz.Int8("configs", c, 3, 9)); err != nil {
		t.Fatal(err)
	}
	th := "datasets:\n  - {name: mc, import: mc.npz}\n  - {name: bare, import: bare.npz}\ntrainings:\n  - {name: th, learner: thermometer, data: mc, test: bare}\n"
	if s, err = experiment.Parse(filepath.Join(dir, "s.yaml"), []byte(th)); err != nil {
		t.Fatal(err)
	}
	if _, err = experiment.NewPlan(t.Context(), s, catalog(t)); err == nil || !strings.Contains(err.Error(), "s.yaml:5:48: test: learner thermometer learns label \"T\", and the test set bare has no such label") {
		t.Errorf("err = %v", err)
	}
	// Another file content, another key.
	before := st.Key
	os.WriteFile(filepath.Join(dir, "mc.npz"), mustEncode(t, npz.Int8("configs", c[:18], 2, 9)), 0o644)
	after, _ := plan(t, filepath.Join(dir, "s.yaml"), strings.Replace(spec, "    where: {T: 4}\n", "", 1)).Step("dataset/mc")
	if after.Key == before {
		t.Error("the key ignores the imported file's content")
	}
}

func mustEncode(t testing.TB, arrays ...npz.Array) []byte {
	var buf bytes.Buffer
	if err := npz.Encode(&buf, arrays...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
