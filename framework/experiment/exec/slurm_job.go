package exec

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"time"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/slurm"
	"github.com/rgml/rgml/registry"
)

// SlurmJob is what the rgml process of each step job is given: the
// options of the submitting run that decide how a step runs and where
// its result goes. It is the one place that knows them: each field
// carrying a flag tag is passed to the job as that flag of rgml (of
// `rgml run` with cmd:"run"), so a run option added here reaches the
// jobs, and NewSlurmJob fills it from the run's flags by the same name.
type SlurmJob struct {
	// Exe is the rgml binary; a node must see it.
	Exe string
	// PluginDir is the plugin directory ("": plugins/ beside Exe).
	PluginDir     string        `flag:"plugin-dir"`
	AllowUnlocked bool          `flag:"allow-unlocked"`
	PluginTimeout time.Duration `flag:"plugin-timeout"`
	// Registry is the registry's directory or postgres:// URL.
	Registry string `flag:"registry"`
	// Blobs is a PostgreSQL registry's blob directory.
	Blobs       string `flag:"blobs"`
	Pushgateway string `flag:"pushgateway"`
	LogLevel    string `flag:"log-level"`
	// RunID labels the jobs' metrics with the study's run id.
	RunID string `flag:"run-id"`
	// Preset is the built-in spec the run runs, or Spec its spec file.
	Preset string `flag:"preset" cmd:"run"`
	Spec   string
}

// NewSlurmJob fills the options that have a flag from value, which
// returns the submitting run's value of a flag (nil when it has none).
// Exe and Spec, which are no flags, are left to the caller.
func NewSlurmJob(value func(flag string) any) SlurmJob {
	var j SlurmJob
	v := reflect.ValueOf(&j).Elem()
	for i := 0; i < v.NumField(); i++ {
		name := v.Type().Field(i).Tag.Get("flag")
		if name == "" {
			continue
		}
		if x := reflect.ValueOf(value(name)); x.IsValid() && x.Type().AssignableTo(v.Field(i).Type()) {
			v.Field(i).Set(x)
		}
	}
	return j
}

// Command is the job's command line without its step: the binary, the
// options that have a value, and run with the spec; the executor adds
// --step and --step-key. A job serves no metrics (many share a node): it
// pushes them to the Pushgateway, if any.
func (j SlurmJob) Command() []string {
	global := []string{j.Exe}
	run := []string{"run"}
	v := reflect.ValueOf(j)
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		name := f.Tag.Get("flag")
		if name == "" {
			continue
		}
		var args []string
		switch x := v.Field(i).Interface().(type) {
		case bool:
			if x {
				args = []string{"--" + name}
			}
		case time.Duration:
			if x != 0 {
				args = []string{"--" + name, x.String()}
			}
		case string:
			if x != "" {
				args = []string{"--" + name, x}
			}
		default:
			panic(fmt.Sprintf("experiment: SlurmJob.%s: a %T cannot be a job's flag", f.Name, x))
		}
		if f.Tag.Get("cmd") == "run" {
			run = append(run, args...)
		} else {
			global = append(global, args...)
		}
	}
	global = append(global, "--metrics-addr", "off")
	if j.Spec != "" {
		run = append(run, j.Spec)
	}
	return append(global, run...)
}

// Prepare makes the job's paths absolute and checks that the nodes of
// partition can reach them and the registry: a path a node has its own
// of (/tmp, …) on a cluster of other machines, a SQLite registry shared
// by several machines, a PostgreSQL one without a blob directory. Its
// errors are usage errors, one line.
func (j *SlurmJob) Prepare(ctx context.Context, client *slurm.Client, partition string) error {
	local, err := client.Local(ctx, partition)
	if err != nil {
		return usagef("cannot ask the cluster its nodes: %v", err)
	}
	if j.PluginDir == "" {
		j.PluginDir = host.DefaultPluginDir()
	}
	paths := map[string]*string{"the rgml binary": &j.Exe, "the plugin directory": &j.PluginDir}
	switch {
	case j.Spec != "":
		paths["the spec"] = &j.Spec
	case j.Preset == "":
		return usagef("a Slurm job needs a spec or a preset")
	}
	if registry.IsURL(j.Registry) {
		if j.Blobs == "" {
			return usagef("a postgres:// registry needs --blobs (RGML_BLOBS): its blob directory on the shared filesystem")
		}
		paths["the blob directory (--blobs)"] = &j.Blobs
	} else {
		if !local {
			return usagef("the registry %s is SQLite, which the nodes of a cluster must not share (file locking over NFS is unreliable): use a postgres:// registry (docs/cluster.md)", j.Registry)
		}
		paths["the registry"] = &j.Registry
	}
	check := map[string]string{}
	for what, p := range paths {
		abs, err := filepath.Abs(*p)
		if err != nil {
			return usagef("%s %s: %v", what, *p, err)
		}
		*p, check[what] = abs, abs
	}
	if err := slurm.CheckShared(check, local); err != nil {
		return usagef("%v", err)
	}
	return nil
}

// JobThreads is the threads a step job may use: the cores Slurm gave it
// (SLURM_CPUS_PER_TASK), not the node's.
func JobThreads() int {
	if n, err := strconv.Atoi(os.Getenv("SLURM_CPUS_PER_TASK")); err == nil && n > 0 {
		return n
	}
	return runtime.NumCPU()
}
