package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"

	"github.com/rgml/rgml/framework/sdk"
)

// Config configures a Host. Zero durations take the defaults below.
type Config struct {
	Dir      string // plugin directory
	LockPath string // default: Dir/rgml-plugins.lock
	Logger   hclog.Logger
	// StartTimeout bounds the plugin's start-up and handshake.
	StartTimeout time.Duration
	// CallTimeout bounds short calls (Describe).
	CallTimeout time.Duration
	// IdleTimeout is how long a streaming call may go without a message
	// from the plugin before the plugin is declared hung and stopped.
	IdleTimeout time.Duration
	// Env is added to the plugins' environment.
	Env []string
	// Observer, if set, is told about plugin starts, failures and calls
	// (the host's metrics).
	Observer Observer
	// AllowUnlocked lets a binary that is not in the lock file run (with
	// a warning): for plugin development only. A changed binary is refused
	// regardless.
	AllowUnlocked bool
}

// Observer receives the host's plugin events.
type Observer interface {
	PluginStarted(plugin string)
	PluginCrashed(plugin string)
	ObserveRPC(plugin, method string, d time.Duration)
}

type nopObserver struct{}

func (nopObserver) PluginStarted(string)                     {}
func (nopObserver) PluginCrashed(string)                     {}
func (nopObserver) ObserveRPC(string, string, time.Duration) {}

// Defaults of Config.
const (
	DefaultStartTimeout = 15 * time.Second
	DefaultCallTimeout  = 30 * time.Second
	DefaultIdleTimeout  = 5 * time.Minute
)

// Host launches plugins and keeps track of them so that Close stops them all.
type Host struct {
	cfg     Config
	mu      sync.Mutex
	running []*Plugin
	sockets string // private socket directory, created at the first launch
}

// New returns a Host for the plugins in cfg.Dir.
func New(cfg Config) *Host {
	if cfg.LockPath == "" {
		cfg.LockPath = filepath.Join(cfg.Dir, LockFileName)
	}
	if cfg.Logger == nil {
		cfg.Logger = hclog.NewNullLogger()
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = DefaultStartTimeout
	}
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = DefaultCallTimeout
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Observer == nil {
		cfg.Observer = nopObserver{}
	}
	return &Host{cfg: cfg}
}

// Config returns the host's configuration with defaults filled in.
func (h *Host) Config() Config { return h.cfg }

// List returns every plugin binary with its checksum status.
func (h *Host) List() ([]Entry, error) {
	bins, err := Discover(h.cfg.Dir)
	if err != nil {
		return nil, err
	}
	l, err := ReadLock(h.cfg.LockPath)
	if err != nil {
		return nil, err
	}
	return Check(bins, l)
}

