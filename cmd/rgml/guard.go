package main

import (
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/sdk"
)

// argRange is how many positional arguments a command takes.
type argRange struct{ min, max int } // max < 0: no limit

// argsOf derives the argument count from ArgsUsage: "" takes none, "REF"
// one, "[NAME]" zero or one, "[NAME…]" any number. A command that declares
// nothing therefore takes no arguments.
func argsOf(usage string) argRange {
	var r argRange
	for _, w := range strings.Fields(usage) {
		optional := strings.HasPrefix(w, "[")
		many := strings.Contains(w, "…") || strings.Contains(w, "...")
		switch {
		case many:
			if !optional {
				r.min++
			}
			r.max = -1
		case optional:
			if r.max >= 0 {
				r.max++
			}
		default:
			r.min++
			if r.max >= 0 {
				r.max++
			}
		}
	}
	return r
}

func (r argRange) check(cmd, usage string, got []string) error {
	n := len(got)
	if n >= r.min && (r.max < 0 || n <= r.max) {
		return nil
	}
	switch {
	case r.max == 0:
		return usagef("%s takes no arguments (got %q)", cmd, strings.Join(got, " "))
	case n > r.max && r.max >= 0:
		return usagef("%s takes at most %d argument(s), %s (got %d: %q)", cmd, r.max, usage, n, strings.Join(got, " "))
	default:
		return usagef("%s needs %s (got %d argument(s))", cmd, usage, n)
	}
}

// guardCommands applies to every command of the tree: the argument count
// derived from ArgsUsage is checked before the action runs; required flags
// are checked by us (urfave/cli prints the whole help with its error); a
// flag's parse error becomes one line naming the flag and the expected form.
func guardCommands(app *cli.App) {
	app.OnUsageError = onUsageError("", app.Flags)
	var walk func(prefix string, cmds []*cli.Command)
	walk = func(prefix string, cmds []*cli.Command) {
		for _, c := range cmds {
			full := strings.TrimSpace(prefix + " " + c.Name)
			c.OnUsageError = onUsageError(full, append(append([]cli.Flag{}, c.Flags...), app.Flags...))
			required := unrequire(c.Flags)
			if c.Action != nil {
				action, r, usage := c.Action, argsOf(c.ArgsUsage), c.ArgsUsage
				c.Action = func(ctx *cli.Context) error {
					if err := r.check(full, usage, ctx.Args().Slice()); err != nil {
						return err
					}
					for _, f := range required {
						if !ctx.IsSet(f) {
							return usagef("%s needs --%s%s", full, f, seeHelp("rgml "+full))
						}
					}
					if err := refuseBlank(full, ctx, c.Flags); err != nil {
						return err
					}
					if err := refuseInexact(full, ctx, c.Flags); err != nil {
						return err
					}
					return action(ctx)
				}
			}
			walk(full, c.Subcommands)
		}
	}
	walk("", app.Commands)
}

// refuseBlank refuses a text flag given as "" or blanks: for every such
// flag an empty value means "not given", so `--out ""` would otherwise be
// ignored silently (or create a folder named by spaces).
func refuseBlank(cmd string, ctx *cli.Context, flags []cli.Flag) error {
	for _, f := range flags {
		var vals []string
		switch f := f.(type) {
		case *cli.StringFlag:
			if ctx.IsSet(f.Name) {
				vals = []string{ctx.String(f.Name)}
			}
		case *cli.PathFlag:
			if ctx.IsSet(f.Name) {
				vals = []string{ctx.Path(f.Name)}
			}
		case *cli.StringSliceFlag:
			if ctx.IsSet(f.Name) {
				vals = ctx.StringSlice(f.Name)
			}
		default:
			continue
		}
		for _, v := range vals {
			if strings.TrimSpace(v) == "" {
				return usagef("%s: --%s is empty: give a value or leave the flag out", cmd, f.Names()[0])
			}
		}
	}
	return nil
}

// refuseInexact refuses a non-negative integer flag (a seed) of 2^53 or
// more: a lineage's JSON and a spec's YAML read numbers as float64, which
// hold no larger integer exactly, so a spec refuses such a seed and the
// command line must too, or the two would key the same work apart.
func refuseInexact(cmd string, ctx *cli.Context, flags []cli.Flag) error {
	for _, f := range flags {
		if f, ok := f.(*cli.Uint64Flag); ok && ctx.IsSet(f.Name) {
			if v := ctx.Uint64(f.Name); v >= sdk.MaxInt {
				return usagef("%s: --%s %d: want an integer below 2^53 = %d", cmd, f.Name, v, uint64(sdk.MaxInt))
			}
		}
	}
	return nil
}

// unrequire clears Required on flags and returns their names, so that a
// missing flag is reported in our one-line form (after the arguments are
// checked) instead of urfave/cli's.
func unrequire(flags []cli.Flag) []string {
	var names []string
	for _, f := range flags {
		var req *bool
		switch f := f.(type) {
		case *cli.StringFlag:
			req = &f.Required
		case *cli.StringSliceFlag:
			req = &f.Required
		case *cli.IntFlag:
			req = &f.Required
		case *cli.Uint64Flag:
			req = &f.Required
		case *cli.Float64Flag:
			req = &f.Required
		case *cli.BoolFlag:
			req = &f.Required
		case *cli.DurationFlag:
			req = &f.Required
		}
		if req != nil && *req {
			*req = false
			names = append(names, f.Names()[0])
		}
	}
	return names
}

var invalidValue = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-([^:]+): `)

// onUsageError turns urfave/cli's flag errors into one line that names the
// flag and the form it wants.
func onUsageError(cmd string, flags []cli.Flag) cli.OnUsageErrorFunc {
	label := ""
	if cmd != "" {
		label = cmd + ": "
	}
	return func(_ *cli.Context, err error, _ bool) error {
		msg := err.Error()
		if m := invalidValue.FindStringSubmatch(msg); m != nil {
			return usagef("%s--%s %q: want %s", label, m[2], m[1], flagForm(flags, m[2]))
		}
		return usagef("%s%s%s", label, msg, seeHelp(strings.TrimSpace("rgml "+cmd)))
	}
}

func flagForm(flags []cli.Flag, name string) string {
	for _, f := range flags {
		if !hasName(f, name) {
			continue
		}
		switch f.(type) {
		case *cli.IntFlag, *cli.Int64Flag:
			return "an integer"
		case *cli.UintFlag, *cli.Uint64Flag:
			return "a non-negative integer"
		case *cli.Float64Flag:
			return "a number"
		case *cli.DurationFlag:
			return "a duration such as 30s, 5m or 1h"
		case *cli.BoolFlag:
			return "true or false"
		}
	}
	return "a valid value"
}

func hasName(f cli.Flag, name string) bool {
	for _, n := range f.Names() {
		if n == name {
			return true
		}
	}
	return false
}
