package sdk

import (
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
)

// EnvHostPID carries the host's process id to the plugins it launches, so
// that a plugin can tell that its host has died even if that happened
// before the plugin started watching.
const EnvHostPID = "RGML_HOST_PID"

// parentPollInterval is how often a plugin checks that its host is alive
// where no parent-death signal is available (or it was missed).
const parentPollInterval = 500 * time.Millisecond

// privateSocketDir gives the plugin a directory of its own for its Unix
// socket, inside the one the host named (or the temporary directory), and
// returns the function that removes it. go-plugin removes the socket on a
// clean shutdown only; removing the directory also covers the exits below.
func privateSocketDir() (remove func()) {
	dir, err := os.MkdirTemp(os.Getenv(plugin.EnvUnixSocketDir), "p")
	if err != nil {
		// go-plugin then reports the directory problem itself.
		return func() {}
	}
	os.Setenv(plugin.EnvUnixSocketDir, dir)
	return func() { os.RemoveAll(dir) }
}

// watchHost makes the plugin exit, removing its socket, when its host
// dies: on SIGTERM (the parent-death signal the host and, on Linux, the
// SDK ask the kernel for), when the host's process (EnvHostPID) is gone,
// and when its parent process id changes (the portable fallback: an orphan
// is re-parented to init or a subreaper). The parent need not be the host:
// a wrapper script that runs the plugin binary without exec sits between
// them.
func watchHost(logger hclog.Logger, cleanup func()) {
	parent := os.Getppid()
	host := 0
	if s := os.Getenv(EnvHostPID); s != "" {
		if pid, err := strconv.Atoi(s); err == nil && pid > 0 {
			host = pid
		}
	}
	gone := func() bool {
		return os.Getppid() != parent || host > 0 && !processAlive(host)
	}
	exit := func(why string) {
		// Clean up first: with the host gone, writing to stderr (a broken
		// pipe) kills the process with SIGPIPE.
		cleanup()
		logger.Warn("stopping: " + why)
		os.Exit(1)
	}
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	setParentDeathSignal()
	// The host may have died before the signal was set up.
	if gone() {
		exit("the host process is gone")
	}
	go func() {
		tick := time.NewTicker(parentPollInterval)
		defer tick.Stop()
		for {
			select {
			case <-term:
				exit("terminated (the host died or asked)")
			case <-tick.C:
				if gone() {
					exit("the host process is gone")
				}
			}
		}
	}()
}
