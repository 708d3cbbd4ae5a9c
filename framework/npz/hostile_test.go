package npz_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/rgml/rgml/framework/npz"
)

// npyClaiming is a .npy stream whose header claims shape but which carries
// only a few bytes of data.
func npyClaiming(descr, shape string) []byte {
	hdr := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	hdr += strings.Repeat(" ", (64-(10+len(hdr)+1)%64)%64) + "\n"
	b := []byte("\x93NUMPY\x01\x00")
	b = append(b, byte(len(hdr)), byte(len(hdr)>>8))
	b = append(b, hdr...)
	return append(b, 1, 2, 3, 4, 5, 6, 7, 8)
}

func zipOf(t testing.TB, method uint16, name string, payload []byte) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(payload)
	zw.Close()
	return buf.Bytes()
}

func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// A small file that claims a huge array is refused before the array is
// allocated, whether it is deflated or stored, read as .npz or .npy.
func TestHugeClaimsAreRefusedWithoutAllocating(t *testing.T) {
	for _, shape := range []string{"(1000000000000,)", "(8589934592,)", "(4294967296, 2)", "(4611686018427387904, 4)"} {
		for _, descr := range []string{"|i1", "<f8"} {
			npy := npyClaiming(descr, shape)
			for _, method := range []uint16{zip.Deflate, zip.Store} {
				file := zipOf(t, method, "configs.npy", npy)
				if len(file) > 1024 {
					t.Fatalf("test file is %d bytes", len(file))
				}
				var err error
				n := allocated(func() { _, err = npz.Decode(bytes.NewReader(file), int64(len(file))) })
				if err == nil || !strings.Contains(err.Error(), "refused") {
					t.Errorf("%s %s method %d: err = %v, want a refusal", descr, shape, method, err)
				}
				if n > 16<<20 {
					t.Errorf("%s %s method %d: %d bytes allocated", descr, shape, method, n)
				}
			}
			var err error
			n := allocated(func() { _, err = npz.ReadNPY(bytes.NewReader(npy), "x") })
			if err == nil {
				t.Errorf("ReadNPY %s %s: no error", descr, shape)
			}
			if n > 16<<20 {
				t.Errorf("ReadNPY %s %s: %d bytes allocated", descr, shape, n)
			}
		}
	}
}

func TestDuplicateArrayRefused(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < 2; i++ {
		w, _ := zw.Create("T.npy")
		npz.WriteNPY(w, npz.Float64("T", []float64{1}, 1))
	}
	zw.Close()
	if _, err := npz.Decode(bytes.NewReader(buf.Bytes()), int64(buf.Len())); err == nil || !strings.Contains(err.Error(), "twice") {
		t.Errorf("err = %v", err)
	}
}

// Large legitimate arrays still read (through the growing path of ReadNPY).
func TestReadNPYLargeArray(t *testing.T) {
	v := make([]int8, 3<<20)
	for i := range v {
		v[i] = int8(i%3) - 1
	}
	var buf bytes.Buffer
	if err := npz.WriteNPY(&buf, npz.Int8("c", v, len(v))); err != nil {
		t.Fatal(err)
	}
	a, err := npz.ReadNPY(&buf, "c")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(asBytes(a.Data.([]int8)), asBytes(v)) {
		t.Error("data differ")
	}
}

func asBytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}

func FuzzDecode(f *testing.F) {
	var ok bytes.Buffer
	npz.Encode(&ok, sample()...)
	f.Add(ok.Bytes())
	f.Add(zipOf(f, zip.Deflate, "configs.npy", npyClaiming("|i1", "(1000000000000,)")))
	f.Add(zipOf(f, zip.Store, "x.npy", npyClaiming("<f8", "(2, 3)")))
	f.Fuzz(func(t *testing.T, b []byte) {
		arrays, err := npz.Decode(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		for _, a := range arrays {
			_, _, n, err := npz.Raw(a.Data)
			if err != nil || n != a.Len() {
				t.Fatalf("array %q: %d elements for shape %v (%v)", a.Name, n, a.Shape, err)
			}
		}
	})
}

// FuzzReadNPY fuzzes the .npy header and data reading directly (a zip's
// CRC hides most mutations from FuzzDecode), both with no size bound
// (ReadNPY) and inside a stored archive (Decode, bounded by the archive).
func FuzzReadNPY(f *testing.F) {
	var ok bytes.Buffer
	npz.WriteNPY(&ok, npz.Float64("T", []float64{0, 2.25, 6}, 3))
	f.Add(ok.Bytes())
	f.Add(npyClaiming("|i1", "(1000000000000,)"))
	f.Add(npyClaiming("<i8", "(2, 0, 3)"))
	f.Add(npyClaiming("<f4", "()"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if a, err := npz.ReadNPY(bytes.NewReader(b), "x"); err == nil {
			if _, _, n, err := npz.Raw(a.Data); err != nil || n != a.Len() {
				t.Fatalf("ReadNPY: %d elements for shape %v (%v)", n, a.Shape, err)
			}
		}
		file := zipOf(t, zip.Store, "x.npy", b)
		if arrays, err := npz.Decode(bytes.NewReader(file), int64(len(file))); err == nil {
			if _, _, n, err := npz.Raw(arrays[0].Data); err != nil || n != arrays[0].Len() || int64(n) > int64(len(b)) {
				t.Fatalf("Decode: %d elements for shape %v from %d bytes (%v)", n, arrays[0].Shape, len(b), err)
			}
		}
	})
}
