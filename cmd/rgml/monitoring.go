package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
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

// metricsNoticeAfter is how long a command works before it says where it
// serves metrics when that is not the address asked for: a short command
// says nothing, a long one says it once.
const metricsNoticeAfter = 10 * time.Second

// startMetrics creates the run's metrics and serves them. A busy default
// port (another rgml is serving there) costs nothing: the command serves on
// a free loopback port and, if it is still working after
// metricsNoticeAfter, says where. An address the user asked for must work.
func (e *env) startMetrics(c *cli.Context) error {
	id := c.String("run-id")
	if id == "" {
		id = newRunID()
	}
	e.metrics = metrics.New(id)
	args := c.Args().Slice()
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	e.metrics.SetInfo(cmd, "", "", version)
	addr := c.String("metrics-addr")
	// Only long-working commands are worth scraping; a quick list or lock,
	// or the help of any command, must neither warn about nor fail on a
	// port another rgml holds.
	if addr == "off" || addr == "" || !longRunning[cmd] || asksForHelp(args[1:]) {
		return nil
	}
	srv, err := metrics.Serve(addr, e.metrics.Gatherer())
	fallback := false
	if err != nil {
		if c.IsSet("metrics-addr") || !errors.Is(err, syscall.EADDRINUSE) {
			return usagef("--metrics-addr %s: %v", addr, err)
		}
		host, _, _ := net.SplitHostPort(addr)
		if srv, err = metrics.Serve(net.JoinHostPort(host, "0"), e.metrics.Gatherer()); err != nil {
			e.logger.Debug("metrics not served", "addr", addr, "error", err)
			return nil
		}
		fallback = true
	}
	e.server = srv
	url := "http://" + srv.Addr + "/metrics"
	e.logger.Info("serving metrics", "url", url, "run_id", id)
	if fallback {
		e.noticeLater(fmt.Sprintf("rgml: metrics at %s (%s is in use; run id %s)\n", url, addr, id))
	}
	return nil
}

// noticeLater writes msg to stderr once the command has worked for
// metricsNotice; stopMetrics cancels it.
func (e *env) noticeLater(msg string) {
	d := e.metricsNotice
	if d == 0 {
		d = metricsNoticeAfter
	}
	e.noticeDone, e.noticeEnded = make(chan struct{}), make(chan struct{})
	go func(done, ended chan struct{}) {
		defer close(ended)
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
			fmt.Fprint(e.stderr, msg)
		case <-done:
		}
	}(e.noticeDone, e.noticeEnded)
}

// asksForHelp reports whether a command's arguments ask for its help.
func asksForHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "--help", "-help", "--h":
			return true
		}
	}
	return false
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
	if e.noticeDone != nil {
		close(e.noticeDone)
		<-e.noticeEnded
		e.noticeDone = nil
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

// pushgatewayOptions are those of `rgml pushgateway delete`.
type pushgatewayOptions struct {
	env   *env
	URL   string // the global --pushgateway
	RunID string
}

func pushgatewayCommand(e *env) *cli.Command { return newCmdPushgateway(e, nil) }

func newCmdPushgateway(e *env, runF func(context.Context, *pushgatewayOptions) error) *cli.Command {
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
				return orRun(runF, runPushgatewayDelete)(c.Context, &pushgatewayOptions{env: e, URL: url, RunID: c.Args().First()})
			},
		}},
	}
}

func runPushgatewayDelete(_ context.Context, o *pushgatewayOptions) error {
	n, err := metrics.DeletePushed(o.URL, o.RunID)
	if err != nil {
		return err
	}
	if n == 0 {
		fmt.Fprintf(o.env.stdout, "%s holds nothing of run %s\n", o.URL, o.RunID)
		return nil
	}
	fmt.Fprintf(o.env.stdout, "deleted run %s from %s (%d group(s))\n", o.RunID, o.URL, n)
	return nil
}
