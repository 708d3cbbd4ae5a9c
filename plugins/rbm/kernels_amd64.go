//go:build amd64 && !purego

package rbm

import "golang.org/x/sys/cpu"

// haveAVX2 reports whether the AVX2/FMA kernels of kernels_amd64.s can run.
var haveAVX2 = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// tanhBiasAVX sets x[j] = tanh(x[j] + b[j]) for j < n; n is a multiple of 8.
//
//go:noescape
func tanhBiasAVX(x, b *float32, n int)

// tanhBiasSumAVX is tanhBiasAVX that also adds the results to sum[j].
//
//go:noescape
func tanhBiasSumAVX(x, b, sum *float32, n int)

// tanhBiasSumErrAVX is tanhBiasSumAVX that also returns
// Σ_j (ref[j] − x[j])² over the new x (accumulated in float32).
//
//go:noescape
func tanhBiasSumErrAVX(x, b, sum, ref *float32, n int) float32

// kern4x16 is the GEMM micro-kernel: for r < 4,
// c[r·ldc : r·ldc+16] = (or += if acc) alpha · Σ_{l<k} a[r·ars + l·aks] · b[l·bks : l·bks+16].
//
//go:noescape
func kern4x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)
