package sdk

import "golang.org/x/sys/cpu"

// OpenBLASCoreType returns the OPENBLAS_CORETYPE the host sets for the
// plugins it launches, or "" where OpenBLAS's own detection is right.
// Debian's OpenBLAS 0.3.21 does not recognise recent CPUs (AMD EPYC Zen 4,
// recent Intel) and falls back to its generic "Prescott" kernels, 3–4×
// slower; naming the newest kernel family the CPU supports avoids that.
// Benchmarks that start OpenBLAS processes of their own (numpy) use it too.
func OpenBLASCoreType() string {
	switch {
	case cpu.X86.HasAVX512F && cpu.X86.HasAVX512DQ && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL:
		return "SKYLAKEX"
	case cpu.X86.HasAVX2 && cpu.X86.HasFMA:
		return "HASWELL"
	}
	return ""
}
