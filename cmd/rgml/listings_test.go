package main

import (
	"slices"
	"testing"
)

// `models list` orders a learner's hyper-parameters by what the models
// listed tell apart, then as the learner's description declares them (by
// name without one): no learner's parameters are known to the CLI.
func TestHyperParameterOrder(t *testing.T) {
	a := map[string]any{"hidden": 16.0, "epochs": 5.0, "lr": 0.1, "visible": 0.0}
	b := map[string]any{"hidden": 64.0, "epochs": 5.0, "lr": 0.1, "visible": 0.0}
	c := map[string]any{"hidden": 64.0, "epochs": 5.0, "lr": 0.1, "visible": 3.0}
	declared := []string{"hidden", "epochs", "lr", "visible"}
	for _, tc := range []struct {
		hs       []map[string]any
		declared []string
		want     []string
	}{
		{[]map[string]any{a}, declared, declared},
		{[]map[string]any{a, b}, declared, declared},
		{[]map[string]any{b, c}, declared, []string{"visible", "hidden", "epochs", "lr"}},
		{[]map[string]any{a, c}, declared, []string{"hidden", "visible", "epochs", "lr"}},
		{[]map[string]any{a, c}, nil, []string{"hidden", "visible", "epochs", "lr"}},
		{[]map[string]any{a}, nil, []string{"epochs", "hidden", "lr", "visible"}},
	} {
		if got := orderHyper(tc.hs, tc.declared); !slices.Equal(got, tc.want) {
			t.Errorf("orderHyper(%v, %v) = %v, want %v", tc.hs, tc.declared, got, tc.want)
		}
	}
}
