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
	ctx, cancel := context.WithCancelCause(context.Background())
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C (or SIGTERM) cancels the work gracefully,
		// and the exit status says which it was; a second one kills.
		sig := <-sigs
		signal.Reset(os.Interrupt, syscall.SIGTERM)
		cancel(signalled{sig})
	}()
	stopProfile := sdk.StartCPUProfile("rgml")
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stopProfile()
	os.Exit(code)
}
