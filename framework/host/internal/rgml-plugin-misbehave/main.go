// Command rgml-plugin-misbehave is a model plugin that fails on purpose, for
// the host's and the CLI's tests: its parameter mode selects a crash (1), a
// hang (2), an exit (3) or a SIGSTOP of itself (4) after the first chunk of
// a Sample; mode 0 behaves. Modes 5 to 7 send what cannot be true: a
// chunk with -3 of 10 moves accepted (5), a value outside the declared
// state space (6), NaN and infinite observables of behaving samples (7).
// RGML_MISBEHAVE_AT_START=exit|hang fails before the handshake instead, and =fork-exit|fork-hang starts a child that
// holds its stdout and stderr and never handshakes, then exits or hangs
// (the child's pid goes to the file RGML_MISBEHAVE_PIDFILE); =fork-setsid
// is fork-exit with a child that leaves the process group (setsid);
// RGML_MISBEHAVE_IGNORE_SIGPIPE=1 ignores SIGPIPE.
package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/rgml/rgml/framework/sdk"
)

type model struct{}

// logger writes hclog JSON to stderr, which the host re-logs.
var logger = hclog.New(&hclog.LoggerOptions{JSONFormat: true, Output: os.Stderr, Level: hclog.Info})

func (model) Describe(context.Context) (sdk.ModelDescription, error) {
	return sdk.ModelDescription{
		Info: sdk.Info{Name: "misbehave", Version: "0.0.1", Doc: "fails on purpose (tests only)"},
		Parameters: []sdk.ParamSpec{
			{Name: "mode", Doc: "0 behave, 1 panic, 2 hang, 3 exit, 4 SIGSTOP itself after the first chunk; 5 bad counts, 6 values outside the states, 7 NaN observables", Kind: sdk.Int, HasMin: true, Min: 0, HasMax: true, Max: 7},
			{Name: "T", Doc: "ignored", Kind: sdk.Float, Default: 1, HasMin: true},
		},
		StateSpace: []int8{-1, 1}, Algorithms: []sdk.Algorithm{{Name: "constant", Doc: "all spins up"}},
		DefaultAlgorithm: "constant", Dimension: 2, MinSize: 2,
		Observables: []sdk.Observable{{Name: "magnetization", Doc: "mean spin"}},
	}, nil
}

func (model) Sample(ctx context.Context, req sdk.SampleRequest, emit sdk.Emit) error {
	logger.Info("misbehave sampling", "points", len(req.Points))
	sites := req.Size * req.Size
	for p, pt := range req.Points {
		switch pt["mode"] {
		case 5:
			if err := emit(sdk.SampleChunk{Point: p, Configs: allUp(sites), Attempts: 10, Accepted: -3}); err != nil {
				return err
			}
			continue
		case 6:
			c := allUp(sites * req.PerPoint)
			c[len(c)-1] = 7
			if err := emit(sdk.SampleChunk{Point: p, Configs: c}); err != nil {
				return err
			}
			continue
		}
		if pt["mode"] == 0 || pt["mode"] == 7 {
			// Behave, as fast as possible: the host's transfer benchmark
			// measures the stream, not the model.
			if err := firehose(ctx, p, req.PerPoint, sites, emit); err != nil {
				return err
			}
			continue
		}
		if err := emit(sdk.SampleChunk{Point: p, First: 0, Configs: allUp(sites)}); err != nil {
			return err
		}
		switch pt["mode"] {
		case 1:
			panic("misbehave plugin crashed on purpose")
		case 2:
			select {} // ignores its context, like a stuck C library
		case 3:
			os.Exit(3)
		case 4:
			// Frozen mid-stream, as by a debugger or Ctrl-Z: the
			// process exists but answers nothing, not even Shutdown.
			syscall.Kill(os.Getpid(), syscall.SIGSTOP)
			select {}
		}
	}
	return nil
}

func allUp(n int) []int8 {
	c := make([]int8, n)
	for j := range c {
		c[j] = 1
	}
	return c
}

// firehose emits perPoint all-up configurations in blocks of about 1 MiB.
func firehose(ctx context.Context, point, perPoint, sites int, emit sdk.Emit) error {
	block := max(1, (1<<20)/sites)
	buf := allUp(block * sites)
	for first := 0; first < perPoint; first += block {
		n := min(block, perPoint-first)
		if err := emit(sdk.SampleChunk{Point: point, First: first, Configs: buf[:n*sites]}); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

func (model) Observables(_ context.Context, pt sdk.Params, size int, configs []int8) (map[string][]float64, error) {
	sites := size * size
	out := make([]float64, len(configs)/sites)
	if pt["mode"] == 7 {
		for i := range out {
			out[i] = []float64{math.NaN(), math.Inf(1)}[i%2]
		}
		return map[string][]float64{"magnetization": out}, nil
	}
	for i := range out {
		for _, v := range configs[i*sites : (i+1)*sites] {
			out[i] += float64(v) / float64(sites)
		}
	}
	return map[string][]float64{"magnetization": out}, nil
}

// forkHolder starts a copy of this program that hangs before the
// handshake with this process's stdout and stderr, as a wrapper script's
// child does, and writes its pid to RGML_MISBEHAVE_PIDFILE; with setsid
// the child leaves the plugin's process group (and session).
func forkHolder(setsid bool) {
	exe, err := os.Executable()
	if err != nil {
		panic(err)
	}
	child := exec.Command(exe)
	child.Env = append(os.Environ(), "RGML_MISBEHAVE_AT_START=hang")
	child.Stdout, child.Stderr = os.Stdout, os.Stderr
	child.SysProcAttr = &syscall.SysProcAttr{Setsid: setsid}
	if err := child.Start(); err != nil {
		panic(err)
	}
	if f := os.Getenv("RGML_MISBEHAVE_PIDFILE"); f != "" {
		if err := os.WriteFile(f, []byte(strconv.Itoa(child.Process.Pid)), 0o644); err != nil {
			panic(err)
		}
	}
}

func main() {
	if os.Getenv("RGML_MISBEHAVE_IGNORE_SIGPIPE") != "" {
		// An orphan that logs dies of SIGPIPE on its broken stderr: this
		// lets a test see that the host watch alone stops it.
		signal.Ignore(syscall.SIGPIPE)
	}
	switch os.Getenv("RGML_MISBEHAVE_AT_START") {
	case "exit":
		fmt.Fprintln(os.Stderr, "misbehave: exiting before the handshake")
		os.Exit(4)
	case "hang":
		time.Sleep(time.Hour)
	case "fork-exit", "fork-hang", "fork-setsid":
		forkHolder(os.Getenv("RGML_MISBEHAVE_AT_START") == "fork-setsid")
		if os.Getenv("RGML_MISBEHAVE_AT_START") == "fork-hang" {
			time.Sleep(time.Hour)
		}
		os.Exit(5)
	}
	sdk.Serve(sdk.ServeConfig{Model: model{}})
}
