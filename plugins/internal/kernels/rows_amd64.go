//go:build amd64 && !purego

package kernels

// tanhBiasSumRows512 is tanhBiasSum512 on rows rows of x (stride ldx),
// in row order, n a multiple of 16.
//
//go:noescape
func tanhBiasSumRows512(x *float32, ldx int, b, sum *float32, n, rows int)

// tanhBiasSumErrRows512 is tanhBiasSumErr512 on rows rows of x (stride
// ldx) against those of ref (stride ldr), n a multiple of 8, row r's
// result in errs[r].
//
//go:noescape
func tanhBiasSumErrRows512(x *float32, ldx int, b, sum, ref *float32, ldr, n, rows int, errs *float32)
