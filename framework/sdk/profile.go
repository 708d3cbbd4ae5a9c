package sdk

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
)

// EnvCPUProfile names a folder: when set, rgml and every plugin it
// launches write a CPU profile of their whole run into it, one file per
// process, NAME-PID.pprof (go tool pprof reads them). For performance
// work; a process killed by a signal writes none.
const EnvCPUProfile = "RGML_CPUPROFILE"

// StartCPUProfile starts the CPU profile of this process, called name,
// when EnvCPUProfile is set, and returns the function that stops it and
// closes its file (a no-op otherwise). A profile that cannot start is
// said on stderr, not an error: the work goes on.
func StartCPUProfile(name string) (stop func()) {
	dir := os.Getenv(EnvCPUProfile)
	if dir == "" {
		return func() {}
	}
	path := filepath.Join(dir, fmt.Sprintf("%s-%d.pprof", filepath.Base(name), os.Getpid()))
	f, err := os.Create(path)
	if err == nil {
		if err = pprof.StartCPUProfile(f); err != nil {
			f.Close()
		}
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: no CPU profile: %v\n", EnvCPUProfile, err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}
