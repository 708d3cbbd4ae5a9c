// Package npztest makes hostile .npz archives for tests: arrays of zeros
// that deflate a thousandfold, with headers and archive sizes that may lie.
package npztest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"strconv"
	"strings"
)

// Entry is one array of an archive made by Archive. Its .npy header says
// Descr and Shape; its data are DataBytes zeros, whatever the shape
// implies; the archive declares Declared bytes for it (0: the true size).
type Entry struct {
	Name      string
	Descr     string
	Shape     []int
	DataBytes int64
	Declared  int64
}

const mib = 1 << 20

// Archive returns an .npz archive of the entries, deflated. A GiB of zeros
// takes about 1.3 MB and a few milliseconds: deflating at BestSpeed, the
// output of each MiB of zeros after the first repeats, so it is computed
// twice and then copied.
func Archive(entries ...Entry) ([]byte, error) {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, e := range entries {
		hdr := npyHeader(e.Descr, e.Shape)
		stream, err := zeros(hdr, e.DataBytes)
		if err != nil {
			return nil, err
		}
		crc := crc32.Update(0, crc32.IEEETable, hdr)
		zero := make([]byte, mib)
		for left := e.DataBytes; left > 0; left -= mib {
			crc = crc32.Update(crc, crc32.IEEETable, zero[:min(left, mib)])
		}
		size := uint64(int64(len(hdr)) + e.DataBytes)
		if e.Declared > 0 {
			size = uint64(e.Declared)
		}
		w, err := zw.CreateRaw(&zip.FileHeader{Name: e.Name + ".npy", Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(stream)), UncompressedSize64: size})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(stream); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// zeros deflates hdr followed by n zero bytes.
func zeros(hdr []byte, n int64) ([]byte, error) {
	var buf, out bytes.Buffer
	w, err := flate.NewWriter(&buf, flate.BestSpeed)
	if err != nil {
		return nil, err
	}
	zero := make([]byte, mib)
	w.Write(hdr)
	w.Write(zero[:min(n, mib)])
	n -= min(n, mib)
	w.Flush()
	out.Write(buf.Bytes())
	// Warm up until the output of a MiB repeats, then copy it.
	var chunk []byte
	for tries := 0; n >= mib && tries < 16; tries++ {
		buf.Reset()
		w.Write(zero)
		w.Flush()
		n -= mib
		if bytes.Equal(chunk, buf.Bytes()) {
			for ; n >= mib; n -= mib {
				out.Write(chunk)
			}
		}
		chunk = append(chunk[:0], buf.Bytes()...)
		out.Write(chunk)
	}
	if n >= mib {
		return nil, fmt.Errorf("npztest: deflate output of zeros does not repeat")
	}
	buf.Reset()
	for ; n > 0; n -= min(n, mib) {
		w.Write(zero[:min(n, mib)])
	}
	w.Close()
	out.Write(buf.Bytes())
	return out.Bytes(), nil
}

func npyHeader(descr string, shape []int) []byte {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	s := "(" + strings.Join(parts, ", ") + ")"
	if len(shape) == 1 {
		s = "(" + parts[0] + ",)"
	}
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, s)
	hdr += strings.Repeat(" ", (64-(10+len(hdr)+1)%64)%64) + "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = binary.LittleEndian.AppendUint16(b, uint16(len(hdr)))
	return append(b, hdr...)
}
