package experiment_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/presets"
	"github.com/rgml/rgml/framework/npz"
)

// FuzzSpec: any bytes parse and plan without panicking, and every error is
// a usage error (the spec's fault), never anything else.
func FuzzSpec(f *testing.F) {
	f.Add([]byte(study))
	for _, name := range presets.Names() {
		b, _ := presets.Get(name)
		f.Add(b)
	}
	files, _ := filepath.Glob("testdata/specs/*.yaml")
	for _, file := range files {
		b, _ := os.ReadFile(file)
		f.Add(b)
	}
	cat := catalog(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := experiment.Parse("fuzz.yaml", b)
		if err == nil {
			_, err = experiment.NewPlan(context.Background(), s, cat)
		}
		if err != nil && !errors.Is(err, experiment.ErrUsage) {
			t.Fatalf("not a usage error: %v", err)
		}
	})
}

// FuzzImport: the .npz reading and checks behind a dataset import never
// panic, and what they accept is a well-formed dataset.
func FuzzImport(f *testing.F) {
	f.Add(mustEncode(f, npz.Int8("configs", []int8{1, -1, 1, 1, 0, 1, -1, -1}, 2, 4), npz.Float64("T", []float64{0, 6}, 2)), 0)
	f.Add(mustEncode(f, npz.Int8("configs", []int8{1, -1, 1, 1}, 1, 2, 2)), 2)
	f.Add(mustEncode(f, npz.Int8("configs", []int8{1, 2}, 1, 2)), 0)
	f.Fuzz(func(t *testing.T, b []byte, L int) {
		arrays, err := npz.Decode(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		d, err := experiment.ImportArrays(arrays, L%64)
		if err != nil {
			if !errors.Is(err, experiment.ErrUsage) {
				t.Fatalf("not a usage error: %v", err)
			}
			return
		}
		if d.Size < 2 || d.Len() < 1 || len(d.Configs) != d.Len()*d.Sites() {
			t.Fatalf("accepted a malformed dataset: L %d, %d values", d.Size, len(d.Configs))
		}
		if err := d.Check("import"); err != nil {
			t.Fatal(err)
		}
	})
}
