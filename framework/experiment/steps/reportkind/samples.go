package reportkind

import (
	"fmt"
	"sort"

	"github.com/rgml/rgml/framework/experiment/steps/stepdata"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// A dataset's samples figure: a few of its configurations, chosen along
// the labels its data have (report.go's list of figures).

func (g *gather) samples(en registry.Entry) (*report.Figure, error) {
	d, _, err := stepdata.LoadDataset(g.s, en.Digest)
	if err != nil {
		return nil, err
	}
	sites, n := d.Sites(), d.Len()
	if n == 0 {
		return nil, fmt.Errorf("%s holds no configuration", en)
	}
	var configs [][]int8
	var labels []string
	switch axes := gridLabels(d.Labels, g.manifest(en).Lineage.Parameters); len(axes) {
	case 2:
		a, b := g.planeOrder(axes[0], axes[1])
		configs, labels = gridCorners(d.Configs, sites, a, b, d.Labels[a], d.Labels[b])
		return report.LatticeConfigurations(d.Size, sdk.Dim(d.Dimension), configs, labels)
	case 1:
		return g.samplesAlong(d, axes[0])
	}
	if label := stepdata.GroupLabel(d.Labels); label != "" {
		return g.samplesAlong(d, label)
	}
	for i := 0; i < min(n, 4); i++ {
		configs = append(configs, d.Configs[i*sites:(i+1)*sites])
		labels = append(labels, fmt.Sprintf("#%d", i))
	}
	return report.LatticeConfigurations(d.Size, sdk.Dim(d.Dimension), configs, labels)
}

// samplesAlong draws a configuration at each of up to four values of
// label: those the study's judge picks (SamplePicker) that the dataset
// has, else four spread over the dataset's values.
func (g *gather) samplesAlong(d sdk.Dataset, label string) (*report.Figure, error) {
	sites := d.Sites()
	first := map[float64]int{}
	for i, v := range d.Labels[label] {
		if _, seen := first[v]; !seen {
			first[v] = i
		}
	}
	var want []float64
	if g.picker != nil {
		for _, v := range g.picker.SampleValues(label) {
			if _, ok := first[v]; ok {
				want = append(want, v)
			}
		}
	}
	if len(want) == 0 {
		all := make([]float64, 0, len(first))
		for v := range first {
			all = append(all, v)
		}
		sort.Float64s(all)
		for k := 0; k < min(4, len(all)); k++ {
			want = append(want, all[k*len(all)/min(4, len(all))])
		}
	}
	var configs [][]int8
	var labels []string
	for _, v := range want {
		i := first[v]
		configs = append(configs, d.Configs[i*sites:(i+1)*sites])
		labels = append(labels, report.Symbol(label)+" = "+formatNumber(v))
	}
	return report.LatticeConfigurations(d.Size, sdk.Dim(d.Dimension), configs, labels)
}

// planeOrder orders two labels of a grid as the report's plane figures
// do (the first up, the second across: the order of a thermometer's
// joint label), so that a dataset's corners and the flows on its plane
// read alike; with no such flow, in the order of their names.
func (g *gather) planeOrder(a, b string) (string, string) {
	for _, pf := range g.plane {
		if pf.ax.Y == b && pf.ax.X == a {
			return b, a
		}
	}
	return a, b
}

// gridLabels are the names of a dataset's labels that are axes of the
// grid it was sampled on: parameters its lineage records with more than
// one value (not observables, also labels), sorted.
func gridLabels(labels map[string][]float64, params map[string]any) []string {
	var out []string
	for _, k := range sortedKeys(labels) {
		if v, ok := params[k].([]any); ok && len(v) > 1 {
			out = append(out, k)
		}
	}
	return out
}
