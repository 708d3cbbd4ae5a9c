package experiment

import (
	"context"

	"github.com/rgml/rgml/framework/experiment/steps/sample"
)

// The dataset kind's names (package steps/sample) as callers use them.
type (
	SampleSpec   = sample.SampleSpec
	SampleResult = sample.SampleResult
)

// Sample draws configurations of a model on a parameter grid and
// registers them as a dataset (sample.Sample).
func Sample(ctx context.Context, env *Env, spec SampleSpec) (SampleResult, error) {
	return sample.Sample(ctx, env, spec)
}
