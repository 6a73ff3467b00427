package demo

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

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

// connMaxIdleTime is how long an idle connection of the pool is kept.
const connMaxIdleTime = 5 * time.Minute

// OpenBackend opens the store cfg.DatabaseURL names (see
// Config.DatabaseURL), sizes its connection pool (Config.MaxConns) and
// migrates its tables, the demo's users table included, with gormstore's
// Migrate: safe when several replicas start at once. The MySQL driver's
// own messages go to log. Errors never hold the URL, which may hold a
// password.
func OpenBackend(ctx context.Context, cfg Config, log *slog.Logger) (*Backend, error) {
	cfg = cfg.withDefaults()
	kind, dialector, err := Dialector(cfg.DatabaseURL, log)
	if err != nil {
		return nil, err
	}
	if kind == KindMemory {
		return &Backend{Kind: kind, Store: memstore.New()}, nil
	}
	gcfg := &gorm.Config{
		// The default logger prints slow statements with their values,
		// which may be tokens.
		Logger: logger.Discard,
	}
	db, err := gorm.Open(dialector, gcfg)
	// Replicas starting together on a new SQLite file race to switch it to
	// WAL, and SQLite answers that switch SQLITE_BUSY at once, without its
	// busy timeout: try again for up to 5 s.
	for try := 0; err != nil && kind == KindSQLite && strings.Contains(err.Error(), "SQLITE_BUSY") && try < 50; try++ {
		time.Sleep(100 * time.Millisecond)
		db, err = gorm.Open(dialector, gcfg)
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("open %s database: no answer within the connect timeout: %w", kind, err)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", kind, err)
	}
	b := &Backend{Kind: kind, DB: db}
	sqlDB, err := db.DB()
	if err != nil {
		b.Close()
		return nil, err
	}
	// As many idle connections as open ones: with database/sql's default
	// of 2 idle, a busy service opens and closes a connection for most
	// requests.
	sqlDB.SetMaxOpenConns(cfg.MaxConns)
	sqlDB.SetMaxIdleConns(cfg.MaxConns)
	sqlDB.SetConnMaxIdleTime(connMaxIdleTime)
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
//   - postgres://… or postgresql://…: PostgreSQL, the URL given to pgx with
//     a connect timeout (see PostgresDSN);
//   - mysql://… or mariadb://…: MySQL or MariaDB (see MySQLDSN), whose
//     driver logs to log (a nil log discards);
//   - file:… or a path: SQLite, with WAL, a busy timeout and immediate
//     transactions added to the DSN;
//   - anything else with "://", or a scheme missing its colon
//     (mysql//…): an error naming DATABASE_URL.
func Dialector(databaseURL string, log *slog.Logger) (kind string, d gorm.Dialector, err error) {
	if kind, err = databaseKind(databaseURL); err != nil {
		return "", nil, err
	}
	switch kind {
	case KindMemory:
		return KindMemory, nil, nil
	case KindPostgres:
		return KindPostgres, postgres.Open(PostgresDSN(databaseURL)), nil
	case KindMySQL:
		cfg, err := mysqlConfig(databaseURL)
		if err != nil {
			return "", nil, err
		}
		// The driver's own log (a connection lost, a bad packet) goes to
		// slog through this connector's Logger, not to its default, which
		// writes to stderr. Per connector rather than the process-wide
		// mysql.SetLogger: nothing global to set, and each App logs to its
		// own logger.
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		cfg.Logger = mysqlLog{log}
		conn, err := mysql.NewConnector(cfg)
		if err != nil {
			return "", nil, fmt.Errorf("DATABASE_URL mysql://… parameters: %w", err)
		}
		conn = connectTimeout{conn, cfg.Timeout}
		// GORM closes the pool if it cannot start on it.
		return KindMySQL, gormmysql.New(gormmysql.Config{Conn: sql.OpenDB(conn), DSNConfig: cfg}), nil
	}
	return KindSQLite, sqlite.Open(SQLiteDSN(databaseURL)), nil
}

// connectTimeout bounds the whole opening of a MySQL connection (dial,
// TLS, handshake, authentication) by the URL's timeout, as PostgreSQL's
// connect_timeout bounds pgx's. The driver's own timeout covers the dial
// only, so a server that accepts connections and never answers would hold
// each one for readTimeout (IOTimeout, 30 s), and the start with it.
type connectTimeout struct {
	driver.Connector
	timeout time.Duration
}

// Connect implements driver.Connector.
func (c connectTimeout) Connect(ctx context.Context) (driver.Conn, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	return c.Connector.Connect(ctx)
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

// ConnectTimeout bounds the opening of a database connection, unless the
// URL sets its own (PostgreSQL connect_timeout, MySQL timeout): a
// database that is down fails a request in seconds instead of the
// operating system's minutes.
const ConnectTimeout = 5 * time.Second

// IOTimeout is the MySQL driver's readTimeout and writeTimeout, unless the
// URL sets them: no read or write on a connection waits longer, whatever
// the context says (migrations and the janitor have no other deadline).
const IOTimeout = 30 * time.Second

// PostgresDSN adds connect_timeout (ConnectTimeout) to a postgres:// URL
// that sets none. A URL that does not parse is returned as it is.
func PostgresDSN(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return databaseURL
	}
	q := u.Query()
	if q.Has("connect_timeout") {
		return databaseURL
	}
	q.Set("connect_timeout", strconv.Itoa(int(ConnectTimeout/time.Second)))
	u.RawQuery = q.Encode()
	return u.String()
}

// mysqlLog hands the MySQL driver's messages to slog.
type mysqlLog struct{ log *slog.Logger }

// Print implements mysql.Logger.
func (l mysqlLog) Print(v ...any) {
	l.log.Warn("mysql driver", "detail", fmt.Sprint(v...))
}

// MySQLDSN converts mysql://user:password@host:port/dbname?param=value (or
// mariadb://…) to the DSN of github.com/go-sql-driver/mysql, with
// parseTime=true (the store keeps times) and, unless the URL sets them,
// loc=UTC, timeout=ConnectTimeout, and readTimeout and writeTimeout of
// IOTimeout. The port defaults to 3306; the query's parameters are kept.
// Errors never hold the password.
func MySQLDSN(rawURL string) (string, error) {
	cfg, err := mysqlConfig(rawURL)
	if err != nil {
		return "", err
	}
	return cfg.FormatDSN(), nil
}

// mysqlConfig is MySQLDSN's configuration of the driver.
func mysqlConfig(rawURL string) (*mysql.Config, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("DATABASE_URL is not a valid mysql:// URL")
	}
	if u.Host == "" {
		return nil, errors.New("DATABASE_URL mysql://… needs a host")
	}
	// Let the driver read the query's parameters, as it would from a DSN.
	q := u.Query()
	q.Del("parseTime")
	defaults := map[string]string{
		"loc":          "UTC",
		"timeout":      ConnectTimeout.String(),
		"readTimeout":  IOTimeout.String(),
		"writeTimeout": IOTimeout.String(),
	}
	for k, v := range defaults {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	cfg, err := mysql.ParseDSN("/?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("DATABASE_URL mysql://… parameters: %w", err)
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
	return cfg, nil
}
