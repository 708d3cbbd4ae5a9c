package experiment_test

import (
	"context"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
)

// A spec that trains on a cubic lattice's data and tests (or flows) on
// a square lattice's of the same L is refused at planning, each lattice
// named by its shape.
func TestPlanNamesLatticeShapes(t *testing.T) {
	cat := catalog(t)
	cube := cat.Models["ising"]
	cube.Desc.Info.Name, cube.Desc.Dimension, cube.SHA256 = "cube", 3, "cube-sha"
	cat.Models["cube"] = cube
	datasets := `datasets:
  - {name: sq, model: ising, params: {T: "1,2"}, L: 4, per-point: 5}
  - {name: cu, model: cube, params: {T: "1,2"}, L: 4, per-point: 5}
`
	for _, c := range []struct{ name, src, want string }{
		{"test", datasets + `trainings:
  - {name: th, learner: thermometer, data: cu, test: sq, set: {epochs: 2}}
`, "sq is 4×4, the training data cu is 4×4×4"},
		{"flow", datasets + `trainings:
  - {name: th, learner: thermometer, data: cu, set: {epochs: 2}}
  - {name: r, learner: rbm, data: cu, set: {epochs: 2, hidden: 4}}
flows:
  - {name: f, rbm: r, thermometer: th, from: sq, iterations: [0, 1]}
`, "sq is 4×4, but r was trained on 4×4×4 and th on 4×4×4"},
	} {
		s, err := experiment.Parse(c.name+".yaml", []byte(c.src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = experiment.NewPlan(context.Background(), s, cat)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error saying %q", c.name, err, c.want)
		}
	}
}
