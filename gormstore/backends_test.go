package gormstore

// Test databases: a fresh, empty SQLite file, PostgreSQL schema or MariaDB
// database per call, dropped when the test ends. Reusable by every test
// file of the package.
//
//	GORMSTORE_POSTGRES_DSN  default "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"
//	GORMSTORE_MYSQL_DSN     default "root:@tcp(127.0.0.1:3306)/"
//
// An unreachable server skips its tests, saying so, or fails them when CI
// or its variable is set (internal/testdb).

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	mysqldriver "github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/internal/testdb"
)

// The database servers of the tests, at their local defaults unless their
// variables name others.
var (
	postgresServer = testdb.Server{Name: "PostgreSQL", Env: "GORMSTORE_POSTGRES_DSN",
		Default: "host=127.0.0.1 port=5432 user=postgres dbname=test sslmode=disable"}
	mariaDBServer = testdb.Server{Name: "MariaDB", Env: "GORMSTORE_MYSQL_DSN", Default: "root:@tcp(127.0.0.1:3306)/"}
)

// testDatabase is one fresh database of a backend.
type testDatabase struct {
	backend string // "sqlite", "postgres" or "mariadb"
	// addr is the server's host:port; empty for SQLite.
	addr string
	// connect opens a new connection pool on the database, closed when tb
	// ends. A non-empty through (a host:port) replaces the server's
	// address, to connect through a proxy.
	connect func(tb testing.TB, through string) *gorm.DB
}

// open opens a new connection pool on the database.
func (d *testDatabase) open(tb testing.TB) *gorm.DB { return d.connect(tb, "") }

// backends lists the backends by name, each with the function that makes a
// fresh database of it.
var backends = []struct {
	name string
	new  func(tb testing.TB) *testDatabase
}{
	{"sqlite", newSQLite},
	{"postgres", newPostgres},
	{"mariadb", newMariaDB},
}

// forEachBackend runs f in a subtest per backend, each with a fresh
// database.
func forEachBackend(t *testing.T, f func(t *testing.T, d *testDatabase)) {
	t.Helper()
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { f(t, b.new(t)) })
	}
}

// newTestStore returns a migrated store on a new connection pool to d.
func newTestStore(tb testing.TB, d *testDatabase, opts ...Option) *Store {
	tb.Helper()
	s := New(d.open(tb), opts...)
	if err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return s
}

// gormConfig keeps test output quiet: expected failures would be logged.
func gormConfig() *gorm.Config { return &gorm.Config{Logger: logger.Discard} }

// closeOnCleanup closes db's pool when tb ends.
func closeOnCleanup(tb testing.TB, db *gorm.DB) *gorm.DB {
	tb.Helper()
	sqlDB, err := db.DB()
	if err != nil {
		tb.Fatal(err)
	}
	sqlDB.SetMaxOpenConns(16)
	tb.Cleanup(func() { sqlDB.Close() })
	return db
}

// randomName returns a fresh lower-case database or schema name.
func randomName() string {
	return "gormstore_" + strings.ToLower(rand.Text()[:12])
}

func newSQLite(tb testing.TB) *testDatabase {
	path := filepath.Join(tb.TempDir(), "oauth.db")
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"
	return &testDatabase{
		backend: "sqlite",
		connect: func(tb testing.TB, _ string) *gorm.DB {
			db, err := gorm.Open(sqlite.Open(dsn), gormConfig())
			if err != nil {
				tb.Fatalf("open SQLite: %v", err)
			}
			return closeOnCleanup(tb, db)
		},
	}
}

func newPostgres(tb testing.TB) *testDatabase {
	tb.Helper()
	cfg, err := pgx.ParseConfig(postgresServer.DSN())
	if err != nil {
		tb.Fatalf("GORMSTORE_POSTGRES_DSN: %v", err)
	}
	admin := stdlib.OpenDB(*cfg)
	tb.Cleanup(func() { admin.Close() })
	addr := net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	postgresServer.Require(tb, admin, addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	schema := randomName()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		tb.Fatalf("create schema: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return &testDatabase{
		backend: "postgres",
		addr:    addr,
		connect: func(tb testing.TB, through string) *gorm.DB {
			c := cfg.Copy()
			c.RuntimeParams["search_path"] = schema
			if through != "" {
				host, port, _ := net.SplitHostPort(through)
				p, _ := strconv.Atoi(port)
				c.Host, c.Port, c.Fallbacks = host, uint16(p), nil
			}
			db, err := gorm.Open(postgres.New(postgres.Config{Conn: stdlib.OpenDB(*c)}), gormConfig())
			if err != nil {
				tb.Fatalf("open PostgreSQL: %v", err)
			}
			return closeOnCleanup(tb, db)
		},
	}
}

func newMariaDB(tb testing.TB) *testDatabase {
	tb.Helper()
	cfg, err := mysqldriver.ParseDSN(mariaDBServer.DSN())
	if err != nil {
		tb.Fatalf("GORMSTORE_MYSQL_DSN: %v", err)
	}
	cfg.ParseTime, cfg.Loc = true, time.UTC
	adminCfg := cfg.Clone()
	adminCfg.DBName = ""
	admin, err := sql.Open("mysql", adminCfg.FormatDSN())
	if err != nil {
		tb.Fatalf("open MariaDB: %v", err)
	}
	tb.Cleanup(func() { admin.Close() })
	mariaDBServer.Require(tb, admin, cfg.Addr)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	name := randomName()
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("create database: %v", err)
	}
	tb.Cleanup(func() {
		if _, err := admin.Exec("DROP DATABASE " + name); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
	})
	return &testDatabase{
		backend: "mariadb",
		addr:    cfg.Addr,
		connect: func(tb testing.TB, through string) *gorm.DB {
			c := cfg.Clone()
			c.DBName = name
			if through != "" {
				c.Addr = through
			}
			db, err := gorm.Open(mysql.New(mysql.Config{DSN: c.FormatDSN()}), gormConfig())
			if err != nil {
				tb.Fatalf("open MariaDB: %v", err)
			}
			return closeOnCleanup(tb, db)
		},
	}
}
