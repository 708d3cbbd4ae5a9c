package rbm

import (
	"bytes"
	"encoding/binary"
	"math"
	"sync"
	"testing"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

// recorder keeps a training's events.
type recorder struct {
	mu          sync.Mutex
	progress    []sdk.Progress
	checkpoints []sdk.Checkpoint
}

func (r *recorder) Progress(p sdk.Progress) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.progress = append(r.progress, p)
	return nil
}

func (r *recorder) Checkpoint(c sdk.Checkpoint) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.checkpoints = append(r.checkpoints, c)
	return nil
}

func (r *recorder) checkpoint(t *testing.T, epoch int) *sdk.Checkpoint {
	t.Helper()
	for i := range r.checkpoints {
		if r.checkpoints[i].Epoch == epoch {
			return &r.checkpoints[i]
		}
	}
	t.Fatalf("no checkpoint at epoch %d among %d", epoch, len(r.checkpoints))
	return nil
}

// grpcLearner serves a fresh learner through the real gRPC shims in this
// process and returns the host's view of it.
func grpcLearner(t *testing.T) sdk.Learner {
	t.Helper()
	client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Learner: New()}))
	t.Cleanup(func() { client.Close() })
	raw, err := client.Dispense(sdk.KindLearner)
	if err != nil {
		t.Fatal(err)
	}
	return raw.(sdk.Learner)
}

// lowTData returns n configurations of an L×L lattice like the T ≈ 0
// Ising model: alternately all up and all down, each spin flipped with
// probability noise.
func lowTData(L, n int, noise float64, seed uint64) sdk.Dataset {
	r := xrand.New(seed)
	c := make([]int8, n*L*L)
	for k := 0; k < n; k++ {
		s := int8(1 - 2*(k%2))
		for i := 0; i < L*L; i++ {
			v := s
			if r.Float64() < noise {
				v = -v
			}
			c[k*L*L+i] = v
		}
	}
	return sdk.Dataset{Size: L, Configs: c}
}

// randomConfigs returns n uniformly random ±1 configurations of nv sites.
func randomConfigs(n, nv int, seed uint64) []int8 {
	r := xrand.New(seed)
	c := make([]int8, n*nv)
	for i := range c {
		c[i] = int8(1 - 2*int(r.Uint64()>>63))
	}
	return c
}

// tensorBytes serialises tensors for bitwise comparison.
func tensorBytes(t *testing.T, ts []sdk.Tensor, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, n := range names {
		x, ok := sdk.FindTensor(ts, n)
		if !ok {
			t.Fatalf("no tensor %q", n)
		}
		if err := binary.Write(&buf, binary.LittleEndian, x.Data); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func f32(t *testing.T, ts []sdk.Tensor, name string) []float32 {
	t.Helper()
	x, ok := sdk.FindTensor(ts, name)
	if !ok {
		t.Fatalf("no tensor %q", name)
	}
	return x.Data.([]float32)
}

// testEngines runs f on an engine of every kernels implementation this
// CPU runs (forced), and on one with blas32 (the build's linalg backend).
func testEngines(t *testing.T, f func(t *testing.T, e *engine)) {
	for _, name := range append(kernels.Available(), "blas32") {
		t.Run(name, func(t *testing.T) {
			if name != "blas32" {
				restore, err := kernels.Force(name)
				if err != nil {
					t.Fatal(err)
				}
				defer restore()
			}
			e := newEngine(2)
			defer e.close()
			e.blas = name == "blas32"
			f(t, e)
		})
	}
}

func tanh64(x float64) float64 { return math.Tanh(x) }
