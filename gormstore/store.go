package gormstore

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/core"
)

var (
	_ core.Store                     = (*Store)(nil)
	_ core.ConsumerAccessTokenGetter = (*Store)(nil)
)

// DefaultTablePrefix is the prefix of the table names unless
// WithTablePrefix sets another.
const DefaultTablePrefix = "oauth1_"

// Store is a core.Store on GORM. It is safe for concurrent use, and any
// number of Stores, in any number of processes, may share one database:
// every guarantee of the core.Store contract is kept by the database.
type Store struct {
	db          *gorm.DB
	hot         *hotSQL // nil: every statement through GORM
	prefix      string
	unlogged    bool
	migrateWait time.Duration
}

// Option configures a Store.
type Option func(*Store)

// WithTablePrefix sets the prefix of the four table names (default
// DefaultTablePrefix, "oauth1_").
func WithTablePrefix(prefix string) Option { return func(s *Store) { s.prefix = prefix } }

// WithUnloggedNonces says whether Migrate makes the nonce table UNLOGGED on
// PostgreSQL (turning an existing table unlogged, or logged again when
// off). On by default: nonces are disposable, and an unlogged table skips
// the write-ahead log and its flush at each commit, which made UseNonce 3
// to 9 times faster in this package's benchmarks (about 0.18 ms a call,
// against 0.5 to 1.7 ms logged, on a small shared machine). The price:
// PostgreSQL empties an unlogged table after a crash and does not
// replicate it, so after a crash or a failover a request seen in the last
// nonce window (a few minutes) could be replayed once.
// WithUnloggedNonces(false) keeps the table logged. Other databases ignore
// the option.
func WithUnloggedNonces(on bool) Option { return func(s *Store) { s.unlogged = on } }

// New returns a Store on db. It creates nothing: call Migrate, or create
// the tables from the exported models yourself. It builds the SQL of the
// statements each request runs (see the package doc, "Statements"),
// without sending anything to the database.
//
// Every statement runs on its own (GORM's default transaction around single
// writes is skipped: one statement is atomic), and statement parameters,
// which hold secrets, are kept out of db's logger.
//
// For MySQL and MariaDB the DSN must set parseTime=true (and should set
// loc=UTC) and must not set clientFoundRows=true.
func New(db *gorm.DB, opts ...Option) *Store {
	s := &Store{prefix: DefaultTablePrefix, unlogged: true, migrateWait: defaultMigrateWait}
	for _, o := range opts {
		o(s)
	}
	s.db = db.Session(&gorm.Session{
		NewDB:                  true,
		SkipDefaultTransaction: true,
		Logger:                 redactLogger{db.Logger},
	})
	s.hot = newHotSQL(s.db, s.prefix)
	return s
}

// redactLogger hides statement parameters (secrets, tokens) from the
// wrapped logger: it logs SQL with placeholders only.
type redactLogger struct{ logger.Interface }

func (l redactLogger) LogMode(level logger.LogLevel) logger.Interface {
	return redactLogger{l.Interface.LogMode(level)}
}

func (redactLogger) ParamsFilter(_ context.Context, sql string, _ ...any) (string, []any) {
	return sql, nil
}

// TableName returns the full name of one of the tables (ConsumersTable,
// RequestTokensTable, AccessTokensTable, NoncesTable or GenerationTable).
func (s *Store) TableName(table string) string { return s.prefix + table }

func (s *Store) table(db *gorm.DB, table string) *gorm.DB { return db.Table(s.prefix + table) }

// Migrate creates the tables, or adds what they lack, with GORM's
// AutoMigrate, and then does the same for models, the application's own
// (e.g. its users table; each names its table as GORM does). On MySQL and
// MariaDB new tables use utf8mb4 with a binary, no-pad collation, so that
// keys and tokens compare exactly; on PostgreSQL Migrate also makes the
// nonce table unlogged or logged as WithUnloggedNonces says.
//
// It is safe to call on every start, from any number of processes at
// once: migrations of one table prefix run one at a time, serialized by
// the database (a PostgreSQL advisory lock, MySQL's GET_LOCK, SQLite's
// single writer), and one that waited finds the tables in place. The lock
// is released on every path, errors, panics and a done ctx included. A
// migration waits for another at most one minute on PostgreSQL, MySQL and
// MariaDB, and as long as the busy timeout of the DSN on SQLite, then
// fails with an error that says so. On PostgreSQL and SQLite a migration
// is one transaction: it happens whole or not at all.
func (s *Store) Migrate(ctx context.Context, models ...any) error {
	err := s.withMigrationLock(ctx, func(db *gorm.DB) error { return s.migrate(db, models) })
	if err != nil {
		return fmt.Errorf("gormstore: migrate: %w", err)
	}
	return nil
}

// migrate is Migrate's work, on db, under the migration lock.
func (s *Store) migrate(db *gorm.DB, models []any) error {
	if db.Dialector.Name() == "mysql" {
		coll, err := mysqlCollation(db)
		if err != nil {
			return err
		}
		// A session, so that the option stays on every statement below
		// and the table of one does not stick to the next.
		db = db.Set("gorm:table_options", "DEFAULT CHARSET=utf8mb4 COLLATE="+coll).Session(&gorm.Session{})
	}
	for _, m := range []struct {
		table string
		model any
	}{
		{ConsumersTable, &ConsumerModel{}},
		{RequestTokensTable, &RequestTokenModel{}},
		{AccessTokensTable, &AccessTokenModel{}},
		{NoncesTable, &NonceModel{}},
		{GenerationTable, &GenerationModel{}},
	} {
		if err := s.table(db, m.table).AutoMigrate(m.model); err != nil {
			return fmt.Errorf("%s: %w", s.prefix+m.table, err)
		}
	}
	for _, m := range models {
		if err := db.AutoMigrate(m); err != nil {
			return fmt.Errorf("%T: %w", m, err)
		}
	}
	if db.Dialector.Name() == "postgres" {
		if err := s.setNoncePersistence(db); err != nil {
			return fmt.Errorf("%s: %w", s.prefix+NoncesTable, err)
		}
	}
	return nil
}

// mysqlCollation picks an exact (binary, no-pad) utf8mb4 collation:
// MariaDB's utf8mb4_nopad_bin or MySQL 8's utf8mb4_0900_bin, and
// utf8mb4_bin (which ignores trailing spaces) where neither exists.
func mysqlCollation(db *gorm.DB) (string, error) {
	var names []string
	err := db.Raw("SELECT collation_name FROM information_schema.collations" +
		" WHERE collation_name IN ('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')" +
		" ORDER BY collation_name DESC").Scan(&names).Error
	if err != nil {
		return "", err
	}
	if len(names) == 0 {
		return "utf8mb4_bin", nil
	}
	return names[0], nil
}

// setNoncePersistence makes the PostgreSQL nonce table unlogged or logged
// as configured, when it is not already.
func (s *Store) setNoncePersistence(db *gorm.DB) error {
	var persistence string
	err := db.Raw("SELECT relpersistence::text FROM pg_class WHERE oid = to_regclass(quote_ident(?))",
		s.prefix+NoncesTable).Scan(&persistence).Error
	if err != nil {
		return err
	}
	want, sql := "p", "ALTER TABLE ? SET LOGGED"
	if s.unlogged {
		want, sql = "u", "ALTER TABLE ? SET UNLOGGED"
	}
	if persistence == want {
		return nil
	}
	return db.Exec(sql, clause.Table{Name: s.prefix + NoncesTable}).Error
}
