package reportkind

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/report"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// The references a model declares (sdk.Reference) are recorded in the
// lineage of every dataset it samples, under this key of Lineage.Extra,
// rather than asked of the plugin when a report is drawn: a report must
// draw the same marks when the plugin is gone or has changed since, and
// the registry entry is what the figure's data came from.
const referencesKey = steps.ReferencesKey

// modelRefs are the references of the model that sampled a dataset, and
// the parameters the dataset records (a value, or a list of them).
type modelRefs struct {
	refs  []sdk.Reference
	fixed map[string]any
}

// datasetRefs reads the references a dataset's lineage records. A lineage
// without them (an imported dataset, or one sampled before models
// declared references) has none; one whose record cannot be read is an
// error rather than a figure silently without its marks.
func datasetRefs(m registry.Manifest) (modelRefs, error) {
	out := modelRefs{fixed: m.Lineage.Parameters}
	raw, ok := m.Lineage.Extra[referencesKey]
	if !ok {
		return out, nil
	}
	b, err := json.Marshal(raw)
	if err != nil {
		return out, err
	}
	var recs []steps.ReferenceRecord
	if err := json.Unmarshal(b, &recs); err != nil {
		return out, fmt.Errorf("dataset %s %d: lineage.extra.%s: %w", m.Name, m.Version, referencesKey, err)
	}
	for _, rec := range recs {
		r := sdk.Reference{Name: rec.Name, Source: rec.Source}
		for _, p := range rec.Points {
			r.Points = append(r.Points, sdk.Params(p))
		}
		out.refs = append(out.refs, r)
	}
	return out, nil
}

// on returns the references a figure whose axes are the given parameters
// draws: those whose every point has a coordinate on each axis, and whose
// other coordinates are parameters the dataset holds at the same value.
func (m modelRefs) on(axes ...string) []sdk.Reference {
	var out []sdk.Reference
	for _, r := range m.refs {
		if !slices.ContainsFunc(r.Points, func(p sdk.Params) bool { return !m.fits(p, axes) }) {
			out = append(out, r)
		}
	}
	return out
}

func (m modelRefs) fits(p sdk.Params, axes []string) bool {
	for _, a := range axes {
		if _, ok := p[a]; !ok {
			return false
		}
	}
	for name, v := range p {
		if !slices.Contains(axes, name) && !heldAt(m.fixed[name], v) {
			return false
		}
	}
	return true
}

// heldAt says whether a recorded parameter (a number, or a list of
// numbers, as JSON decodes them) has the value v everywhere.
func heldAt(recorded any, v float64) bool {
	switch x := recorded.(type) {
	case float64:
		return x == v
	case int:
		return float64(x) == v
	case []any:
		for _, e := range x {
			if !heldAt(e, v) {
				return false
			}
		}
		return len(x) > 0
	}
	return false
}

// lines returns the point references on the one axis as reference lines.
func (m modelRefs) lines(axis string) []report.Ref {
	var out []report.Ref
	for _, r := range m.on(axis) {
		if len(r.Points) == 1 {
			out = append(out, report.Ref{Label: r.Name, At: r.Points[0][axis]})
		}
	}
	return out
}

// plane returns the references on the plane ax as its marks.
func (m modelRefs) plane(ax report.Axes) []report.PlaneRef {
	var out []report.PlaneRef
	for _, r := range m.on(ax.X, ax.Y) {
		pr := report.PlaneRef{Label: r.Name, Source: r.Source}
		for _, p := range r.Points {
			pr.X, pr.Y = append(pr.X, p[ax.X]), append(pr.Y, p[ax.Y])
		}
		out = append(out, pr)
	}
	return out
}

// refsOf returns the references that figures of en draw: those of the
// model that sampled the dataset en shows (en itself, the dataset a flow
// started from, the flow an analysis read, or the data it read).
func (g *gather) refsOf(en registry.Entry) (modelRefs, error) {
	// An analysis of a flow is two steps from its dataset; the bound keeps
	// a malformed lineage from leading anywhere further.
	for range 3 {
		if en.Kind == registry.Dataset {
			return datasetRefs(g.manifest(en))
		}
		next, ok := registry.Entry{}, false
		for _, role := range []string{"from", "flow", "data"} {
			if next, ok = g.input(en, role); ok {
				break
			}
		}
		if !ok {
			break
		}
		en = next
	}
	return modelRefs{}, nil
}

// citeRefs is a caption's sentence naming each plane mark's source.
func citeRefs(refs []report.PlaneRef, ax report.Axes) string {
	if len(refs) == 0 {
		return ""
	}
	var sources, kinds []string
	points, lines := false, false
	for _, r := range refs {
		if len(r.Y) == 1 {
			points = true
			sources = append(sources, fmt.Sprintf("%s (%s, %s) = (%g, %g): %s", r.Label, report.Symbol(ax.X), report.Symbol(ax.Y), r.X[0], r.Y[0], r.Source))
		} else {
			lines = true
			sources = append(sources, r.Label+": "+r.Source)
		}
	}
	if points {
		kinds = append(kinds, "points (triangles)")
	}
	if lines {
		// A line is only as curved as its declared points: say so, lest
		// a straight segment be read as the measured boundary.
		kinds = append(kinds, "lines (dashed, straight between their declared points, which are marked ×)")
	}
	return " Reference " + strings.Join(kinds, " and ") + ", as the data's model declares them: " + strings.Join(sources, "; ") + "."
}

// addPlaneRefs appends to refs those of more not yet in it.
func addPlaneRefs(refs []report.PlaneRef, more ...report.PlaneRef) []report.PlaneRef {
	for _, r := range more {
		if !slices.ContainsFunc(refs, func(o report.PlaneRef) bool {
			return o.Label == r.Label && o.Source == r.Source && slices.Equal(o.X, r.X) && slices.Equal(o.Y, r.Y)
		}) {
			refs = append(refs, r)
		}
	}
	return refs
}
