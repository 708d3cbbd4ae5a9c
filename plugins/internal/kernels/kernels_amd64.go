//go:build amd64 && !purego

package kernels

import "golang.org/x/sys/cpu"

// hasAVX2 and hasAVX512 report what the CPU runs of kernels_amd64.s.
var (
	hasAVX2   = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	hasAVX512 = hasAVX2 && cpu.X86.HasAVX512F
)

const hasNEON, assembly = false, true

func fmaLoopNEON(int) { panic("kernels: no NEON") }

// tanhBias8 sets x[j] = Tanh32(x[j] + b[j]) for j < n, a multiple of 8.
//
//go:noescape
func tanhBias8(x, b *float32, n int)

// tanhBiasSum8 is tanhBias8 that also adds the results to sum[j].
//
//go:noescape
func tanhBiasSum8(x, b, sum *float32, n int)

// tanhBiasSumErr8 is tanhBiasSum8 that also returns
// Σ_j (ref[j] − x[j])² over the new x (accumulated in float32).
//
//go:noescape
func tanhBiasSumErr8(x, b, sum, ref *float32, n int) float32

// tanhBackward8 is TanhBackward on n values, a multiple of 8.
//
//go:noescape
func tanhBackward8(d, z, gb *float32, n int)

// exp8 is ExpNeg on n values, a multiple of 8.
//
//go:noescape
func exp8(x *float32, n int)

// kern4x16 is the AVX2 GEMM micro-kernel: for r < 4,
// c[r·ldc : r·ldc+16] = (or += if acc) alpha · Σ_{l<k} a[r·ars + l·aks] · b[l·bks : l·bks+16].
//
//go:noescape
func kern4x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

// kern8x32 and kern8x16 are kern4x16 for 8 rows and 32 or 16 columns, in
// AVX-512.
//
//go:noescape
func kern8x32(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

// kern12x32, kern8x48, kern6x64 (24 accumulators each) and kern4x48,
// kern4x64 are kern8x32 for other tiles: fewer loads per multiply-add.
//
//go:noescape
func kern12x32(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

//go:noescape
func kern8x48(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

//go:noescape
func kern6x64(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

//go:noescape
func kern4x64(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

//go:noescape
func kern4x48(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

// kern16x16 is kern8x16 for 16 rows (16 accumulators), each element of A
// broadcast by its multiply-add.
//
//go:noescape
func kern16x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

//go:noescape
func kern8x16(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

// fmaLoop512 and fmaLoop256 run n turns of 16 independent FMAs on ZMM
// (512 flops a turn) or YMM (256) registers: the float32 peak.
//
//go:noescape
func fmaLoop512(n int)

//go:noescape
func fmaLoop256(n int)

// signs8 is Signs on n values, a multiple of 8 (n/2 draws of r).
//
//go:noescape
func signs8(x *float32, r *uint64, n int)

// signs512 is signs8 on 16 lanes, n a multiple of 16.
//
//go:noescape
func signs512(x *float32, r *uint64, n int)

// tanhBias512 and tanhBiasSum512 are tanhBias8 and tanhBiasSum8 in
// AVX-512, for n a multiple of 16, with the same bits.
//
//go:noescape
func tanhBias512(x, b *float32, n int)

//go:noescape
func tanhBiasSum512(x, b, sum *float32, n int)

// tanhBiasSumErr512 is tanhBiasSumErr8 with its tanh in AVX-512, for n
// a multiple of 8, with the same bits.
//
//go:noescape
func tanhBiasSumErr512(x, b, sum, ref *float32, n int) float32

// kern4x32 is kern8x32 for 4 rows (the last rows of a panel).
//
//go:noescape
func kern4x32(k int, a *float32, ars, aks int, b *float32, bks int, c *float32, ldc int, alpha float32, acc bool)

// exp512 and tanhBackward512 are exp8 and tanhBackward8 in AVX-512, for
// n a multiple of 16, with the same bits.
//
//go:noescape
func exp512(x *float32, n int)

//go:noescape
func tanhBackward512(d, z, gb *float32, n int)

// add8 and add512 are AddTo's vector passes: c[j] += x[j] for j < n, a
// multiple of 8 or 16.
//
//go:noescape
func add8(c, x *float32, n int)

//go:noescape
func add512(c, x *float32, n int)

// maxShiftRows512 is MaxShift on each of rows rows of x (stride ldx
// elements, n values each, a multiple of 16), its index in arg[r], in
// AVX-512.
//
//go:noescape
func maxShiftRows512(x *float32, ldx int, b *float32, n int, arg *int32, rows int)
