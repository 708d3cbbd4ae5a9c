package registry

import (
	"database/sql"
	"fmt"
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

// The PostgreSQL half of the suite runs against a throwaway server that the
// first test needing it starts (initdb into a temp dir, listening only on a
// Unix socket there) and TestMain stops; each test gets a database of its
// own. Without PostgreSQL installed those tests skip and say why.

func TestMain(m *testing.M) {
	code := m.Run()
	pgServer.stop()
	os.Exit(code)
}

var pgServer pgTestServer

type pgTestServer struct {
	once  sync.Once
	dir   string // socket directory and data
	bin   string
	cred  *syscall.Credential
	admin *sql.DB
	skip  string // why PostgreSQL tests cannot run
	n     int
	mu    sync.Mutex
}

// pgBin finds the directory of initdb and pg_ctl: Debian keeps them out of
// PATH under /usr/lib/postgresql/VERSION/bin.
func pgBin() string {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	ms, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(ms) == 0 {
		return ""
	}
	return filepath.Dir(ms[len(ms)-1])
}

func startPG() {
	p := &pgServer
	if os.Getenv(helperEnv) != "" {
		p.skip = "helper process"
		return
	}
	if p.bin = pgBin(); p.bin == "" {
		p.skip = "PostgreSQL is not installed (apt-get install postgresql): the PostgreSQL half of the registry suite did not run"
		return
	}
	dir, err := os.MkdirTemp("", "rgml-pg-")
	if err != nil {
		p.skip = err.Error()
		return
	}
	p.dir = dir
	if os.Geteuid() == 0 {
		// initdb refuses root: run the server as the postgres user, in a
		// directory it owns.
		u, err := user.Lookup("postgres")
		if err != nil {
			p.skip = "running as root and there is no postgres user to run the server as"
			return
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		os.Chown(dir, uid, gid)
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(p.bin, name), args...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s: %v: %s", name, err, out)
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "rgml", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		p.skip = err.Error()
		return
	}
	opts := "-k " + dir + " -c listen_addresses= -c max_connections=200 -c shared_buffers=16MB"
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "start"); err != nil {
		p.skip = err.Error()
		return
	}
	p.admin, err = sql.Open("pgx", pgURL("postgres"))
	if err == nil {
		err = p.admin.Ping()
	}
	if err != nil {
		p.skip = "test server: " + err.Error()
	}
}

func (p *pgTestServer) stop() {
	if p.dir == "" {
		return
	}
	if p.admin != nil {
		p.admin.Close()
	}
	cmd := exec.Command(filepath.Join(p.bin, "pg_ctl"), "-D", filepath.Join(p.dir, "data"), "-m", "immediate", "-w", "stop")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	cmd.Run()
	os.RemoveAll(p.dir)
}

// pgURL is the URL of a database of the test server.
func pgURL(db string) string {
	return fmt.Sprintf("postgres://rgml@/%s?host=%s&port=5432", db, pgServer.dir)
}

// newPGDatabase creates an empty database for the test and returns its URL.
func newPGDatabase(t testing.TB) string {
	t.Helper()
	pgServer.once.Do(startPG)
	if pgServer.skip != "" {
		t.Skip(pgServer.skip)
	}
	pgServer.mu.Lock()
	pgServer.n++
	name := fmt.Sprintf("t%d", pgServer.n)
	pgServer.mu.Unlock()
	if _, err := pgServer.admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pgServer.admin.Exec("DROP DATABASE " + name + " WITH (FORCE)") })
	return pgURL(name)
}

// onPostgres reports whether the test runs in the postgres half of
// bothBackends.
func onPostgres(t testing.TB) bool { return strings.Contains(t.Name(), "/postgres") }

// bothBackends runs body against a directory (SQLite) store and against a
// PostgreSQL one: newStore and newLocation pick the backend by the subtest.
func bothBackends(t *testing.T, body func(t *testing.T)) {
	t.Run("sqlite", body)
	t.Run("postgres", body)
}

// newLocation returns where to open a fresh store for this test: a
// directory, or a PostgreSQL URL with RGML_BLOBS set (for this process and,
// through env, for helper processes).
func newLocation(t testing.TB) (root string, env []string) {
	t.Helper()
	if !onPostgres(t) {
		return filepath.Join(t.TempDir(), "reg"), nil
	}
	u := newPGDatabase(t)
	blobs := filepath.Join(t.TempDir(), "blobs")
	t.Setenv(EnvBlobs, blobs)
	return u, []string{EnvBlobs + "=" + blobs}
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		`SELECT a FROM t WHERE x = ? AND y = 'a?b' AND z = ?`: `SELECT a FROM t WHERE x = $1 AND y = 'a?b' AND z = $2`,
		`e.digest GLOB ?`:    `e.digest LIKE replace($1, '*', '%')`,
		`SELECT 'it''s' , ?`: `SELECT 'it''s' , $1`,
	} {
		if got := rebind(in); got != want {
			t.Errorf("rebind(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestMigrationsNumberedAlike(t *testing.T) {
	if len(pgMigrations) != len(migrations) {
		t.Fatalf("%d PostgreSQL migrations, %d SQLite ones: a schema version must mean the same on both", len(pgMigrations), len(migrations))
	}
}

func TestPGSmoke(t *testing.T) {
	bothBackends(t, func(t *testing.T) {
		s := newStore(t)
		e := put(t, s, Dataset, "d", Lineage{})
		e2 := put(t, s, Dataset, "d", Lineage{Datasets: []string{e.Digest}})
		if e2.Version != 2 {
			t.Fatal(e2.Version)
		}
		l, err := s.List("", "")
		if err != nil || len(l) != 2 {
			t.Fatal(l, err)
		}
		if _, err := s.Resolve(Dataset, e.Digest[7:15]); err != nil {
			t.Fatal(err)
		}
		mustVerify(t, s)
	})
}
