// Command rgml is the rgml host: it runs model, learner and analyzer
// plugins, keeps datasets and weights, and reproduces the paper.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/rgml/rgml/framework/sdk"

	// The studies whose judges a spec may name (report: {judge: NAME}).
	_ "github.com/rgml/rgml/studies/iso2018"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The first Ctrl-C cancels the work gracefully; a second one kills.
	context.AfterFunc(ctx, stop)
	stopProfile := sdk.StartCPUProfile("rgml")
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stopProfile()
	stop()
	os.Exit(code)
}
