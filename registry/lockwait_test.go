//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package registry

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

const holdLockEnv = "RGML_REGISTRY_TEST_HOLD_LOCK"

// TestHoldLockProcess is the child of holdLock: it takes the store lock
// of the registry at $RGML_REGISTRY_TEST_HOLD_LOCK exclusively, as a GC
// does, and keeps it until its stdin closes.
func TestHoldLockProcess(t *testing.T) {
	root := os.Getenv(holdLockEnv)
	if root == "" {
		t.Skip("helper process for TestLockWaitBounded")
	}
	f, err := os.OpenFile(filepath.Join(root, lockFileName), os.O_RDWR|os.O_CREATE, 0o644)
	if err == nil {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ready")
	bufio.NewReader(os.Stdin).ReadString('\n')
	os.Exit(0)
}

// holdLock starts a process that holds root's store lock until the
// returned release is called (or the test ends), and returns its pid.
func holdLock(t *testing.T, root string) (pid int, release func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHoldLockProcess$")
	cmd.Env = append(os.Environ(), holdLockEnv+"="+root)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	release = func() {
		in.Close()
		cmd.Process.Kill()
		cmd.Wait()
	}
	t.Cleanup(release)
	ready := make(chan bool, 1)
	go func() {
		line, _ := bufio.NewReader(out).ReadString('\n')
		ready <- strings.TrimSpace(line) == "ready"
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("lock holder failed")
		}
	case <-time.After(30 * time.Second):
		t.Fatal("lock holder not ready after 30 s")
	}
	return cmd.Process.Pid, release
}

// A wait for the store lock that another process holds ends with the
// context, in one line naming the holder, instead of blocking in
// flock(2) until the holder lets go; Rebuild writes nothing then.
func TestLockWaitBounded(t *testing.T) {
	root := filepath.Join(t.TempDir(), "reg")
	s, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	e := put(t, s, Dataset, "d", Lineage{})
	pid, release := holdLock(t, root)
	_, procLocks := os.Stat("/proc/locks")

	const wait = time.Second
	check := func(what string, op func(ctx context.Context) error) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		done := make(chan error, 1)
		go func() { done <- op(ctx) }()
		select {
		case err := <-done:
			switch {
			case err == nil:
				t.Errorf("%s: no error while another process holds the lock", what)
			case !errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "\n"):
				t.Errorf("%s: %v; want one line ending in the deadline", what, err)
			case procLocks == nil && !strings.Contains(err.Error(), fmt.Sprintf("held by pid %d", pid)):
				t.Errorf("%s: %v; want it to name the holder, pid %d", what, err, pid)
			}
		case <-time.After(wait + 10*time.Second):
			t.Errorf("%s still waiting 10 s after its deadline", what)
		}
	}
	check("Put", func(ctx context.Context) error {
		_, err := s.Put(ctx, Dataset, "d", []File{{Name: "data.bin", Data: []byte("x")}}, Lineage{})
		return err
	})
	check("Verify", func(ctx context.Context) error { _, err := s.Verify(ctx); return err })
	check("GC", func(ctx context.Context) error {
		gs, err := OpenContext(ctx, root, Options{})
		if err != nil {
			return err
		}
		defer gs.Close()
		_, err = gs.GC(false)
		return err
	})

	s.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(filepath.Join(root, DBFile+suffix))
	}
	check("Rebuild", func(ctx context.Context) error { _, err := Rebuild(ctx, root); return err })
	if _, err := os.Stat(filepath.Join(root, DBFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Rebuild that gave up left %s behind (%v)", DBFile, err)
	}
	release()
	rep, err := Rebuild(context.Background(), root)
	if err != nil || rep.Entries != 1 {
		t.Fatalf("Rebuild once the lock is free: %+v, %v", rep, err)
	}
	r, err := OpenReadOnly(root)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Resolve(Dataset, e.Ref()); err != nil {
		t.Error(err)
	}
}

// A write that waits for the lock says so once, after LockNotice, naming
// the process that holds it, and goes on once it is released.
func TestLockWaitingIsTold(t *testing.T) {
	root := filepath.Join(t.TempDir(), "reg")
	s, err := OpenContext(context.Background(), root, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	told := make(chan string, 4)
	s, err = OpenContext(context.Background(), root, Options{LockWaiting: func(holder string) { told <- holder }})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pid, release := holdLock(t, root)
	done := make(chan error, 1)
	go func() {
		_, err := s.Put(context.Background(), Dataset, "d", []File{{Name: "x", Data: []byte("x")}}, Lineage{})
		done <- err
	}()
	select {
	case holder := <-told:
		if holder != fmt.Sprintf("pid %d", pid) && holder != "another process" {
			t.Errorf("told the lock is held by %q, want pid %d", holder, pid)
		}
	case err := <-done:
		t.Fatalf("put finished while the lock was held: %v", err)
	case <-time.After(LockNotice + 20*time.Second):
		t.Fatal("nothing told of the wait")
	}
	release()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("put after the lock was released: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("put still waiting after the lock was released")
	}
	if len(told) != 0 {
		t.Errorf("told %d more times", len(told))
	}
}
