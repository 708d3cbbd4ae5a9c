package experiment_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/experiment/presets"
	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/npz/npztest"
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
	for name, src := range hostileSpecs() {
		if len(src) <= 64<<10 || strings.HasPrefix(name, "nested") {
			f.Add([]byte(src[:min(len(src), 4<<10)]))
		}
	}
	cat := catalog(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		// Parsing and planning any spec takes well under a second and a
		// few MB; 5 s is a stall however loaded the machine, and 256 MB
		// allocated (in total) the start of a blow-up.
		var err error
		var before, after runtime.MemStats
		done := make(chan struct{})
		go func() {
			defer close(done)
			runtime.ReadMemStats(&before)
			var s *experiment.Spec
			if s, err = experiment.Parse("fuzz.yaml", b); err == nil {
				_, err = experiment.NewPlan(context.Background(), s, cat)
			}
			runtime.ReadMemStats(&after)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("parsing and planning %d bytes took more than 5 s", len(b))
		}
		if n := after.TotalAlloc - before.TotalAlloc; n > 256<<20 {
			t.Fatalf("parsing and planning %d bytes allocated %d MB", len(b), n>>20)
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
	// An archive of zeros whose label is longer than its configurations.
	bomb, err := npztest.Archive(
		npztest.Entry{Name: "configs", Descr: "|i1", Shape: []int{2, 4}, DataBytes: 8},
		npztest.Entry{Name: "T", Descr: "<f8", Shape: []int{1 << 18}, DataBytes: 2 << 20},
	)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(bomb, 2)
	f.Fuzz(func(t *testing.T, b []byte, L int) {
		var arrays []npz.Array
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			arrays, err = npz.Decode(bytes.NewReader(b), int64(len(b)))
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("decoding %d bytes took more than 5 s", len(b))
		}
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

// hostileSpecs are specs a hostile tester fed the parser; each took
// gigabytes or minutes inside the YAML parser, or never ended.
func hostileSpecs() map[string]string {
	var deepBlock, deepMap strings.Builder
	for i := 0; deepBlock.Len() < 100<<10; i++ {
		deepBlock.WriteString(strings.Repeat(" ", i%2000) + "a:\n")
	}
	for deepMap.Len() < 100<<10 {
		deepMap.WriteString("{a: ")
	}
	laughs := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	for i := 'b'; i <= 'z'; i++ {
		laughs += string(i) + ": &" + string(i) + " [" + strings.Repeat("*"+string(i-1)+", ", 9) + "*" + string(i-1) + "]\n"
	}
	var keys strings.Builder
	for i := 0; keys.Len() < 200<<10; i++ {
		keys.WriteString("k" + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + ": 0\n")
	}
	return map[string]string{
		"nested lists 100 KB":  strings.Repeat("[", 50<<10) + strings.Repeat("]", 50<<10),
		"nested lists 200 KB":  strings.Repeat("[", 100<<10) + strings.Repeat("]", 100<<10),
		"nested dashes 100 KB": strings.Repeat("- ", 50<<10) + "0\n",
		"nested keys 100 KB":   deepBlock.String(),
		"nested maps 100 KB":   deepMap.String(),
		"flat list 50 MB":      "datasets: [" + strings.Repeat("0,", 25<<20) + "0]\n",
		"flat list 250 KB":     "datasets: [" + strings.Repeat("0,", 125<<10) + "0]\n",
		"keys 200 KB":          keys.String(),
		"billion laughs":       laughs,
	}
}
