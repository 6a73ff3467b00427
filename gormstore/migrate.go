package gormstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// defaultMigrateWait bounds how long Migrate waits while another process
// migrates (see Migrate).
const defaultMigrateWait = time.Minute

// releaseTimeout bounds the release of the MySQL migration lock, which runs
// even when the migration's context is done.
const releaseTimeout = 10 * time.Second

// withMigrationLock runs migrate under the migration lock of the store's
// table prefix, on one connection that holds the lock from before migrate
// starts until after it returns (advisory locks belong to a session, so
// the lock and the migration must share one):
//
//   - PostgreSQL: a transaction that first takes pg_advisory_xact_lock,
//     waiting at most s.migrateWait (lock_timeout, set for this transaction
//     only, so it also bounds the locks migrate's DDL waits for). The lock
//     ends with the transaction: at commit, at rollback after an error or a
//     panic or when ctx is done (database/sql rolls back without ctx), and
//     when the connection ends. Advisory locks are per database.
//   - MySQL, MariaDB: GET_LOCK on one connection, waiting at most
//     s.migrateWait; migrate runs on that connection, and then RELEASE_LOCK,
//     also after an error or a panic, under a context of its own (ctx may
//     be done). When the release fails, the connection is dead (the driver
//     closes it when a statement's ctx is done) and the server ends its
//     session, and with it the lock, once the statement it was running, if
//     any, ends. The lock's name holds the database's, as PostgreSQL's
//     locks are per database.
//   - SQLite: a transaction whose first statement creates a scratch table
//     (dropped before the commit, so never seen): that write takes SQLite's
//     one write lock before anything is read, so migrations run one after
//     the other, and a rollback or the connection's end releases it. A
//     waiting migration waits as long as the connection's busy timeout (the
//     DSN's busy_timeout; without one it fails at once with "database is
//     locked").
//
// Other databases get no lock. Errors are not wrapped.
func (s *Store) withMigrationLock(ctx context.Context, migrate func(db *gorm.DB) error) error {
	db := s.db.WithContext(ctx)
	switch db.Dialector.Name() {
	case "postgres":
		return db.Transaction(func(tx *gorm.DB) error {
			timeout := fmt.Sprint(s.migrateWait.Milliseconds())
			if err := tx.Exec("SELECT set_config('lock_timeout', ?, true)", timeout).Error; err != nil {
				return err
			}
			if err := tx.Exec("SELECT pg_advisory_xact_lock(?)", s.migrationLockKey()).Error; err != nil {
				return fmt.Errorf("wait for the migration lock (at most %v): %w", s.migrateWait, err)
			}
			return migrate(tx)
		})
	case "mysql":
		return db.Connection(func(conn *gorm.DB) (err error) {
			// A new session per statement: conn itself would keep the
			// first error (a cancelled migration's) for the release too.
			conn = conn.Session(&gorm.Session{})
			const name = "SHA1(CONCAT_WS(' ', 'gormstore migrate', DATABASE(), ?))" // at most 64 characters
			var got sql.NullInt64
			if err := conn.Raw("SELECT GET_LOCK("+name+", ?)", s.prefix, s.migrateWait.Seconds()).Scan(&got).Error; err != nil {
				return fmt.Errorf("wait for the migration lock: %w", err)
			}
			switch {
			case !got.Valid:
				return errors.New("wait for the migration lock: GET_LOCK failed")
			case got.Int64 != 1:
				return fmt.Errorf("wait for the migration lock: another migration held it for more than %v", s.migrateWait)
			}
			defer func() {
				rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTimeout)
				defer cancel()
				var released sql.NullInt64
				if rerr := conn.WithContext(rctx).Raw("SELECT RELEASE_LOCK("+name+")", s.prefix).Scan(&released).Error; rerr != nil {
					err = errors.Join(err, fmt.Errorf("release the migration lock: %w", rerr))
				}
			}()
			return migrate(conn)
		})
	case "sqlite":
		return db.Transaction(func(tx *gorm.DB) error {
			lock := clause.Table{Name: s.prefix + "migrate_lock"}
			if err := tx.Exec("CREATE TABLE ? (id INTEGER)", lock).Error; err != nil {
				return fmt.Errorf("wait for the migration lock: %w", err)
			}
			if err := migrate(tx); err != nil {
				return err
			}
			return tx.Exec("DROP TABLE ?", lock).Error
		})
	}
	return migrate(db)
}

// migrationLockKey is the PostgreSQL advisory lock key of the store's
// migrations: the first 8 bytes of a SHA-256 of the table prefix.
func (s *Store) migrationLockKey() int64 {
	sum := sha256.Sum256([]byte("gormstore migrate " + s.prefix))
	return int64(binary.BigEndian.Uint64(sum[:8]))
}
