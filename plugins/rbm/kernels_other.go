//go:build !amd64 || purego

package rbm

// Without the amd64 assembly the scalar Go kernels and blas32 serve.
const haveAVX2 = false

func tanhBiasAVX(x, b *float32, n int)                         { panic("rbm: no AVX2 kernels") }
func tanhBiasSumAVX(x, b, sum *float32, n int)                 { panic("rbm: no AVX2 kernels") }
func tanhBiasSumErrAVX(x, b, sum, ref *float32, n int) float32 { panic("rbm: no AVX2 kernels") }
func kern4x16(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("rbm: no AVX2 kernels")
}