// WriteLock records the current checksum of the named plugins (all when
// names is empty) in the lock file, and drops entries whose binary is gone.
func (h *Host) WriteLock(names ...string) (Lock, error) {
	entries, err := h.List()
	if err != nil {
		return Lock{}, err
	}
	l, err := ReadLock(h.cfg.LockPath)
	if err != nil {
		return Lock{}, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	found := map[string]bool{}
	for _, e := range entries {
		switch {
		case e.Status == StatusMissing:
			delete(l.Plugins, e.Name)
		case len(want) == 0 || want[e.Name]:
			l.Plugins[e.Name] = e.SHA256
			found[e.Name] = true
		}
	}
	for n := range want {
		if !found[n] {
			return Lock{}, unknownPlugin("no plugin %q in %s", n, h.cfg.Dir)
		}
	}
	return l, WriteLock(h.cfg.LockPath, l)
}

// Plugin is a running plugin process.
type Plugin struct {
	Name   string
	Path   string
	SHA256 string // digest of the bytes that were launched (its private copy)

	client *plugin.Client
	exe    *staged

	mu      sync.Mutex
	run     *procRunner // set once go-plugin starts the process
	killed  bool
	killing sync.Once
	proto   plugin.ClientProtocol
	stderr  *tail
	host    *Host
}

// Launch starts the plugin called name after checking its binary against
// the lock file.
func (h *Host) Launch(ctx context.Context, name string) (*Plugin, error) {
	bins, err := Discover(h.cfg.Dir)
	if err != nil {
		return nil, err
	}
	var bin *Binary
	var names []string
	for i := range bins {
		names = append(names, bins[i].Name)
		if bins[i].Name == name {
			bin = &bins[i]
		}
	}
	if bin == nil {
		return nil, unknownPlugin("no plugin %q in %s (found: %s)", name, h.cfg.Dir, strings.Join(names, ", "))
	}
	l, err := ReadLock(h.cfg.LockPath)
	if err != nil {
		return nil, err
	}
	exe, err := h.stage(bin.Path)
	if err != nil {
		return nil, err
	}
	launched := false
	defer func() {
		if !launched {
			exe.remove()
		}
	}()
	sum := exe.sha256
	switch want, ok := l.Plugins[name]; {
	case ok && want != sum:
		return nil, &LockError{Plugin: name, Path: bin.Path, LockPath: h.cfg.LockPath, SHA256: sum, Locked: want}
	case !ok && !h.cfg.AllowUnlocked:
		_, statErr := os.Stat(h.cfg.LockPath)
		return nil, &LockError{Plugin: name, Path: bin.Path, LockPath: h.cfg.LockPath, SHA256: sum, NoLockFile: errors.Is(statErr, os.ErrNotExist)}
	case !ok:
		h.cfg.Logger.Warn("running a plugin binary that is not in the lock file: nothing vouches for it (--allow-unlocked is set)",
			"plugin", name, "path", bin.Path, "sha256", sum)
	}
	sockets, err := h.socketDir()
	if err != nil {
		return nil, err
	}
	st := newTail(40)
	logger := &pluginLogger{Logger: h.cfg.Logger.Named(name), stderr: st, startFailed: new(atomic.Bool)}
	p := &Plugin{Name: name, Path: bin.Path, SHA256: sum, stderr: st, host: h, exe: exe}
	p.client = plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{sdk.ProtocolVersion: hostPluginSet()},
		RunnerFunc: func(_ hclog.Logger, spec *exec.Cmd, _ string) (runner.Runner, error) {
			// The private copy runs, never the path that was
			// discovered: only the copy's bytes were checked.
			cmd := exec.Command(exe.path)
			cmd.Args[0] = bin.Path
			// spec.Env (this environment and go-plugin's variables)
			// wins over ours, as with go-plugin's own runner, but for
			// the socket folder: go-plugin's, nested in ours, would
			// push socket paths past the 108 bytes Unix allows.
			cmd.Env = append(append(pluginEnv(h.cfg.Env), sdk.EnvHostPID+"="+strconv.Itoa(os.Getpid())), spec.Env...)
			cmd.Env = append(cmd.Env, plugin.EnvUnixSocketDir+"="+sockets)
			setParentDeathSignal(cmd)
			r, err := newProcRunner(cmd, bin.Path)
			if err != nil {
				return nil, err
			}
			p.setRunner(r)
			return r, nil
		},
		UnixSocketConfig: &plugin.UnixSocketConfig{TempDir: sockets},
		Managed:          true,
		// Each launch gets a fresh client certificate and the plugin
		// answers with its own: only this host can talk to the plugin,
		// whatever the socket's permissions (as Terraform and Vault do).
		AutoMTLS:         true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		Logger:           logger,
		Stderr:           st,
		StartTimeout:     h.cfg.StartTimeout,
		GRPCDialOptions:  sdk.GRPCDialOptions(),
	})
	type startResult struct {
		proto plugin.ClientProtocol
		err   error
	}
	started := make(chan startResult, 1)
	go func() {
		proto, err := p.client.Client()
		started <- startResult{proto, err}
	}()
	var res startResult
	select {
	case res = <-started:
	case <-ctx.Done():
		// go-plugin's start-up does not watch a context: killing the
		// process ends it (within pipeGrace).
		p.forceKill()
		res = <-started
		res.err = ctx.Err()
	}
	if res.err != nil {
		logger.startFailed.Store(true)
		p.Kill()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if bad := notAPlugin(bin.Path, res.err, st.summary()); bad != nil {
			return nil, &Error{Plugin: name, Op: "starting", Err: bad}
		}
		return nil, p.failure("starting", res.err)
	}
	p.proto = res.proto
	launched = true
	h.cfg.Observer.PluginStarted(name)
	h.mu.Lock()
	h.running = append(h.running, p)
	h.mu.Unlock()
	return p, nil
}

