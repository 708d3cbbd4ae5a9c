package rbm

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"

	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/internal/kernels"
	"github.com/rgml/rgml/plugins/internal/xrand"
)

func randMat(r *xrand.RNG, rows, stride, cols int) []float32 {
	m := make([]float32, rows*stride)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			m[i*stride+j] = float32(2*r.Float64() - 1)
		}
	}
	return m
}

// The engine's parallel gemm (segments of transA sums, blocks of rows)
// against a float64 triple loop, on every engine, with and without transA
// and accumulation, on padded shapes.
func TestGemm(t *testing.T) {
	testEngines(t, func(t *testing.T, e *engine) {
		r := xrand.New(1)
		for _, sz := range [][3]int{{1, 1, 1}, {5, 17, 3}, {8, 16, 0}, {37, 100, 64}, {100, 33, 1100}, {4, 400, 100}, {50, 16, 700}} {
			m, n, k := sz[0], sz[1], sz[2]
			for _, transA := range []bool{false, true} {
				for _, acc := range []bool{false, true} {
					name := fmt.Sprintf("%dx%dx%d/transA=%v/acc=%v", m, n, k, transA, acc)
					var a []float32
					var lda int
					if transA {
						lda = pad16(m) + 3
						a = randMat(r, k, lda, m)
					} else {
						lda = k + 5
						a = randMat(r, pad4(m), lda, k)
					}
					ldb, ldc := pad16(n)+16, pad16(n)
					b := randMat(r, k, ldb, n)
					c := randMat(r, pad4(m), ldc, n)
					old := append([]float32(nil), c...)
					alpha := float32(-0.5)
					e.gemm(transA, m, n, k, alpha, a, lda, b, ldb, acc, c, ldc)
					for i := 0; i < m; i++ {
						for j := 0; j < n; j++ {
							s := 0.0
							for l := 0; l < k; l++ {
								var av float32
								if transA {
									av = a[l*lda+i]
								} else {
									av = a[i*lda+l]
								}
								s += float64(av) * float64(b[l*ldb+j])
							}
							want := float64(alpha) * s
							if acc {
								want += float64(old[i*ldc+j])
							}
							if d := math.Abs(float64(c[i*ldc+j]) - want); d > 1e-5*math.Sqrt(float64(k+1)) {
								t.Fatalf("%s: C[%d,%d] = %g, want %g", name, i, j, c[i*ldc+j], want)
							}
						}
					}
				}
			}
		}
	})
}

// sampleRow's inline generator is rng.Uint64: the same ±1 values from
// the same draws (two units a draw), and the same state afterwards.
func TestSampleRowStream(t *testing.T) {
	for _, n := range []int{1, 2, 7, 64, 255, 256, 257, 401, 513, 1025} {
		r := xrand.New(uint64(n))
		x := make([]float32, n)
		for i := range x {
			x[i] = float32(2*r.Float64() - 1)
		}
		want := append([]float32(nil), x...)
		a, b := xrand.New(9), xrand.New(9)
		i := 0
		for ; i+1 < n; i += 2 {
			u := b.Uint64()
			want[i] = kernels.Sign24(uint32(u>>40), want[i])
			want[i+1] = kernels.Sign24(uint32(u>>16)&0xffffff, want[i+1])
		}
		if i < n {
			want[i] = kernels.Sign24(uint32(b.Uint64()>>40), want[i])
		}
		sampleRow(x, a, new(draws))
		for i := range x {
			if x[i] != want[i] {
				t.Fatalf("n=%d: unit %d = %v, want %v", n, i, x[i], want[i])
			}
		}
		if a.State() != b.State() {
			t.Fatalf("n=%d: generator state differs after sampling", n)
		}
	}
}

// A stride with the extra 16 values (N_v or N_h a multiple of 256) trains
// bit for bit as pad16's would: every buffer of the trainer follows its
// stride. Sampling hidden units and a mini-batch (with its gather) run too.
func TestRowStrideSameBits(t *testing.T) {
	for _, sz := range [][2]int{{256, 40}, {100, 256}} {
		nv, nh := sz[0], sz[1]
		if rowStride(nv) == pad16(nv) && rowStride(nh) == pad16(nh) {
			t.Fatalf("N_v = %d, N_h = %d: no extra stride to test", nv, nh)
		}
		configs := randomConfigs(300, nv, 3)
		train := func() ([]float32, [2]int) {
			out, tr := trainBits(t, configs, nv, sdk.Params{ParamHidden: float64(nh), ParamBatch: 128, ParamSampling: 1})
			return out, [2]int{tr.nvp, tr.nhp}
		}
		got, wide := train()
		old := strideOf
		strideOf = pad16
		want, narrow := train()
		strideOf = old
		if wide == narrow {
			t.Fatalf("N_v = %d, N_h = %d: both trainings had strides %v", nv, nh, wide)
		}
		if !slices.Equal(got, want) {
			t.Errorf("N_v = %d, N_h = %d: the weights differ with the wider stride", nv, nh)
		}
	}
}

