package host

import (
	"os"
	"os/exec"
	"strconv"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

// pluginCommand is the process of a plugin: its private copy exe (never
// the path that was discovered: only the copy's bytes were checked),
// shown as shown, with the host's environment for plugins, goPluginEnv
// and the socket folder, and stopped when the host dies.
func (h *Host) pluginCommand(exe, shown, sockets string, goPluginEnv []string) *exec.Cmd {
	cmd := exec.Command(exe)
	cmd.Args[0] = shown
	// goPluginEnv (this environment and go-plugin's variables) wins over
	// ours, as with go-plugin's own runner, but for the socket folder:
	// go-plugin's, nested in ours, would push socket paths past the 108
	// bytes Unix allows.
	cmd.Env = append(append(pluginEnv(h.cfg.Env), sdk.EnvHostPID+"="+strconv.Itoa(os.Getpid())), goPluginEnv...)
	cmd.Env = append(cmd.Env, plugin.EnvUnixSocketDir+"="+sockets)
	setParentDeathSignal(cmd)
	return cmd
}
