package sdktest_test

import (
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

// toy is a small, correct model: independent random spins, one chain per
// configuration seeded from (seed, point, index). Its variants break one
// rule each, and the kit must notice.
type toy struct{ broken string }

func (m toy) Describe(context.Context) (sdk.ModelDescription, error) {
	return sdk.ModelDescription{
		Info:             sdk.Info{Name: "toy", Version: "1"},
		Parameters:       []sdk.ParamSpec{{Name: "p", Doc: "probability of +1", Kind: sdk.Float, Default: 0.5, HasMin: true, HasMax: true, Max: 1}},
		StateSpace:       []int8{-1, 1},
		Algorithms:       []sdk.Algorithm{{Name: "iid", Doc: "independent spins"}},
		DefaultAlgorithm: "iid",
		Observables:      []sdk.Observable{{Name: "m", Doc: "mean spin"}},
		Dimension:        2,
		MinSize:          2,
		References:       m.references(),
		Lattice:          m.lattice(),
	}, nil
}

// lattice: the variant "hypercubic" (not broken) declares one.
func (m toy) lattice() string {
	if m.broken == "hypercubic" {
		return sdk.LatticeHypercubic
	}
	return ""
}

// references are the toy's declared references; each broken variant
// breaks one rule of a well-formed reference.
func (m toy) references() []sdk.Reference {
	r := sdk.Reference{Name: "p_half", Points: []sdk.Params{{"p": 0.5}}, Source: "symmetry of ±1"}
	switch m.broken {
	case "reference-not-finite":
		r.Points = []sdk.Params{{"p": math.NaN()}}
	case "reference-unknown-parameter":
		r.Points = []sdk.Params{{"T": 1}}
	case "reference-without-source":
		r.Source = ""
	}
	return []sdk.Reference{r, {Name: "p_line", Points: []sdk.Params{{"p": 0}, {"p": 1}}, Source: "the range of p"}}
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (m toy) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	sites := req.Size * req.Size
	for p, pt := range req.Points {
		for i := 0; i < req.PerPoint; i++ {
			if m.broken != "ignores-context" && ctx.Err() != nil {
				return ctx.Err()
			}
			seed := splitmix(req.Seed ^ splitmix(uint64(p)<<32|uint64(i)))
			switch m.broken {
			case "depends-on-procs":
				seed ^= uint64(runtime.GOMAXPROCS(0))
			case "ignores-seed":
				seed = splitmix(uint64(p)<<32 | uint64(i))
			}
			c := make([]int8, sites)
			for j := range c {
				seed = splitmix(seed)
				c[j] = -1
				if float64(seed>>11)/(1<<53) < pt["p"] {
					c[j] = 1
				}
			}
			if m.broken == "out-of-state-space" {
				c[0] = 0
			}
			if err := emit(sdk.SampleChunk{Point: p, First: i, Configs: c}); err != nil && m.broken != "ignores-context" {
				return err
			}
		}
	}
	return nil
}

func (m toy) Observables(_ context.Context, _ sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	sites := size * size
	for _, v := range configs {
		if v != 1 && v != -1 {
			return nil, sdk.InvalidArgument("value %d", v)
		}
	}
	out := make([]float64, len(configs)/sites)
	for i, v := range configs {
		out[i/sites] += float64(v) / float64(sites)
	}
	return map[string][]float64{"m": out}, nil
}

func TestKitPassesACorrectModel(t *testing.T) {
	sdktest.TestModel(t, sdktest.InProcess(toy{}))
}

// TestReferencesCrossTheWire checks that a model's references reach the
// host as declared: names, sources, and every point's coordinates.
func TestReferencesCrossTheWire(t *testing.T) {
	got, err := sdktest.InProcess(toy{})(t, 1).Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := (toy{}).references(); !reflect.DeepEqual(got.References, want) {
		t.Errorf("references after the wire:\n got %+v\nwant %+v", got.References, want)
	}
}

// TestLatticeAndExactCurveCrossTheWire: a declared lattice reaches the
// host, an undeclared one arrives as "" (unknown), and a model that does
// not implement sdk.ExactModel answers ExactCurve as unimplemented.
func TestLatticeAndExactCurveCrossTheWire(t *testing.T) {
	m := sdktest.InProcess(toy{})(t, 1).Model
	got, err := m.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Lattice != "" {
		t.Errorf("an undeclared lattice arrives as %q", got.Lattice)
	}
	if _, err := m.(sdk.ExactModel).ExactCurve(context.Background(), 4, "m"); !errors.Is(err, sdk.ErrUnimplemented) {
		t.Errorf("ExactCurve of a model without exact curves: %v, want unimplemented", err)
	}
	got, err = sdktest.InProcess(toy{broken: "hypercubic"})(t, 1).Describe(context.Background())
	if err != nil || got.Lattice != sdk.LatticeHypercubic {
		t.Errorf("a declared lattice arrives as %q (%v)", got.Lattice, err)
	}
}

// TestKitCatchesBrokenModels runs the kit on each broken variant in a
// child test process and requires it to fail with the right complaint.
func TestKitCatchesBrokenModels(t *testing.T) {
	if v := os.Getenv("SDKTEST_BROKEN"); v != "" {
		sdktest.TestModel(t, sdktest.InProcess(toy{broken: v}))
		return
	}
	for variant, complaint := range map[string]string{
		"depends-on-procs":            "different configurations with GOMAXPROCS",
		"ignores-seed":                "gave identical configurations",
		"out-of-state-space":          "is not in the state space",
		"ignores-context":             "still computing after its context was cancelled",
		"reference-not-finite":        "is not finite",
		"reference-unknown-parameter": "T is not a parameter of model toy",
		"reference-without-source":    "has no source",
	} {
		t.Run(variant, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(os.Args[0], "-test.run=^TestKitCatchesBrokenModels$")
			cmd.Env = append(os.Environ(), "SDKTEST_BROKEN="+variant)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("the kit passed a model that %s", variant)
			}
			if !strings.Contains(string(out), complaint) {
				t.Errorf("the kit failed %s without saying %q:\n%s", variant, complaint, out)
			}
		})
	}
}
