package npz

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"unsafe"

	"github.com/rgml/rgml/framework/fsutil"
)

// Array is one named n-dimensional array. Data holds exactly one of the
// typed slices, with product(Shape) elements.
type Array struct {
	Name  string
	Shape []int
	Data  any // []int8, []int32, []int64, []float32 or []float64
}

// Int8 returns an int8 array of the given shape over data (not copied).
func Int8(name string, data []int8, shape ...int) Array {
	return Array{Name: name, Shape: shape, Data: data}
}

// Float64 returns a float64 array of the given shape over data (not copied).
func Float64(name string, data []float64, shape ...int) Array {
	return Array{Name: name, Shape: shape, Data: data}
}

// Float32 returns a float32 array of the given shape over data (not copied).
func Float32(name string, data []float32, shape ...int) Array {
	return Array{Name: name, Shape: shape, Data: data}
}

// Len returns the number of elements, product(Shape).
func (a Array) Len() int {
	n := 1
	for _, d := range a.Shape {
		n *= d
	}
	return n
}

// Raw returns the .npy dtype of data ("|i1", "<i4", "<i8", "<f4", "<f8"),
// a view of its bytes (not a copy) and its number of elements.
func Raw(data any) (descr string, raw []byte, n int, err error) {
	switch v := data.(type) {
	case []int8:
		return "|i1", bytesOf(v), len(v), nil
	case []int32:
		return "<i4", bytesOf(v), len(v), nil
	case []int64:
		return "<i8", bytesOf(v), len(v), nil
	case []float32:
		return "<f4", bytesOf(v), len(v), nil
	case []float64:
		return "<f8", bytesOf(v), len(v), nil
	}
	return "", nil, 0, fmt.Errorf("unsupported data type %T", data)
}

// Make allocates n elements of the .npy dtype descr and returns them with
// a view of their bytes, to be filled in place.
func Make(descr string, n int) (data any, raw []byte, err error) {
	switch descr {
	case "|i1", "<i1", "i1":
		v := make([]int8, n)
		return v, bytesOf(v), nil
	case "<i4":
		v := make([]int32, n)
		return v, bytesOf(v), nil
	case "<i8":
		v := make([]int64, n)
		return v, bytesOf(v), nil
	case "<f4":
		v := make([]float32, n)
		return v, bytesOf(v), nil
	case "<f8":
		v := make([]float64, n)
		return v, bytesOf(v), nil
	}
	return nil, nil, fmt.Errorf("unsupported dtype %q", descr)
}

// bytesOf views a numeric slice as its bytes. rgml only builds for
// little-endian machines (see nativeLittleEndian), so the in-memory layout
// is the .npy layout.
func bytesOf[T int8 | int32 | int64 | float32 | float64](v []T) []byte {
	if len(v) == 0 {
		return nil
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*int(unsafe.Sizeof(v[0])))
}

var nativeLittleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// flateWriters keeps deflate compressors for reuse: a new one allocates
// and clears about 1 MB, which was most of the CPU time of writing a
// training's small checkpoints. A reset compressor writes the same bytes
// as a new one.
var flateWriters sync.Pool

// pooledFlate is a compressor from flateWriters, returned to it on Close.
type pooledFlate struct{ *flate.Writer }

func (p pooledFlate) Close() error {
	err := p.Writer.Close()
	flateWriters.Put(p.Writer)
	return err
}

func newFlate(out io.Writer) (io.WriteCloser, error) {
	if fw, ok := flateWriters.Get().(*flate.Writer); ok {
		fw.Reset(out)
		return pooledFlate{fw}, nil
	}
	fw, err := flate.NewWriter(out, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	return pooledFlate{fw}, nil
}

// Encode writes the arrays as an .npz archive to w, each as NAME.npy,
// deflate-compressed at the fastest level.
func Encode(w io.Writer, arrays ...Array) error {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, newFlate)
	seen := map[string]bool{}
	for _, a := range arrays {
		if a.Name == "" || seen[a.Name] || strings.ContainsAny(a.Name, "/\\\x00") {
			return fmt.Errorf("npz: bad or duplicate array name %q", a.Name)
		}
		seen[a.Name] = true
		f, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Deflate})
		if err != nil {
			return err
		}
		if err := WriteNPY(f, a); err != nil {
			return err
		}
	}
	return zw.Close()
}

// WriteFile writes the arrays to the .npz file path atomically (see
// fsutil.WriteFileAtomic): a failure never leaves a partial file at path.
func WriteFile(path string, arrays ...Array) error {
	return fsutil.WriteFileAtomic(path, func(w io.Writer) error { return Encode(w, arrays...) })
}

// maxDeflateRatio bounds how much deflate can expand: 258 bytes from about
// 2 bits at best (RFC 1951), so about 1032:1.
const maxDeflateRatio = 1032

// MaxBytes is the most array data one archive may hold for Decode (16
// GiB, as MaxElements of int8): the sum over its arrays of what their
// shapes imply.
const MaxBytes = 1 << 34

// Limits says which arrays of an archive DecodeLimited reads and what it
// accepts, decided from the .npy headers before any array's data is
// inflated.
type Limits struct {
	// MaxBytes bounds the array data of the archive (0: MaxBytes).
	MaxBytes int64
	// Keep, if not nil, says which arrays to read (by name); the others
	// are skipped unread.
	Keep func(name string) bool
	// Check, if not nil, sees the headers of the arrays kept, in archive
	// order; an error from it is returned as is, before any data is read.
	Check func([]Header) error
}

