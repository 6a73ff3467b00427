package demo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/glebarez/sqlite"
	"github.com/go-sql-driver/mysql"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/gormstore"
)

// Backend kinds, as Backend.Kind names them.
const (
	KindMemory   = "memory"
	KindSQLite   = "sqlite"
	KindPostgres = "postgres"
	KindMySQL    = "mysql"
)

// Backend is the opened storage: the OAuth store and, except for memory,
// the database it lives in (which also holds the demo's users table).
type Backend struct {
	Kind  string
	Store core.Store
	// DB is nil for KindMemory.
	DB *gorm.DB
}

// Close closes the database connections.
func (b *Backend) Close() error {
	if b.DB == nil {
		return nil
	}
	sqlDB, err := b.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// OpenBackend opens the store databaseURL names (see Config.DatabaseURL)
// and migrates its tables, the demo's users table included, with
// gormstore's Migrate: safe when several replicas start at once. Errors
// never hold the URL, which may hold a password.
func OpenBackend(ctx context.Context, databaseURL string) (*Backend, error) {
	kind, dialector, err := Dialector(databaseURL)
	if err != nil {
		return nil, err
	}
	if kind == KindMemory {
		return &Backend{Kind: kind, Store: memstore.New()}, nil
	}
	db, err := gorm.Open(dialector, &gorm.Config{
		// The default logger prints slow statements with their values,
		// which may be tokens.
		Logger: logger.Discard,
	})
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	b := &Backend{Kind: kind, DB: db}
	store := gormstore.New(db)
	if err := store.Migrate(ctx, &userRow{}); err != nil {
		b.Close()
		return nil, fmt.Errorf("migrate %s database: %w", kind, err)
	}
	b.Store = store
	return b, nil
}

// Dialector returns the kind of store databaseURL names and, for a SQL
// database, its GORM dialector:
//
//   - "memory": the in-memory store (no dialector);
//   - postgres://… or postgresql://…: PostgreSQL, the URL given to pgx;
//   - mysql://… or mariadb://…: MySQL or MariaDB (see MySQLDSN);
//   - anything else (file:… or a path): SQLite, with WAL, a busy timeout
//     and immediate transactions added to the DSN.
func Dialector(databaseURL string) (kind string, d gorm.Dialector, err error) {
	scheme, _, _ := strings.Cut(databaseURL, "://")
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return KindPostgres, postgres.Open(databaseURL), nil
	case "mysql", "mariadb":
		dsn, err := MySQLDSN(databaseURL)
		if err != nil {
			return "", nil, err
		}
		return KindMySQL, gormmysql.Open(dsn), nil
	}
	if databaseURL == "memory" {
		return KindMemory, nil, nil
	}
	if databaseURL == "" {
		return "", nil, errors.New("DATABASE_URL is empty")
	}
	return KindSQLite, sqlite.Open(SQLiteDSN(databaseURL)), nil
}

// SQLiteDSN adds the pragmas a concurrent server needs to a SQLite DSN (a
// path or a file: URI): WAL, a busy timeout of 5 s and BEGIN IMMEDIATE
// transactions, so concurrent writers wait instead of failing.
func SQLiteDSN(dsn string) string {
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)&_txlock=immediate"
}

// MySQLDSN converts mysql://user:password@host:port/dbname?param=value (or
// mariadb://…) to the DSN of github.com/go-sql-driver/mysql, with
// parseTime=true (the store keeps times) and, unless the URL sets loc,
// loc=UTC. The port defaults to 3306; the query's parameters are kept. Errors never hold the password.
func MySQLDSN(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", errors.New("DATABASE_URL is not a valid mysql:// URL")
	}
	if u.Host == "" {
		return "", errors.New("DATABASE_URL mysql://… needs a host")
	}
	// Let the driver read the query's parameters, as it would from a DSN.
	q := u.Query()
	q.Del("parseTime")
	if !q.Has("loc") {
		q.Set("loc", "UTC")
	}
	cfg, err := mysql.ParseDSN("/?" + q.Encode())
	if err != nil {
		return "", fmt.Errorf("DATABASE_URL mysql://… parameters: %w", err)
	}
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.Net = "tcp"
	cfg.Addr = u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.DBName = strings.TrimPrefix(u.Path, "/")
	cfg.ParseTime = true
	return cfg.FormatDSN(), nil
}
