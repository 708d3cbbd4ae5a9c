//go:build arm64 && !purego

package kernels

// Every arm64 CPU has Advanced SIMD (NEON): it is part of ARMv8-A.
const hasNEON, hasAVX2, hasAVX512 = true, false, false

const assembly = true

// The NEON kernels of kernels_arm64.s have the contracts of the AVX2
// ones of the same name (kernels_amd64.go) and compute the same bits: the
// same fused multiply-adds in the same order, four lanes at a time.

//go:noescape
func tanhBias8(x, b *float32, n int)

//go:noescape
func tanhBiasSum8(x, b, sum *float32, n int)

//go:noescape
func tanhBiasSumErr8(x, b, sum, ref *float32, n int) float32

//go:noescape
func tanhBackward8(d, z, gb *float32, n int)

//go:noescape
func exp8(x *float32, n int)

//go:noescape
func signs8(x *float32, r *uint64, n int)

//go:noescape
func kern4x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

// fmaLoopNEON runs n turns of 32 fused multiply-adds on 16 independent Q
// registers (256 flops a turn): the float32 peak.
//
//go:noescape
func fmaLoopNEON(n int)

// add8 is AddTo's vector pass: c[j] += x[j] for j < n, a multiple of 8.
//
//go:noescape
func add8(c, x *float32, n int)
