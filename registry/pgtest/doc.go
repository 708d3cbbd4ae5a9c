// Package pgtest starts a throwaway PostgreSQL server for tests of the
// registry's PostgreSQL backend and of the commands that use it: initdb into
// a temp directory, a server listening only on a Unix socket there (run as
// the postgres user when the tests run as root, since PostgreSQL refuses
// root), one empty schema per test in one database. Tests skip, saying why, when
// PostgreSQL is not installed (Debian: apt-get install postgresql).
package pgtest
