package report

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"github.com/rgml/rgml/framework/npz"
)

// LatticeConfigurations draws sample configurations of a lattice of L^d
// sites (x-major site order): d = 2 as Configurations does; d = 3 as two
// slices per configuration, the planes z = 0 and z = L/2 (planeSlices);
// d = 1 as a strip per configuration, one above the other. The figure's
// data are the whole configurations.
func LatticeConfigurations(L, d int, configs [][]int8, labels []string) (*Figure, error) {
	if d == 2 {
		return Configurations(L, configs, labels)
	}
	if len(configs) == 0 || len(configs) != len(labels) {
		return nil, fmt.Errorf("configurations: %d configurations with %d labels", len(configs), len(labels))
	}
	sites := 1
	for i := 0; i < d; i++ {
		sites *= L
	}
	all := make([]int8, 0, len(configs)*sites)
	for n, c := range configs {
		if len(c) != sites {
			return nil, fmt.Errorf("configurations: configuration %q has %d sites, want %d (L = %d, d = %d)", labels[n], len(c), sites, L, d)
		}
		all = append(all, c...)
	}
	var f *Figure
	var err error
	switch d {
	case 1:
		f, err = strips(L, configs, labels)
	case 3:
		f, err = planeSlices(L, configs, labels)
	default:
		return nil, fmt.Errorf("configurations: cannot draw a lattice of dimension %d (1, 2 or 3)", d)
	}
	if err != nil {
		return nil, err
	}
	f.Data = []npz.Array{npz.Int8("configs", all, len(configs), sites)}
	return f, nil
}

// planeSlices draws each 3D configuration (site (x, y, z) at index
// (x·L + y)·L + z) as two square panels, its planes z = 0 and z = L/2:
// side by side in one row when that row is not too wide, else in two rows
// (z = 0 above), the configurations side by side — whichever keeps the
// data area's height per unit of width nearer 1 (one row of eight small
// panels fell below the figure's least height).
func planeSlices(L int, configs [][]int8, labels []string) (*Figure, error) {
	k := len(configs)
	twoRows := math.Abs(math.Log(float64(2*L+1)/float64(k*L+k-1))) < math.Abs(math.Log(float64(L)/float64(2*k*L+2*k-1)))
	rows, cols, perRow := L, 2*k*L+2*k-1, 2*k
	if twoRows {
		rows, cols, perRow = 2*L+1, k*L+k-1, k
	}
	m := make([]float64, rows*cols)
	for i := range m {
		m[i] = math.NaN() // the gaps between panels
	}
	var all []int8
	var xt []plot.Tick
	for n, c := range configs {
		for q, z := range []int{0, L / 2} {
			panel := 2*n + q
			if twoRows {
				panel = q*k + n
			}
			r0, c0 := panel/perRow*(L+1), panel%perRow*(L+1)
			for x := 0; x < L; x++ {
				for y := 0; y < L; y++ {
					m[(r0+x)*cols+c0+y] = float64(c[(x*L+y)*L+z])
				}
			}
			if !twoRows {
				xt = append(xt, plot.Tick{Value: float64(c0) + float64(L-1)/2, Label: fmt.Sprintf("%s, z = %d", labels[n], z)})
			} else if q == 0 {
				xt = append(xt, plot.Tick{Value: float64(c0) + float64(L-1)/2, Label: labels[n]})
			}
		}
		all = append(all, c...)
	}
	states := statesOf(all)
	cm, _, _ := colorMap(states[0], states[len(states)-1])
	hm := plotter.NewHeatMap(grid{m, rows, cols}, discrete(cm, states))
	hm.Min, hm.Max, hm.NaN = states[0], states[len(states)-1], color.Transparent
	if hm.Min == hm.Max {
		hm.Max++
	}
	p := plot.New()
	p.Title.Text = "sample configurations (planes z = 0 and z = L/2)"
	p.Add(hm)
	p.X.Tick.Marker = plot.ConstantTicks(xt)
	if twoRows {
		// grid.Z puts row 0 at the top: the plane z = 0 is the upper row.
		p.Y.Tick.Marker = plot.ConstantTicks([]plot.Tick{
			{Value: float64(rows-1) - float64(L-1)/2, Label: "z = 0"},
			{Value: float64(L-1) / 2, Label: fmt.Sprintf("z = %d", L/2)},
		})
	} else {
		p.HideY()
	}
	return &Figure{Plot: p, Side: stateKey(states, cm), Aspect: float64(rows) / float64(cols)}, nil
}

// strips draws each 1D configuration as a band of L columns, a few rows
// high so that it can be seen, the bands one above the other and
// labelled on the left.
func strips(L int, configs [][]int8, labels []string) (*Figure, error) {
	h := max(1, L/8)
	k := len(configs)
	rows := k*h + k - 1
	m := make([]float64, rows*L)
	for i := range m {
		m[i] = math.NaN() // the gaps between bands
	}
	var all []int8
	var ticks []plot.Tick
	for n, c := range configs {
		for r := 0; r < h; r++ {
			for x, v := range c {
				m[(n*(h+1)+r)*L+x] = float64(v)
			}
		}
		all = append(all, c...)
		// grid.Z puts row 0 at the top: y = rows−1−row.
		ticks = append(ticks, plot.Tick{Value: float64(rows-1) - (float64(n*(h+1)) + float64(h-1)/2), Label: labels[n]})
	}
	states := statesOf(all)
	cm, _, _ := colorMap(states[0], states[len(states)-1])
	hm := plotter.NewHeatMap(grid{m, rows, L}, discrete(cm, states))
	hm.Min, hm.Max, hm.NaN = states[0], states[len(states)-1], color.Transparent
	if hm.Min == hm.Max {
		hm.Max++
	}
	p := plot.New()
	p.Title.Text = "sample configurations (chains)"
	p.Add(hm)
	p.Y.Tick.Marker = plot.ConstantTicks(ticks)
	p.X.Label.Text = "site"
	return &Figure{Plot: p, Side: stateKey(states, cm), Aspect: max(0.25, float64(rows)/float64(L))}, nil
}
