//go:build !amd64 || purego

package kernels

func tanhBiasSumRows512(x *float32, ldx int, b, sum *float32, n, rows int) {
	panic("kernels: no AVX-512")
}

func tanhBiasSumErrRows512(x *float32, ldx int, b, sum, ref *float32, ldr, n, rows int, errs *float32) {
	panic("kernels: no AVX-512")
}
