package correlations

import (
	"fmt"
	"math"
	"slices"

	"github.com/rgml/rgml/framework/sdk"
)

// Stats are the observables of one group of configurations. Energy and
// AbsM (with χ and the Binder cumulant) are there when the model's
// observables were given (HasEnergy, HasM), G(r) when the lattice allows
// it (HasG).
type Stats struct {
	N                     int
	HasEnergy, HasM, HasG bool
	Energy, EnergyErr     float64 // the model's energy per site
	AbsM, AbsMErr         float64
	M2, M4                float64
	ChiT, ChiTErr         float64 // N(⟨m²⟩ − ⟨|m|⟩²): divide by T for χ
	Binder, BinderErr     float64
	G, GErr, Gc, GcErr    []float64 // r = 0 … L/2
	Xi, XiErr             float64
}

// Blocks is the number of jackknife blocks.
const Blocks = 20

// Measures are the per-configuration quantities the statistics of a
// group are made of: the model's energy and order parameter (nil when not
// given) and, when the lattice allows, G(r) and the site densities u of
// each configuration, whose group means give the disconnected part
// Σ_k ū_k² − Offset subtracted from G for G_c.
type Measures struct {
	L, D      int // the lattice: L^D sites (D = 0 is 2)
	Energy, M []float64
	G, U      [][]float64
	Offset    float64
}

// Correlator computes G(r) on the periodic hypercubic lattice of side L
// in D dimensions (sites x-major: i = x·L + y in two), for a state space:
// spin values (a subset of {−1, 0, 1} holding ±1) give G(r) = ⟨s_i s_j⟩;
// any other finite set of q values gives the Potts form G(r) = ⟨δ(s_i,
// s_j)⟩ − 1/q. G(r) is averaged over the sites and the D axes.
type Correlator struct {
	L, D   int
	axes   [][][]int32 // axes[a][r][i]: the site r steps from i along axis a
	states []int8
	spins  bool
}

// NewCorrelator returns the correlator of the L^d periodic hypercubic
// lattice (d = 1, 2, 3) whose sites take the given states; an error when
// fewer than two states are given.
func NewCorrelator(L, d int, states []int8) (*Correlator, error) {
	if len(states) < 2 {
		return nil, fmt.Errorf("a state space of %d value(s) %v has no correlations", len(states), states)
	}
	if d < 1 || d > sdk.MaxDimension {
		return nil, fmt.Errorf("a lattice of dimension %d: want 1 … %d", d, sdk.MaxDimension)
	}
	c := &Correlator{L: L, D: d, states: slices.Clone(states), spins: true}
	for _, s := range states {
		if s < -1 || s > 1 {
			c.spins = false
		}
	}
	if c.spins && (!slices.Contains(states, 1) || !slices.Contains(states, -1)) {
		c.spins = false
	}
	c.axes = neighbours(L, d)
	return c, nil
}

// Offset is what G(r) tends to for independent uniformly distributed
// sites' disconnected part: 0 for spins, 1/q for q categorical states.
func (c *Correlator) Offset() float64 {
	if c.spins {
		return 0
	}
	return 1 / float64(len(c.states))
}

// neighbours returns, per axis a and for r = 0 … L/2, the neighbour at
// distance r along a of every site of the L^d lattice (x-major: axis a
// has stride L^(d−1−a)); in two dimensions axis 0 is x (stride L) and
// axis 1 is y: ((x+r) mod L)·L + y and x·L + (y+r) mod L.
func neighbours(L, d int) [][][]int32 {
	R, n := L/2, 1
	for range d {
		n *= L
	}
	axes := make([][][]int32, d)
	stride := n
	for a := range d {
		stride /= L
		axes[a] = make([][]int32, R+1)
		for r := 0; r <= R; r++ {
			nb := make([]int32, n)
			for i := range n {
				x := (i / stride) % L
				nb[i] = int32(i + ((x+r)%L-x)*stride)
			}
			axes[a][r] = nb
		}
	}
	return axes
}

