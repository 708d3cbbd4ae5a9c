package host

import (
	"path/filepath"
	"sync"
	"time"

	"github.com/hashicorp/go-hclog"
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
	sockets string  // private socket directory, created at the first launch
	copies  *copies // private copies of the plugin binaries (stage)
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
	h := &Host{cfg: cfg}
	h.copies = &copies{owner: h}
	return h
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
