package plan

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/rgml/rgml/framework/fsutil"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

// HostCatalog describes the plugins a host finds in its plugin directory:
// each plugin is launched once, asked Describe and stopped, and its
// description and binary digest are kept for the next question. A name
// the host does not have, or of another kind, is the host's
// ErrUnknownPlugin (a usage error once validation places it).
type HostCatalog struct {
	Host *host.Host

	mu        sync.Mutex
	models    map[string]ModelPlugin
	learners  map[string]LearnerPlugin
	analyzers map[string]AnalyzerPlugin
}

// Analyzer implements AnalyzerCatalog.
func (c *HostCatalog) Analyzer(ctx context.Context, name string) (sdk.AnalyzerDescription, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.analyzers[name]; ok {
		return p.Desc, p.SHA256, nil
	}
	a, err := c.Host.Analyzer(ctx, name)
	if err != nil {
		return sdk.AnalyzerDescription{}, "", err
	}
	a.Kill()
	if c.analyzers == nil {
		c.analyzers = map[string]AnalyzerPlugin{}
	}
	c.analyzers[name] = AnalyzerPlugin{Desc: a.Desc, SHA256: a.SHA256}
	return a.Desc, a.SHA256, nil
}

// Model implements Catalog.
func (c *HostCatalog) Model(ctx context.Context, name string) (sdk.ModelDescription, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.models[name]; ok {
		return p.Desc, p.SHA256, nil
	}
	m, err := c.Host.Model(ctx, name)
	if err != nil {
		return sdk.ModelDescription{}, "", err
	}
	m.Kill()
	if c.models == nil {
		c.models = map[string]ModelPlugin{}
	}
	c.models[name] = ModelPlugin{Desc: m.Desc, SHA256: m.SHA256}
	return m.Desc, m.SHA256, nil
}

// Learner implements Catalog.
func (c *HostCatalog) Learner(ctx context.Context, name string) (sdk.LearnerDescription, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.learners[name]; ok {
		return p.Desc, p.SHA256, nil
	}
	l, err := c.Host.Learner(ctx, name)
	if err != nil {
		return sdk.LearnerDescription{}, "", err
	}
	l.Kill()
	if c.learners == nil {
		c.learners = map[string]LearnerPlugin{}
	}
	c.learners[name] = LearnerPlugin{Desc: l.Desc, SHA256: l.SHA256}
	return l.Desc, l.SHA256, nil
}

// CachedCatalog is a HostCatalog that keeps each description in Dir,
// named by the plugin binary's sha256: a binary the lock file accepts
// whose description is on file is not launched again, so planning a spec
// whose results all exist starts no plugin. A description is a function
// of the binary's bytes, so the digest is a sound key; any binary the
// lock does not accept as is goes to the host, which refuses it.
type CachedCatalog struct {
	HostCatalog
	Dir string

	once sync.Once
	bins map[string]host.Entry
}

func (c *CachedCatalog) cached(name, kind string, v any) (string, bool) {
	c.once.Do(func() {
		c.bins = map[string]host.Entry{}
		if list, err := c.Host.List(); err == nil {
			for _, e := range list {
				c.bins[e.Name] = e
			}
		}
	})
	e, ok := c.bins[name]
	if !ok || e.Status != host.StatusOK || c.Dir == "" {
		return "", false
	}
	return e.SHA256, Cached(c.Dir, name, e.SHA256, kind, v)
}

// Cached reads into v the description of kind ("model", "learner" or
// "analyzer") that a CachedCatalog keeps in dir for the plugin called name
// whose binary has digest sha; false when none is kept there. The name is
// part of the key: one binary installed under two names (a multi-call
// binary that looks at its argv[0]) may describe two plugins.
func Cached(dir, name, sha, kind string, v any) bool {
	b, err := os.ReadFile(cacheFile(dir, name, sha, kind))
	return err == nil && json.Unmarshal(b, v) == nil
}

func cacheFile(dir, name, sha, kind string) string {
	return filepath.Join(dir, sha+"."+name+"."+kind+".json")
}

func (c *CachedCatalog) keep(name, sha, kind string, v any) {
	if c.Dir == "" || os.MkdirAll(c.Dir, 0o755) != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return // a description JSON cannot hold is asked again next time
	}
	fsutil.WriteFileAtomic(cacheFile(c.Dir, name, sha, kind), func(w io.Writer) error { _, err := w.Write(b); return err })
}

// Model implements Catalog.
func (c *CachedCatalog) Model(ctx context.Context, name string) (sdk.ModelDescription, string, error) {
	var d sdk.ModelDescription
	if sha, ok := c.cached(name, "model", &d); ok {
		return d, sha, nil
	}
	d, sha, err := c.HostCatalog.Model(ctx, name)
	if err == nil {
		c.keep(name, sha, "model", d)
	}
	return d, sha, err
}

// Learner implements Catalog.
func (c *CachedCatalog) Learner(ctx context.Context, name string) (sdk.LearnerDescription, string, error) {
	var d sdk.LearnerDescription
	if sha, ok := c.cached(name, "learner", &d); ok {
		return d, sha, nil
	}
	d, sha, err := c.HostCatalog.Learner(ctx, name)
	if err == nil {
		c.keep(name, sha, "learner", d)
	}
	return d, sha, err
}

// Analyzer implements AnalyzerCatalog.
func (c *CachedCatalog) Analyzer(ctx context.Context, name string) (sdk.AnalyzerDescription, string, error) {
	var d sdk.AnalyzerDescription
	if sha, ok := c.cached(name, "analyzer", &d); ok {
		return d, sha, nil
	}
	d, sha, err := c.HostCatalog.Analyzer(ctx, name)
	if err == nil {
		c.keep(name, sha, "analyzer", d)
	}
	return d, sha, err
}
