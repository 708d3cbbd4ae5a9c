package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/framework/sdk"
)

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1 // the work failed (a plugin crashed, a file could not be written)
	exitUsage   = 2 // the command line or its input is wrong; the message says what to fix
	// exitInterrupted is the shell's code for a process ended by SIGINT.
	exitInterrupted = 130
	// exitTerminated is the shell's code for a process ended by SIGTERM
	// (what Slurm's scancel and systemd send).
	exitTerminated = 143
)

// usageError marks an error the user fixes by changing the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// version and commit are set by the Makefile through -ldflags.
var (
	version = "dev"
	commit  = ""
)

// env holds what commands share: writers, logger, metrics.
type env struct {
	// stdout and stderr escape what a terminal would obey (safeWriter);
	// term is the raw stderr, for the progress bars' own escapes.
	stdout, stderr io.Writer
	term           io.Writer
	logger         hclog.Logger
	metrics        *metrics.Metrics
	server         *metrics.Server
	// width is the terminal's, that tables are cut to; 0 prints them whole
	// (--wide, or output that is not a terminal).
	width int
	// metricsNotice is how long a command serving metrics on a port of
	// its own choice works before it says where (metricsNoticeAfter if 0).
	metricsNotice time.Duration
	noticeDone    chan struct{} // closed to stop the notice
	noticeEnded   chan struct{} // closed when the notice has ended
	// started is set once Before has checked the global flags: a run that
	// failed them pushes nothing.
	started bool
	// args are the command line as run, for completion to see the word
	// it completes after.
	args []string
	g    globals
}

// progressOut is where progress bars go: the terminal itself.
func (e *env) progressOut() io.Writer {
	if e.term != nil {
		return e.term
	}
	return e.stderr
}

// newApp builds the CLI; run and the tests call it.
func newApp(e *env) *cli.App {
	return newAppWith(e, []*cli.Command{
		pluginsCommand(e),
		newCmdSample(e, nil),
		newCmdTrain(e, nil),
		newCmdFlow(e, nil),
		newCmdAnalyze(e, nil),
		newCmdReport(e, nil),
		newCmdPlot(e, nil),
		newCmdRun(e, nil),
		presetsCommand(e),
		datasetsCommand(e),
		modelsCommand(e),
		flowsCommand(e), analysesCommand(e), runsCommand(e),
		newCmdCompare(e, nil),
		newCmdUI(e, nil),
		registryCommand(e),
		pushgatewayCommand(e),
		versionCommand(e),
		completionCommand(e),
	})
}

// newAppWith builds the CLI of cmds: tests give commands of their own
// run functions.
func newAppWith(e *env, cmds []*cli.Command) *cli.App {
	app := &cli.App{
		Name:    "rgml",
		Usage:   "what neural networks learn from statistical physics",
		Version: version,
		Description: "rgml samples statistical models, trains learners on the configurations and\n" +
			"analyses what they learned. Models, learners and analyzers are plugins:\n" +
			"executables named rgml-plugin-NAME in the plugin directory.",
		Writer:               e.stdout,
		ErrWriter:            e.stderr,
		EnableBashCompletion: true,
		// --param T=0,1,2 is one flag value, not three.
		DisableSliceFlagSeparator: true,
		ExitErrHandler:            func(*cli.Context, error) {},
		Flags:                     globalFlags(),
		Before: func(c *cli.Context) error {
			e.g = globalsOf(c)
			lvl := hclog.LevelFromString(c.String("log-level"))
			if lvl == hclog.NoLevel {
				return usagef("--log-level %q: want trace, debug, info, warn or error", c.String("log-level"))
			}
			if d := c.Duration("plugin-timeout"); d <= 0 {
				return usagef("--plugin-timeout %v: must be positive", d)
			}
			if err := checkPushgateway(c.String("pushgateway")); err != nil {
				return err
			}
			if !c.Bool("wide") {
				e.width = terminalWidth(e.stdout)
			}
			e.logger = hclog.New(&hclog.LoggerOptions{Name: "rgml", Level: lvl, Output: e.stderr})
			if d := c.Duration("plugin-timeout"); d < 2*sdk.DefaultHeartbeatInterval {
				e.logger.Warn("--plugin-timeout is shorter than two plugin heartbeats: a long flow may be stopped as hung",
					"timeout", d, "heartbeat", sdk.DefaultHeartbeatInterval)
			}
			if err := e.startMetrics(c); err != nil {
				return err
			}
			e.started = true
			return nil
		},
		After:    func(c *cli.Context) error { return e.stopMetrics(c) },
		Commands: cmds,
	}
	guardCommands(app)
	completeFlagValues(e, app.Commands)
	recordState(e, app.Commands)
	return app
}

