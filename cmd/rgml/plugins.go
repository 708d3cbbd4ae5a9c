package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/framework/sdk"
)

// pluginsOptions are those of the `rgml plugins` subcommands.
type pluginsOptions struct {
	env   *env
	Names []string // describe: one; lock: those to record (none: all)
	JSON  bool
}

func pluginsCommand(e *env) *cli.Command { return newCmdPlugins(e, nil) }

// newCmdPlugins builds `rgml plugins`; runF, when not nil, replaces the
// run function of every subcommand (tests check the flags' reading).
func newCmdPlugins(e *env, runF func(context.Context, string, *pluginsOptions) error) *cli.Command {
	action := func(name string, run func(context.Context, *pluginsOptions) error) cli.ActionFunc {
		return func(c *cli.Context) error {
			opts := &pluginsOptions{env: e, Names: c.Args().Slice(), JSON: c.Bool("json")}
			if runF != nil {
				return runF(c.Context, name, opts)
			}
			return run(c.Context, opts)
		}
	}
	return &cli.Command{
		Name:  "plugins",
		Usage: "list, describe, lock and check plugins",
		Subcommands: []*cli.Command{
			{
				Name:   "list",
				Usage:  "list plugins: name, kind, version, protocol, sha256 and lock status (unlocked binaries are not run)",
				Flags:  []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}},
				Action: action("list", runPluginsList),
			},
			{
				Name:      "describe",
				Usage:     "show a plugin's parameters (defaults, ranges, docs) and algorithms; a model's observables and the references it declares, with their sources",
				ArgsUsage: "NAME",
				Flags:     []cli.Flag{&cli.BoolFlag{Name: "json", Usage: "print JSON"}},
				Action:    action("describe", runPluginsDescribe),
			},
			{
				Name:      "lock",
				Usage:     "record the sha256 of plugin binaries; a changed binary is then refused",
				ArgsUsage: "[NAME…]",
				Action:    action("lock", runPluginsLock),
			},
			newCmdPluginsCheck(e, nil),
		},
	}
}

func runPluginsLock(_ context.Context, o *pluginsOptions) error {
	e := o.env
	l, err := e.newHost().WriteLock(o.Names...)
	if err != nil {
		return err
	}
	// The lock holds every plugin; say which ones this call recorded, not
	// how many the file has.
	what := strings.Join(o.Names, ", ")
	if what == "" {
		what = plural(len(l.Plugins), "plugin")
	}
	fmt.Fprintf(e.stdout, "locked %s in %s\n", what, e.newHost().Config().LockPath)
	return nil
}

// pluginRow is one plugin in `plugins list`.
type pluginRow struct {
	Name     string      `json:"name"`
	Kind     string      `json:"kind,omitempty"`
	Version  string      `json:"version,omitempty"`
	Protocol int         `json:"protocol,omitempty"`
	SHA256   string      `json:"sha256"`
	Status   host.Status `json:"status"`
	Path     string      `json:"path,omitempty"`
	Error    string      `json:"error,omitempty"`
}

