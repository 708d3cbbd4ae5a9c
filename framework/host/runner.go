package host

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/go-plugin/runner"
)

// pipeGrace is how long a killed plugin's pipes may stay open (so its last
// words reach the host) before the host closes its own ends of them.
const pipeGrace = 2 * time.Second

// procRunner runs a plugin process for go-plugin (ClientConfig.RunnerFunc)
// so that no wait on it is unbounded. go-plugin waits for the plugin's
// stdout and stderr to close before it reaps the process, and for a
// Shutdown reply before it kills it: a process stopped by SIGSTOP, or a
// wrapper's child that inherited the pipes, would hold it forever. Here
// the plugin runs in a process group of its own, Kill kills the whole
// group (SIGKILL works on a stopped process), and the host's ends of the
// pipes are closed pipeGrace later, which ends go-plugin's reads even if a
// process that left the group still holds the other ends.
type procRunner struct {
	cmd            *exec.Cmd
	name           string
	stdout, stderr *os.File // the host's read ends

	mu      sync.Mutex
	pid     int
	killed  bool
	closing sync.Once
}

var _ runner.Runner = (*procRunner)(nil)

// newProcRunner prepares cmd (not started) to run as a plugin; name is
// what go-plugin calls it in its logs.
func newProcRunner(cmd *exec.Cmd, name string) (*procRunner, error) {
	outR, outW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		outR.Close()
		outW.Close()
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = outW, errW
	// A plugin reads nothing from the user's terminal; in a process group
	// of its own, reading it would stop the plugin (SIGTTIN).
	cmd.Stdin = nil
	setProcessGroup(cmd)
	return &procRunner{cmd: cmd, name: name, stdout: outR, stderr: errR}, nil
}

func (r *procRunner) Start(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	// The host keeps only the read ends: EOF comes when the plugin (and
	// whatever inherited them) is gone.
	defer r.cmd.Stdout.(*os.File).Close()
	defer r.cmd.Stderr.(*os.File).Close()
	if r.killed {
		r.closePipes(0)
		return errors.New("stopped before it started")
	}
	if err := r.cmd.Start(); err != nil {
		r.closePipes(0)
		return err
	}
	r.pid = r.cmd.Process.Pid
	return nil
}

func (r *procRunner) Wait(context.Context) error { return r.cmd.Wait() }

// Kill kills the plugin's process group at once, and closes the host's
// ends of its pipes pipeGrace later. It may be called any number of
// times, before Start too (the plugin then never starts).
func (r *procRunner) Kill(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.killed = true
	if r.pid == 0 {
		return nil
	}
	killGroup(r.cmd.Process)
	r.closePipes(pipeGrace)
	return nil
}

func (r *procRunner) closePipes(after time.Duration) {
	r.closing.Do(func() {
		time.AfterFunc(after, func() {
			r.stdout.Close()
			r.stderr.Close()
		})
	})
}

// Pid is the plugin's process id (0 before it started).
func (r *procRunner) Pid() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pid
}

func (r *procRunner) Stdout() io.ReadCloser { return r.stdout }
func (r *procRunner) Stderr() io.ReadCloser { return r.stderr }
func (r *procRunner) Name() string          { return r.name }

func (r *procRunner) ID() string {
	if pid := r.Pid(); pid != 0 {
		return strconv.Itoa(pid)
	}
	return ""
}

func (r *procRunner) Diagnose(context.Context) string {
	return fmt.Sprintf("%s printed no go-plugin handshake", r.name)
}

func (r *procRunner) PluginToHost(network, addr string) (string, string, error) {
	return network, addr, nil
}

func (r *procRunner) HostToPlugin(network, addr string) (string, string, error) {
	return network, addr, nil
}
