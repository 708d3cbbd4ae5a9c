package host

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"
	"github.com/hashicorp/go-plugin/runner"

	"github.com/rgml/rgml/framework/sdk"
)

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
	bin, err := h.find(name)
	if err != nil {
		return nil, err
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
	if err := h.checkLock(l, name, bin.Path, exe.sha256); err != nil {
		return nil, err
	}
	sockets, err := h.socketDir()
	if err != nil {
		return nil, err
	}
	st := newTail(40)
	logger := &pluginLogger{Logger: h.cfg.Logger.Named(name), stderr: st, startFailed: new(atomic.Bool)}
	p := &Plugin{Name: name, Path: bin.Path, SHA256: exe.sha256, stderr: st, host: h, exe: exe}
	p.client = plugin.NewClient(h.clientConfig(p, sockets, logger))
	if err := p.start(ctx, logger); err != nil {
		return nil, err
	}
	launched = true
	h.cfg.Observer.PluginStarted(name)
	h.mu.Lock()
	h.running = append(h.running, p)
	h.mu.Unlock()
	return p, nil
}

// find returns the binary of the plugin called name.
func (h *Host) find(name string) (*Binary, error) {
	bins, err := Discover(h.cfg.Dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for i := range bins {
		names = append(names, bins[i].Name)
		if bins[i].Name == name {
			return &bins[i], nil
		}
	}
	return nil, unknownPlugin("no plugin %q in %s (found: %s)", name, h.cfg.Dir, strings.Join(names, ", "))
}

// checkLock refuses a binary whose digest sum the lock l does not vouch
// for (unless AllowUnlocked lets an unlocked one run, with a warning).
func (h *Host) checkLock(l Lock, name, path, sum string) error {
	switch want, ok := l.Plugins[name]; {
	case ok && want != sum:
		return &LockError{Plugin: name, Path: path, LockPath: h.cfg.LockPath, SHA256: sum, Locked: want}
	case !ok && !h.cfg.AllowUnlocked:
		_, statErr := os.Stat(h.cfg.LockPath)
		return &LockError{Plugin: name, Path: path, LockPath: h.cfg.LockPath, SHA256: sum, NoLockFile: errors.Is(statErr, os.ErrNotExist)}
	case !ok:
		h.cfg.Logger.Warn("running a plugin binary that is not in the lock file: nothing vouches for it (--allow-unlocked is set)",
			"plugin", name, "path", path, "sha256", sum)
	}
	return nil
}

// clientConfig is go-plugin's configuration of p's client: p's private
// copy run as pluginCommand makes it, sockets in the host's folder.
func (h *Host) clientConfig(p *Plugin, sockets string, logger hclog.Logger) *plugin.ClientConfig {
	return &plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{sdk.ProtocolVersion: hostPluginSet()},
		RunnerFunc: func(_ hclog.Logger, spec *exec.Cmd, _ string) (runner.Runner, error) {
			cmd := h.pluginCommand(p.exe.path, p.Path, sockets, spec.Env)
			r, err := newProcRunner(cmd, p.Path)
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
		Stderr:           p.stderr,
		StartTimeout:     h.cfg.StartTimeout,
		GRPCDialOptions:  sdk.GRPCDialOptions(),
	}
}

// start starts p's process and completes the handshake, or stops it when
// ctx ends first.
func (p *Plugin) start(ctx context.Context, logger *pluginLogger) error {
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
			return ctx.Err()
		}
		if bad := notAPlugin(p.Path, res.err, p.stderr.summary()); bad != nil {
			return &Error{Plugin: p.Name, Op: "starting", Err: bad}
		}
		return p.failure("starting", res.err)
	}
	p.proto = res.proto
	return nil
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

// Pid returns the plugin's process id (0 if it never started).
func (p *Plugin) Pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.run == nil {
		return 0
	}
	return p.run.Pid()
}
