package testdb_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/internal/testdb"
)

// recorder is a testing.TB that records Fatalf and Skipf instead of
// ending the test.
type recorder struct {
	testing.TB
	fatal, skip string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Fatalf(f string, args ...any) { r.fatal = fmt.Sprintf(f, args...) }
func (r *recorder) Skipf(f string, args ...any)  { r.skip = fmt.Sprintf(f, args...) }

var server = testdb.Server{Name: "PostgreSQL", Env: "TESTDB_TEST_DSN", Default: "postgres://127.0.0.1:1/test"}

// TestDSN: the variable when set, the default otherwise.
func TestDSN(t *testing.T) {
	tests := []struct{ env, want string }{
		{"", server.Default},
		{"postgres://db.example/test", "postgres://db.example/test"},
	}
	for _, tt := range tests {
		t.Setenv(server.Env, tt.env)
		if got := server.DSN(); got != tt.want {
			t.Errorf("%s=%q: DSN() = %q, want %q", server.Env, tt.env, got, tt.want)
		}
	}
}

// TestUnreachable: skipped, naming the variable, unless CI or the
// variable is set, which fail the test; every message names the server,
// its address and the cause.
func TestUnreachable(t *testing.T) {
	tests := []struct {
		name, ci, env string
		fail          bool
		says          string
	}{
		{"local default", "", "", false, "set TESTDB_TEST_DSN"},
		{"CI", "true", "", true, "CI is set"},
		{"variable set", "", "postgres://127.0.0.1:1/test", true, "named by TESTDB_TEST_DSN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("CI", tt.ci)
			t.Setenv(server.Env, tt.env)
			r := &recorder{TB: t}
			server.Unreachable(r, "127.0.0.1:1", errors.New("connection refused"))
			msg := r.skip
			if tt.fail {
				msg = r.fatal
			}
			if (r.fatal != "") != tt.fail || (r.skip != "") == tt.fail {
				t.Fatalf("fatal %q, skip %q; want a failure: %v", r.fatal, r.skip, tt.fail)
			}
			for _, want := range []string{"PostgreSQL", "127.0.0.1:1", "connection refused", tt.says} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q lacks %q", msg, want)
				}
			}
		})
	}
}

// TestRequire: a server that answers passes; one that does not is
// Unreachable.
func TestRequire(t *testing.T) {
	t.Setenv("CI", "")
	t.Setenv(server.Env, "")
	for _, tt := range []struct {
		name string
		err  error
	}{{"answers", nil}, {"down", errors.New("connection refused")}} {
		t.Run(tt.name, func(t *testing.T) {
			db := sql.OpenDB(connector{err: tt.err})
			defer db.Close()
			r := &recorder{TB: t}
			server.Require(r, db, "127.0.0.1:1")
			if r.fatal != "" || (r.skip != "") != (tt.err != nil) {
				t.Errorf("fatal %q, skip %q, for a server that answers %v", r.fatal, r.skip, tt.err)
			}
		})
	}
}

// connector connects, or fails with err.
type connector struct{ err error }

func (c connector) Connect(context.Context) (driver.Conn, error) {
	if c.err != nil {
		return nil, c.err
	}
	return conn{}, nil
}
func (c connector) Driver() driver.Driver { return nil }

type conn struct{}

func (conn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not supported") }
func (conn) Close() error                        { return nil }
func (conn) Begin() (driver.Tx, error)           { return nil, errors.New("not supported") }
