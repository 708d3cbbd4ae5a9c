package npz_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	npyionpz "codeberg.org/sbinet/npyio/npz"

	"github.com/rgml/rgml/framework/npz"
)

func sample() []npz.Array {
	configs := []int8{1, -1, 1, 1, -1, -1}
	return []npz.Array{
		npz.Int8("configs", configs, 2, 3),
		npz.Float64("T", []float64{0, 2.25}, 2),
		npz.Float32("W", []float32{0.5, -1.25, 3, 4}, 2, 2),
		{Name: "n", Shape: []int{}, Data: []int64{7}},
	}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	if err := npz.WriteFile(path, sample()...); err != nil {
		t.Fatal(err)
	}
	got, err := npz.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	if len(got) != len(want) {
		t.Fatalf("got %d arrays, want %d", len(got), len(want))
	}
	for i := range want {
		if got[i].Name != want[i].Name || !reflect.DeepEqual(got[i].Data, want[i].Data) || got[i].Len() != want[i].Len() {
			t.Errorf("array %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

// npyio is the Go reference reader for the format.
func TestReadableByNpyio(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.npz")
	if err := npz.WriteFile(path, sample()...); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var T []float64
	if err := npyionpz.Read(f, "T.npy", &T); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(T, []float64{0, 2.25}) {
		t.Errorf("npyio read T = %v", T)
	}
	var c []int8
	if err := npyionpz.Read(f, "configs.npy", &c); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, []int8{1, -1, 1, 1, -1, -1}) {
		t.Errorf("npyio read configs = %v", c)
	}
}

// numpy is what users open the files with; the test runs where python3
// with numpy is installed (CI installs python3-numpy).
func TestReadableByNumpy(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil || exec.Command(py, "-c", "import numpy").Run() != nil {
		if _, err := os.Stat("/usr/bin/python3"); err == nil && exec.Command("/usr/bin/python3", "-c", "import numpy").Run() == nil {
			py = "/usr/bin/python3"
		} else {
			t.Skip("python3 with numpy not installed")
		}
	}
	path := filepath.Join(t.TempDir(), "a.npz")
	if err := npz.WriteFile(path, sample()...); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "-c", `
import numpy as np, sys
z = np.load(sys.argv[1])
print(z["configs"].dtype, z["configs"].shape, z["configs"].tolist())
print(z["T"].dtype, z["T"].tolist())
print(z["W"].dtype, z["W"].shape, z["W"][1,0])
print(z["n"].shape, int(z["n"]))
`, path).CombinedOutput()
	if err != nil {
		t.Fatalf("numpy: %v\n%s", err, out)
	}
	want := "int8 (2, 3) [[1, -1, 1], [1, -1, -1]]\nfloat64 [0.0, 2.25]\nfloat32 (2, 2) 3.0\n() 7\n"
	if string(out) != want {
		t.Errorf("numpy printed\n%s\nwant\n%s", out, want)
	}
}

func TestCorruptInput(t *testing.T) {
	var buf bytes.Buffer
	if err := npz.Encode(&buf, sample()...); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if _, err := npz.Decode(bytes.NewReader(b[:len(b)/2]), int64(len(b)/2)); err == nil {
		t.Error("truncated archive decoded without error")
	}
	if _, err := npz.Decode(strings.NewReader("not a zip"), 9); err == nil {
		t.Error("garbage decoded without error")
	}
}

func TestShapeMismatch(t *testing.T) {
	err := npz.Encode(&bytes.Buffer{}, npz.Int8("x", []int8{1, 2, 3}, 2, 2))
	if err == nil {
		t.Fatal("3 elements with shape 2x2 accepted")
	}
}

// Encode reuses its deflate compressors: every archive is byte for byte
// what a fresh compressor (archive/zip with flate.NewWriter at BestSpeed,
// as before the reuse) writes, also after other archives used them.
func TestEncodeReusedCompressorsSameBytes(t *testing.T) {
	fresh := func(arrays ...npz.Array) []byte {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		for _, a := range arrays {
			f, err := zw.CreateHeader(&zip.FileHeader{Name: a.Name + ".npy", Method: zip.Deflate})
			if err != nil {
				t.Fatal(err)
			}
			if err := npz.WriteNPY(f, a); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	sets := make([][]npz.Array, 3)
	for i := range sets {
		w := make([]float32, 1000*(i+1))
		for j := range w {
			w[j] = float32(math.Sin(float64(j*(i+3)))) * 0.1
		}
		sets[i] = []npz.Array{
			{Name: "w", Shape: []int{len(w) / 10, 10}, Data: w},
			{Name: "b", Shape: []int{3}, Data: []float64{1, 2, float64(i)}},
		}
	}
	for round := 0; round < 3; round++ {
		for i, arrays := range sets {
			var buf bytes.Buffer
			if err := npz.Encode(&buf, arrays...); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), fresh(arrays...)) {
				t.Fatalf("round %d, archive %d: bytes differ from a fresh compressor's", round, i)
			}
		}
	}
}
