package spectrum

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// orthogonal returns a random n×n orthogonal matrix (Q of a QR of a
// Gaussian matrix).
func orthogonal(rng *rand.Rand, n int) *mat.Dense {
	a := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			a.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(a)
	var q mat.Dense
	qr.QTo(&q)
	return &q
}

// withSingularValues returns W = U diag(σ) Vᵀ, nv×nh, row-major.
func withSingularValues(rng *rand.Rand, nv, nh int, sigma []float64) []float64 {
	u, v := orthogonal(rng, nv), orthogonal(rng, nh)
	s := mat.NewDense(nv, nh, nil)
	for a, x := range sigma {
		s.Set(a, a, x)
	}
	var w mat.Dense
	w.Product(u, s, v.T())
	return w.RawMatrix().Data
}

func TestEigenvaluesAreSquaredSingularValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const nv = 100
	for _, nh := range []int{16, 100, 400} {
		k := min(nv, nh)
		sigma := make([]float64, k)
		for a := range sigma {
			sigma[a] = 5 * math.Exp(-float64(a)/10) // descending, distinct
		}
		s, err := Compute(withSingularValues(rng, nv, nh, sigma), nv, nh)
		if err != nil {
			t.Fatal(err)
		}
		for a := 0; a < nv; a++ {
			want := 0.0 // N_h < N_v: N_v − N_h zero eigenvalues
			if a < k {
				want = sigma[a] * sigma[a]
			}
			if math.Abs(s.Eigenvalues[a]-want) > 1e-9 {
				t.Errorf("N_h = %d: λ_%d = %.12g, want σ² = %.12g", nh, a, s.Eigenvalues[a], want)
			}
		}
		if len(s.Singular) != k {
			t.Fatalf("N_h = %d: %d singular values, want %d", nh, len(s.Singular), k)
		}
		for a := range sigma {
			if math.Abs(s.Singular[a]-sigma[a]) > 1e-9 {
				t.Errorf("N_h = %d: σ_%d = %.12g, want %.12g", nh, a, s.Singular[a], sigma[a])
			}
		}
	}
}