// Decode reads every array of an .npz archive, in archive order, with the
// default Limits.
func Decode(r io.ReaderAt, size int64) ([]Array, error) {
	return DecodeLimited(r, size, Limits{})
}

// DecodeLimited reads the arrays of an .npz archive in two passes: first
// every .npy header (a few hundred bytes each), checked against the archive
// (an array cannot hold more than its compressed size can inflate to, nor
// other than its entry's declared size), against lim.MaxBytes summed over
// the arrays and by lim.Check; then the data, each array inflating at most
// the bytes its shape implies. Sizes in the archive's headers are not
// trusted: memory is allocated only for arrays that passed every check.
func DecodeLimited(r io.ReaderAt, size int64, lim Limits) ([]Array, error) {
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = MaxBytes
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("npz: not an .npz archive: %w", err)
	}
	var files []*zip.File
	var hs []Header
	var total int64
	seen := map[string]bool{}
	for _, f := range zr.File {
		name := strings.TrimSuffix(f.Name, ".npy")
		if name == "" || strings.ContainsAny(name, "/\\\x00") {
			return nil, fmt.Errorf("npz: array name %q: want a plain name (no /, \\ or NUL), as numpy.savez writes", f.Name)
		}
		if seen[name] {
			return nil, fmt.Errorf("npz: array %q appears twice", name)
		}
		seen[name] = true
		if lim.Keep != nil && !lim.Keep(name) {
			continue
		}
		if f.CompressedSize64 > uint64(size) {
			return nil, fmt.Errorf("npz: %s: compressed size %d is larger than the archive", name, f.CompressedSize64)
		}
		limit := int64(f.CompressedSize64)
		if f.Method != zip.Store {
			limit = limit*maxDeflateRatio + 1024
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("npz: %s: %w", name, err)
		}
		// The header is at most 1 MiB plus its preamble: inflate no more.
		h, err := readHeader(bufio.NewReader(io.LimitReader(rc, 12+1<<20)), name, limit)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if want := uint64(h.hlen + h.Bytes()); f.UncompressedSize64 != want {
			return nil, fmt.Errorf("npz: %s: the archive says %d bytes, its shape %v of %s needs %d: refused", name, f.UncompressedSize64, h.Shape, h.Descr, want)
		}
		if total += h.Bytes(); total > lim.MaxBytes {
			return nil, fmt.Errorf("npz: the arrays hold more than %d bytes: refused", lim.MaxBytes)
		}
		files, hs = append(files, f), append(hs, h)
	}
	if lim.Check != nil {
		if err := lim.Check(hs); err != nil {
			return nil, err
		}
	}
	out := make([]Array, 0, len(files))
	for i, f := range files {
		a, err := readEntry(f, hs[i])
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// readEntry reads an entry's array, whose header h was read already.
// Whatever the archive declares, no more than the header and data plus one
// byte is inflated; reading that byte reaches the end of the entry, where
// the zip reader checks the CRC.
func readEntry(f *zip.File, h Header) (Array, error) {
	rc, err := f.Open()
	if err != nil {
		return Array{}, fmt.Errorf("npz: %s: %w", h.Name, err)
	}
	defer rc.Close()
	r := bufio.NewReader(io.LimitReader(rc, h.hlen+h.Bytes()+1))
	if _, err := r.Discard(int(h.hlen)); err != nil {
		return Array{}, fmt.Errorf("npz: %s: %w", h.Name, err)
	}
	a, err := readData(r, h, false)
	if err != nil {
		return Array{}, err
	}
	if _, err := r.ReadByte(); err != io.EOF {
		if err == nil {
			err = errors.New("more data than its shape holds")
		}
		return Array{}, fmt.Errorf("npz: %s: %w", h.Name, err)
	}
	return a, nil
}

// ReadFile reads every array of the .npz file at path, which must be a
// regular file (see fsutil.OpenRegular). The archive is read in place, not
// loaded whole.
func ReadFile(path string) ([]Array, error) {
	f, fi, err := fsutil.OpenRegular(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	arrs, err := Decode(f, fi.Size())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return arrs, nil
}

// Find returns the array with the given name.
func Find(arrays []Array, name string) (Array, bool) {
	for _, a := range arrays {
		if a.Name == name {
			return a, true
		}
	}
	return Array{}, false
}

// Floats returns the array's values as float64 whatever number type they
// are stored as (its own slice when they are float64), or false when its
// data is not a numeric slice.
func (a Array) Floats() ([]float64, bool) {
	switch v := a.Data.(type) {
	case []float64:
		return v, true
	case []float32:
		return widen(v), true
	case []int8:
		return widen(v), true
	case []int32:
		return widen(v), true
	case []int64:
		return widen(v), true
	}
	return nil, false
}

func widen[T float32 | int8 | int32 | int64](v []T) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// Float64s returns the float64 data of the array called name, or nil when
// there is none or it holds another type.
func Float64s(arrays []Array, name string) []float64 {
	a, ok := Find(arrays, name)
	if !ok {
		return nil
	}
	v, _ := a.Data.([]float64)
	return v
}
