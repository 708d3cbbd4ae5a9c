package registry

import (
	"errors"
	"strings"
	"testing"

	"github.com/rgml/rgml/registry/pgtest"
)

// A URL naming a database the server does not have: the error said "tls
// error: server refused TLS connection" (pgx's first try, sslmode=prefer)
// before the real cause, and called the server unreachable. The server's
// answer comes first, with what to do.
func TestPGMissingDatabaseSaysSo(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	srv, _ := pgtest.Own(t)
	for _, u := range []string{srv.TCPURL("nosuch"), srv.URL("nosuch")} {
		_, err := OpenWith(u, Options{Blobs: t.TempDir()})
		if err == nil {
			t.Fatalf("%s: opened", u)
		}
		msg := err.Error()
		if !errors.Is(err, ErrBadLocation) || errors.Is(err, ErrUnreachable) {
			t.Errorf("%s: %v is not a bad location, or is called unreachable", u, err)
		}
		if !strings.Contains(msg, `database "nosuch" does not exist`) || strings.Contains(msg, "tls") || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q, want the server's answer on one line, without the TLS attempt", u, msg)
		}
		if !strings.Contains(msg, "createdb") {
			t.Errorf("%s: %q does not say how to create the database", u, msg)
		}
	}
}