// orRun is runF, or run when runF is nil: a command's constructor takes
// the run function a test gives it, or uses its own.
func orRun[O any](runF, run func(context.Context, *O) error) func(context.Context, *O) error {
	if runF != nil {
		return runF
	}
	return run
}

// globalFlags are rgml's own flags, given before or after any command.
func globalFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "plugin-dir", Usage: "directory of rgml-plugin-* executables (default: plugins/ next to the rgml binary)", EnvVars: []string{"RGML_PLUGIN_DIR"}, Category: "Plugins"},
		&cli.BoolFlag{Name: "allow-unlocked", Usage: "run plugin binaries that are not in the lock file (plugin development only; warns)", EnvVars: []string{"RGML_ALLOW_UNLOCKED"}, Category: "Plugins"},
		&cli.DurationFlag{Name: "plugin-timeout", Usage: "stop a plugin that sends nothing for this long", Value: host.DefaultIdleTimeout, EnvVars: []string{"RGML_PLUGIN_TIMEOUT"}, Category: "Plugins"},
		&cli.StringFlag{Name: "registry", Usage: "registry directory, or postgres://… URL of a registry shared by many machines (default: .rgml/ here or in a parent directory, else a new .rgml/ here)", EnvVars: []string{"RGML_REGISTRY", "RGML_HOME"}, Category: "Registry"},
		&cli.StringFlag{Name: "blobs", Usage: "blob directory of a postgres:// registry, a path every machine sees", EnvVars: []string{"RGML_BLOBS"}, Category: "Registry"},
		&cli.BoolFlag{Name: "wide", Usage: "print tables whole; otherwise they are cut to the terminal's width (COLUMNS) with … (compare leaves out the trailing columns that do not fit, naming them)", EnvVars: []string{"RGML_WIDE"}, Category: "Output"},
		&cli.StringFlag{Name: "metrics-addr", Usage: "serve Prometheus metrics at HOST:PORT/metrics while sample, train, flow or run works (\"off\": don't)", Value: metrics.DefaultAddr, EnvVars: []string{"RGML_METRICS_ADDR"}, Category: "Monitoring"},
		&cli.StringFlag{Name: "pushgateway", Usage: "push the final metrics to this Prometheus Pushgateway URL (run --step: also while it works)", EnvVars: []string{"RGML_PUSHGATEWAY"}, Category: "Monitoring"},
		&cli.StringFlag{Name: "run-id", Usage: "id of this run in metrics (default: generated; the jobs of --executor slurm get the study's)", EnvVars: []string{"RGML_RUN_ID"}, Category: "Monitoring"},
		&cli.StringFlag{Name: "log-level", Usage: "trace, debug, info, warn or error (plugin logs included)", Value: "warn", EnvVars: []string{"RGML_LOG_LEVEL"}, Category: "Logging"},
	}
}

// globals are the values of the global flags that commands' work
// depends on, read once from the command line (globalsOf), so that a
// command's run function needs its options only, not a cli.Context.
type globals struct {
	pluginDir     string
	allowUnlocked bool
	pluginTimeout time.Duration
	registry      string // --registry, or RGML_REGISTRY / RGML_HOME
	blobs         string
	pushgateway   string
}

func globalsOf(c *cli.Context) globals {
	return globals{pluginDir: c.String("plugin-dir"), allowUnlocked: c.Bool("allow-unlocked"), pluginTimeout: c.Duration("plugin-timeout"),
		registry: c.String("registry"), blobs: c.String("blobs"), pushgateway: c.String("pushgateway")}
}

