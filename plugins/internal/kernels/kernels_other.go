//go:build !(amd64 || arm64) || purego

package kernels

// Without assembly only the generic kernels run.
const hasNEON, hasAVX2, hasAVX512 = false, false, false

// assembly reports whether this build has the assembly kernels.
const assembly = false

func tanhBias8(x, b *float32, n int)                         { panic("kernels: no vector kernels") }
func tanhBiasSum8(x, b, sum *float32, n int)                 { panic("kernels: no vector kernels") }
func tanhBiasSumErr8(x, b, sum, ref *float32, n int) float32 { panic("kernels: no vector kernels") }
func tanhBackward8(d, z, gb *float32, n int)                 { panic("kernels: no vector kernels") }
func signs8(x *float32, r *uint64, n int)                    { panic("kernels: no vector kernels") }
func exp8(x *float32, n int)                                 { panic("kernels: no vector kernels") }
func kern4x16(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no vector kernels")
}
func fmaLoopNEON(int)           { panic("kernels: no NEON") }
func add8(c, x *float32, n int) { panic("kernels: no vector kernels") }
