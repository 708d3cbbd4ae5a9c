package experiment

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

// HostCatalog describes the plugins a host finds in its plugin directory:
// each plugin is launched once, asked Describe and stopped, and its
// description and binary digest are kept for the next question.
type HostCatalog struct {
	Host *host.Host

	mu       sync.Mutex
	models   map[string]ModelPlugin
	learners map[string]LearnerPlugin
}

// known checks that the host's plugin directory has the plugin, so that a
// misspelt name is the spec's fault and a plugin that fails to start is
// not.
func (c *HostCatalog) known(name string) error {
	bins, err := host.Discover(c.Host.Config().Dir)
	if err != nil {
		return err
	}
	var names []string
	for _, b := range bins {
		if b.Name == name {
			return nil
		}
		names = append(names, b.Name)
	}
	return fmt.Errorf("%w %q in %s (have: %s)", ErrUnknownPlugin, name, c.Host.Config().Dir, strings.Join(names, ", "))
}

// Model implements Catalog.
func (c *HostCatalog) Model(ctx context.Context, name string) (sdk.ModelDescription, string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, ok := c.models[name]; ok {
		return p.Desc, p.SHA256, nil
	}
	if err := c.known(name); err != nil {
		return sdk.ModelDescription{}, "", err
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
	if err := c.known(name); err != nil {
		return sdk.LearnerDescription{}, "", err
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