func runPluginsList(ctx context.Context, o *pluginsOptions) error {
	e := o.env
	if len(o.Names) > 0 {
		return usagef("plugins list takes no arguments (got %q); to see one plugin, run `rgml plugins describe NAME`", o.Names[0])
	}
	h := e.newHost()
	defer h.Close()
	entries, err := h.List()
	if err != nil {
		return err
	}
	rows := make([]pluginRow, 0, len(entries))
	for _, en := range entries {
		r := pluginRow{Name: en.Name, SHA256: en.SHA256, Status: en.Status, Path: en.Path}
		// Only a binary the lock vouches for is run to ask what it is.
		if en.Status == host.StatusOK {
			if p, err := h.Open(ctx, en.Name); err != nil {
				r.Error = firstLine(err.Error())
			} else {
				r.Kind, r.Version, r.Protocol = p.Kind, p.Version, sdk.ProtocolVersion
				p.Kill()
			}
		}
		rows = append(rows, r)
	}
	if o.JSON {
		return printJSON(e, rows)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tKIND\tVERSION\tPROTOCOL\tSHA256\tSTATUS")
	unlocked := false
	var failed []pluginRow
	for _, r := range rows {
		kind, ver, proto := orDash(r.Kind), orDash(r.Version), "-"
		if r.Error != "" {
			// The message goes below the table: in a column it would
			// push the rest of the table off the screen.
			kind = "error"
			failed = append(failed, r)
		}
		if r.Protocol != 0 {
			proto = fmt.Sprint(r.Protocol)
		}
		unlocked = unlocked || r.Status == host.StatusUnlocked || r.Status == host.StatusChanged
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Name, kind, ver, proto, short(r.SHA256), r.Status)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, r := range failed {
		fmt.Fprintf(e.stderr, "rgml: %s\n", r.Error)
	}
	if unlocked {
		fmt.Fprintln(e.stderr, "unlocked and changed binaries are not run: if you trust them, run `rgml plugins lock`")
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func runPluginsDescribe(ctx context.Context, o *pluginsOptions) error {
	e := o.env
	if len(o.Names) != 1 {
		return usagef("plugins describe takes one plugin name (rgml plugins list shows them)")
	}
	h := e.newHost()
	defer h.Close()
	p, err := h.Open(ctx, o.Names[0])
	if err != nil {
		return err
	}
	m, l, a := p.Model, p.Learner, p.Analyzer
	switch {
	case o.JSON && m != nil:
		return printJSON(e, modelJSON(m))
	case o.JSON && l != nil:
		return printJSON(e, learnerJSON(l))
	case o.JSON:
		return printJSON(e, analyzerJSON(a))
	case m != nil:
		describeModel(e, m)
	case l != nil:
		describeLearner(e, l)
	default:
		describeAnalyzer(e, a)
	}
	return nil
}

// paramView is a parameter in `plugins describe --json`.
type paramView struct {
	Name    string   `json:"name"`
	Kind    string   `json:"kind"`
	Default any      `json:"default"`
	Range   string   `json:"range"`
	Unit    string   `json:"unit,omitempty"`
	Choices []string `json:"choices,omitempty"`
	Doc     string   `json:"doc"`
}

type namedDoc struct {
	Name string `json:"name"`
	Doc  string `json:"doc"`
}

func paramViews(ps []sdk.ParamSpec) []paramView {
	out := make([]paramView, 0, len(ps))
	for _, p := range ps {
		v := paramView{Name: p.Name, Kind: p.Kind.String(), Default: p.Default, Range: p.Range(), Unit: p.Unit, Choices: p.Choices, Doc: p.Doc}
		if p.Kind == sdk.Choice {
			v.Default = p.DefaultChoice
		}
		out = append(out, v)
	}
	return out
}

// pluginHead is what the --json description of every plugin kind starts
// with.
type pluginHead struct {
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Version  string `json:"version"`
	Protocol int    `json:"protocol"`
	Path     string `json:"path"`
	SHA256   string `json:"sha256"`
	Doc      string `json:"doc"`
}

func head(info sdk.Info, kind, path, sha string) pluginHead {
	return pluginHead{info.Name, kind, info.Version, sdk.ProtocolVersion, path, sha, strings.TrimSpace(info.Doc)}
}

func modelJSON(m *host.Model) any {
	d := m.Desc
	algs := make([]namedDoc, 0, len(d.Algorithms))
	for _, a := range d.Algorithms {
		algs = append(algs, namedDoc{a.Name, a.Doc})
	}
	obs := make([]namedDoc, 0, len(d.Observables))
	for _, o := range d.Observables {
		obs = append(obs, namedDoc{o.Name, o.Doc})
	}
	states := make([]int, len(d.StateSpace))
	for i, v := range d.StateSpace {
		states[i] = int(v)
	}
	type refView struct {
		Name   string       `json:"name"`
		Points []sdk.Params `json:"points"`
		Source string       `json:"source"`
	}
	refs := make([]refView, 0, len(d.References))
	for _, r := range d.References {
		refs = append(refs, refView{r.Name, r.Points, r.Source})
	}
	return struct {
		pluginHead
		Dimension        int         `json:"dimension"`
		MinSize          int         `json:"min_size"`
		MaxSize          int         `json:"max_size,omitempty"`
		StateSpace       []int       `json:"state_space"`
		Lattice          string      `json:"lattice"`
		Parameters       []paramView `json:"parameters"`
		Algorithms       []namedDoc  `json:"algorithms"`
		DefaultAlgorithm string      `json:"default_algorithm"`
		Observables      []namedDoc  `json:"observables"`
		References       []refView   `json:"references"`
	}{head(d.Info, sdk.KindModel, m.Path, m.SHA256),
		d.Dimension, d.MinSize, d.MaxSize, states, d.Lattice, paramViews(d.Parameters), algs, d.DefaultAlgorithm, obs, refs}
}

func learnerJSON(l *host.Learner) any {
	d := l.Desc
	type opView struct {
		Name       string      `json:"name"`
		Doc        string      `json:"doc"`
		Parameters []paramView `json:"parameters"`
	}
	ops := make([]opView, 0, len(d.Operations))
	for _, o := range d.Operations {
		ops = append(ops, opView{o.Name, o.Doc, paramViews(o.Parameters)})
	}
	return struct {
		pluginHead
		Supervised      bool        `json:"supervised"`
		Hyperparameters []paramView `json:"hyperparameters"`
		Operations      []opView    `json:"operations"`
		Weights         []string    `json:"weights"`
	}{head(d.Info, sdk.KindLearner, l.Path, l.SHA256),
		d.NeedsLabel, paramViews(d.Hyperparameters), ops, d.WeightNames}
}

func analyzerJSON(a *host.Analyzer) any {
	d := a.Desc
	type inputView struct {
		Name     string `json:"name"`
		Doc      string `json:"doc"`
		Required bool   `json:"required"`
	}
	ins := make([]inputView, 0, len(d.Inputs))
	for _, in := range d.Inputs {
		ins = append(ins, inputView{in.Name, in.Doc, in.Required})
	}
	return struct {
		pluginHead
		Parameters []paramView `json:"parameters"`
		Learners   []string    `json:"learners"`
		Inputs     []inputView `json:"inputs"`
	}{head(d.Info, sdk.KindAnalyzer, a.Path, a.SHA256),
		paramViews(d.Parameters), d.Learners, ins}
}

func describeAnalyzer(e *env, a *host.Analyzer) {
	d := a.Desc
	w := e.stdout
	fmt.Fprintf(w, "%s %s — analyzer plugin, protocol %d\n", d.Name, d.Version, sdk.ProtocolVersion)
	fmt.Fprintf(w, "binary: %s\nsha256: %s\n\n", a.Path, a.SHA256)
	if d.Doc != "" {
		fmt.Fprintf(w, "%s\n\n", strings.TrimSpace(d.Doc))
	}
	describeParams(e, "PARAMETER", d.Parameters)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "INPUT\tREQUIRED\tDOC")
	for _, in := range d.Inputs {
		fmt.Fprintf(tw, "%s\t%v\t%s\n", in.Name, in.Required, in.Doc)
	}
	tw.Flush()
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
	geometry := d.Lattice
	if geometry == "" {
		geometry = "geometry not declared (no G(r) on its data)"
	}
	sizes := fmt.Sprintf("L >= %d", d.MinSize)
	if d.MaxSize > 0 {
		sizes = fmt.Sprintf("%d <= L <= %d", d.MinSize, d.MaxSize)
	}
	fmt.Fprintf(w, "lattice: %d-dimensional, %s, %s; site values %v\n\n", d.Dimension, geometry, sizes, d.StateSpace)
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
	if len(d.References) == 0 {
		return
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REFERENCE\tAT\tSOURCE")
	for _, r := range d.References {
		at := make([]string, len(r.Points))
		for i, pt := range r.Points {
			at[i] = referencePoint(d.Parameters, pt)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", r.Name, strings.Join(at, " → "), r.Source)
	}
	tw.Flush()
}

// referencePoint writes a reference's point as "T = 0.608, Delta = 1.966,
// J = 1", its coordinates in the order the parameters are declared (any
// other after them, by name).
func referencePoint(params []sdk.ParamSpec, pt sdk.Params) string {
	var names []string
	declared := map[string]bool{}
	for _, p := range params {
		declared[p.Name] = true
		if _, ok := pt[p.Name]; ok {
			names = append(names, p.Name)
		}
	}
	for _, n := range pt.Names() {
		if !declared[n] {
			names = append(names, n)
		}
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = n + " = " + strconv.FormatFloat(pt[n], 'g', -1, 64)
	}
	return strings.Join(out, ", ")
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
