// Package npz reads and writes NumPy .npy arrays and .npz archives: the
// files rgml users open with numpy.load.
//
// An .npz file is a zip archive of .npy files, one per named array. Arrays
// are written in C order, little-endian, with any shape; the dtypes are
// int8 ('|i1'), int32, int64, float32 and float64 ('<f8').
//
// Reading trusts neither the archive nor the headers: every .npy header is
// read first, and an array is refused, before any data is inflated, when
// its shape needs more bytes than its compressed size can inflate to,
// other than its entry's declared size, or (summed) more than MaxBytes;
// DecodeLimited lets a caller check the headers too (an import checks
// configs against its labels) and skip arrays it does not want. No entry
// inflates more than its shape implies.
//
// rgml does not use codeberg.org/sbinet/npyio for writing because its
// reflection-based encoder moves int8 data at about 4 MB/s (measured: 1.3 s
// for the 5 MB configs array of the paper's dataset), which would dominate
// `rgml sample`; the tests check that npyio (and numpy, when present) read
// what this package writes.
package npz
