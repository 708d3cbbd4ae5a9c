package plan

import (
	"errors"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/experiment/spec"
)

func TestTopoSortFindsCycles(t *testing.T) {
	steps := []*Step{
		{ID: "a", Deps: []string{"c"}},
		{ID: "b", Deps: []string{"a"}},
		{ID: "c", Deps: []string{"b"}},
		{ID: "d"},
	}
	_, err := topoSort(steps)
	if err == nil || !errors.Is(err, spec.ErrUsage) || !strings.Contains(err.Error(), "cycle: a → c → b → a") {
		t.Fatalf("err = %v", err)
	}
	order, err := topoSort([]*Step{{ID: "x", Deps: []string{"y"}}, {ID: "y"}, {ID: "z", Deps: []string{"x"}}})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, s := range order {
		ids = append(ids, s.ID)
	}
	if strings.Join(ids, " ") != "y x z" {
		t.Errorf("order %v", ids)
	}
}
