package gormstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/go-oauth1/provider/core/storetest"
)

// appUser is a table of the application's own, migrated with the store's.
type appUser struct {
	Name string `gorm:"primaryKey;size:64"`
}

func (appUser) TableName() string { return "app_users" }

// Migrations started together from many processes on a fresh database all
// succeed, the application's own models included, and leave working
// tables. Each round is a fresh database; the rounds are many enough to
// catch a race that loses most of the time.
func TestMigrateConcurrently(t *testing.T) {
	const migrators, rounds = 8, 10
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			for round := range rounds {
				t.Run(fmt.Sprint("round", round), func(t *testing.T) {
					d := b.new(t)
					stores := make([]*Store, migrators) // one pool each, as processes have
					for i := range stores {
						stores[i] = New(d.open(t))
					}
					errs := storetest.Race(migrators, func(i int) error { return stores[i].Migrate(t.Context(), &appUser{}) })
					for i, err := range errs {
						if err != nil {
							t.Errorf("Migrate %d: %v", i, err)
						}
					}
					must(t, "UseNonce", stores[0].UseNonce(t.Context(), testNonce("n")))
					must(t, "insert app user", stores[0].db.Create(&appUser{Name: "alice"}).Error)
				})
			}
		})
	}
}

// The migration lock is released on every path: after a failed migration,
// a panic, and a context cancelled mid-migration, another process's
// Migrate gets it (it would wait, and fail, if the lock leaked), and the
// failed store migrates again.
func TestMigrationLockReleased(t *testing.T) {
	boom := errors.New("boom")
	tests := []struct {
		name    string
		migrate func(db *gorm.DB, cancel context.CancelFunc) error
		want    error // nil: any error (drivers tell an interrupted statement differently)
	}{
		{"error", func(*gorm.DB, context.CancelFunc) error { return boom }, boom},
		{"panic", func(*gorm.DB, context.CancelFunc) error { panic(boom) }, boom},
		{"cancelled", func(db *gorm.DB, cancel context.CancelFunc) error {
			cancel()
			return db.Exec("SELECT 1").Error
		}, context.Canceled},
		{"cancelled mid-statement", func(db *gorm.DB, cancel context.CancelFunc) error {
			time.AfterFunc(100*time.Millisecond, cancel)
			return db.Exec(slowQuery[db.Dialector.Name()]).Error
		}, nil},
	}
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				failing, other := New(d.open(t)), New(d.open(t))
				other.migrateWait = 10 * time.Second
				ctx, cancel := context.WithCancel(t.Context())
				defer cancel()
				err := func() (err error) {
					defer func() {
						if v := recover(); v != nil {
							err = v.(error)
						}
					}()
					return failing.withMigrationLock(ctx, func(db *gorm.DB) error { return tt.migrate(db, cancel) })
				}()
				if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
					t.Fatalf("migration = %v, want %v", err, tt.want)
				}
				must(t, "Migrate (other process)", other.Migrate(t.Context()))
				must(t, "Migrate (again)", failing.Migrate(t.Context()))
			})
		}
	})
}

// slowQuery runs for 3 s by dialect (SQLite's until interrupted): long
// after the context is cancelled, and shorter than the other process's
// wait, since MariaDB ends the session of a closed connection only when
// its statement ends (or at its next check, every 5 s in SLEEP).
var slowQuery = map[string]string{
	"postgres": "SELECT pg_sleep(3)",
	"mysql":    "SELECT SLEEP(3)",
	"sqlite":   "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
}

// A migration waits for another at most its bound (on SQLite, the busy
// timeout), then fails saying why; once the other is done, it succeeds.
func TestMigrationLockWaitIsBounded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		ctx := t.Context()
		holder := New(d.open(t))
		waiterDB := d.open(t)
		waiter := New(waiterDB)
		waiter.migrateWait = 200 * time.Millisecond
		if d.backend == "sqlite" {
			sqlDB, err := waiterDB.DB()
			must(t, "DB", err)
			sqlDB.SetMaxOpenConns(1) // the one connection whose busy timeout is set
			must(t, "busy_timeout", waiterDB.Exec("PRAGMA busy_timeout = 200").Error)
		}
		held, release := make(chan struct{}), make(chan struct{})
		done := make(chan error, 1)
		go func() {
			done <- holder.withMigrationLock(ctx, func(*gorm.DB) error {
				close(held)
				<-release
				return nil
			})
		}()
		<-held
		err := waiter.Migrate(ctx)
		close(release)
		must(t, "holder", <-done)
		if err == nil || !strings.Contains(err.Error(), "gormstore: migrate: wait for the migration lock") {
			t.Errorf("Migrate while another migrates = %v, want an error about the migration lock", err)
		}
		// The lock is database-wide: other packages' tests may migrate
		// too, so the second try waits as long as a real start does.
		waiter.migrateWait = defaultMigrateWait
		must(t, "Migrate after the other", waiter.Migrate(ctx))
	})
}
