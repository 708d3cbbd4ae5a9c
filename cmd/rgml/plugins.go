package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

func pluginsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "plugins",
		Usage: "list, describe and lock plugins",
		Subcommands: []*cli.Command{
			{
				Name:   "list",
				Usage:  "list plugins: name, kind, version, protocol, sha256 and lock status",
				Action: func(c *cli.Context) error { return pluginsList(c, e) },
			},
			{
				Name:      "describe",
				Usage:     "show a plugin's parameters (defaults, ranges, docs) and algorithms",
				ArgsUsage: "NAME",
				Action:    func(c *cli.Context) error { return pluginsDescribe(c, e) },
			},
			{
				Name:      "lock",
				Usage:     "record the sha256 of plugin binaries; a changed binary is then refused",
				ArgsUsage: "[NAME…]",
				Action: func(c *cli.Context) error {
					l, err := e.newHost(c).WriteLock(c.Args().Slice()...)
					if err != nil {
						return err
					}
					fmt.Fprintf(e.stdout, "locked %d plugin(s) in %s\n", len(l.Plugins), e.newHost(c).Config().LockPath)
					return nil
				},
			},
		},
	}
}

func pluginsList(c *cli.Context, e *env) error {
	h := e.newHost(c)
	defer h.Close()
	entries, err := h.List()
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tVERSION\tPROTOCOL\tSHA256\tSTATUS")
	for _, en := range entries {
		kind, ver, proto := "-", "-", "-"
		if en.Status == host.StatusOK || en.Status == host.StatusUnlocked {
			m, l, err := h.Open(c.Context, en.Name)
			switch {
			case err != nil:
				kind = "error: " + firstLine(err.Error())
			case m != nil:
				kind, ver, proto = sdk.KindModel, m.Desc.Version, fmt.Sprint(sdk.ProtocolVersion)
				m.Kill()
			case l != nil:
				kind, ver, proto = sdk.KindLearner, l.Desc.Version, fmt.Sprint(sdk.ProtocolVersion)
				l.Kill()
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", en.Name, kind, ver, proto, short(en.SHA256), en.Status)
	}
	return tw.Flush()
}

func pluginsDescribe(c *cli.Context, e *env) error {
	if c.NArg() != 1 {
		return usagef("plugins describe takes one plugin name, e.g. `rgml plugins describe ising`")
	}
	h := e.newHost(c)
	defer h.Close()
	m, l, err := h.Open(c.Context, c.Args().First())
	if err != nil {
		return err
	}
	if m != nil {
		describeModel(e, m)
	} else {
		describeLearner(e, l)
	}
	return nil
}

func describeParams(e *env, title string, ps []sdk.ParamSpec) {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "%s\tKIND\tDEFAULT\tRANGE\tDOC\n", title)
	for _, p := range ps {
		def := fmt.Sprint(p.Default)
		if p.Kind == sdk.Choice {
			def = p.DefaultChoice
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Kind, def, p.Range(), p.Doc)
	}
	tw.Flush()
	fmt.Fprintln(e.stdout)
}

func describeLearner(e *env, l *host.Learner) {
	d := l.Desc
	w := e.stdout
	kind := "unsupervised"
	if d.NeedsLabel {
		kind = "supervised"
	}
	fmt.Fprintf(w, "%s %s — learner plugin (%s), protocol %d\n", d.Name, d.Version, kind, sdk.ProtocolVersion)
	fmt.Fprintf(w, "binary: %s\nsha256: %s\n\n", l.Path, l.SHA256)
	if d.Doc != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(d.Doc))
	}
	describeParams(e, "HYPER-PARAMETER", d.Hyperparameters)
	for _, o := range d.Operations {
		fmt.Fprintf(w, "operation %s: %s\n", o.Name, o.Doc)
		if len(o.Parameters) > 0 {
			describeParams(e, "  PARAMETER", o.Parameters)
		}
	}
	fmt.Fprintf(w, "\nweights: %s\n", strings.Join(d.WeightNames, ", "))
}

func describeModel(e *env, m *host.Model) {
	d := m.Desc
	w := e.stdout
	fmt.Fprintf(w, "%s %s — model plugin, protocol %d\n", d.Name, d.Version, sdk.ProtocolVersion)
	fmt.Fprintf(w, "binary: %s\nsha256: %s\n\n", m.Path, m.SHA256)
	if d.Doc != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(d.Doc))
	}
	fmt.Fprintf(w, "lattice: %d-dimensional, L >= %d; site values %v\n\n", d.Dimension, d.MinSize, d.StateSpace)
	describeParams(e, "PARAMETER", d.Parameters)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ALGORITHM\tDOC")
	for _, a := range d.Algorithms {
		name := a.Name
		if a.Name == d.DefaultAlgorithm {
			name += " (default)"
		}
		fmt.Fprintf(tw, "%s\t%s\n", name, a.Doc)
	}
	tw.Flush()
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OBSERVABLE\tDOC")
	for _, o := range d.Observables {
		fmt.Fprintf(tw, "%s\t%s\n", o.Name, o.Doc)
	}
	tw.Flush()
}

func short(sum string) string {
	if len(sum) > 16 {
		return sum[:16]
	}
	return sum
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
