package experiment_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/plugins/ising"
	"github.com/rgml/rgml/plugins/rbm"
)

func Example() {
	spec := `
datasets:
  - name: train
    model: ising
    params: {T: "0:6:0.5"}
    per-point: 100
trainings:
  - name: rbm-v{hidden}
    learner: rbm
    data: train
    set: {hidden: [16, 64], epochs: 500}
`
	s, err := experiment.Parse("study.yaml", []byte(spec))
	if err != nil {
		fmt.Println(err)
		return
	}
	// The host provides the descriptions (and binary digests) of the
	// installed plugins; here they come from the plugins' libraries.
	cat := experiment.Descriptions{
		Models:   map[string]experiment.ModelPlugin{"ising": {Desc: ising.Description(), SHA256: "…"}},
		Learners: map[string]experiment.LearnerPlugin{"rbm": {Desc: rbm.Description(), SHA256: "…"}},
	}
	p, err := experiment.NewPlan(context.Background(), s, cat)
	if err != nil {
		fmt.Println(err)
		return
	}
	run := func(_ context.Context, st *experiment.Step, threads int) error {
		fmt.Printf("%s after [%s] with %d threads\n", st.ID, strings.Join(st.Deps, ", "), threads)
		return nil
	}
	if _, err := experiment.Run(context.Background(), p, experiment.Options{Jobs: 1, Cores: 2}, run); err != nil {
		fmt.Println(err)
	}

	// A mistake names its place and field, before anything runs.
	bad, err := experiment.Parse("study.yaml", []byte(strings.Replace(spec, "hidden: [16, 64]", "hidden: [16, 0]", 1)))
	if err == nil {
		_, err = experiment.NewPlan(context.Background(), bad, cat)
	}
	fmt.Println(err)
	// Output:
	// dataset/train after [] with 2 threads
	// training/rbm-v16 after [dataset/train] with 2 threads
	// training/rbm-v64 after [dataset/train] with 2 threads
	// study.yaml:11:11: set.hidden: parameter hidden = 0 is out of range: allowed (0, 65536]
}
