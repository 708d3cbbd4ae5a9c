package main

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/urfave/cli/v2"
)

// urfave/cli stops reading flags at the first positional argument and
// reads global flags only before the command, so `rgml registry gc now
// --dry-run` would delete for real and `rgml train … --metrics-addr X`
// would fail. normalizeArgs rewrites the command line into the one order
// urfave/cli understands (global flags, then each command with its own
// flags, then the positional arguments), so that a flag is honoured
// wherever it stands; a flag that belongs nowhere, a missing flag value
// and an unknown command are usage errors that name what to fix.

const completionFlag = "--generate-bash-completion"

// helpNames are the commands urfave/cli adds to every command group.
var helpNames = map[string]bool{"help": true, "h": true}

// flagInfo says whether a flag name is known at a level and takes a value.
type flagInfo map[string]bool // name → takes a value

// singleValued maps every name of each flag that holds one value (not a
// slice flag such as --param) to the flag's first name: given twice with
// different values, urfave/cli would silently keep the last one.
func singleValued(flags []cli.Flag) map[string]string {
	m := map[string]string{}
	for _, f := range flags {
		if sf, ok := f.(interface{ IsSliceFlag() bool }); ok && sf.IsSliceFlag() {
			continue
		}
		names := f.Names()
		for _, n := range names {
			m[n] = names[0]
		}
	}
	return m
}

func flagsOf(flags []cli.Flag) flagInfo {
	fi := flagInfo{}
	for _, f := range flags {
		takes := true
		if tv, ok := f.(interface{ TakesValue() bool }); ok {
			takes = tv.TakesValue()
		}
		for _, n := range f.Names() {
			fi[n] = takes
		}
	}
	return fi
}

// normalizeArgs returns args (args[0] is the program) reordered as
// described above. Shell completion requests are passed through as they are.
func normalizeArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 || args[len(args)-1] == completionFlag {
		return args, nil
	}
	globals := flagsOf(app.Flags)
	globals["help"], globals["h"] = false, false
	if !app.HideVersion {
		globals["version"], globals["v"] = false, false
	}

	var (
		front      []string   // global flags
		path       []string   // command names, root first
		levelFlags [][]string // flags of each command in path
		positional []string
		dashDash   bool
		cmds       = app.Commands
		cur        *cli.Command
		curFlags   = flagInfo{}
		curSingle  = map[string]string{}
		isHelp     bool
		helpFlag   bool                  // -h or --help: the arguments name no help topic
		seen       = map[string]string{} // "level flag" → value, of single-valued command flags
	)
	// name is the command so far, as error messages start with it.
	name := func() string {
		if len(path) == 0 {
			return ""
		}
		return strings.Join(path, " ") + ":"
	}
	for i := 1; i < len(args); i++ {
		tok := args[i]
		if tok == "--" {
			positional = append(positional, args[i+1:]...)
			dashDash = true
			break
		}
		if strings.HasPrefix(tok, "-") && tok != "-" && !isHelp {
			fname, _, hasValue := strings.Cut(strings.TrimLeft(tok, "-"), "=")
			takes, isCmd := curFlags[fname]
			if !isCmd {
				var isGlobal bool
				if takes, isGlobal = globals[fname]; !isGlobal {
					return nil, usagef("%sunknown flag %s%s", prefix(name()), tok[:len(tok)-len(strings.TrimLeft(tok, "-"))]+fname, seeHelp(strings.TrimSpace(app.Name+" "+strings.TrimSuffix(name(), ":"))))
				}
			}
			group := []string{tok}
			if takes && !hasValue {
				if i+1 >= len(args) {
					return nil, usagef("%sflag %s needs a value%s", prefix(name()), tok, seeHelp(strings.TrimSpace(app.Name+" "+strings.TrimSuffix(name(), ":"))))
				}
				i++
				group = append(group, args[i])
			}
			if (fname == "help" || fname == "h") && !hasValue {
				helpFlag = true
			}
			if canon, single := curSingle[fname]; isCmd && single && len(path) > 0 {
				_, value, _ := strings.Cut(tok, "=")
				switch {
				case len(group) == 2:
					value = group[1]
				case !hasValue:
					value = "true"
				}
				key := fmt.Sprint(len(path), " ", canon)
				if prev, ok := seen[key]; ok && prev != value {
					return nil, usagef("%s--%s is given twice (%q and %q): give it once", prefix(name()), canon, prev, value)
				}
				seen[key] = value
			}
			if isCmd && len(path) > 0 {
				levelFlags[len(levelFlags)-1] = append(levelFlags[len(levelFlags)-1], group...)
			} else {
				front = append(front, group...)
			}
			continue
		}
		// `help TOPIC`: urfave/cli fails on an unknown topic with exit 3.
		if isHelp && len(positional) == 0 && findCommand(cmds, tok) == nil {
			parent := strings.TrimSpace(app.Name + " " + strings.Join(path[:len(path)-1], " "))
			return nil, usagef("%sno help for %q: not a command%s", prefix(name()), tok, suggest(cmds, tok, parent))
		}
		// A word: a command name while the current command has subcommands.
		if (cur == nil || len(cur.Subcommands) > 0) && len(positional) == 0 && !isHelp {
			if helpNames[tok] {
				isHelp = true
				path = append(path, tok)
				levelFlags = append(levelFlags, nil)
				continue
			}
			next := findCommand(cmds, tok)
			if next == nil {
				return nil, usagef("%sunknown command %q%s", prefix(name()), tok, suggest(cmds, tok, strings.TrimSpace(app.Name+" "+strings.TrimSuffix(name(), ":"))))
			}
			cur, cmds, curFlags, curSingle = next, next.Subcommands, flagsOf(next.Flags), singleValued(next.Flags)
			curFlags["help"], curFlags["h"] = false, false
			path = append(path, tok)
			levelFlags = append(levelFlags, nil)
			continue
		}
		positional = append(positional, tok)
	}

	if helpFlag && !isHelp {
		// `rgml datasets show base -h` asks for the command's help;
		// urfave/cli would read "base" as a help topic and fail.
		positional, dashDash = nil, false
	}
	out := append([]string{args[0]}, front...)
	for i, p := range path {
		out = append(out, p)
		out = append(out, levelFlags[i]...)
	}
	if len(positional) > 0 && (dashDash || strings.HasPrefix(positional[0], "-")) {
		out = append(out, "--")
	}
	return append(out, positional...), nil
}

func prefix(s string) string {
	if s == "" {
		return ""
	}
	return s + " "
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func seeHelp(cmd string) string { return " (see `" + cmd + " --help`)" }

// suggest returns "; did you mean X?" for the nearest command name, or the
// list of commands when none is near.
func suggest(cmds []*cli.Command, got, parent string) string {
	best, bestD := "", 3
	var names []string
	for _, c := range cmds {
		if c.Hidden {
			continue
		}
		names = append(names, c.Name)
		for _, n := range c.Names() {
			d := editDistance(got, n)
			if strings.HasPrefix(n, got) && len(got) >= 2 {
				d = min(d, 1)
			}
			if d < bestD {
				best, bestD = c.Name, d
			}
		}
	}
	if best != "" {
		return fmt.Sprintf("; did you mean %q?", best)
	}
	return fmt.Sprintf(" (commands: %s; see `%s --help`)", strings.Join(names, ", "), parent)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

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
