// Package kernels is the float32 arithmetic both learner plugins run on:
// matrix products (GEMM) on padded row-major matrices and the fused
// elementwise passes around them (bias + tanh, with column sums or squared
// errors; the tanh derivative; the shift and exp for the softmax; the
// additions of partial sums; ±1 units drawn from
// their means, Signs, which every implementation computes to the same
// bits for means in [−1, 1]: integer comparisons after one rounded
// addition).
//
// Four implementations, one chosen per process at start-up among those
// the CPU runs:
//
//   - "avx512": the products on an 8×48 AVX-512 micro-kernel (24 ZMM
//     accumulators; 6×64 or 12×32 for the last panel, 16×16 for 16
//     columns), for amd64 CPUs with AVX-512F and FMA;
//   - "avx2": a 4×16 AVX2/FMA micro-kernel, for amd64 CPUs with AVX2 and
//     FMA;
//   - "neon": the 4×16 micro-kernel and the passes in arm64 Advanced SIMD
//     (every arm64 CPU);
//   - "generic": pure Go, for every other CPU (and -tags purego).
//
// avx512, avx2 and neon compute every element of a product the same way:
// a fused multiply-add chain over k in the same order, in the same
// k-chunks (KChunk), then the scaling by alpha and the addition of the old
// C; their elementwise passes are the same fused multiply-adds, and their
// scalar tails the same Go. So the three give bit-identical results
// (TestVectorDigest), and a training may resume on any of them. generic
// sums each element of a product in float32 over blocks of terms and adds
// the block sums in float64 (one rounding to float32 per k-chunk): on
// amd64 with gonum's Sger (gonum's SSE assembly), blocks of 128 terms;
// elsewhere in scalar Go, eight independent sums a turn, blocks of 32
// terms. Its results differ from the assembly kernels' in the last bits,
// and between architectures.

// Products over long sums (the gradients' Σ over 25 000 configurations)
// are cut into chunks of KChunk terms, each summed from zero and then added
// to C: float32 rounding errors then grow with the number of chunks, not of
// terms (gonum's blas32 summed all the terms in one float32 and was 2 %
// off at the paper's size; see TestGradientFullSize).
//
// The environment variable RGML_KERNELS (generic, avx2, avx512 or neon) forces
// an implementation, for tests and comparisons; asking for one the CPU
// lacks is an error (Err), never a silent fallback. Force does the same
// from a test.
//
// Layout: a matrix is a float32 slice with a row stride. Every operand of
// a product is padded: rows of B and C hold Pad16(n) values, B's zero
// beyond n; without transA, A and C have Pad4(m) rows; with transA, A's rows
// hold Pad4(m) values, zero beyond m. Padding rows and columns of C may be
// written.
package kernels
