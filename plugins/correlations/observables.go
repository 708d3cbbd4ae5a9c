package correlations

import (
	"fmt"
	"math"
)

// Stats are the observables of one group of configurations.
type Stats struct {
	N                  int
	Energy, EnergyErr  float64 // per spin
	AbsM, AbsMErr      float64
	M2, M4             float64
	ChiT, ChiTErr      float64 // N(⟨m²⟩ − ⟨|m|⟩²): divide by T for χ
	Binder, BinderErr  float64
	G, GErr, Gc, GcErr []float64 // r = 0 … L/2
	Xi, XiErr          float64
}

// Blocks is the number of jackknife blocks.
const Blocks = 20

// perConfig holds the per-configuration quantities of a group.
type perConfig struct {
	m, e []float64
	g    [][]float64 // [config][r]
}

// neighbours returns, for r = 0 … L/2, the x- and y-neighbour at distance
// r of every site: nx[r][i] = ((x+r) mod L)·L + y, ny[r][i] = x·L + (y+r) mod L.
func neighbours(L int) (nx, ny [][]int32) {
	R := L / 2
	nx, ny = make([][]int32, R+1), make([][]int32, R+1)
	for r := 0; r <= R; r++ {
		nx[r], ny[r] = make([]int32, L*L), make([]int32, L*L)
		for x := 0; x < L; x++ {
			for y := 0; y < L; y++ {
				nx[r][x*L+y] = int32(((x+r)%L)*L + y)
				ny[r][x*L+y] = int32(x*L + (y+r)%L)
			}
		}
	}
	return nx, ny
}

// measure computes m, e and g(r) of each configuration listed in idx.
func measure(configs []int8, L int, idx []int, nx, ny [][]int32) perConfig {
	n := L * L
	R := L / 2
	p := perConfig{m: make([]float64, len(idx)), e: make([]float64, len(idx)), g: make([][]float64, len(idx))}
	gs := make([]float64, len(idx)*(R+1))
	for k, c := range idx {
		s := configs[c*n : (c+1)*n]
		g := gs[k*(R+1) : (k+1)*(R+1)]
		sum := 0
		for _, v := range s {
			sum += int(v)
		}
		for r := 0; r <= R; r++ {
			ax, ay := nx[r], ny[r]
			acc := 0
			for i, v := range s {
				acc += int(v) * (int(s[ax[i]]) + int(s[ay[i]]))
			}
			g[r] = float64(acc) / float64(2*n)
		}
		p.m[k] = float64(sum) / float64(n)
		if R >= 1 {
			p.e[k] = -2 * g[1] // −(1/N) Σ_i s_i (s_x + s_y) = −2 G(1)
		}
		p.g[k] = g
	}
	return p
}

// Compute returns the observables of the configurations listed in idx.
func Compute(configs []int8, L int, idx []int) (Stats, error) {
	if len(idx) == 0 {
		return Stats{}, fmt.Errorf("correlations: no configurations")
	}
	nx, ny := neighbours(L)
	return computeWith(configs, L, idx, nx, ny), nil
}

func computeWith(configs []int8, L int, idx []int, nx, ny [][]int32) Stats {
	p := measure(configs, L, idx, nx, ny)
	n := len(idx)
	R := L / 2
	st := Stats{N: n}
	absm := make([]float64, n)
	for i, m := range p.m {
		absm[i] = math.Abs(m)
	}
	st.Energy, st.EnergyErr = blockSE(p.e)
	st.AbsM, st.AbsMErr = blockSE(absm)
	st.G, st.GErr = make([]float64, R+1), make([]float64, R+1)
	col := make([]float64, n)
	for r := 0; r <= R; r++ {
		for i := range col {
			col[i] = p.g[i][r]
		}
		st.G[r], st.GErr[r] = blockSE(col)
	}
	// Derived quantities and their jackknife errors over contiguous
	// blocks (contiguous so that correlated neighbours fall together).
	derive := func(lo, hi int, skip bool) (chiT, binder, xi float64, gc []float64) {
		var sm, s2, s4, sa float64
		g := make([]float64, R+1)
		cnt := 0
		for i := 0; i < n; i++ {
			if skip && i >= lo && i < hi {
				continue
			}
			m := p.m[i]
			sm += m
			s2 += m * m
			s4 += m * m * m * m
			sa += math.Abs(m)
			for r := range g {
				g[r] += p.g[i][r]
			}
			cnt++
		}
		c := float64(cnt)
		sm, s2, s4, sa = sm/c, s2/c, s4/c, sa/c
		chiT = float64(L*L) * (s2 - sa*sa)
		binder = 1 - s4/(3*s2*s2)
		gc = make([]float64, R+1)
		for r := range g {
			gc[r] = g[r]/c - sm*sm
		}
		xi = FitXi(gc, nil, L)
		return chiT, binder, xi, gc
	}
	st.ChiT, st.Binder, st.Xi, st.Gc = derive(0, 0, false)
	b := min(Blocks, n)
	st.GcErr = make([]float64, R+1)
	if b >= 2 {
		chis, bs, xis := make([]float64, b), make([]float64, b), make([]float64, b)
		gcs := make([][]float64, b)
		for k := 0; k < b; k++ {
			chis[k], bs[k], xis[k], gcs[k] = derive(k*n/b, (k+1)*n/b, true)
		}
		st.ChiTErr, st.BinderErr, st.XiErr = jackknife(chis), jackknife(bs), jackknife(xis)
		col := make([]float64, b)
		for r := 0; r <= R; r++ {
			for k := range col {
				col[k] = gcs[k][r]
			}
			st.GcErr[r] = jackknife(col)
		}
		// Refit ξ with the errors now known.
		st.Xi = FitXi(st.Gc, st.GcErr, L)
	}
	return st
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
