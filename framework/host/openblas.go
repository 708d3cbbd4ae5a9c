package host

import (
	"os"

	"github.com/rgml/rgml/framework/sdk"
)

// pluginEnv is the environment the host adds for every plugin: the
// OPENBLAS_CORETYPE that makes Debian's OpenBLAS use the right kernels
// (sdk.OpenBLASCoreType), unless the user set one, then cfg's own.
func pluginEnv(extra []string) []string {
	var env []string
	if ct := sdk.OpenBLASCoreType(); ct != "" && os.Getenv("OPENBLAS_CORETYPE") == "" {
		env = append(env, "OPENBLAS_CORETYPE="+ct)
	}
	return append(env, extra...)
}
