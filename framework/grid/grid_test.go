package grid

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want []float64
	}{
		{"T=2.269", []float64{2.269}},
		{"T=0:1:0.25", []float64{0, 0.25, 0.5, 0.75, 1}},
		{"T=0:1:0.1", []float64{0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1}},
		{"T=1,2, 3.5", []float64{1, 2, 3.5}},
		{"Delta=-1:1:1", []float64{-1, 0, 1}},
		{"T=0:0.3:0.25", []float64{0, 0.25}},
		{"T=0, inf", []float64{0, math.Inf(1)}},
		{"T=+Inf", []float64{math.Inf(1)}},
	} {
		a, err := Parse(tc.spec)
		if err != nil {
			t.Errorf("%s: %v", tc.spec, err)
			continue
		}
		if !reflect.DeepEqual(a.Values, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.spec, a.Values, tc.want)
		}
	}
	a, _ := Parse("T=0:6:0.25")
	if len(a.Values) != 25 || a.Values[24] != 6 || a.Values[9] != 2.25 {
		t.Errorf("paper grid: %v", a.Values)
	}
}

func TestParseErrors(t *testing.T) {
	for _, spec := range []string{"T", "=1", "T=", "T=a", "T=1:2", "T=1:2:0", "T=2:1:0.5", "T=1:2:-1", "T=0:6:0.000001", "T=0:1e19:1", "T=0:1e300:1e-300", "T=NaN", "T x=1", "T=1,,2", "T=-inf", "T=0:inf:1", "T=infinity"} {
		if _, err := Parse(spec); err == nil {
			t.Errorf("%q: no error", spec)
		} else if !strings.Contains(err.Error(), "parameter") {
			t.Errorf("%q: error %q does not say which parameter", spec, err)
		}
	}
}

func TestProduct(t *testing.T) {
	pts, err := Product([]Axis{{Name: "T", Values: []float64{1, 2}}, {Name: "Delta", Values: []float64{0, 0.5, 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if len(pts) != 6 || pts[0]["T"] != 1 || pts[0]["Delta"] != 0 || pts[1]["Delta"] != 0.5 || pts[5]["T"] != 2 || pts[5]["Delta"] != 1 {
		t.Errorf("product: %v", pts)
	}
	if _, err := Product([]Axis{{Name: "T", Values: []float64{1}}, {Name: "T", Values: []float64{2}}}); err == nil {
		t.Error("duplicate axis accepted")
	}
}

func TestSame(t *testing.T) {
	inf := math.Inf(1)
	for _, c := range []struct {
		a, b float64
		want bool
	}{
		{0, 0, true}, {0.3, 0.1 + 0.2, true}, {1e12, 1e12 + 1, true}, {0, 1e-8, false},
		{inf, inf, true}, {inf, 0, false}, {0, inf, false}, {inf, 1e300, false}, {1e300, inf, false},
		{-inf, inf, false}, {math.NaN(), math.NaN(), false}, {math.NaN(), 0, false},
	} {
		if got := Same(c.a, c.b); got != c.want {
			t.Errorf("Same(%v, %v) = %v", c.a, c.b, got)
		}
	}
}

func TestDistinctContains(t *testing.T) {
	inf := math.Inf(1)
	vs := Distinct([]float64{3, inf, 0.3, 3, 0})
	if len(vs) != 4 || vs[0] != 0 || vs[3] != inf {
		t.Fatalf("Distinct: %v", vs)
	}
	for x, want := range map[float64]bool{0.1 + 0.2: true, inf: true, 1e300: false, 2: false, -inf: false} {
		if Contains(vs, x) != want {
			t.Errorf("Contains(%v, %v) = %v", vs, x, !want)
		}
	}
}
