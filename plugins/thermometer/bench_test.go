package thermometer

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/linalg"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// The paper's problem size: 25 000 configurations of 10×10, 64 hidden
// units, 25 temperatures.
const benchN, benchSites, benchHidden, benchClasses = 25000, 100, 64, 25

// randomData returns n random ±1 configurations of the given number of
// sites and random class indices.
func randomData(n, sites, classes int, seed uint64) ([]int8, []int32) {
	r := xrand.New(seed)
	c := make([]int8, n*sites)
	for i := range c {
		c[i] = int8(1 - 2*int(r.Uint64()>>63))
	}
	y := make([]int32, n)
	for i := range y {
		y[i] = int32(r.Below(classes))
	}
	return c, y
}

// BenchmarkEpoch times one full-batch training epoch (forward pass, loss,
// accuracy, back-propagation and update) at the paper's size, and beside it
// the same epoch in float32 numpy (testdata/numpy_epoch.py, run once per
// test binary for about 3 s; its median epoch) with the OpenBLAS Debian's
// numpy links to. Metrics: ns/epoch (Go), numpy-ns/epoch, and x-numpy,
// numpy's time over Go's (above 1: Go is faster). Run the OpenBLAS build
// with OPENBLAS_CORETYPE set (SKYLAKEX on AVX-512 CPUs, HASWELL on AVX2),
// as the rgml host does for its plugins; the numpy subprocess gets it
// automatically.
func BenchmarkEpoch(b *testing.B) {
	if linalg.Backend() == "openblas" && os.Getenv("OPENBLAS_CORETYPE") == "" {
		b.Logf("OPENBLAS_CORETYPE is not set: Debian's OpenBLAS may pick slow generic kernels (set it to %q)", sdk.OpenBLASCoreType())
	}
	configs, y := randomData(benchN, benchSites, benchClasses, 1)
	nt := newNet(benchSites, benchHidden, benchClasses)
	nt.init(xrand.New(1))
	p := newPool(0)
	defer p.close()
	tr := &trainer{h: hyper{hidden: benchHidden, epochs: 1, lr: 0.1, testEvery: 1}, net: nt,
		x: toX(configs, benchSites), y: y, n: benchN, eng: newEngine(nt, benchN, 0, p)}
	tr.epoch()
	b.ResetTimer()
	for b.Loop() {
		tr.epoch()
	}
	goNs := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	b.ReportMetric(goNs, "ns/epoch")
	if ns, err := numpyEpoch(); err != nil {
		b.Logf("numpy reference skipped: %v", err)
	} else {
		b.ReportMetric(ns, "numpy-ns/epoch")
		b.ReportMetric(ns/goNs, "x-numpy")
	}
}

var numpyOnce struct {
	sync.Once
	ns  float64
	err error
}

// numpyEpoch runs testdata/numpy_epoch.py once per test binary and returns
// its ns/epoch.
func numpyEpoch() (float64, error) {
	numpyOnce.Do(func() {
		py := "/usr/bin/python3"
		if _, err := os.Stat(py); err != nil {
			numpyOnce.err = err
			return
		}
		script, _ := filepath.Abs(filepath.Join("testdata", "numpy_epoch.py"))
		cmd := exec.Command(py, script, strconv.Itoa(benchN), strconv.Itoa(benchSites),
			strconv.Itoa(benchHidden), strconv.Itoa(benchClasses), "3")
		cmd.Env = os.Environ()
		if os.Getenv("OPENBLAS_CORETYPE") == "" && sdk.OpenBLASCoreType() != "" {
			cmd.Env = append(cmd.Env, "OPENBLAS_CORETYPE="+sdk.OpenBLASCoreType())
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			numpyOnce.err = fmt.Errorf("%v: %s", err, strings.TrimSpace(string(out)))
			return
		}
		lines := strings.Split(strings.TrimSpace(string(out)), "\n")
		f := strings.Fields(lines[len(lines)-1])
		if len(f) != 2 || f[0] != "ns_per_epoch" {
			numpyOnce.err = fmt.Errorf("unexpected output %q", out)
			return
		}
		numpyOnce.ns, numpyOnce.err = strconv.ParseFloat(f[1], 64)
	})
	return numpyOnce.ns, numpyOnce.err
}

// BenchmarkPredict times the predict operation (in process, without the
// gRPC transport) on 25 000 configurations with the paper's network.
func BenchmarkPredict(b *testing.B) {
	configs, _ := randomData(benchN, benchSites, benchClasses, 2)
	nt := newNet(benchSites, benchHidden, benchClasses)
	nt.init(xrand.New(1))
	classes := make([]float64, benchClasses)
	for i := range classes {
		classes[i] = 0.25 * float64(i)
	}
	req := sdk.ApplyRequest{Operation: OpPredict, Weights: weights(nt, classes, true),
		Inputs: []sdk.Tensor{{Name: TensorConfigs, Shape: []int{benchN, benchSites}, Data: configs}}}
	th := NewWithOptions(Options{})
	ctx := context.Background()
	for b.Loop() {
		if _, err := th.Apply(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchN, "ns/config")
}
