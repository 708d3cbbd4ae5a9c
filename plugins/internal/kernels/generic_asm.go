//go:build amd64 && !noasm && !gccgo && !safe

package kernels

// gonumAsm: gonum's float32 routines run its SSE assembly here (the build
// constraints of gonum.org/v1/gonum/internal/asm/f32).
const gonumAsm = true
