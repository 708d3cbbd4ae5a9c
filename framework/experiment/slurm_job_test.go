package experiment_test

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
)

// Every option of SlurmJob reaches the job's command line, as the flag
// its tag names (a global flag of rgml, or of run), and NewSlurmJob fills
// it from the run's flag of that name: an option added to SlurmJob is
// carried, or this fails (an untagged field is carried by nothing; a
// field of a type Command cannot write panics).
func TestSlurmJobCommandCarriesEveryOption(t *testing.T) {
	values := map[string]any{}
	typ := reflect.TypeOf(experiment.SlurmJob{})
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := f.Tag.Get("flag")
		if name == "" {
			if f.Name != "Exe" && f.Name != "Spec" {
				t.Errorf("SlurmJob.%s has no flag tag: no job would get it", f.Name)
			}
			continue
		}
		switch f.Type {
		case reflect.TypeOf(""):
			values[name] = "v-" + name
		case reflect.TypeOf(true):
			values[name] = true
		case reflect.TypeOf(time.Duration(0)):
			values[name] = 3 * time.Second
		default:
			t.Errorf("SlurmJob.%s: a %s cannot be written as a flag", f.Name, f.Type)
		}
	}
	job := experiment.NewSlurmJob(func(flag string) any { return values[flag] })
	v := reflect.ValueOf(job)
	for i := 0; i < typ.NumField(); i++ {
		if typ.Field(i).Tag.Get("flag") != "" && v.Field(i).IsZero() {
			t.Errorf("NewSlurmJob left %s unset", typ.Field(i).Name)
		}
	}
	job.Exe, job.Spec = "/bin/rgml", "/s/study.yaml"
	cmd := job.Command()
	run := slices.Index(cmd, "run")
	if cmd[0] != "/bin/rgml" || run < 0 || cmd[len(cmd)-1] != "/s/study.yaml" {
		t.Fatalf("command %q: want the binary, global flags, run, run's flags, the spec", cmd)
	}
	for i := 0; i < typ.NumField(); i++ {
		f := typ.Field(i)
		name := f.Tag.Get("flag")
		if name == "" {
			continue
		}
		at := slices.Index(cmd, "--"+name)
		if at < 0 {
			t.Errorf("SlurmJob.%s: --%s is not in the command %q", f.Name, name, cmd)
			continue
		}
		if (f.Tag.Get("cmd") == "run") != (at > run) {
			t.Errorf("--%s is on the wrong side of run in %q", name, cmd)
		}
		want := map[reflect.Type]string{reflect.TypeOf(""): "v-" + name, reflect.TypeOf(time.Duration(0)): "3s"}[f.Type]
		if want != "" && (at+1 >= len(cmd) || cmd[at+1] != want) {
			t.Errorf("--%s: want %s after it in %q", name, want, cmd)
		}
	}
	// A job serves no metrics port: many share a node.
	if i := slices.Index(cmd, "--metrics-addr"); i < 0 || i > run || cmd[i+1] != "off" {
		t.Errorf("command %q: want --metrics-addr off among the global flags", cmd)
	}
}
