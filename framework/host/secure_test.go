package host_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"

	"github.com/rgml/rgml/framework/host"
)

// copyPlugin puts a copy of the test plugin in dir under the given name.
func copyPlugin(t *testing.T, dir, name string) {
	t.Helper()
	b, err := os.ReadFile(misbehave)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, host.BinaryPrefix+name), b, 0o755); err != nil {
		t.Fatal(err)
	}
}

// A binary the lock file does not vouch for is refused before it runs:
// with no lock file, and with a lock file that does not name it.
func TestUnlockedBinaryIsRefused(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(t.TempDir(), "ran")
	script := "#!/bin/sh\ntouch " + marker + "\n"
	if err := os.WriteFile(filepath.Join(dir, "rgml-plugin-ising"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, lock, want string
	}{
		{"no lock file", "", "there is no lock file"},
		{"not in the lock", `{"version": 1, "plugins": {"rbm": "00"}}`, "is not in the lock file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			lockPath := filepath.Join(dir, host.LockFileName)
			os.Remove(lockPath)
			if c.lock != "" {
				if err := os.WriteFile(lockPath, []byte(c.lock), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			h := host.New(host.Config{Dir: dir})
			defer h.Close()
			_, err := h.Model(context.Background(), "ising")
			var le *host.LockError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *host.LockError", err)
			}
			msg := err.Error()
			if !strings.Contains(msg, c.want) || !strings.Contains(msg, "rgml plugins lock") || strings.Contains(msg, "\n") {
				t.Errorf("message %q: want one line with %q and the command to run", msg, c.want)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("the unlocked binary was run")
			}
			entries, err := h.List()
			if err != nil || len(entries) < 1 || entries[0].Name != "ising" || entries[0].Status != host.StatusUnlocked {
				t.Errorf("List: %+v, %v", entries, err)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Fatal("List ran the unlocked binary")
			}
		})
	}
}

// --allow-unlocked runs an unlocked binary, and says so.
func TestAllowUnlockedWarns(t *testing.T) {
	dir := t.TempDir()
	copyPlugin(t, dir, "misbehave")
	logs := &syncBuffer{}
	h := host.New(host.Config{Dir: dir, AllowUnlocked: true, Logger: hclog.New(&hclog.LoggerOptions{Output: logs, Level: hclog.Warn})})
	defer h.Close()
	if _, err := h.Model(context.Background(), "misbehave"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "not in the lock file") {
		t.Errorf("no warning for an unlocked plugin; log:\n%s", logs)
	}
}

func TestLockFileIsWorldReadable(t *testing.T) {
	dir := pluginDir(t)
	info, err := os.Stat(filepath.Join(dir, host.LockFileName))
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != 0o644 {
		t.Errorf("lock file mode %v, want 0644", got)
	}
}

// A folder, or a dangling symlink, named like a plugin is not one and does
// not break a listing or a lock.
func TestDiscoverSkipsNonFiles(t *testing.T) {
	dir := pluginDir(t)
	if err := os.Symlink(t.TempDir(), filepath.Join(dir, "rgml-plugin-folder")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "rgml-plugin-dangling")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "rgml-plugin-dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := host.New(host.Config{Dir: dir})
	entries, err := h.List()
	if err != nil || len(entries) != 1 || entries[0].Name != "misbehave" {
		t.Fatalf("List: %+v, %v", entries, err)
	}
	if _, err := h.WriteLock(); err != nil {
		t.Fatalf("lock: %v", err)
	}
}

// An executable that is not a plugin gets one line saying so.
func TestNonPluginBinary(t *testing.T) {
	dir := t.TempDir()
	for name, script := range map[string]string{
		"hello": "#!/bin/sh\necho hello\necho world\n",
		"quiet": "#!/bin/sh\necho oops >&2\nexit 3\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, host.BinaryPrefix+name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	lockAll(t, dir)
	h := host.New(host.Config{Dir: dir})
	defer h.Close()
	for name, want := range map[string]string{"hello": `printed "hello" instead of the handshake`, "quiet": "printed no handshake; its stderr: oops"} {
		_, err := h.Model(context.Background(), name)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "is not an rgml plugin") || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %q, want one line with %q", name, err, want)
		}
	}
}

