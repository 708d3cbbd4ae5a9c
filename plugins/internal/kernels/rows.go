package kernels

// Row-wise forms of the fused passes, for a block of rows of a padded
// matrix: the result of a call per row, bit for bit, with AVX-512 in one
// call that loads the tanh constants once and lets the rows' independent
// work overlap (a 100-wide row's squared error is one chain of fused
// multiply-adds; row after row, the CPU runs several such chains at once).

// TanhBiasSumRows runs TanhBiasSum(x[r·ldx : r·ldx+width], b, sum) for
// r = 0, …, rows−1, in that order.
func TanhBiasSumRows(x []float32, ldx, rows, width int, b, sum []float32) {
	if rows <= 0 || width <= 0 {
		return
	}
	if level == avx512 && width%16 == 0 {
		need("x", x, rows, ldx, width)
		_, _ = b[width-1], sum[width-1]
		tanhBiasSumRows512(&x[0], ldx, &b[0], &sum[0], width, rows)
		return
	}
	for r := range rows {
		TanhBiasSum(x[r*ldx:r*ldx+width], b, sum)
	}
}

// TanhBiasSumErrRows sets errs[r] = TanhBiasSumErr(x[r·ldx : r·ldx+width],
// b, sum, ref[r·ldr : r·ldr+width]) for r = 0, …, rows−1, in that order.
func TanhBiasSumErrRows(x []float32, ldx, rows, width int, b, sum, ref []float32, ldr int, errs []float32) {
	if rows <= 0 || width <= 0 {
		return
	}
	_ = errs[rows-1]
	if level == avx512 && width%8 == 0 {
		need("x", x, rows, ldx, width)
		need("ref", ref, rows, ldr, width)
		_, _ = b[width-1], sum[width-1]
		tanhBiasSumErrRows512(&x[0], ldx, &b[0], &sum[0], &ref[0], ldr, width, rows, &errs[0])
		return
	}
	for r := range rows {
		errs[r] = TanhBiasSumErr(x[r*ldx:r*ldx+width], b, sum, ref[r*ldr:r*ldr+width])
	}
}
