package host

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A plugin path that became a named pipe after discovery (a symlink
// swapped) is refused, not waited on: opening a FIFO for reading blocks
// until a writer comes.
func TestStageRefusesFIFO(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("mkfifo")
	}
	fifo := filepath.Join(t.TempDir(), BinaryPrefix+"fifo")
	if err := syscall.Mkfifo(fifo, 0o755); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Dir: t.TempDir()})
	defer h.Close()
	done := make(chan error, 1)
	go func() {
		s, err := h.stage(fifo)
		s.remove()
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("stage of a FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("stage of a FIFO still waiting after 10 s")
	}
}

// Hashing a plugin path that became a FIFO (as planning and `plugins
// lock` do) is refused, not waited on.
func TestFileSHA256RefusesFIFO(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("mkfifo")
	}
	fifo := filepath.Join(t.TempDir(), BinaryPrefix+"fifo")
	if err := syscall.Mkfifo(fifo, 0o755); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := FileSHA256(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "named pipe") {
			t.Errorf("FileSHA256 of a FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("FileSHA256 of a FIFO still waiting after 10 s")
	}
}

// Launches of an unchanged plugin share one private copy; a rewritten
// binary is copied afresh (its own digest), and the old copy goes when
// the last launch using it is done; Close removes the rest.
func TestStageReusesUnchangedCopy(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, BinaryPrefix+"x")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho one\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Dir: dir})
	a, err := h.stage(bin)
	if err != nil {
		t.Fatal(err)
	}
	b, err := h.stage(bin)
	if err != nil {
		t.Fatal(err)
	}
	if a != b || a.refs != 2 {
		t.Fatalf("unchanged binary staged twice: %s, %s (refs %d)", a.path, b.path, a.refs)
	}
	a.remove()
	// Rewritten with the same size: a new file (mtime, and os.WriteFile
	// keeps the inode, so the time must tell).
	time.Sleep(20 * time.Millisecond)
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho two\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c, err := h.stage(bin)
	if err != nil {
		t.Fatal(err)
	}
	if c == a || c.sha256 == a.sha256 {
		t.Fatalf("rewritten binary reused the old copy (%s)", c.sha256)
	}
	if got, _ := os.ReadFile(c.path); string(got) != "#!/bin/sh\necho two\n" {
		t.Fatalf("copy holds %q", got)
	}
	if _, err := os.Stat(a.path); err != nil {
		t.Fatalf("old copy removed while a launch uses it: %v", err)
	}
	b.remove()
	if _, err := os.Stat(a.path); !os.IsNotExist(err) {
		t.Fatalf("old copy left after its last launch: %v", err)
	}
	c.remove()
	if _, err := os.Stat(c.path); err != nil {
		t.Fatalf("current copy removed before Close: %v", err)
	}
	h.Close()
	if _, err := os.Stat(c.path); !os.IsNotExist(err) {
		t.Fatalf("copy left after Close: %v", err)
	}
}

// A host derived with WithConfig (a step's host with its thread budget)
// launches from its parent's copies; closing it leaves them to the parent.
func TestStageSharedWithDerivedHost(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, BinaryPrefix+"x")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho one\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := New(Config{Dir: dir})
	a, err := h.stage(bin)
	if err != nil {
		t.Fatal(err)
	}
	a.remove()
	d := h.WithConfig(Config{Dir: dir, Env: []string{"GOMAXPROCS=1"}})
	b, err := d.stage(bin)
	if err != nil {
		t.Fatal(err)
	}
	if b != a {
		t.Fatalf("derived host copied again: %s, parent's %s", b.path, a.path)
	}
	b.remove()
	d.Close()
	if _, err := os.Stat(a.path); err != nil {
		t.Fatalf("closing the derived host removed the parent's copy: %v", err)
	}
	h.Close()
	if _, err := os.Stat(a.path); !os.IsNotExist(err) {
		t.Fatalf("copy left after the parent's Close: %v", err)
	}
}
