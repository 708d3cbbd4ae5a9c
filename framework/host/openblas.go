package host

import (
	"os"

	"golang.org/x/sys/cpu"
)

// openBLASCoreType returns the OPENBLAS_CORETYPE the host sets for its
// plugins, or "" to leave OpenBLAS to its own detection. Debian's OpenBLAS
// 0.3.21 does not recognise recent CPUs (AMD EPYC Zen 4, recent Intel) and
// falls back to the generic "Prescott" kernels, 3–4× slower; naming the
// newest kernel family the CPU supports avoids that. A value the user set
// is kept.
func openBLASCoreType() string {
	if os.Getenv("OPENBLAS_CORETYPE") != "" {
		return ""
	}
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL:
		return "SKYLAKEX"
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return "HASWELL"
	}
	return ""
}

// pluginEnv is the environment the host adds for every plugin.
func pluginEnv(extra []string) []string {
	var env []string
	if ct := openBLASCoreType(); ct != "" {
		env = append(env, "OPENBLAS_CORETYPE="+ct)
	}
	return append(env, extra...)
}