// newHost returns a host for the command's plugin directory.
func (e *env) newHost() *host.Host {
	dir := e.g.pluginDir
	if dir == "" {
		dir = host.DefaultPluginDir()
	}
	return host.New(host.Config{
		Dir:         dir,
		Logger:      e.logger,
		IdleTimeout: e.g.pluginTimeout,
		Observer:    e.metrics,

		AllowUnlocked: e.g.allowUnlocked,
	})
}

// run runs the CLI and returns the process exit code. Errors are printed as
// one line "rgml: …".
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	safeOut, safeErr := &safeWriter{w: stdout}, &safeWriter{w: stderr}
	defer safeOut.Flush()
	defer safeErr.Flush()
	stderr, term := io.Writer(safeErr), stderr
	e := &env{stdout: safeOut, stderr: stderr, term: term, logger: hclog.NewNullLogger(), metrics: metrics.New("")}
	app := newApp(e)
	args, err := normalizeArgs(app, args)
	e.args = args
	if err == nil {
		err = app.RunContext(ctx, args)
	}
	if err == nil {
		return exitOK
	}
	// When the command and the After hook (the Pushgateway push) both
	// fail, urfave/cli joins them; the command's error decides.
	var multi cli.MultiError
	if errors.As(err, &multi) {
		if errs := multi.Errors(); len(errs) > 0 {
			for _, e := range errs[1:] {
				if e == nil {
					continue
				}
				fmt.Fprintf(stderr, "rgml: %s\n", strings.TrimSpace(e.Error()))
			}
			err = errs[0]
		}
	}
	msg := err.Error()
	code := exitFailure
	var ue usageError
	var ec cli.ExitCoder
	switch {
	case ctx.Err() != nil:
		// Ctrl-C or SIGTERM, whatever error the cut-short work returned:
		// the shell's convention, 128 + the signal's number.
		msg = "interrupted: " + msg
		code = exitInterrupted
		var sig signalled
		if errors.As(context.Cause(ctx), &sig) && sig.sig == syscall.SIGTERM {
			msg, code = "terminated"+strings.TrimPrefix(msg, "interrupted"), exitTerminated
		}
	case errors.As(err, &ue), errors.Is(err, experiment.ErrUsage), errors.Is(err, sdk.ErrInvalidArgument), errors.Is(err, host.ErrUnknownPlugin):
		code = exitUsage
	case errors.As(err, &ec):
		code = ec.ExitCode()
	case isFlagError(msg):
		code = exitUsage
	case errors.Is(err, context.Canceled):
		msg = "interrupted: " + msg
	}
	fmt.Fprintf(stderr, "rgml: %s\n", strings.TrimSpace(msg))
	return code
}

// signalled is the cause of the context of a command a signal cut short.
type signalled struct{ sig os.Signal }

func (s signalled) Error() string { return "received " + s.sig.String() }

// isFlagError recognises the errors urfave/cli returns for bad flags.
func isFlagError(msg string) bool {
	for _, p := range []string{"flag provided but not defined", "invalid value", "Required flag", "flag needs an argument", "No help topic"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// checkPushgateway refuses a --pushgateway URL that cannot work before
// any work starts, rather than after an hour of training.
func checkPushgateway(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return usagef("--pushgateway %q: not a URL (%v); want e.g. http://localhost:9091", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return usagef("--pushgateway %q: want an http:// or https:// URL, e.g. http://localhost:9091", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return usagef("--pushgateway %q: the URL names no host; want e.g. http://localhost:9091", raw)
	}
	return nil
}

// Help writes a flag's name as the docs do, --NAME, one-letter names
// (--L) too, so that help and docs spell it one way (both work); a
// one-letter alias of a longer name, as -h, keeps its single dash.
// (urfave/cli's FlagNamePrefixer is not used by its own stringer.)
func init() {
	def := cli.FlagStringer
	cli.FlagStringer = func(f cli.Flag) string {
		s := def(f)
		if n := f.Names(); len(n) > 0 && len(n[0]) == 1 && strings.HasPrefix(s, "-"+n[0]) {
			s = "-" + s
		}
		return s
	}
}
