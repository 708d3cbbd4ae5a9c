package main

import (
	"fmt"
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
	p := &argParser{app: app, globals: flagsOf(app.Flags), globalSingle: singleValued(app.Flags), cmds: app.Commands,
		curFlags: flagInfo{}, curSingle: map[string]string{}, seen: map[string]string{}}
	p.globals["help"], p.globals["h"] = false, false
	if !app.HideVersion {
		p.globals["version"], p.globals["v"] = false, false
	}
	for i := 1; i < len(args); i++ {
		tok := args[i]
		if tok == "--" {
			p.positional = append(p.positional, args[i+1:]...)
			p.dashDash = true
			break
		}
		var err error
		if strings.HasPrefix(tok, "-") && tok != "-" && !p.isHelp {
			i, err = p.flag(args, i)
		} else {
			err = p.word(tok)
		}
		if err != nil {
			return nil, err
		}
	}
	return p.result(args[0]), nil
}

// argParser is normalizeArgs's reading of a command line so far.
type argParser struct {
	app          *cli.App
	globals      flagInfo
	globalSingle map[string]string
	front        []string   // global flags
	path         []string   // command names, root first
	levelFlags   [][]string // flags of each command in path
	positional   []string
	dashDash     bool
	cmds         []*cli.Command // the subcommands of cur (the app's at first)
	cur          *cli.Command
	curFlags     flagInfo
	curSingle    map[string]string
	isHelp       bool
	helpFlag     bool              // -h or --help: the arguments name no help topic
	seen         map[string]string // "level flag" → value, of single-valued flags (level 0: global)
}

// name is the command so far, as error messages start with it.
func (p *argParser) name() string {
	if len(p.path) == 0 {
		return ""
	}
	return strings.Join(p.path, " ") + ":"
}

// help is the command so far, for "see `… --help`".
func (p *argParser) help() string {
	return seeHelp(strings.TrimSpace(p.app.Name + " " + strings.TrimSuffix(p.name(), ":")))
}

// flag reads the flag args[i] (and its value, if it takes one as the
// next argument) and returns the index of the last argument it read.
func (p *argParser) flag(args []string, i int) (int, error) {
	tok := args[i]
	fname, _, hasValue := strings.Cut(strings.TrimLeft(tok, "-"), "=")
	takes, isCmd := p.curFlags[fname]
	if !isCmd {
		var isGlobal bool
		if takes, isGlobal = p.globals[fname]; !isGlobal {
			return i, usagef("%sunknown flag %s%s", prefix(p.name()), tok[:len(tok)-len(strings.TrimLeft(tok, "-"))]+fname, p.help())
		}
	}
	group := []string{tok}
	if takes && !hasValue {
		if i+1 >= len(args) {
			return i, usagef("%sflag %s needs a value%s", prefix(p.name()), tok, p.help())
		}
		i++
		group = append(group, args[i])
	}
	if (fname == "help" || fname == "h") && !hasValue {
		p.helpFlag = true
	}
	// A global flag may stand before the command and again after it;
	// urfave/cli would keep the last one, so it counts at level 0
	// wherever it stands.
	level, where, singles := len(p.path), p.name(), p.curSingle
	if !isCmd || len(p.path) == 0 {
		level, where, singles = 0, "", p.globalSingle
	}
	if canon, single := singles[fname]; single {
		_, value, _ := strings.Cut(tok, "=")
		switch {
		case len(group) == 2:
			value = group[1]
		case !hasValue:
			value = "true"
		}
		key := fmt.Sprint(level, " ", canon)
		if prev, ok := p.seen[key]; ok && prev != value {
			return i, usagef("%s--%s is given twice (%q and %q): give it once", prefix(where), canon, prev, value)
		}
		p.seen[key] = value
	}
	if isCmd && len(p.path) > 0 {
		p.levelFlags[len(p.levelFlags)-1] = append(p.levelFlags[len(p.levelFlags)-1], group...)
	} else {
		p.front = append(p.front, group...)
	}
	return i, nil
}

// word reads an argument that is not a flag: a help topic, a command
// name while the current command has subcommands, else a positional
// argument.
func (p *argParser) word(tok string) error {
	// `help TOPIC`: urfave/cli fails on an unknown topic with exit 3.
	if p.isHelp && len(p.positional) == 0 && findCommand(p.cmds, tok) == nil {
		parent := strings.TrimSpace(p.app.Name + " " + strings.Join(p.path[:len(p.path)-1], " "))
		return usagef("%sno help for %q: not a command%s", prefix(p.name()), tok, suggest(p.cmds, tok, parent))
	}
	if (p.cur == nil || len(p.cur.Subcommands) > 0) && len(p.positional) == 0 && !p.isHelp {
		if helpNames[tok] {
			p.isHelp = true
			p.path = append(p.path, tok)
			p.levelFlags = append(p.levelFlags, nil)
			return nil
		}
		next := findCommand(p.cmds, tok)
		if next == nil {
			return usagef("%sunknown command %q%s", prefix(p.name()), tok, suggest(p.cmds, tok, strings.TrimSpace(p.app.Name+" "+strings.TrimSuffix(p.name(), ":"))))
		}
		p.cur, p.cmds, p.curFlags, p.curSingle = next, next.Subcommands, flagsOf(next.Flags), singleValued(next.Flags)
		p.curFlags["help"], p.curFlags["h"] = false, false
		p.path = append(p.path, tok)
		p.levelFlags = append(p.levelFlags, nil)
		return nil
	}
	p.positional = append(p.positional, tok)
	return nil
}

// result is the command line in urfave/cli's order, program first.
func (p *argParser) result(program string) []string {
	positional, dashDash := p.positional, p.dashDash
	if p.helpFlag && !p.isHelp {
		// `rgml datasets show base -h` asks for the command's help;
		// urfave/cli would read "base" as a help topic and fail.
		positional, dashDash = nil, false
	}
	out := append([]string{program}, p.front...)
	for i, c := range p.path {
		out = append(out, c)
		out = append(out, p.levelFlags[i]...)
	}
	if len(positional) > 0 && (dashDash || strings.HasPrefix(positional[0], "-")) {
		out = append(out, "--")
	}
	return append(out, positional...)
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
