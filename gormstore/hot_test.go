package gormstore

import (
	"errors"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/storetest"
)

// otherDialect is SQLite under a name the store has no fixed SQL for.
type otherDialect struct{ gorm.Dialector }

func (otherDialect) Name() string { return "other" }

// With a dialect it has no fixed SQL for, the store runs every statement
// through GORM, and keeps the whole contract.
func TestConformanceThroughGORM(t *testing.T) {
	sqlDB, err := newSQLite(t).open(t).DB()
	must(t, "DB", err)
	db, err := gorm.Open(otherDialect{sqlite.Dialector{Conn: sqlDB}}, gormConfig())
	must(t, "open", err)
	s := New(db)
	if s.hot != nil {
		t.Fatal("the store built fixed SQL for an unknown dialect")
	}
	must(t, "Migrate", s.Migrate(t.Context()))
	storetest.Run(t, func(t *testing.T) core.Store {
		emptyStore(t, s)
		return s
	})
}

// A nonce recorded by the fixed SQL is the very row GORM writes, and the
// other way round: a store of this version and one that runs every
// statement through GORM (an older one, say) refuse each other's replays.
func TestNonceRowSameAsGORM(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		if s.hot == nil {
			t.Fatal("no fixed SQL")
		}
		ctx := t.Context()
		elsewhere := time.FixedZone("UTC-7", -7*3600)
		for _, tc := range []struct {
			name  string
			nonce core.Nonce
		}{
			{"UTC", testNonce("n-utc")},
			{"other zone", core.Nonce{ConsumerKey: "ck", Token: "tok", Nonce: "n-zone", Timestamp: now.Truncate(time.Second).In(elsewhere)}},
			{"no token", core.Nonce{ConsumerKey: "ck", Nonce: "n-notoken", Timestamp: now.Truncate(time.Second)}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				first := nonceModel(tc.nonce)
				inserted, err := s.hot.useNonce(ctx, &first)
				if err != nil || !inserted {
					t.Fatalf("fixed SQL insert = %v, %v; want true, nil", inserted, err)
				}
				again := nonceModel(tc.nonce)
				if inserted, err := s.useNonceGORM(ctx, &again); err != nil || inserted {
					t.Errorf("GORM insert of the same nonce = %v, %v; want false, nil", inserted, err)
				}

				other := tc.nonce
				other.Nonce += "-gorm"
				m := nonceModel(other)
				if inserted, err := s.useNonceGORM(ctx, &m); err != nil || !inserted {
					t.Fatalf("GORM insert = %v, %v; want true, nil", inserted, err)
				}
				if err := s.UseNonce(ctx, other); !errors.Is(err, core.ErrNonceUsed) {
					t.Errorf("UseNonce of the nonce GORM wrote = %v, want ErrNonceUsed", err)
				}
			})
		}
	})
}

// The fixed SQL names columns as GORM's naming strategy does, so tables
// migrated under another strategy serve it too.
func TestNamingStrategy(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		db := d.open(t)
		db.Config.NamingStrategy = schema.NamingStrategy{NoLowerCase: true}
		s := New(db)
		if s.hot == nil {
			t.Fatal("no fixed SQL")
		}
		ctx := t.Context()
		must(t, "Migrate", s.Migrate(ctx))
		if !db.Table(s.TableName(ConsumersTable)).Migrator().HasColumn(&ConsumerModel{}, "CallbackURL") {
			t.Fatal("the naming strategy did not apply: no column CallbackURL")
		}
		must(t, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("ck")))
		must(t, "CreateAccessToken", s.CreateAccessToken(ctx, testAccessToken("at")))
		c, a, err := s.GetConsumerAndAccessToken(ctx, "ck", "at")
		if err != nil || c.CallbackURL != testConsumer("ck").CallbackURL || a.UserID != "alice" {
			t.Errorf("GetConsumerAndAccessToken = %+v, %+v, %v", c, a, err)
		}
		must(t, "UseNonce", s.UseNonce(ctx, testNonce("n")))
		if err := s.UseNonce(ctx, testNonce("n")); !errors.Is(err, core.ErrNonceUsed) {
			t.Errorf("UseNonce again = %v, want ErrNonceUsed", err)
		}
	})
}

// On PostgreSQL through pgx the fixed SQL runs on pgx's own connections
// (see readNative), on the other backends through database/sql; both
// keep the whole contract (storetest, on every backend).
func TestNativeOnPgx(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		h := newTestStore(t, d).hot
		want := d.backend == "postgres"
		for name, st := range map[string]*statement{"consumer": h.consumer, "access token": h.accessToken, "nonce": h.nonce, "generation": h.generation} {
			if st.native != want {
				t.Errorf("%s statement: native = %v, want %v", name, st.native, want)
			}
		}
	})
}
