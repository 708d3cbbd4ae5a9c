package main

import (
	"fmt"
	"runtime"
	"strings"

	"github.com/urfave/cli/v2"
)

func versionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print rgml's version, commit and Go version",
		Action: func(c *cli.Context) error {
			cm := commit
			if cm == "" {
				cm = "unknown"
			}
			fmt.Fprintf(e.stdout, "rgml %s (commit %s, %s, %s/%s)\n", version, cm, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return nil
		},
	}
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

func completionCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print a shell completion script (bash, zsh or fish)",
		ArgsUsage: "SHELL",
		Description: "  source <(rgml completion bash)     # in ~/.bashrc\n" +
			"  source <(rgml completion zsh)      # in ~/.zshrc, after compinit\n" +
			"  rgml completion fish > ~/.config/fish/completions/rgml.fish",
		Action: func(c *cli.Context) error {
			switch sh := c.Args().First(); sh {
			case "bash":
				fmt.Fprint(e.stdout, bashCompletion)
			case "zsh":
				fmt.Fprint(e.stdout, zshCompletion)
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return err
				}
				fmt.Fprint(e.stdout, strings.TrimSpace(s)+"\n")
			default:
				return usagef("completion %q: want bash, zsh or fish", sh)
			}
			return nil
		},
	}
}
