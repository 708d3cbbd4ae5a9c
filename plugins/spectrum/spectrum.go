package spectrum

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/rgml/rgml/framework/sdk"
)

// Spectrum is the eigen-structure of WWᵀ for a weight matrix W [N_v, N_h].
type Spectrum struct {
	Nv, Nh int
	// WWT is WWᵀ, N_v × N_v, row-major.
	WWT []float64
	// Eigenvalues of WWᵀ in descending order; Eigenvectors holds the
	// matching orthonormal eigenvectors as columns, N_v × N_v row-major.
	Eigenvalues  []float64
	Eigenvectors []float64
	// Singular values of W in descending order, min(N_v, N_h) of them.
	Singular []float64
}

// Compute returns the spectrum of W, row-major with nv rows and nh columns
// (W_ia at w[i*nh+a]). It errors when len(w) ≠ nv·nh or the
// eigen-decomposition fails.
func Compute(w []float64, nv, nh int) (*Spectrum, error) {
	if nv < 1 || nh < 1 || len(w) != nv*nh {
		return nil, fmt.Errorf("spectrum: %d values for a %d×%d W", len(w), nv, nh)
	}
	W := mat.NewDense(nv, nh, w)
	var wwt mat.SymDense
	wwt.SymOuterK(1, W)
	var eig mat.EigenSym
	if !eig.Factorize(&wwt, true) {
		return nil, fmt.Errorf("spectrum: eigen-decomposition of WWᵀ did not converge")
	}
	asc := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	s := &Spectrum{Nv: nv, Nh: nh, WWT: make([]float64, nv*nv), Eigenvalues: make([]float64, nv), Eigenvectors: make([]float64, nv*nv)}
	for i := 0; i < nv; i++ {
		for j := 0; j < nv; j++ {
			s.WWT[i*nv+j] = wwt.At(i, j)
		}
	}
	for a := 0; a < nv; a++ {
		src := nv - 1 - a // descending order
		s.Eigenvalues[a] = asc[src]
		// Fix each eigenvector's sign (largest component positive) so
		// that the output does not depend on LAPACK's choice.
		big, sign := 0.0, 1.0
		for i := 0; i < nv; i++ {
			if v := vecs.At(i, src); math.Abs(v) > big {
				big, sign = math.Abs(v), math.Copysign(1, v)
			}
		}
		for i := 0; i < nv; i++ {
			s.Eigenvectors[i*nv+a] = sign * vecs.At(i, src)
		}
	}
	var svd mat.SVD
	if !svd.Factorize(W, mat.SVDNone) {
		return nil, fmt.Errorf("spectrum: SVD of W did not converge")
	}
	s.Singular = svd.Values(nil) // descending
	return s, nil
}

// Decay returns the normalised off-diagonal decay of WWᵀ of an L×L
// lattice for r = 0 … L/2 along x, along y and their mean (DecayAxes with
// d = 2).
func (s *Spectrum) Decay(L int) (dx, dy, mean []float64, err error) {
	axes, mean, err := s.DecayAxes(L, 2)
	if err != nil {
		return nil, nil, nil, err
	}
	return axes[0], axes[1], mean, nil
}

// DecayAxes returns, for a lattice of L^d sites in x-major order, the
// normalised off-diagonal decay of WWᵀ for r = 0 … L/2 along each axis a
// (j is i shifted by r along a, periodically) and its mean over the axes:
// D_a(r) = (1/N_v) Σ_i (WWᵀ)_ij / √((WWᵀ)_ii (WWᵀ)_jj). A site whose
// diagonal is zero (a visible unit with no weights) contributes 0.
func (s *Spectrum) DecayAxes(L, d int) (axes [][]float64, mean []float64, err error) {
	if L < 1 || d < 1 || sdk.LatticeSites(L, d) != s.Nv {
		return nil, nil, fmt.Errorf("spectrum: L = %d, d = %d does not match N_v = %d", L, d, s.Nv)
	}
	n := s.Nv
	norm := func(i, j int) float64 {
		q := s.WWT[i*n+i] * s.WWT[j*n+j]
		if q <= 0 {
			return 0
		}
		return s.WWT[i*n+j] / math.Sqrt(q)
	}
	R := L / 2
	axes, mean = make([][]float64, d), make([]float64, R+1)
	stride := n
	for a := range axes {
		// Axis a's coordinate of site i is (i / stride) mod L.
		stride /= L
		axes[a] = make([]float64, R+1)
		for r := 0; r <= R; r++ {
			for i := 0; i < n; i++ {
				c := (i / stride) % L
				axes[a][r] += norm(i, i+((c+r)%L-c)*stride)
			}
			axes[a][r] /= float64(n)
			mean[r] += axes[a][r]
		}
	}
	for r := range mean {
		mean[r] /= float64(d)
	}
	return axes, mean, nil
}

// Quadratic returns q_n = v_nᵀ WWᵀ v_n = |v_nᵀ W|² for each of the n
// configurations in v (±1, N_v each), eq. (47) before the average.
func Quadratic(w []float64, nv, nh int, v []int8) []float64 {
	n := len(v) / nv
	out := make([]float64, n)
	W := mat.NewDense(nv, nh, w)
	const block = 1024 // bounds the float64 copy of the configurations
	for lo := 0; lo < n; lo += block {
		hi := min(n, lo+block)
		V := mat.NewDense(hi-lo, nv, nil)
		raw := V.RawMatrix().Data
		for k, s := range v[lo*nv : hi*nv] {
			raw[k] = float64(s)
		}
		var U mat.Dense
		U.Mul(V, W)
		for r := 0; r < hi-lo; r++ {
			row := U.RawRowView(r)
			q := 0.0
			for _, u := range row {
				q += u * u
			}
			out[lo+r] = q
		}
	}
	return out
}