// TestEq48 checks ⟨vᵀWWᵀv⟩ = Σ_a c_a² λ_a with c_a = u_a·v (paper eq. (48))
// for random W and v, and that the eigenvectors are orthonormal
// eigenvectors of WWᵀ.
func TestEq48(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const L, nh = 6, 20
	nv := L * L
	w := make([]float64, nv*nh)
	for i := range w {
		w[i] = rng.NormFloat64()
	}
	s, err := Compute(w, nv, nh)
	if err != nil {
		t.Fatal(err)
	}
	for a := 0; a < nv; a++ {
		for b := 0; b < nv; b++ {
			dot := 0.0
			for i := 0; i < nv; i++ {
				dot += s.Eigenvectors[i*nv+a] * s.Eigenvectors[i*nv+b]
			}
			if want := float64(b2i(a == b)); math.Abs(dot-want) > 1e-9 {
				t.Fatalf("u_%d·u_%d = %g, want %g", a, b, dot, want)
			}
		}
		for i := 0; i < nv; i++ {
			mv := 0.0
			for j := 0; j < nv; j++ {
				mv += s.WWT[i*nv+j] * s.Eigenvectors[j*nv+a]
			}
			if d := mv - s.Eigenvalues[a]*s.Eigenvectors[i*nv+a]; math.Abs(d) > 1e-8*(1+s.Eigenvalues[0]) {
				t.Fatalf("(WWᵀu_%d)_%d − λu = %g", a, i, d)
			}
		}
	}
	v := make([]int8, 50*nv)
	for i := range v {
		v[i] = int8(2*rng.IntN(2) - 1)
	}
	q := Quadratic(w, nv, nh, v)
	for n := range q {
		sum := 0.0
		for a := 0; a < nv; a++ {
			c := 0.0
			for i := 0; i < nv; i++ {
				c += s.Eigenvectors[i*nv+a] * float64(v[n*nv+i])
			}
			sum += c * c * s.Eigenvalues[a]
		}
		if math.Abs(q[n]-sum) > 1e-9*sum {
			t.Errorf("configuration %d: vᵀWWᵀv = %.12g, Σ c_a² λ_a = %.12g", n, q[n], sum)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// TestDecayDirections builds W = I + εS with S the shift to the
// y-neighbour (i → x·L + (y+1) mod L), so WWᵀ = (1+ε²)I + ε(S + Sᵀ): the
// normalised decay is ε/(1+ε²) at r = 1 along y, 0 along x, and 1 at r = 0.
func TestDecayDirections(t *testing.T) {
	const L, eps = 6, 0.5
	nv := L * L
	w := make([]float64, nv*nv)
	for x := 0; x < L; x++ {
		for y := 0; y < L; y++ {
			i := x*L + y
			w[i*nv+i] = 1
			w[i*nv+x*L+(y+1)%L] = eps
		}
	}
	s, err := Compute(w, nv, nv)
	if err != nil {
		t.Fatal(err)
	}
	dx, dy, mean, err := s.Decay(L)
	if err != nil {
		t.Fatal(err)
	}
	want1 := eps / (1 + eps*eps)
	for _, c := range []struct {
		name      string
		got, want float64
	}{
		{"x r=0", dx[0], 1}, {"y r=0", dy[0], 1},
		{"y r=1", dy[1], want1}, {"x r=1", dx[1], 0}, {"mean r=1", mean[1], want1 / 2},
		{"y r=2", dy[2], 0}, {"x r=3", dx[3], 0},
	} {
		if math.Abs(c.got-c.want) > 1e-12 {
			t.Errorf("decay %s = %g, want %g", c.name, c.got, c.want)
		}
	}
	if len(dx) != L/2+1 {
		t.Errorf("%d distances, want r = 0…%d", len(dx), L/2)
	}
}

// TestQuadraticOfIndependentSpins: for independent ±1 spins E[vᵀWWᵀv] =
// tr WWᵀ. The mean over 4000 configurations must lie within 4σ of the
// trace; the power check requires that a 3 % error (what forgetting a row
// of W or a wrong normalisation would give) lies outside 4σ.
func TestQuadraticOfIndependentSpins(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const L, nh, n = 10, 16, 4000
	nv := L * L
	w := make([]float64, nv*nh)
	for i := range w {
		w[i] = rng.NormFloat64() * 0.1
	}
	v := make([]int8, n*nv)
	temps := make([]float64, n)
	for i := range v {
		v[i] = int8(2*rng.IntN(2) - 1)
	}
	for i := range temps {
		temps[i] = float64(i % 2 * 6) // two groups, T = 0 and 6
	}
	s, _ := Compute(w, nv, nh)
	trace := 0.0
	for i := 0; i < nv; i++ {
		trace += s.WWT[i*nv+i]
	}
	Ts, mean, se, err := PerTemperature(w, nv, nh, v, temps)
	if err != nil {
		t.Fatal(err)
	}
	if len(Ts) != 2 || Ts[0] != 0 || Ts[1] != 6 {
		t.Fatalf("temperatures %v, want [0 6]", Ts)
	}
	for g := range Ts {
		if d := math.Abs(mean[g] - trace); d > 4*se[g] {
			t.Errorf("T = %g: ⟨vᵀWWᵀv⟩ = %.4f ± %.4f, tr WWᵀ = %.4f (%.1fσ)", Ts[g], mean[g], se[g], trace, d/se[g])
		}
		if d := math.Abs(mean[g] - 1.03*trace); d < 4*se[g] {
			t.Errorf("T = %g: the test cannot tell a 3%% error: ±%.4f on %.4f", Ts[g], se[g], trace)
		}
	}
}

func BenchmarkCompute(b *testing.B) {
	for _, nh := range []int{16, 100, 400} {
		b.Run("nh="+strconv.Itoa(nh), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, 8))
			const nv = 100
			w := make([]float64, nv*nh)
			for i := range w {
				w[i] = rng.NormFloat64()
			}
			b.ResetTimer()
			for range b.N {
				s, err := Compute(w, nv, nh)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, _, err := s.Decay(10); err != nil {
					b.Fatal(err)
				}
				sink = s
			}
		})
	}
}

var sink *Spectrum
