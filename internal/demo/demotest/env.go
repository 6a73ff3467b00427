package demotest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/testdb"
)

// Demo users of every test App.
var (
	Alice = demo.User{Name: "alice", Password: "wonderland"}
	Bob   = demo.User{Name: "bob", Password: "builder"}
)

// Config returns the configuration of a test App on databaseURL: the demo
// users, the cheapest bcrypt cost, and a fixed session key, so that a
// restarted App keeps its sessions.
func Config(databaseURL string) demo.Config {
	return demo.Config{
		DatabaseURL: databaseURL,
		Users:       []demo.User{Alice, Bob},
		Realm:       demo.DefaultRealm,
		BcryptCost:  bcrypt.MinCost,
		SessionKey:  bytes.Repeat([]byte("k"), 32),
	}
}

// Env is one running service: an App and the test server in front of it.
type Env struct {
	App *demo.App
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Logs holds everything the App logged.
	Logs *SyncBuffer

	srv *httptest.Server
}

// Start opens an App with cfg and serves newRouter(app) on 127.0.0.1. The
// server and the App are closed at the end of the test, or by Stop.
func Start(t testing.TB, cfg demo.Config, newRouter func(*demo.App) http.Handler) *Env {
	t.Helper()
	logs := &SyncBuffer{}
	app, err := demo.Open(context.Background(), cfg, demo.NewLogger(logs, "json"), demo.Options{})
	if err != nil {
		t.Fatalf("demo.Open: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		app.Close()
		t.Fatal(err)
	}
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: newRouter(app)}}
	srv.Start()
	e := &Env{App: app, URL: srv.URL, Logs: logs, srv: srv}
	t.Cleanup(e.Stop)
	return e
}

// Stop closes the server and the App; calling it again does nothing.
func (e *Env) Stop() {
	if e.srv == nil {
		return
	}
	e.srv.Close()
	e.App.Close()
	e.srv = nil
}

// SyncBuffer is a bytes.Buffer safe for concurrent use.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was written.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// SQLiteURL returns the path of a fresh SQLite file in a temporary
// directory.
func SQLiteURL(t testing.TB) string {
	return filepath.Join(t.TempDir(), "oauth-example.db")
}

// DefaultPostgresDSN is the PostgreSQL database the tests use unless
// EXAMPLE_POSTGRES_DSN names another.
const DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// DefaultMySQLURL is the MySQL/MariaDB database the tests use unless
// EXAMPLE_MYSQL_URL names another.
const DefaultMySQLURL = "mysql://root@127.0.0.1:3306/test"

// The database servers of the tests, at their local defaults unless their
// variables name others (see internal/testdb).
var (
	postgresServer = testdb.Server{Name: "PostgreSQL", Env: "EXAMPLE_POSTGRES_DSN", Default: DefaultPostgresDSN}
	mysqlServer    = testdb.Server{Name: "MySQL/MariaDB", Env: "EXAMPLE_MYSQL_URL", Default: DefaultMySQLURL}
)

// PostgresURL returns a postgres:// URL whose search_path is a schema made
// for this test (demo_<random>), dropped at its end, on the server
// EXAMPLE_POSTGRES_DSN names, DefaultPostgresDSN by default. When that
// server does not answer within testdb.ConnectTimeout, the test is
// skipped, saying so, or fails when CI or EXAMPLE_POSTGRES_DSN is set.
func PostgresURL(t testing.TB) string {
	t.Helper()
	dsn := postgresServer.DSN()
	u, err := url.Parse(dsn)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		t.Fatalf("EXAMPLE_POSTGRES_DSN must be a postgres:// URL")
	}
	db, err := gorm.Open(postgres.Open(dsn), &gorm.Config{Logger: logger.Discard, DisableAutomaticPing: true})
	must(t, err, "open PostgreSQL")
	sqlDB, err := db.DB()
	must(t, err, "sql.DB")
	t.Cleanup(func() { sqlDB.Close() })
	postgresServer.Require(t, sqlDB, u.Host)
	schema := "demo_" + randomHex(t)
	if err := db.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := db.WithContext(ctx).Exec("DROP SCHEMA " + schema + " CASCADE").Error; err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// MySQLURL returns a mysql:// URL naming a database made for this test
// (demo_<random>), dropped at its end, on the server EXAMPLE_MYSQL_URL
// names, DefaultMySQLURL by default. When that server does not answer
// within testdb.ConnectTimeout, the test is skipped, saying so, or fails
// when CI or EXAMPLE_MYSQL_URL is set.
func MySQLURL(t testing.TB) string {
	t.Helper()
	base := mysqlServer.DSN()
	u, err := url.Parse(base)
	must(t, err, "EXAMPLE_MYSQL_URL")
	dsn, err := demo.MySQLDSN(base)
	must(t, err, "EXAMPLE_MYSQL_URL")
	db, err := gorm.Open(mysql.Open(dsn), &gorm.Config{Logger: logger.Discard, DisableAutomaticPing: true})
	must(t, err, "open MySQL")
	sqlDB, err := db.DB()
	must(t, err, "sql.DB")
	t.Cleanup(func() { sqlDB.Close() })
	mysqlServer.Require(t, sqlDB, u.Host)
	name := "demo_" + randomHex(t)
	if err := db.Exec("CREATE DATABASE " + name).Error; err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		if err := db.Exec("DROP DATABASE " + name).Error; err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

func randomHex(t testing.TB) string {
	b := make([]byte, 6)
	_, err := rand.Read(b)
	must(t, err, "random")
	return hex.EncodeToString(b)
}

// must fails t with err.
func must(t testing.TB, err error, what string, args ...any) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", fmt.Sprintf(what, args...), err)
	}
}