// Partial gradients kept transposed (trainer.tta) train bit for bit as
// the untransposed ones, on every vector implementation: CD-1 mean-field,
// CD-2 with sampling on mini-batches, PCD, and spin-1 data; sizes where
// the rule takes the transpose (N_h = 16, 36) and where it does not.
func TestTransposedGradientSameBits(t *testing.T) {
	old := transposeTA
	defer func() { transposeTA = old }()
	for _, name := range kernels.Vector() {
		restore, err := kernels.Force(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			nv, nh int
			p      sdk.Params
			spin1  bool
		}{
			{100, 16, sdk.Params{}, false},
			{100, 36, sdk.Params{ParamBatch: 128, ParamSampling: 1, ParamK: 2}, false},
			{64, 20, sdk.Params{ParamPersistent: 1, ParamBatch: 200}, false},
			{49, 16, sdk.Params{}, true},
		} {
			configs := randomConfigs(300, c.nv, 5)
			if c.spin1 {
				configs = spin1Data(7, 300, 5).Configs
			}
			train := func(tta bool) ([]float32, bool) {
				transposeTA = func(int, int) bool { return tta }
				p := sdk.Params{ParamHidden: float64(c.nh)}
				maps.Copy(p, c.p)
				out, tr := trainBits(t, configs, c.nv, p)
				return out, tr.tta
			}
			got, on := train(true)
			want, off := train(false)
			if !on || off {
				t.Fatalf("%s %+v: tta %v and %v, want true and false", name, c, on, off)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%s %+v: the gradient or weights differ with transposed partial gradients", name, c)
			}
		}
		restore()
	}
	transposeTA = old
	if kernels.Name() == "avx512" && !transposeTA(100, 16) {
		t.Error("the rule does not transpose N_v = 100, N_h = 16 on avx512")
	}
}

// trainBits trains on the 300 configurations of nv sites for three
// epochs on two workers and returns the last step's gradient sum (an
// ulp's difference there may round away in the weights), the weights and
// the biases, unpadded, and the trainer.
func trainBits(t *testing.T, configs []int8, nv int, p sdk.Params) ([]float32, *trainer) {
	t.Helper()
	e := newEngine(2)
	defer e.close()
	h, err := hyperOf(p)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTrainer(e, h, 1, configs, 300, nv, false)
	if err != nil {
		t.Fatal(err)
	}
	tr.init()
	for range 3 {
		if _, err := tr.epoch(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	nh := tr.nh
	out := unpad(tr.dw, nv, nh, tr.nhp)
	out = append(out, unpad(tr.cur.w, nv, nh, tr.nhp)...)
	out = append(out, unpad(tr.cur.bv, 1, nv, tr.nvp)...)
	return append(out, unpad(tr.cur.bh, 1, nh, tr.nhp)...), tr
}

// A worker other than the first multiplies with a copy of the current W
// and Wᵀ, made afresh each step, never the trainer's own slices; the
// first with the trainer's.
func TestWorkerWeightsFresh(t *testing.T) {
	e := newEngine(3)
	defer e.close()
	h, err := hyperOf(sdk.Params{ParamHidden: 20})
	if err != nil {
		t.Fatal(err)
	}
	tr, err := newTrainer(e, h, 1, randomConfigs(300, 64, 2), 300, 64, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.wcopy) != 2 {
		t.Fatalf("%d copies of the weights for 3 workers, want 2", len(tr.wcopy))
	}
	tr.init()
	for epoch := range 2 {
		if _, err := tr.epoch(context.Background()); err != nil {
			t.Fatal(err)
		}
		j := &stepJob{t: tr}
		tr.slots.Store(0)
		if w, wt := j.weights(0); &w[0] != &tr.cur.w[0] || &wt[0] != &tr.wt[0] {
			t.Fatal("the first worker does not use the trainer's weights")
		}
		for part := 1; part <= 2; part++ {
			w, wt := j.weights(part)
			if &w[0] == &tr.cur.w[0] || !slices.Equal(w, tr.cur.w) || !slices.Equal(wt, tr.wt) {
				t.Fatalf("epoch %d, worker %d: not a fresh copy of W and Wᵀ", epoch, part)
			}
		}
	}
}

// trainingDigest is the SHA-256 of TestTrainingDigest's gradients and
// weights on the vector kernels (avx2 and avx512 on amd64).
const trainingDigest = "761a1906392f0434afe96e8158557aec44601794ce3c5b0431efd684209cd0d7"

// Trainings give the same bits on every vector implementation and
// architecture — neon under qemu (make test-arm64) those of avx2 and
// avx512 — with momentum, weight decay, sampling, CD-2 and PCD, where
// the weight update's products are rounded before their additions, which
// arm64's compiler would otherwise fuse.
func TestTrainingDigest(t *testing.T) {
	names := kernels.Vector()
	if len(names) == 0 {
		t.Skip("no vector kernels")
	}
	configs := randomConfigs(300, 100, 3)
	for _, name := range names {
		restore, err := kernels.Force(name)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		for _, p := range []sdk.Params{
			{ParamHidden: 20},
			{ParamHidden: 36, ParamBatch: 128, ParamSampling: 1, ParamK: 2, ParamMomentum: 0.5, ParamWeightDecay: 0.001},
			{ParamHidden: 16, ParamPersistent: 1, ParamBatch: 100, ParamMomentum: 0.9},
		} {
			out, _ := trainBits(t, configs, 100, p)
			for _, v := range out {
				binary.Write(h, binary.LittleEndian, math.Float32bits(v))
			}
		}
		restore()
		if got := hex.EncodeToString(h.Sum(nil)); got != trainingDigest {
			t.Errorf("%s: digest %s, want %s", name, got, trainingDigest)
		}
	}
}
