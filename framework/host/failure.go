package host

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/rgml/rgml/framework/internal/clip"

	"github.com/rgml/rgml/framework/sdk"
)

// Error is a failure of a plugin, as opposed to a mistake in the request.
type Error struct {
	Plugin string
	Op     string // what the host was doing: "starting", "sampling", …
	// Crashed is set when the process exited; Stalled when it stopped
	// answering and was killed.
	Crashed, Stalled bool
	Detail           string // last lines of the plugin's stderr
	Err              error
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.Stalled:
		fmt.Fprintf(&b, "plugin %q hung while %s and was stopped", e.Plugin, e.Op)
	case e.Crashed:
		fmt.Fprintf(&b, "plugin %q crashed while %s", e.Plugin, e.Op)
	default:
		fmt.Fprintf(&b, "plugin %q failed while %s", e.Plugin, e.Op)
	}
	// A dead plugin's last words (its panic) say more than the broken
	// stream; a live one's stderr may be an unrelated warning.
	if (e.Crashed || e.Stalled) && e.Detail != "" {
		fmt.Fprintf(&b, ": %s", e.Detail)
	} else if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	return b.String()
}

// hostError marks an error raised by the host's own side of a call (a
// callback that could not store a chunk or a checkpoint): it is reported as
// it is, not blamed on the plugin.
type hostError struct{ err error }

func (e hostError) Error() string { return e.err.Error() }
func (e hostError) Unwrap() error { return e.err }

// fromHost wraps a host-side callback's error (nil stays nil).
func fromHost(err error) error {
	if err == nil {
		return nil
	}
	return hostError{err}
}

func (e *Error) Unwrap() error { return e.Err }

// failure turns an error of an operation on the plugin into the error the
// user sees. Errors the plugin returned on purpose (invalid argument, …)
// pass through with the plugin's name; transport failures are checked
// against the process state.
func (p *Plugin) failure(op string, err error) error {
	if err == nil {
		return nil
	}
	for _, typed := range []error{sdk.ErrInvalidArgument, sdk.ErrNotFound, sdk.ErrUnimplemented, sdk.ErrFailedPrecondition} {
		if errors.Is(err, typed) {
			return fmt.Errorf("%s: %w", p.Name, err)
		}
	}
	var he hostError
	if errors.As(err, &he) {
		return he.err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	// The stream can break a moment before the process is reaped.
	deadline := time.Now().Add(2 * time.Second)
	for !p.client.Exited() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	e := &Error{Plugin: p.Name, Op: op, Crashed: p.client.Exited(), Detail: p.stderr.summary(), Err: err}
	if e.Crashed {
		p.host.cfg.Observer.PluginCrashed(p.Name)
	}
	return e
}

// tail keeps the last lines a plugin wrote to stderr that were not
// structured log lines: a panic message, a runtime error.
type tail struct {
	mu    sync.Mutex
	max   int
	lines []string
	buf   []byte
	// panicking is set once the plugin starts printing a panic.
	panicking bool
	// fatal is the first panic or fatal-error line, kept when the
	// trace after it (a Go runtime's runs to hundreds of lines) pushes
	// it out of lines.
	fatal string
}

// maxSummary bounds the plugin's line quoted in an error: the error is one
// line for a user, and a plugin may write megabytes without a newline.
const maxSummary = 300

func (t *tail) inPanic() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.panicking
}

// pluginLogger is the logger go-plugin re-logs a plugin's stderr through.
// It demotes a dying plugin's stack trace and go-plugin's own "plugin
// process exited" to debug level: the host reports the crash in one line
// (with the panic message), and --log-level debug shows the rest.
// A process that never completed the handshake has no connection to close
// gracefully: go-plugin's "plugin failed to exit gracefully" when it is
// killed is demoted too, as the host's error already says what happened.
type pluginLogger struct {
	hclog.Logger
	stderr      *tail
	startFailed *atomic.Bool
}

func (l *pluginLogger) demote(level hclog.Level, msg string) hclog.Level {
	if level >= hclog.Warn && (l.stderr.inPanic() || strings.HasPrefix(msg, "plugin process exited") ||
		(l.startFailed.Load() && strings.HasPrefix(msg, "plugin failed to exit gracefully"))) {
		return hclog.Debug
	}
	return level
}

func (l *pluginLogger) Log(level hclog.Level, msg string, args ...any) {
	l.Logger.Log(l.demote(level, msg), msg, args...)
}

func (l *pluginLogger) Error(msg string, args ...any) { l.Log(hclog.Error, msg, args...) }
func (l *pluginLogger) Warn(msg string, args ...any)  { l.Log(hclog.Warn, msg, args...) }

func (l *pluginLogger) Named(name string) hclog.Logger {
	return &pluginLogger{Logger: l.Logger.Named(name), stderr: l.stderr, startFailed: l.startFailed}
}

func (l *pluginLogger) With(args ...any) hclog.Logger {
	return &pluginLogger{Logger: l.Logger.With(args...), stderr: l.stderr, startFailed: l.startFailed}
}

func newTail(n int) *tail { return &tail{max: n} }

func (t *tail) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, b...)
	if len(t.buf) > 64<<10 {
		// A line this long is no message for a user; keep the tail.
		t.buf = append(t.buf[:0], t.buf[len(t.buf)-4096:]...)
	}
	for {
		i := strings.IndexByte(string(t.buf), '\n')
		if i < 0 {
			break
		}
		line := strings.TrimSpace(string(t.buf[:i]))
		t.buf = t.buf[i+1:]
		if line == "" || strings.HasPrefix(line, "{") {
			continue
		}
		if strings.HasPrefix(line, "panic: ") || strings.HasPrefix(line, "fatal error: ") {
			t.panicking = true
			if t.fatal == "" {
				t.fatal = line
			}
		}
		t.lines = append(t.lines, line)
		if len(t.lines) > t.max {
			t.lines = t.lines[1:]
		}
	}
	return len(b), nil
}

// summary returns the plugin's own explanation of its death: the panic or
// fatal-error line if there is one, else the last line it wrote.
func (t *tail) summary() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.fatal != "" {
		return clip.Bytes(t.fatal, maxSummary)
	}
	if n := len(t.lines); n > 0 {
		return clip.Bytes(t.lines[n-1], maxSummary)
	}
	return ""
}
