package experiment

import (
	"context"
	"sync"

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

	mu       sync.Mutex
	models   map[string]ModelPlugin
	learners map[string]LearnerPlugin
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
