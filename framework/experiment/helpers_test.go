package experiment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/plugins/blumecapel"
	"github.com/rgml/rgml/plugins/correlations"
	"github.com/rgml/rgml/plugins/fixedpoint"
	"github.com/rgml/rgml/plugins/ising"
	"github.com/rgml/rgml/plugins/ising3d"
	"github.com/rgml/rgml/plugins/rbm"
	"github.com/rgml/rgml/plugins/spectrum"
	"github.com/rgml/rgml/plugins/thermometer"
	// The paper's presets name its judge, which its study registers (as
	// cmd/rgml does by importing it).
	_ "github.com/rgml/rgml/studies/iso2018"
)

// catalog holds the descriptions the real plugins return from Describe
// (their libraries' code, not hand-written copies), with stand-in binary
// digests.
func catalog(t testing.TB) experiment.Descriptions {
	t.Helper()
	ctx := context.Background()
	md, err := ising.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	i3, err := ising3d.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bd, err := blumecapel.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rd, err := rbm.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	td, err := thermometer.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sd, err := spectrum.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cd, err := correlations.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := fixedpoint.New().Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return experiment.Descriptions{
		Analyzers: map[string]experiment.AnalyzerPlugin{
			"spectrum":     {Desc: sd, SHA256: "spectrum-sha"},
			"correlations": {Desc: cd, SHA256: "correlations-sha"},
			"fixedpoint":   {Desc: fd, SHA256: "fixedpoint-sha"},
		},
		Models: map[string]experiment.ModelPlugin{"ising": {Desc: md, SHA256: "ising-sha"},
			"blumecapel": {Desc: bd, SHA256: "blumecapel-sha"}, "ising3d": {Desc: i3, SHA256: "ising3d-sha"}},
		Learners: map[string]experiment.LearnerPlugin{
			"rbm":         {Desc: rd, SHA256: "rbm-sha"},
			"thermometer": {Desc: td, SHA256: "thermometer-sha"},
		},
	}
}

func plan(t testing.TB, file, src string) *experiment.Plan {
	t.Helper()
	return planWith(t, file, src, catalog(t))
}

// planWith is plan with another catalog.
func planWith(t testing.TB, file, src string, cat experiment.Descriptions) *experiment.Plan {
	t.Helper()
	s, err := experiment.Parse(file, []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	p, err := experiment.NewPlan(context.Background(), s, cat)
	if err != nil {
		t.Fatalf("NewPlan: %v", err)
	}
	return p
}

func keys(p *experiment.Plan) map[string]string {
	out := map[string]string{}
	for _, s := range p.Steps {
		out[s.ID] = s.Key
	}
	return out
}

type brokenCatalog struct{ experiment.Descriptions }

func (brokenCatalog) Model(context.Context, string) (sdk.ModelDescription, string, error) {
	return sdk.ModelDescription{}, "", errors.New("plugin ising crashed")
}
