package main

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment/presets"
	"github.com/rgml/rgml/framework/host"
	"github.com/rgml/rgml/registry"
)

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "version",
		Usage:  "print rgml's version, commit and Go version",
		Action: func(c *cli.Context) error { return runVersion(e) },
	}
}

func runVersion(e *env) error {
	cm := commit
	if cm == "" {
		cm = "unknown"
	}
	fmt.Fprintf(e.stdout, "rgml %s (commit %s, %s, %s/%s)\n", version, cm, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

// The bash and zsh scripts ask rgml itself for the candidates
// (urfave/cli's --generate-bash-completion), so they follow new commands
// and flags without being regenerated.
const bashCompletion = `# bash completion for rgml; load with: source <(rgml completion bash)
_rgml_complete() {
  local cur="${COMP_WORDS[COMP_CWORD]}"
  local words=("${COMP_WORDS[@]:0:$COMP_CWORD}")
  local opts
  if [[ "$cur" == -* ]]; then
    opts=$("${words[@]}" "$cur" --generate-bash-completion 2>/dev/null)
  else
    opts=$("${words[@]}" --generate-bash-completion 2>/dev/null)
  fi
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
}
complete -o bashdefault -o default -F _rgml_complete rgml
`

const zshCompletion = `#compdef rgml
# zsh completion for rgml; load with: source <(rgml completion zsh)
_rgml_complete() {
  local -a opts
  local cur=${words[-1]}
  if [[ "$cur" == -* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} --generate-bash-completion 2>/dev/null)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} --generate-bash-completion 2>/dev/null)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _rgml_complete rgml
`

// completionOptions are those of `rgml completion SHELL`.
type completionOptions struct {
	env   *env
	Shell string
	// fish is the fish script, which urfave/cli writes from the whole app.
	fish func() (string, error)
}

func completionCommand(e *env) *cli.Command { return newCmdCompletion(e, nil) }

func newCmdCompletion(e *env, runF func(context.Context, *completionOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "SHELL",
		Description: "  source <(rgml completion bash)     # in ~/.bashrc\n" +
			"  source <(rgml completion zsh)      # in ~/.zshrc, after compinit\n" +
			"  rgml completion fish > ~/.config/fish/completions/rgml.fish",
		Action: func(c *cli.Context) error {
			opts := &completionOptions{env: e, Shell: c.Args().First(), fish: c.App.ToFishCompletion}
			return orRun(runF, runCompletion)(c.Context, opts)
		},
	}
}

func runCompletion(_ context.Context, o *completionOptions) error {
	e := o.env
	switch o.Shell {
	case "bash":
		fmt.Fprint(e.stdout, bashCompletion)
	case "zsh":
		fmt.Fprint(e.stdout, zshCompletion)
	case "fish":
		s, err := o.fish()
		if err != nil {
			return err
		}
		fmt.Fprint(e.stdout, strings.TrimSpace(s)+"\n")
	default:
		return usagef("completion %q: want bash, zsh or fish", o.Shell)
	}
	return nil
}

// Flags whose values completion offers: plugin names of a kind, registry
// names of a kind, preset names.
var (
	pluginFlags   = map[string]string{"--model": "model", "--learner": "learner", "--analyzer": "analyzer"}
	registryFlags = map[string]registry.Kind{"--data": registry.Dataset, "--from": registry.Dataset,
		"--rbm": registry.Model, "--thermometer": registry.Model}
)

// completeFlagValues makes every command complete the value of the flags
// above (urfave/cli completes only command and flag names), and offer no
// help command among its subcommands: `help` and `h` are never what a
// user tabbed for.
func completeFlagValues(e *env, cmds []*cli.Command) {
	for _, cmd := range cmds {
		cmd := cmd
		def := cmd.BashComplete
		if def == nil {
			def = cli.DefaultCompleteWithFlags(cmd)
		}
		cmd.BashComplete = func(c *cli.Context) {
			// As urfave/cli's own completion: the word before the
			// completion flag is the one being completed after.
			prev := ""
			if len(e.args) > 2 {
				prev = e.args[len(e.args)-2]
			}
			// Completion runs no Before: the global flags are read here.
			e.g = globalsOf(c)
			if cands, ok := flagValues(c, e, cmd, prev); ok {
				for _, v := range cands {
					fmt.Fprintln(e.stdout, v)
				}
				return
			}
			if !strings.HasPrefix(prev, "-") {
				for _, sub := range cmd.Subcommands {
					if !sub.Hidden && sub.Name != "help" {
						fmt.Fprintln(e.stdout, sub.Name)
					}
				}
				return
			}
			def(c)
		}
		completeFlagValues(e, cmd.Subcommands)
	}
}

// flagValues returns the values flag can take, when it is one of cmd's
// flags that completion knows the values of.
func flagValues(c *cli.Context, e *env, cmd *cli.Command, flag string) ([]string, bool) {
	has := false
	for _, f := range cmd.Flags {
		has = has || slices.Contains(f.Names(), strings.TrimLeft(flag, "-"))
	}
	if !has || !strings.HasPrefix(flag, "--") {
		return nil, false
	}
	var out []string
	if flag == "--preset" {
		return presets.Names(), true
	}
	if kind, ok := pluginFlags[flag]; ok {
		h := e.newHost()
		defer h.Close()
		entries, _ := h.List()
		for _, en := range entries {
			if en.Status != host.StatusOK {
				continue
			}
			if o, err := h.Open(c.Context, en.Name); err == nil {
				if o.Kind == kind {
					out = append(out, en.Name)
				}
				o.Kill()
			}
		}
		return out, true
	}
	if kind, ok := registryFlags[flag]; ok {
		s, err := e.openRead(c.Context)
		if err != nil {
			return nil, true
		}
		defer s.Close()
		es, _ := s.List(kind, "")
		for _, en := range es {
			if !slices.Contains(out, en.Name) {
				out = append(out, en.Name)
			}
		}
		return out, true
	}
	return nil, false
}
