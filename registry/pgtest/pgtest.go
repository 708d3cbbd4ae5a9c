package pgtest

import (
	"database/sql"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx" for the admin connection
)

// Server is a running throwaway PostgreSQL server.
type Server struct {
	dir   string // socket directory and data
	bin   string
	cred  *syscall.Credential
	admin *sql.DB
	port  int // on 127.0.0.1 as on the socket
	mu    sync.Mutex
	n     int
}

// bin finds the directory of initdb and pg_ctl: Debian keeps them out of
// PATH under /usr/lib/postgresql/VERSION/bin.
func bin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(ms) == 0 {
		return ""
	}
	return filepath.Dir(ms[len(ms)-1])
}

// ErrNotInstalled is Start's error without PostgreSQL's programs.
var ErrNotInstalled = fmt.Errorf("PostgreSQL is not installed (apt-get install postgresql)")

// Start initialises and starts a server; Stop removes it.
func Start() (*Server, error) {
	p := &Server{bin: bin()}
	if p.bin == "" {
		return nil, ErrNotInstalled
	}
	dir, err := os.MkdirTemp("", "rgml-pg-")
	if err != nil {
		return nil, err
	}
	p.dir = dir
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return nil, fmt.Errorf("running as root and there is no postgres user to run the server as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		os.Chown(dir, uid, gid)
	}
	data := filepath.Join(dir, "data")
	if err := p.run("initdb", "-D", data, "-U", "rgml", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	// Loopback TCP too, on a port free a moment ago, as a user's server
	// listens: a client there tries TLS first (sslmode=prefer), which the
	// server, without a certificate, refuses.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p.port = ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	opts := fmt.Sprintf("-k %s -p %d -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=16MB", dir, p.port)
	if err := p.run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	p.admin, err = sql.Open("pgx", p.URL("postgres"))
	if err == nil {
		_, err = p.admin.Exec("CREATE DATABASE rgml")
	}
	if err == nil {
		p.admin.Close()
		p.admin, err = sql.Open("pgx", p.URL("rgml"))
	}
	if err != nil {
		p.Stop()
		return nil, fmt.Errorf("test server: %w", err)
	}
	return p, nil
}

func (p *Server) run(name string, args ...string) error {
	cmd := exec.Command(filepath.Join(p.bin, name), args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	cmd.Dir = p.dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v: %s", name, err, out)
	}
	return nil
}

// Stop stops the server at once and deletes its files.
func (p *Server) Stop() {
	if p == nil {
		return
	}
	if p.admin != nil {
		p.admin.Close()
	}
	p.run("pg_ctl", "-D", filepath.Join(p.dir, "data"), "-m", "immediate", "-w", "stop")
	os.RemoveAll(p.dir)
}

// URL is the URL of database db of the server.
func (p *Server) URL(db string) string {
	return fmt.Sprintf("postgres://rgml@/%s?host=%s&port=%d", db, p.dir, p.port)
}

// TCPURL is the URL of database db of the server over loopback TCP.
func (p *Server) TCPURL(db string) string {
	return fmt.Sprintf("postgres://rgml@127.0.0.1:%d/%s", p.port, db)
}

// Database returns the URL of an empty registry location for the test: a
// schema of its own in the server's database "rgml" (search_path in the
// URL), dropped when the test ends. A schema costs a millisecond where a
// database costs a few hundred, and isolates tables just as well.
func (p *Server) Database(t testing.TB) string {
	t.Helper()
	p.mu.Lock()
	p.n++
	name := fmt.Sprintf("t%d", p.n)
	p.mu.Unlock()
	if _, err := p.admin.Exec("CREATE SCHEMA " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.admin.Exec("DROP SCHEMA " + name + " CASCADE") })
	return p.URL("rgml") + "&search_path=" + name
}

// Freeze stops every process of the server with SIGSTOP (the postmaster
// and the backends serving open connections), as a server that hangs
// would: connections are accepted by the kernel but nothing answers.
// The processes are continued (SIGCONT) when the test ends, or by the
// function returned.
func (p *Server) Freeze(t testing.TB) (thaw func()) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(p.dir, "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pm, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil {
		t.Fatalf("postmaster.pid: %v", err)
	}
	pids := append([]int{pm}, children(pm)...)
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGSTOP)
	}
	var once sync.Once
	thaw = func() {
		once.Do(func() {
			for _, pid := range pids {
				syscall.Kill(pid, syscall.SIGCONT)
			}
		})
	}
	t.Cleanup(thaw)
	return thaw
}

// children lists the processes whose parent is pid (Linux: /proc).
func children(pid int) []int {
	var out []int
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		i := strings.LastIndexByte(string(b), ')')
		f := strings.Fields(string(b[i+1:]))
		if len(f) < 2 {
			continue
		}
		if pp, _ := strconv.Atoi(f[1]); pp == pid {
			c, _ := strconv.Atoi(filepath.Base(filepath.Dir(st)))
			out = append(out, c)
		}
	}
	return out
}

var shared struct {
	once sync.Once
	srv  *Server
	err  error
}

// Database returns a new empty database of a server shared by the tests of
// the package, started by the first call; the test is skipped if none can
// be started. Call StopShared from TestMain.
func Database(t testing.TB) string {
	t.Helper()
	shared.once.Do(func() { shared.srv, shared.err = Start() })
	if shared.err != nil {
		t.Skipf("PostgreSQL tests not run: %v", shared.err)
	}
	return shared.srv.Database(t)
}

// StopShared stops the server Database started, if any.
func StopShared() {
	shared.once.Do(func() {})
	shared.srv.Stop()
}

// Each test starts its own server with Start when a package's TestMain
// cannot stop a shared one.
func Own(t testing.TB) (*Server, string) {
	t.Helper()
	srv, err := Start()
	if err != nil {
		t.Skipf("PostgreSQL tests not run: %v", err)
	}
	t.Cleanup(srv.Stop)
	return srv, srv.Database(t)
}