// Measure returns G(r), r = 0 … L/2, of every configuration in configs
// (n×L² values of the state space), averaged over sites and both axes,
// and its site densities: the magnetisation (1/N) Σ_i s_i for spins, the
// fraction of sites in each state for categorical states.
func (c *Correlator) Measure(configs []int8) (g, u [][]float64) {
	n := c.sites()
	R := c.L / 2
	count := len(configs) / n
	g, u = make([][]float64, count), make([][]float64, count)
	var idx [256]int
	for k, s := range c.states {
		idx[uint8(s)] = k
	}
	for k := range count {
		s := configs[k*n : (k+1)*n]
		gk := make([]float64, R+1)
		for r := 0; r <= R; r++ {
			acc := 0 // an integer: the same sum in any order
			for _, axis := range c.axes {
				nb := axis[r]
				if c.spins {
					for i, v := range s {
						acc += int(v) * int(s[nb[i]])
					}
				} else {
					for i, v := range s {
						acc += b2i(v == s[nb[i]])
					}
				}
			}
			gk[r] = float64(acc)/float64(c.D*n) - c.Offset()
		}
		g[k] = gk
		if c.spins {
			sum := 0
			for _, v := range s {
				sum += int(v)
			}
			u[k] = []float64{float64(sum) / float64(n)}
		} else {
			uk := make([]float64, len(c.states))
			for _, v := range s {
				uk[idx[uint8(v)]]++
			}
			for j := range uk {
				uk[j] /= float64(n)
			}
			u[k] = uk
		}
	}
	return g, u
}

// sites is the number of sites, L^D.
func (ms Measures) sites() int { return sdk.LatticeSites(ms.L, sdk.Dim(ms.D)) }