// The plugin speaks only mutual TLS: a client without the host's
// certificate cannot call it, even with access to the socket, which lives
// in a private folder that Close removes.
func TestPluginRequiresHostCertificate(t *testing.T) {
	h := host.New(host.Config{Dir: pluginDir(t)})
	defer h.Close()
	m, err := h.Model(context.Background(), "misbehave")
	if err != nil {
		t.Fatal(err)
	}
	addr := m.SocketAddr()
	if addr.Network() != "unix" {
		t.Fatalf("plugin listens on %s %s", addr.Network(), addr)
	}
	sockets := h.SocketDir()
	if !strings.HasPrefix(addr.String(), sockets+string(filepath.Separator)) {
		t.Errorf("socket %s is not in the host's directory %s", addr, sockets)
	}
	info, err := os.Stat(sockets)
	if err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("socket directory: %v, %v; want mode 0700", info.Mode(), err)
	}

	conn, err := grpc.NewClient("unix://"+addr.String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "plugin"}); err == nil {
		t.Error("plain gRPC without TLS was answered")
	}

	// TLS, but without a client certificate: the plugin must refuse.
	tc, err := tls.Dial("unix", addr.String(), &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
	if err == nil {
		// With TLS 1.3 the refusal arrives after the client's Finished.
		tc.SetDeadline(time.Now().Add(10 * time.Second))
		_, err = tc.Read(make([]byte, 1))
		tc.Close()
	}
	if err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("TLS without a client certificate: got %v, want a certificate error", err)
	}

	h.Close()
	if _, err := os.Stat(sockets); !os.IsNotExist(err) {
		t.Errorf("socket directory %s left after Close: %v", sockets, err)
	}
}

// swapLaunches is how many launches race the symlink swapper below: enough
// that today's hash-by-path, exec-by-path host ran the unlocked script in
// most runs, few enough to start the real plugin in well under a minute.
const swapLaunches = 200

// The lock judges the bytes that run: with the plugin's path a symlink
// swapped as fast as possible between the locked plugin and an unlocked
// script, no launch runs the script, and every launch that succeeds ran
// the locked binary and reports its digest.
func TestSwappedSymlinkNeverRunsUnlocked(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/PID/exe")
	}
	dir, other := t.TempDir(), t.TempDir()
	real := filepath.Join(other, "real")
	b, err := os.ReadFile(misbehave)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(real, b, 0o755); err != nil {
		t.Fatal(err)
	}
	marker := filepath.Join(other, "ran")
	script := filepath.Join(other, "script")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho $$ >> "+marker+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, host.BinaryPrefix+"misbehave")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	lockAll(t, dir)
	locked, err := host.FileSHA256(real)
	if err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	swapped := make(chan int)
	go func() {
		n := 0
		defer func() { swapped <- n }()
		tmp := link + ".tmp"
		for targets := [2]string{script, real}; ; n++ {
			select {
			case <-stop:
				os.Remove(tmp)
				os.Symlink(real, tmp)
				os.Rename(tmp, link)
				return
			default:
			}
			os.Remove(tmp)
			if os.Symlink(targets[n%2], tmp) == nil {
				os.Rename(tmp, link)
			}
		}
	}()

	h := host.New(host.Config{Dir: dir, StartTimeout: 10 * time.Second})
	defer h.Close()
	ran, refused, failed := 0, 0, 0
	deadline := time.Now().Add(3 * time.Minute)
	for i := 0; i < swapLaunches && time.Now().Before(deadline); i++ {
		p, err := h.Launch(context.Background(), "misbehave")
		var le *host.LockError
		switch {
		case err == nil:
			ran++
			exe, err := host.FileSHA256(fmt.Sprintf("/proc/%d/exe", p.Pid()))
			if err != nil || exe != locked || p.SHA256 != locked {
				t.Errorf("launch %d: reported %s, ran %s (%v); locked %s", i, p.SHA256, exe, err, locked)
			}
			p.Kill()
		case errors.As(err, &le):
			refused++
			if le.SHA256 == locked {
				t.Errorf("launch %d: refused the locked binary: %v", i, err)
			}
		default:
			// Today's host runs the script, which prints no handshake.
			failed++
			t.Errorf("launch %d: %v", i, err)
		}
	}
	close(stop)
	swaps := <-swapped
	t.Logf("%d launches: %d ran the locked plugin, %d refused; %d swaps", ran+refused, ran, refused, swaps)
	// The deadline bounds the test on a loaded machine; what it proves
	// needs the race hit both ways (checked below), not every launch.
	if n := ran + refused + failed; n < swapLaunches/10 {
		t.Errorf("only %d of %d launches in 3 minutes", n, swapLaunches)
	}
	if b, err := os.ReadFile(marker); err == nil {
		t.Fatalf("the unlocked script ran %d times", strings.Count(string(b), "\n"))
	}
	if ran == 0 || refused == 0 {
		t.Errorf("the swapper did not race the launches (%d ran, %d refused)", ran, refused)
	}
}
