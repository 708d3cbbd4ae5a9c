package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// forceFlag runs a step again though the registry has its result: a
// command, like `rgml run`, reuses the entry of an identical step.
func forceFlag() cli.Flag {
	return &cli.BoolFlag{Name: "force", Category: "Output",
		Usage: "run again even if the registry has an entry of the same key (same inputs, parameters, plugin digest and seed)"}
}

// reused says which entry a command reused instead of running.
func reused(e *env, f experiment.Found) {
	fmt.Fprintf(e.stdout, "reused %s %s (same key); --force to run again\n", f.Entry.Kind, f.Entry.Ref())
}

// sayVersion tells, when a name already had entries, that this one is
// a new version beside them.
func sayVersion(e *env, en registry.Entry) {
	if en.Version > 1 {
		fmt.Fprintf(e.stdout, "version %d of %s (the earlier versions are kept)\n", en.Version, en.Name)
	}
}