// sites is L^D.
func (c *Correlator) sites() int {
	n := 1
	for range c.D {
		n *= c.L
	}
	return n
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Compute returns the statistics of the ±1 configurations listed in idx
// with G(r) on the L×L lattice and the site magnetisation as the order
// parameter (no energy: that is the model's).
func Compute(configs []int8, L int, idx []int) (Stats, error) {
	if len(idx) == 0 {
		return Stats{}, fmt.Errorf("correlations: no configurations")
	}
	c, _ := NewCorrelator(L, 2, []int8{-1, 1})
	ms := Measures{L: L}
	ms.G, ms.U = c.Measure(configs)
	ms.M = make([]float64, len(ms.U))
	for i, u := range ms.U {
		ms.M[i] = u[0]
	}
	return ms.Stats(idx), nil
}

// sub returns x at the indices idx.
func sub(x []float64, idx []int) []float64 {
	out := make([]float64, len(idx))
	for k, i := range idx {
		out[k] = x[i]
	}
	return out
}

// Stats returns the statistics of the configurations listed in idx.
func (ms Measures) Stats(idx []int) Stats {
	n := len(idx)
	st := Stats{N: n, HasEnergy: ms.Energy != nil, HasM: ms.M != nil, HasG: ms.G != nil}
	if st.HasEnergy {
		st.Energy, st.EnergyErr = blockSE(sub(ms.Energy, idx))
	}
	var m []float64
	if st.HasM {
		m = sub(ms.M, idx)
		absm := make([]float64, n)
		for i, v := range m {
			absm[i] = math.Abs(v)
		}
		st.AbsM, st.AbsMErr = blockSE(absm)
	}
	R := ms.L / 2
	if st.HasG {
		st.G, st.GErr = make([]float64, R+1), make([]float64, R+1)
		col := make([]float64, n)
		for r := 0; r <= R; r++ {
			for k, i := range idx {
				col[k] = ms.G[i][r]
			}
			st.G[r], st.GErr[r] = blockSE(col)
		}
	}
	st.derived(ms, idx, m)
	return st
}

// derived sets χT, the Binder cumulant, G_c and ξ with their jackknife
// errors over contiguous blocks (contiguous so that correlated
// neighbours fall together); m is the group's order parameter.
func (st *Stats) derived(ms Measures, idx []int, m []float64) {
	n := len(idx)
	R := ms.L / 2
	derive := func(lo, hi int, skip bool) (chiT, binder, xi float64, gc []float64) {
		var s2, s4, sa float64
		var g, u []float64
		if st.HasG {
			g, u = make([]float64, R+1), make([]float64, len(ms.U[idx[0]]))
		}
		cnt := 0
		for k, i := range idx {
			if skip && k >= lo && k < hi {
				continue
			}
			if st.HasM {
				v := m[k]
				s2 += v * v
				s4 += v * v * v * v
				sa += math.Abs(v)
			}
			for r := range g {
				g[r] += ms.G[i][r]
			}
			for j := range u {
				u[j] += ms.U[i][j]
			}
			cnt++
		}
		c := float64(cnt)
		chiT, binder, xi = math.NaN(), math.NaN(), math.NaN()
		if st.HasM {
			s2, s4, sa = s2/c, s4/c, sa/c
			chiT = float64(ms.sites()) * (s2 - sa*sa)
			binder = 1 - s4/(3*s2*s2)
		}
		if st.HasG {
			disc := -ms.Offset
			for _, v := range u {
				disc += (v / c) * (v / c)
			}
			gc = make([]float64, R+1)
			for r := range g {
				gc[r] = g[r]/c - disc
			}
			xi = FitXi(gc, nil, ms.L)
		}
		return chiT, binder, xi, gc
	}
	st.ChiT, st.Binder, st.Xi, st.Gc = derive(0, 0, false)
	st.ChiTErr, st.BinderErr, st.XiErr = math.NaN(), math.NaN(), math.NaN()
	b := min(Blocks, n)
	if st.HasG {
		st.GcErr = make([]float64, R+1)
	}
	if b < 2 {
		return
	}
	chis, bs, xis := make([]float64, b), make([]float64, b), make([]float64, b)
	gcs := make([][]float64, b)
	for k := 0; k < b; k++ {
		chis[k], bs[k], xis[k], gcs[k] = derive(k*n/b, (k+1)*n/b, true)
	}
	if st.HasM {
		st.ChiTErr, st.BinderErr = jackknife(chis), jackknife(bs)
	}
	if st.HasG {
		st.XiErr = jackknife(xis)
		col := make([]float64, b)
		for r := 0; r <= R; r++ {
			for k := range col {
				col[k] = gcs[k][r]
			}
			st.GcErr[r] = jackknife(col)
		}
		// Refit ξ with the errors now known.
		st.Xi = FitXi(st.Gc, st.GcErr, ms.L)
	}
}

// blockSE returns the mean of x and its standard error from the means of
// Blocks contiguous blocks, which stays honest when neighbouring
// configurations are correlated (consecutive states of a Markov chain),
// or the plain standard error when x has fewer than 2·Blocks values.
func blockSE(x []float64) (mean, se float64) {
	n := len(x)
	if n < 2*Blocks {
		return meanSE(x)
	}
	bm := make([]float64, Blocks)
	for k := range bm {
		lo, hi := k*n/Blocks, (k+1)*n/Blocks
		for _, v := range x[lo:hi] {
			bm[k] += v
		}
		bm[k] /= float64(hi - lo)
	}
	_, se = meanSE(bm)
	mean, _ = meanSE(x)
	return mean, se
}

func meanSE(x []float64) (mean, se float64) {
	n := float64(len(x))
	for _, v := range x {
		mean += v
	}
	mean /= n
	if len(x) < 2 {
		return mean, 0
	}
	var ss float64
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}

// jackknife returns the jackknife error of the leave-one-block-out
// estimates est: √((b−1)/b Σ (est_k − mean)²).
func jackknife(est []float64) float64 {
	b := float64(len(est))
	var mean float64
	for _, v := range est {
		mean += v
	}
	mean /= b
	var ss float64
	for _, v := range est {
		ss += (v - mean) * (v - mean)
	}
	return math.Sqrt((b - 1) / b * ss)
}

// The range FitXi searches ξ in, on a lattice of side L.
const xiMin = 0.05

func xiMax(L int) float64 { return 100 * float64(L) }

// XiLimit says whether ξ, as FitXi returns it on a lattice of side L,
// sits at a bound of the fit's range, where the fit cannot tell it from
// a larger (or smaller) one — G_c flat over the lattice: +1 at the upper
// bound (ξ is at least that), −1 at the lower, 0 within (and for NaN).
func XiLimit(xi float64, L int) float64 {
	const tol = 1e-3 // in log ξ: far wider than the search's convergence, far narrower than its grid step
	switch lx := math.Log(xi); {
	case lx >= math.Log(xiMax(L))-tol:
		return 1
	case lx <= math.Log(xiMin)+tol:
		return -1
	}
	return 0
}

// FitXi fits gc(r) ≈ A cosh((r − L/2)/ξ) over r = 1 … len(gc)−1, weighted
// by 1/err² (unweighted when err is nil or an error is 0), and returns ξ:
// A is solved in closed form for each ξ and ξ minimises the residual over
// a logarithmic grid from 0.05 to 100·L, refined by golden-section search.
// It returns NaN when gc(1) ≤ 0 or fewer than two distances are available.
func FitXi(gc, err []float64, L int) float64 {
	if len(gc) < 3 || !(gc[1] > 0) {
		return math.NaN()
	}
	half := float64(L) / 2
	w := make([]float64, len(gc))
	for r := 1; r < len(gc); r++ {
		w[r] = 1
		if err != nil && err[r] > 0 {
			w[r] = 1 / (err[r] * err[r])
		}
	}
	cost := func(lx float64) float64 {
		xi := math.Exp(lx)
		var gf, ff float64
		f := make([]float64, len(gc))
		for r := 1; r < len(gc); r++ {
			f[r] = math.Cosh((float64(r) - half) / xi)
			gf += w[r] * gc[r] * f[r]
			ff += w[r] * f[r] * f[r]
		}
		if ff == 0 || math.IsInf(ff, 0) {
			return math.Inf(1)
		}
		a := gf / ff
		var c float64
		for r := 1; r < len(gc); r++ {
			d := gc[r] - a*f[r]
			c += w[r] * d * d
		}
		return c
	}
	lo, hi := math.Log(xiMin), math.Log(xiMax(L))
	const steps = 200
	best, bestC := lo, math.Inf(1)
	for k := 0; k <= steps; k++ {
		lx := lo + (hi-lo)*float64(k)/steps
		if c := cost(lx); c < bestC {
			best, bestC = lx, c
		}
	}
	step := (hi - lo) / steps
	a, b := math.Max(lo, best-step), math.Min(hi, best+step)
	const phi = 0.6180339887498949
	for range 60 {
		c, d := b-phi*(b-a), a+phi*(b-a)
		if cost(c) < cost(d) {
			b = d
		} else {
			a = c
		}
	}
	return math.Exp((a + b) / 2)
}

// SpecificHeat returns the specific heat per site of a group of
// configurations at temperature T from their energies per site e on a
// lattice of sites sites, C = sites·(⟨e²⟩ − ⟨e⟩²)/T², with its jackknife
// error over min(Blocks, n) contiguous blocks (plain jackknife over single
// configurations when there are fewer than Blocks); NaN at T = 0 or for
// fewer than two configurations.
func SpecificHeat(e []float64, sites int, T float64) (c, cErr float64) {
	n := len(e)
	if n < 2 || !(T > 0) {
		return math.NaN(), math.NaN()
	}
	variance := func(skipLo, skipHi int) float64 {
		var s, s2, cnt float64
		for i, v := range e {
			if i >= skipLo && i < skipHi {
				continue
			}
			s += v
			s2 += v * v
			cnt++
		}
		m := s / cnt
		return s2/cnt - m*m
	}
	scale := float64(sites) / (T * T)
	c = scale * variance(0, 0)
	blocks := min(Blocks, n)
	var jk []float64
	for k := range blocks {
		jk = append(jk, scale*variance(k*n/blocks, (k+1)*n/blocks))
	}
	mean, _ := meanSE(jk)
	var ss float64
	for _, v := range jk {
		ss += (v - mean) * (v - mean)
	}
	return c, math.Sqrt(float64(blocks-1) / float64(blocks) * ss)
}
