package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/metrics"
)

// newRunID returns a sortable, unique run id: UTC time and 3 random bytes.
func newRunID() string {
	var b [3]byte
	rand.Read(b[:])
	return time.Now().UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// longRunning are the commands that serve metrics while they work.
var longRunning = map[string]bool{"sample": true, "train": true, "flow": true, "run": true}

// startMetrics creates the run's metrics and serves them. A busy default
// port only costs the metrics (another rgml is serving there); an address
// the user asked for must work.
func (e *env) startMetrics(c *cli.Context) error {
	id := c.String("run-id")
	if id == "" {
		id = newRunID()
	}
	e.metrics = metrics.New(id)
	cmd := ""
	if args := c.Args().Slice(); len(args) > 0 {
		cmd = args[0]
	}
	e.metrics.SetInfo(cmd, "", "", version)
	addr := c.String("metrics-addr")
	// Only long-working commands are worth scraping; a quick list or lock
	// must neither warn about nor fail on a port another rgml holds.
	if addr == "off" || addr == "" || !longRunning[cmd] {
		return nil
	}
	srv, err := metrics.Serve(addr, e.metrics.Gatherer())
	if err != nil {
		if !c.IsSet("metrics-addr") && errors.Is(err, syscall.EADDRINUSE) {
			e.logger.Warn("metrics not served: the default address is in use (another rgml?); set --metrics-addr", "addr", addr)
			return nil
		}
		return usagef("--metrics-addr %s: %v", addr, err)
	}
	e.server = srv
	e.logger.Info("serving metrics", "url", "http://"+srv.Addr+"/metrics", "run_id", id)
	return nil
}

// stopMetrics pushes the final metrics if asked and stops the server.
func (e *env) stopMetrics(c *cli.Context) error {
	var err error
	if !e.started {
		return nil
	}
	// Like serving, pushing is for the long-working commands: a list or a
	// lock would leave an empty group per call in the Pushgateway.
	if url := c.String("pushgateway"); url != "" && longRunning[c.Args().First()] {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err = e.metrics.Push(ctx, url)
		cancel()
		if err == nil {
			e.logger.Info("pushed metrics", "pushgateway", url, "run_id", e.metrics.RunID(), "step", e.metrics.Step())
		}
	}
	if e.server != nil {
		e.server.Close()
		e.server = nil
	}
	return err
}

// recordState wraps the actions of the long-working commands so that
// rgml_run_state ends as done or failed (or skipped, set by rgml run
// --step) before the final push.
func recordState(e *env, cmds []*cli.Command) {
	for _, cmd := range cmds {
		if !longRunning[cmd.Name] || cmd.Action == nil {
			continue
		}
		action := cmd.Action
		cmd.Action = func(c *cli.Context) error {
			err := action(c)
			switch {
			case err != nil:
				e.metrics.SetState(metrics.StateFailed)
			case e.metrics.State() == metrics.StateRunning:
				e.metrics.SetState(metrics.StateDone)
			}
			return err
		}
	}
}

func pushgatewayCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "pushgateway",
		Usage: "manage metrics pushed with --pushgateway",
		Subcommands: []*cli.Command{{
			Name:      "delete",
			Usage:     "delete a run's metrics from the Pushgateway (with those of each of its steps)",
			ArgsUsage: "RUN_ID",
			Action: func(c *cli.Context) error {
				url := c.String("pushgateway")
				if url == "" || c.NArg() != 1 {
					return usagef("usage: rgml --pushgateway URL pushgateway delete RUN_ID")
				}
				n, err := metrics.DeletePushed(url, c.Args().First())
				if err != nil {
					return err
				}
				if n == 0 {
					fmt.Fprintf(e.stdout, "%s holds nothing of run %s\n", url, c.Args().First())
					return nil
				}
				fmt.Fprintf(e.stdout, "deleted run %s from %s (%d group(s))\n", c.Args().First(), url, n)
				return nil
			},
		}},
	}
}
