package main

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/registry"
)

// rootOf is the store named by flag (--registry / RGML_HOME), or the
// .rgml/ found upward from the working directory, or a new .rgml/ here.
func rootOf(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	root, _, err := registry.Locate("")
	return root, err
}

// registryRoot is rootOf the command line's --registry (for run_slurm.go,
// whose functions still take a cli.Context).
func registryRoot(c *cli.Context) (string, error) { return rootOf(c.String("registry")) }

// root is rootOf the global --registry.
func (e *env) root() (string, error) { return rootOf(e.g.registry) }

// registryOptions are those of the global flags (--blobs) for OpenWith.
func (e *env) registryOptions(readOnly bool) registry.Options {
	return registry.Options{ReadOnly: readOnly, Blobs: e.g.blobs, LockWaiting: func(holder string) {
		fmt.Fprintf(e.stderr, "rgml: waiting for the registry's lock, held by %s (a gc holds it alone; writes and verify share it); Ctrl-C stops\n", holder)
	}}
}

// openCreate opens the registry for a command that adds to it, creating
// it if needed and saying so on stderr.
func (e *env) openCreate(ctx context.Context) (*registry.Store, error) {
	root, err := e.root()
	if err != nil {
		return nil, err
	}
	s, err := registry.OpenContext(ctx, root, e.registryOptions(false))
	if err != nil {
		return nil, registryError(err)
	}
	if s.Created() {
		fmt.Fprintf(e.stderr, "rgml: created a new registry at %s\n", registry.RedactURL(s.Root()))
	}
	return s, nil
}

// openRead opens an existing registry read-only (SQLite mode=ro), for
// commands that only look: they never create one, and work on a store
// they may not write.
func (e *env) openRead(ctx context.Context) (*registry.Store, error) {
	root, err := e.root()
	if err != nil {
		return nil, err
	}
	s, err := registry.OpenContext(ctx, root, e.registryOptions(true))
	if errors.Is(err, registry.ErrSchemaOld) {
		// Upgrading an existing store is not creating one: do it where the
		// user may write, and say so; a store we may not write stays as is.
		if w, werr := registry.OpenContext(ctx, root, e.registryOptions(false)); werr == nil {
			fmt.Fprintf(e.stderr, "upgraded the registry at %s from schema %d to %d\n", root, w.UpgradedFrom(), registry.SchemaVersion())
			w.Close()
			s, err = registry.OpenContext(ctx, root, e.registryOptions(true))
		}
	}
	if err != nil {
		return nil, registryError(err)
	}
	return s, nil
}

// openExisting opens an existing registry for writing (tag, rm, gc):
// changing what is not there is a mistake, not a reason to create a store.
func (e *env) openExisting(ctx context.Context) (*registry.Store, error) {
	s, err := e.openRead(ctx)
	if err != nil {
		return nil, err
	}
	root := s.Root()
	s.Close()
	if s, err = registry.OpenContext(ctx, root, e.registryOptions(false)); err != nil {
		return nil, registryError(err)
	}
	return s, nil
}

// openRegistryExisting is openExisting for callers that hold a cli.Context
// (run_slurm.go).
func (e *env) openRegistryExisting(c *cli.Context) (*registry.Store, error) {
	return e.openExisting(c.Context)
}

// registryError turns a missing registry (most often a mistyped --registry)
// into a usage error that says how to make one; a location that cannot be
// a registry, or a database that does not answer, is the user's to fix too.
func registryError(err error) error {
	if errors.Is(err, registry.ErrNoRegistry) {
		return usageError{fmt.Errorf("%w (run `rgml registry init` or any command that writes)", err)}
	}
	if errors.Is(err, syscall.ENOTDIR) { // --registry names a file
		return usageError{fmt.Errorf("%w: --registry (or RGML_HOME) must name a directory", err)}
	}
	if errors.Is(err, registry.ErrBadLocation) || errors.Is(err, registry.ErrUnreachable) {
		return usageError{err}
	}
	return err
}

// How a command opens the registry.
type openMode int

const (
	readOnly openMode = iota // look only: never create, SQLite mode=ro
	modify                   // change existing entries: never create
)

// withRegistry calls f with the registry opened as mode, and closes it.
func (e *env) withRegistry(ctx context.Context, mode openMode, f func(*registry.Store) error) error {
	open := e.openRead
	if mode == modify {
		open = e.openExisting
	}
	s, err := open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return f(s)
}

// withEntry calls f with the entry of kind that ref names.
func (e *env) withEntry(ctx context.Context, kind registry.Kind, mode openMode, ref string, f func(*registry.Store, registry.Entry) error) error {
	if ref == "" {
		return usagef("give a reference: NAME, NAME:VERSION, NAME@ALIAS or a digest prefix")
	}
	return e.withRegistry(ctx, mode, func(s *registry.Store) error {
		en, err := s.Resolve(kind, ref)
		if err != nil {
			return experiment.RefError(err)
		}
		return f(s, en)
	})
}

// withEntry is env.withEntry of the command's first argument (for
// run_slurm.go).
func withEntry(c *cli.Context, e *env, kind registry.Kind, mode openMode, f func(*registry.Store, registry.Entry) error) error {
	return e.withEntry(c.Context, kind, mode, c.Args().First(), f)
}

// withEntryOfRun is withEntry (read-only) when run is "", else it calls f
// with the entry of kind that run recorded for its step named ref.
func (e *env) withEntryOfRun(ctx context.Context, kind registry.Kind, run, ref string, f func(*registry.Store, registry.Entry) error) error {
	if run == "" {
		return e.withEntry(ctx, kind, readOnly, ref, f)
	}
	return e.withRegistry(ctx, readOnly, func(s *registry.Store) error {
		r, err := s.Resolve(registry.Run, run)
		if err != nil {
			return experiment.RefError(fmt.Errorf("--run: %w", err))
		}
		en, err := s.RunStepEntry(ctx, r, kind, ref)
		if err != nil {
			return experiment.RefError(err)
		}
		return f(s, en)
	})
}

// storeMode is how a step command opens the registry.
type storeMode int

const (
	createStore   storeMode = iota // writes; creates a missing registry (sample, train, import, run)
	existingStore                  // writes to an existing registry only (flow: its inputs are there)
	readStore                      // reads only (run --dry-run)
)

// stepEnv is the experiment.Env of a command: its host, a registry opened
// when the step first needs it, one progress bar on stderr. The returned
// function closes what was opened.
func (e *env) stepEnv(ctx context.Context, mode storeMode) (*experiment.Env, func()) {
	h := e.newHost()
	en := &experiment.Env{
		Host: h, Metrics: e.metrics, Progress: progress.Single{W: e.progressOut()},
		Build:  experiment.BuildInfo{Version: version, Commit: commit},
		Stdout: e.stdout, Stderr: e.stderr, Logger: e.logger,
	}
	en.OpenStore = func() (*registry.Store, error) {
		switch mode {
		case createStore:
			return e.openCreate(ctx)
		case existingStore:
			return e.openExisting(ctx)
		}
		return e.openRead(ctx)
	}
	return en, func() {
		h.Close()
		if en.Store != nil {
			en.Store.Close()
		}
	}
}
