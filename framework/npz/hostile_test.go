package npz_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/npz/npztest"
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

// hostileArchives are small versions of the archives a hostile tester
// tried: zeros that deflate a thousandfold, with a label longer than the
// configurations, an entry larger than the archive declares, and one
// declared smaller than its shape.
func hostileArchives(t testing.TB) [][]byte {
	var out [][]byte
	for _, es := range [][]npztest.Entry{
		{{Name: "configs", Descr: "|i1", Shape: []int{2, 4}, DataBytes: 8}, {Name: "T", Descr: "<f8", Shape: []int{1 << 18}, DataBytes: 2 << 20}},
		{{Name: "T", Descr: "<f8", Shape: []int{10}, DataBytes: 1 << 20, Declared: 80 + 128}},
		{{Name: "T", Descr: "<f8", Shape: []int{1 << 18}, DataBytes: 2 << 20, Declared: 1 << 10}},
	} {
		b, err := npztest.Archive(es...)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// decodeBounded decodes b, failing t if that takes more than 5 s (a
// stall, however loaded the machine) or allocates more than the archive's
// size can inflate to, plus 16 MiB.
func decodeBounded(t *testing.T, b []byte) (arrays []npz.Array, err error) {
	done := make(chan struct{})
	var n uint64
	go func() {
		defer close(done)
		n = allocated(func() { arrays, err = npz.Decode(bytes.NewReader(b), int64(len(b))) })
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatalf("decoding %d bytes took more than 5 s", len(b))
	}
	if limit := uint64(len(b))*1032 + 16<<20; n > limit {
		t.Fatalf("decoding %d bytes allocated %d bytes", len(b), n)
	}
	return arrays, err
}

func FuzzDecode(f *testing.F) {
	var ok bytes.Buffer
	npz.Encode(&ok, sample()...)
	f.Add(ok.Bytes())
	f.Add(zipOf(f, zip.Deflate, "configs.npy", npyClaiming("|i1", "(1000000000000,)")))
	f.Add(zipOf(f, zip.Store, "x.npy", npyClaiming("<f8", "(2, 3)")))
	f.Add(zipOf(f, zip.Store, "a/b.npy", npyClaiming("<f8", "(1,)")))
	for _, b := range hostileArchives(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		arrays, err := decodeBounded(t, b)
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

// An archive of zeros deflated a thousandfold: its headers are read and
// handed to Limits.Check before any data is inflated, so a check that
// refuses them costs no memory; one whose entry size disagrees with its
// shape, or whose arrays exceed Limits.MaxBytes, is refused the same way.
func TestHeadersCheckedBeforeInflating(t *testing.T) {
	bomb, err := npztest.Archive(
		npztest.Entry{Name: "configs", Descr: "|i1", Shape: []int{2, 4}, DataBytes: 8},
		npztest.Entry{Name: "T", Descr: "<f8", Shape: []int{1 << 27}, DataBytes: 1 << 30},
	)
	if err != nil {
		t.Fatal(err)
	}
	lying, err := npztest.Archive(npztest.Entry{Name: "T", Descr: "<f8", Shape: []int{10}, DataBytes: 1 << 30, Declared: 80 + 128})
	if err != nil {
		t.Fatal(err)
	}
	short, err := npztest.Archive(npztest.Entry{Name: "T", Descr: "<f8", Shape: []int{1 << 27}, DataBytes: 1 << 30, Declared: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	refuse := errors.New("refused by the check")
	var seen []npz.Header
	for _, tc := range []struct {
		name string
		file []byte
		lim  npz.Limits
		want string
	}{
		{"check", bomb, npz.Limits{Check: func(hs []npz.Header) error { seen = hs; return refuse }}, "refused by the check"},
		{"max bytes", bomb, npz.Limits{MaxBytes: 256 << 20}, "the arrays hold more than 268435456 bytes: refused"},
		{"entry larger than declared", lying, npz.Limits{}, "zip: not a valid zip file"},
		{"entry declared smaller than shape", short, npz.Limits{}, "the archive says 1048576 bytes, its shape [134217728] of <f8 needs 1073741952: refused"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Logf("%d bytes", len(tc.file))
			var err error
			n := allocated(func() { _, err = npz.DecodeLimited(bytes.NewReader(tc.file), int64(len(tc.file)), tc.lim) })
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want %q", err, tc.want)
			}
			if n > 16<<20 {
				t.Errorf("%d MB allocated", n>>20)
			}
		})
	}
	if len(seen) != 2 || seen[1].Name != "T" || seen[1].Descr != "<f8" || seen[1].Len() != 1<<27 || seen[1].Bytes() != 1<<30 {
		t.Errorf("the check saw %+v", seen)
	}
	// Keep skips arrays unread: the same archive without its label decodes.
	arrays, err := npz.DecodeLimited(bytes.NewReader(bomb), int64(len(bomb)), npz.Limits{Keep: func(name string) bool { return name == "configs" }})
	if err != nil || len(arrays) != 1 || arrays[0].Name != "configs" {
		t.Errorf("Keep: %v, %v", arrays, err)
	}
}

// Array names that cannot be written back (an import re-encodes them) are
// refused when reading: the user's file is wrong, not the work.
func TestBadArrayNamesRefused(t *testing.T) {
	for _, name := range []string{".npy", "a/b.npy", "a\\b.npy", "a\x00.npy"} {
		file := zipOf(t, zip.Store, name, npyClaiming("|i1", "(8,)"))
		if _, err := npz.Decode(bytes.NewReader(file), int64(len(file))); err == nil || !strings.Contains(err.Error(), "want a plain name") {
			t.Errorf("%q: err = %v", name, err)
		}
	}
}
