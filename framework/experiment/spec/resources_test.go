package spec_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/spec"
)

func TestResources(t *testing.T) {
	s, err := spec.Parse("r.yaml", []byte(`datasets:
  - name: d
    model: ising
trainings:
  - name: r
    learner: rbm
    data: d
    cpus: 4
    memory: 8G
    time: "1-12:00:00"
flows:
  - name: f
    rbm: r
    thermometer: r
    from: d
    memory: 500
    time: 30
`))
	if err != nil {
		t.Fatal(err)
	}
	def := spec.Resources{CPUs: 1, Memory: "2G"}
	if got := s.Datasets[0].Resources; got != def {
		t.Errorf("defaults: %+v, want %+v", got, def)
	}
	if got, want := s.Trainings[0].Resources, (spec.Resources{CPUs: 4, Memory: "8G", Time: "1-12:00:00"}); got != want {
		t.Errorf("training: %+v, want %+v", got, want)
	}
	if got, want := s.Flows[0].Resources, (spec.Resources{CPUs: 1, Memory: "500", Time: "30"}); got != want {
		t.Errorf("flow (bare numbers are MB and minutes): %+v, want %+v", got, want)
	}
	for field, want := range map[string]string{
		"cpus: 0":         "cpus: 0: want a whole number of cores",
		"cpus: 1.5":       "cpus: 1.5",
		"memory: lots":    `"lots": want megabytes`,
		"memory: 4GB":     `"4GB"`,
		"time: soon":      `"soon": want a time limit`,
		"time: '1:2:3:4'": `"1:2:3:4"`,
		"cpus: [1, 2]":    "want a finite number",
	} {
		_, err := spec.Parse("r.yaml", []byte("datasets:\n  - name: d\n    model: ising\n    "+field+"\n"))
		if err == nil || !errors.Is(err, spec.ErrUsage) || !strings.Contains(err.Error(), want) || !strings.HasPrefix(err.Error(), "r.yaml:4:") {
			t.Errorf("%s: %v; want a usage error at r.yaml:4 with %q", field, err, want)
		}
	}
}
