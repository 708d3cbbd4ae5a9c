package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hashicorp/go-hclog"
	"github.com/rgml/rgml/framework/metrics"
	"github.com/urfave/cli/v2"
)

// urfave/cli takes the first `quoted` word of a flag's Usage as its
// placeholder: a quoted command there printed "--preset rgml presets list".
// Every placeholder is one word, and no default is printed twice.
func TestFlagHelpPlaceholders(t *testing.T) {
	app := newApp(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, logger: hclog.NewNullLogger(), metrics: metrics.New("")})
	var walk func(prefix string, cmds []*cli.Command)
	check := func(where string, flags []cli.Flag) {
		for _, f := range flags {
			s := f.String() // "--name PLACEHOLDER\tusage (default: …)"
			head, usage, _ := strings.Cut(s, "\t")
			head, _, _ = strings.Cut(head, " [ ") // a repeatable flag's "[ --name value ]"
			if fields := strings.Fields(head); len(fields) > 2+strings.Count(head, ", ") {
				t.Errorf("%s: flag help %q: the placeholder is several words", where, head)
			}
			if strings.Count(usage, "(default: ") > 1 {
				t.Errorf("%s: flag help %q gives two defaults", where, s)
			}
		}
	}
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			full := strings.TrimSpace(prefix + " " + c.Name)
			check(full, c.Flags)
			walk(full, c.Subcommands)
		}
	}
	check("rgml", app.Flags)
	walk("", app.Commands)
}
