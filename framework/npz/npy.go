package npz

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// WriteNPY writes a as a version 1.0 .npy stream.
func WriteNPY(w io.Writer, a Array) error {
	if !nativeLittleEndian {
		return errors.New("npz: big-endian machines are not supported")
	}
	descr, raw, n, err := Raw(a.Data)
	if err != nil {
		return fmt.Errorf("npz: array %q: %w", a.Name, err)
	}
	if n != a.Len() {
		return fmt.Errorf("npz: array %q has %d elements, shape %v needs %d", a.Name, n, a.Shape, a.Len())
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shapeString(a.Shape))
	// Magic (6) + version (2) + length (2) + header + '\n' is a multiple of 64.
	total := 10 + len(hdr) + 1
	pad := (64 - total%64) % 64
	hdr += strings.Repeat(" ", pad) + "\n"
	if len(hdr) > math.MaxUint16 {
		return fmt.Errorf("npz: header of %q too long", a.Name)
	}
	var pre [10]byte
	copy(pre[:], "\x93NUMPY\x01\x00")
	binary.LittleEndian.PutUint16(pre[8:], uint16(len(hdr)))
	if _, err := w.Write(pre[:]); err != nil {
		return err
	}
	if _, err := io.WriteString(w, hdr); err != nil {
		return err
	}
	_, err = w.Write(raw)
	return err
}

func shapeString(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	if len(shape) == 1 {
		return "(" + parts[0] + ",)"
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

var headerRE = regexp.MustCompile(`'descr':\s*'([^']+)'.*'fortran_order':\s*(True|False).*'shape':\s*\(([^)]*)\)`)

// MaxElements bounds the elements of one array this package reads
// (2^34, 16 GiB of int8): more is a corrupt or hostile header.
const MaxElements = 1 << 34

// ReadNPY reads one .npy stream written in C order with a dtype this package
// supports. The header's shape is not trusted: memory grows with the data
// actually read, so a short stream claiming a huge shape fails without
// allocating what it claims.
func ReadNPY(r io.Reader, name string) (Array, error) {
	return readNPY(r, name, -1)
}

// Header is what an array's .npy header says, read before its data.
type Header struct {
	Name  string
	Descr string // the .npy dtype, e.g. "|i1", "<f8"
	Shape []int
	// hlen is the length of the .npy preamble and header, in bytes.
	hlen int64
}

// Len returns the number of elements, product(Shape).
func (h Header) Len() int { return Array{Shape: h.Shape}.Len() }

// Bytes returns the bytes of the array's data.
func (h Header) Bytes() int64 {
	size, _ := itemSize(h.Descr)
	return int64(h.Len()) * int64(size)
}

// readHeader reads an .npy stream's preamble and header. A non-negative
// limit is the most bytes the stream can hold, and an array whose header
// claims more is refused.
func readHeader(r io.Reader, name string, limit int64) (Header, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return Header{}, fmt.Errorf("npz: %s: %w", name, err)
	}
	if string(pre[:6]) != "\x93NUMPY" {
		return Header{}, fmt.Errorf("npz: %s: not a .npy array (bad magic)", name)
	}
	var hlen int
	h := Header{Name: name}
	switch pre[6] {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Header{}, fmt.Errorf("npz: %s: truncated header: %w", name, err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
		h.hlen = 10 + int64(hlen)
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return Header{}, fmt.Errorf("npz: %s: truncated header: %w", name, err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
		h.hlen = 12 + int64(hlen)
	default:
		return Header{}, fmt.Errorf("npz: %s: unsupported .npy version %d", name, pre[6])
	}
	if hlen > 1<<20 || (limit >= 0 && int64(hlen) > limit) {
		return Header{}, fmt.Errorf("npz: %s: header length %d is implausible", name, hlen)
	}
	hdr := make([]byte, hlen)
	if _, err := io.ReadFull(r, hdr); err != nil {
		return Header{}, fmt.Errorf("npz: %s: truncated header: %w", name, err)
	}
	m := headerRE.FindSubmatch(hdr)
	if m == nil {
		return Header{}, fmt.Errorf("npz: %s: cannot parse header %q", name, hdr)
	}
	if string(m[2]) == "True" {
		return Header{}, fmt.Errorf("npz: %s: Fortran-order arrays are not supported", name)
	}
	n := 1
	for _, f := range strings.Split(string(m[3]), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		d, err := strconv.Atoi(f)
		if err != nil || d < 0 {
			return Header{}, fmt.Errorf("npz: %s: bad shape %q", name, m[3])
		}
		// Checked at each factor, so that the product cannot overflow.
		if d > 0 && n > MaxElements/d {
			return Header{}, fmt.Errorf("npz: %s: shape (%s) has more than %d elements: refused", name, m[3], MaxElements)
		}
		n *= d
		h.Shape = append(h.Shape, d)
	}
	h.Descr = string(m[1])
	if _, err := itemSize(h.Descr); err != nil {
		return Header{}, fmt.Errorf("npz: %s: %w", name, err)
	}
	if nbytes := h.Bytes(); limit >= 0 && nbytes > limit {
		return Header{}, fmt.Errorf("npz: %s: shape (%s) needs %d bytes, the file holds at most %d: refused", name, m[3], nbytes, limit)
	}
	return h, nil
}

// readNPY reads one .npy stream; a non-negative limit is the most bytes
// the stream can hold, and an array whose header claims more is refused
// before anything is allocated.
func readNPY(r io.Reader, name string, limit int64) (Array, error) {
	h, err := readHeader(r, name, limit)
	if err != nil {
		return Array{}, err
	}
	return readData(r, h, limit < 0)
}

// readData reads the data an .npy header announces. When nothing bounds the
// stream (grow), memory grows with the bytes actually read, so a short
// stream claiming a huge shape fails without allocating what it claims.
func readData(r io.Reader, h Header, grow bool) (Array, error) {
	a := Array{Name: h.Name, Shape: h.Shape}
	if nbytes := h.Bytes(); grow && nbytes > 1<<20 {
		buf, err := readGrowing(r, nbytes)
		if err != nil {
			return Array{}, fmt.Errorf("npz: %s: truncated data: %w", h.Name, err)
		}
		data, raw, _ := Make(h.Descr, h.Len())
		copy(raw, buf)
		a.Data = data
		return a, nil
	}
	data, raw, err := Make(h.Descr, h.Len())
	if err != nil {
		return Array{}, fmt.Errorf("npz: %s: %w", h.Name, err)
	}
	a.Data = data
	if _, err := io.ReadFull(r, raw); err != nil {
		return Array{}, fmt.Errorf("npz: %s: truncated data: %w", h.Name, err)
	}
	return a, nil
}

// readGrowing reads exactly n bytes, growing its buffer as they arrive.
func readGrowing(r io.Reader, n int64) ([]byte, error) {
	buf := make([]byte, 0, 1<<20)
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		k := int(min(int64(cap(buf)), n))
		got, err := io.ReadFull(r, buf[len(buf):k])
		buf = buf[:len(buf)+got]
		if err != nil {
			return nil, err
		}
	}
	return buf, nil
}

func itemSize(descr string) (int, error) {
	switch descr {
	case "|i1", "<i1", "i1":
		return 1, nil
	case "<i4", "<f4":
		return 4, nil
	case "<i8", "<f8":
		return 8, nil
	}
	return 0, fmt.Errorf("unsupported dtype %q", descr)
}
