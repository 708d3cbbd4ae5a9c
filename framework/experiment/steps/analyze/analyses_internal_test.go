package analyze

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/spec"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/registry"
)

// An input analysis's rows are the length its 1-D results read share; a
// result of another number type is read as its values, an absent one as
// NaN; results of different lengths, a 2-D result or none of the names
// read are usage errors.
func TestAnalysisRowsAndColumns(t *testing.T) {
	arrays := []npz.Array{
		npz.Float64("energy", []float64{-1, -2, -3}, 3),
		npz.Float32("abs_m", []float32{0.5, 0.25, 0.125}, 3),
		npz.Float64("G", make([]float64, 6), 3, 2),
		npz.Float64("short", []float64{1, 2}, 2),
	}
	en := registry.Entry{Name: "check", Version: 1}
	rows, err := analysisRows(arrays, []string{"energy", "abs_m", "binder"}, en)
	if err != nil || rows != 3 {
		t.Fatalf("rows %d, %v; want 3", rows, err)
	}
	if c := analysisColumn(arrays, "abs_m", rows); c[0] != 0.5 || c[2] != 0.125 {
		t.Errorf("float32 result read as %v", c)
	}
	if c := analysisColumn(arrays, "binder", rows); len(c) != 3 || !math.IsNaN(c[1]) {
		t.Errorf("absent result read as %v, want 3 NaN", c)
	}
	for names, want := range map[string]string{
		"energy,short": "the results read must be of one length",
		"G":            "not a series",
		"binder,xi":    "has none of the results read",
	} {
		_, err := analysisRows(arrays, strings.Split(names, ","), en)
		if !errors.Is(err, spec.ErrUsage) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v; want a usage error saying %q", names, err, want)
		}
	}
}
