//go:build !amd64 || purego

package kernels

// Only amd64 has the AVX-512 kernels.

func kern8x32(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern8x16(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern12x32(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern8x48(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern16x16(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern4x48(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern6x64(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern4x64(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func kern4x32(int, *float32, int, int, *float32, int, *float32, int, float32, bool) {
	panic("kernels: no AVX-512")
}
func signs512(x *float32, r *uint64, n int)    { panic("kernels: no AVX-512") }
func fmaLoop512(int)                           { panic("kernels: no AVX-512") }
func fmaLoop256(int)                           { panic("kernels: no AVX2") }
func tanhBias512(x, b *float32, n int)         { panic("kernels: no AVX-512") }
func tanhBiasSum512(x, b, sum *float32, n int) { panic("kernels: no AVX-512") }
func exp512(x *float32, n int)                 { panic("kernels: no AVX-512") }
func tanhBackward512(d, z, gb *float32, n int) { panic("kernels: no AVX-512") }
func tanhBiasSumErr512(x, b, sum, ref *float32, n int) float32 {
	panic("kernels: no AVX-512")
}
func add512(c, x *float32, n int) { panic("kernels: no AVX-512") }
func maxShiftRows512(x *float32, ldx int, b *float32, n int, arg *int32, rows int) {
	panic("kernels: no AVX-512")
}