// notAPlugin turns go-plugin's many-line complaint about an executable that
// did not print the handshake into one line, or returns nil for another
// error.
func notAPlugin(path string, err error, stderr string) error {
	msg := err.Error()
	const unrecognized = "Unrecognized remote plugin message: "
	i := strings.Index(msg, unrecognized)
	if i < 0 {
		return nil
	}
	first, _, _ := strings.Cut(msg[i+len(unrecognized):], "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "%s is not an rgml plugin (or not one built for this machine): ", path)
	if first == "" {
		b.WriteString("it printed no handshake")
	} else {
		fmt.Fprintf(&b, "it printed %q instead of the handshake", first)
	}
	if stderr != "" {
		fmt.Fprintf(&b, "; its stderr: %s", stderr)
	}
	return errors.New(b.String())
}

func hostPluginSet() plugin.PluginSet {
	set := plugin.PluginSet{}
	for _, k := range kinds {
		set[k.name] = k.glue()
	}
	return set
}

// killGrace is how long Kill lets a plugin exit on go-plugin's request
// before it kills the plugin's process group: a healthy plugin exits in
// milliseconds, and one that is stopped or stuck never answers.
const killGrace = 500 * time.Millisecond

// Kill stops the plugin process (asking first, then killing its process
// group) and removes its private copy. It returns within about killGrace
// plus pipeGrace, whatever state the plugin is in.
func (p *Plugin) Kill() {
	p.killing.Do(func() {
		done := make(chan struct{})
		go func() {
			defer close(done)
			p.client.Kill()
		}()
		select {
		case <-done:
		case <-time.After(killGrace):
			p.forceKill()
			select {
			case <-done:
			case <-time.After(pipeGrace + killGrace):
				p.host.cfg.Logger.Warn("plugin was killed but go-plugin is still waiting for it; not waiting any longer", "plugin", p.Name)
			}
		}
		// A wrapper's children share its process group: none outlives
		// the plugin.
		p.forceKill()
		p.exe.remove()
	})
}

// forceKill kills the plugin's process group now (or stops it from
// starting).
func (p *Plugin) forceKill() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.killed = true
	if p.run != nil {
		p.run.Kill(context.Background())
	}
}

// setRunner records the plugin's runner once go-plugin made it; a plugin
// killed before that is stopped before it starts.
func (p *Plugin) setRunner(r *procRunner) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.run = r
	if p.killed {
		r.Kill(context.Background())
	}
}

// Close stops every plugin the host launched, all at once: each Kill is
// bounded, so Close is too.
func (h *Host) Close() {
	h.mu.Lock()
	running := h.running
	h.running = nil
	h.mu.Unlock()
	var wg sync.WaitGroup
	for _, p := range running {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Kill()
		}()
	}
	wg.Wait()
	h.removeSocketDir()
}

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
}

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
	for _, l := range t.lines {
		if strings.HasPrefix(l, "panic: ") || strings.HasPrefix(l, "fatal error: ") {
			return l
		}
	}
	if n := len(t.lines); n > 0 {
		return t.lines[n-1]
	}
	return ""
}

// Pid returns the plugin's process id (0 if it never started).
func (p *Plugin) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.run == nil {
		return 0
	}
	return p.run.Pid()
}
