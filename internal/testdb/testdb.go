package testdb

import (
	"context"
	"database/sql"
	"os"
	"testing"
	"time"
)

// ConnectTimeout bounds the first contact with a server: long enough for
// any local one, short enough that a stopped one costs a test run little.
const ConnectTimeout = 3 * time.Second

// Server is a database server that tests use.
type Server struct {
	// Name names it in messages, e.g. "PostgreSQL".
	Name string
	// Env is the variable that names another server, e.g.
	// "EXAMPLE_POSTGRES_DSN".
	Env string
	// Default is the documented local server, used when Env is unset or
	// empty.
	Default string
}

// DSN returns the value of Env, or Default when it is unset or empty.
func (s Server) DSN() string {
	if v := os.Getenv(s.Env); v != "" {
		return v
	}
	return s.Default
}

// Require checks that db, opened on s.DSN() at addr (host:port, shown in
// messages; never a password), answers within ConnectTimeout. When it
// does not, tb is skipped with a message naming the server, addr and Env,
// or failed when CI or Env is set.
func (s Server) Require(tb testing.TB, db *sql.DB, addr string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), ConnectTimeout)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		s.Unreachable(tb, addr, err)
	}
}

// Unreachable ends tb because the server at addr did not answer (err):
// it fails when CI or Env is set, and skips otherwise, naming Env.
func (s Server) Unreachable(tb testing.TB, addr string, err error) {
	tb.Helper()
	switch {
	case os.Getenv("CI") != "":
		tb.Fatalf("%s at %s is unreachable (%v); CI is set, so this test must run: start it, or set %s to another server", s.Name, addr, err, s.Env)
		return
	case os.Getenv(s.Env) != "":
		tb.Fatalf("%s at %s, named by %s, is unreachable (%v)", s.Name, addr, s.Env, err)
		return
	}
	tb.Skipf("%s at %s is unreachable (%v): skipped; start it, or set %s to run this test against another server", s.Name, addr, err, s.Env)
}
