package gormstore

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"gorm.io/gorm"

	"github.com/go-oauth1/provider/core"
)

// Nonce values are kept exactly, whatever their length: case and trailing
// spaces count (the collation), and values longer than their column are
// stored as their SHA-256, still distinct.
func TestNonceValues(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		long := strings.Repeat("x", 300)
		base := testNonce("n2")
		// Each differs from base in one value, so each is new.
		distinct := []core.Nonce{base}
		for _, change := range []func(n *core.Nonce){
			func(n *core.Nonce) { n.Nonce = "N2" },  // case
			func(n *core.Nonce) { n.Nonce = "n2 " }, // trailing space
			func(n *core.Nonce) { n.Nonce = long + "a" },
			func(n *core.Nonce) { n.Nonce = long + "b" },
			func(n *core.Nonce) { n.Token = long },
			func(n *core.Nonce) { n.ConsumerKey = long },
		} {
			n := base
			change(&n)
			distinct = append(distinct, n)
		}
		for _, n := range distinct {
			if err := s.UseNonce(ctx, n); err != nil {
				t.Errorf("UseNonce(%.40q…): %v", n.Nonce, err)
			}
		}
		for _, n := range distinct {
			if err := s.UseNonce(ctx, n); !errors.Is(err, core.ErrNonceUsed) {
				t.Errorf("UseNonce(%.40q…) again = %v, want ErrNonceUsed", n.Nonce, err)
			}
		}
	})
}

// Keys and tokens compare exactly: case and trailing spaces count. Text
// keeps any UTF-8, 4-byte characters included (utf8mb4 on MySQL).
func TestKeysAreExact(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		c := testConsumer("key")
		c.Name = "Clé 🔑"
		must(t, "CreateConsumer", s.CreateConsumer(ctx, c))
		if got, err := s.GetConsumer(ctx, "key"); err != nil || got.Name != c.Name {
			t.Errorf("GetConsumer(key) = %+v, %v; want the name %q", got, err, c.Name)
		}
		must(t, "CreateConsumer(KEY)", s.CreateConsumer(ctx, testConsumer("KEY")))
		must(t, "CreateAccessToken", s.CreateAccessToken(ctx, testAccessToken("tok")))
		for _, key := range []string{"Key", "key ", "ké"} {
			if _, err := s.GetConsumer(ctx, key); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("GetConsumer(%q) = %v, want ErrNotFound", key, err)
			}
		}
		for _, token := range []string{"TOK", "tok "} {
			if _, err := s.GetAccessToken(ctx, token); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("GetAccessToken(%q) = %v, want ErrNotFound", token, err)
			}
		}
		got, err := s.GetConsumer(ctx, "KEY")
		must(t, "GetConsumer(KEY)", err)
		if got.Secret != "KEY-secret" {
			t.Errorf("GetConsumer(KEY) returned %q's record", got.Key)
		}
	})
}

// Migrate twice changes nothing the second time and keeps the data. (On
// SQLite it creates and drops its lock table, in a transaction.)
func TestMigrateIdempotent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		rec := &sqlRecorder{}
		db := d.open(t).Session(&gorm.Session{Logger: rec})
		s := New(db)
		ctx := t.Context()
		must(t, "Migrate", s.Migrate(ctx))
		must(t, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("ck")))
		rec.take()
		must(t, "Migrate (again)", s.Migrate(ctx))
		sqliteLock := map[string]bool{"CREATE TABLE `oauth1_migrate_lock` (id INTEGER)": true, "DROP TABLE `oauth1_migrate_lock`": true}
		for _, sql := range rec.take() {
			u := strings.ToUpper(strings.TrimSpace(sql))
			if !strings.HasPrefix(u, "SELECT") && !sqliteLock[sql] {
				t.Errorf("second Migrate ran %s", sql)
			}
		}
		if _, err := s.GetConsumer(ctx, "ck"); err != nil {
			t.Errorf("GetConsumer after Migrate: %v", err)
		}
	})
}

// tablesAndIndexes lists the tables and indexes of db's database (schema
// on PostgreSQL), except those the database names itself (SQLite's
// autoindexes, MySQL's PRIMARY).
func tablesAndIndexes(tb testing.TB, db *gorm.DB) []string {
	tb.Helper()
	query := map[string]string{
		"sqlite": "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
		"postgres": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()" +
			" UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()",
		"mysql": "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()" +
			" UNION SELECT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name <> 'PRIMARY'",
	}[db.Dialector.Name()]
	var names []string
	must(tb, "list tables and indexes", db.Raw(query).Scan(&names).Error)
	return names
}

// storeModels pairs each table with its model, as an application's own
// migration would.
var storeModels = []struct {
	table string
	model any
}{
	{ConsumersTable, &ConsumerModel{}},
	{RequestTokensTable, &RequestTokenModel{}},
	{AccessTokensTable, &AccessTokenModel{}},
	{NoncesTable, &NonceModel{}},
	{GenerationTable, &GenerationModel{}},
}

// WithTablePrefix holds everywhere: Migrate, and an application's own
// AutoMigrate of the models under the store's names, create the four
// prefixed tables, indexes named after them, and nothing else; a model
// migrated without the store's name takes no store's table; and the store
// then works on its tables.
func TestTablePrefix(t *testing.T) {
	for _, b := range backends {
		for _, tc := range []struct {
			name    string
			migrate func(ctx context.Context, db *gorm.DB, s *Store) error
		}{
			{"Migrate", func(ctx context.Context, _ *gorm.DB, s *Store) error { return s.Migrate(ctx) }},
			{"own AutoMigrate", func(ctx context.Context, db *gorm.DB, s *Store) error {
				for _, m := range storeModels {
					if err := db.WithContext(ctx).Table(s.TableName(m.table)).AutoMigrate(m.model); err != nil {
						return err
					}
				}
				return nil
			}},
		} {
			t.Run(b.name+"/"+tc.name, func(t *testing.T) {
				db := b.new(t).open(t)
				ctx := t.Context()
				s := New(db, WithTablePrefix("x_"))
				must(t, tc.name, tc.migrate(ctx, db, s))
				var tables []string
				for _, name := range tablesAndIndexes(t, db) {
					if !strings.HasPrefix(strings.TrimPrefix(name, "idx_"), "x_") {
						t.Errorf("%s made %q, which is not named after an x_ table", tc.name, name)
					}
					if db.Migrator().HasTable(name) {
						tables = append(tables, name)
					}
				}
				slices.Sort(tables)
				if want := []string{"x_access_tokens", "x_consumers", "x_generation", "x_nonces", "x_request_tokens"}; !slices.Equal(tables, want) {
					t.Errorf("tables %q, want %q", tables, want)
				}

				// GORM's own name for a model is none of a store's.
				for _, m := range storeModels {
					must(t, "AutoMigrate without a name", db.AutoMigrate(m.model))
					if name := DefaultTablePrefix + m.table; db.Migrator().HasTable(name) {
						t.Errorf("AutoMigrate(%T) made %s, the default store's table", m.model, name)
					}
				}

				must(t, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("ck")))
				must(t, "CreateAccessToken", s.CreateAccessToken(ctx, testAccessToken("at")))
				if _, _, err := s.GetConsumerAndAccessToken(ctx, "ck", "at"); err != nil {
					t.Errorf("GetConsumerAndAccessToken: %v", err)
				}
				must(t, "UseNonce", s.UseNonce(ctx, testNonce("n")))
				if err := s.UseNonce(ctx, testNonce("n")); !errors.Is(err, core.ErrNonceUsed) {
					t.Errorf("UseNonce again = %v, want ErrNonceUsed", err)
				}
			})
		}
	}
}

// Two prefixes in one database keep their records apart.
func TestTablePrefixesApart(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		db := d.open(t)
		ctx := t.Context()
		def, custom := New(db), New(db, WithTablePrefix("oauth_"))
		must(t, "Migrate", def.Migrate(ctx))
		must(t, "Migrate(oauth_)", custom.Migrate(ctx))
		if got := custom.TableName(NoncesTable); got != "oauth_nonces" {
			t.Errorf("TableName(NoncesTable) = %q", got)
		}
		must(t, "CreateConsumer", custom.CreateConsumer(ctx, testConsumer("ck")))
		must(t, "UseNonce", custom.UseNonce(ctx, testNonce("n")))
		if _, err := def.GetConsumer(ctx, "ck"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("consumer of oauth_ tables found in oauth1_ tables: %v", err)
		}
		must(t, "UseNonce(other tables)", def.UseNonce(ctx, testNonce("n")))
	})
}

func TestUnloggedNonces(t *testing.T) {
	d := newPostgres(t)
	db := d.open(t)
	persistence := func() string {
		var p string
		must(t, "pg_class", db.Raw("SELECT relpersistence::text FROM pg_class WHERE oid = to_regclass('oauth1_nonces')").Scan(&p).Error)
		return p
	}
	for _, tc := range []struct {
		unlogged bool
		want     string
	}{{true, "u"}, {true, "u"}, {false, "p"}, {false, "p"}, {true, "u"}} {
		opts := []Option{WithUnloggedNonces(tc.unlogged)}
		if tc.unlogged {
			opts = nil // the default
		}
		must(t, "Migrate", New(db, opts...).Migrate(t.Context()))
		if got := persistence(); got != tc.want {
			t.Errorf("WithUnloggedNonces(%v): relpersistence = %q, want %q", tc.unlogged, got, tc.want)
		}
	}
}

// Errors of the database reach the caller wrapped, never as a sentinel
// (above all not as ErrNotFound) and never as nil.
func TestDatabaseErrorsAreWrapped(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		db := d.open(t)
		s := New(db)
		must(t, "Migrate", s.Migrate(t.Context()))
		cancelled, cancel := context.WithCancel(t.Context())
		cancel()
		for _, c := range allCalls() {
			err := c.call(cancelled, s)
			if !errors.Is(err, context.Canceled) || isSentinel(err) || !strings.HasPrefix(err.Error(), "gormstore: ") {
				t.Errorf("%s(cancelled ctx) = %v, want a wrapped context.Canceled", c.name, err)
			}
		}
		sqlDB, err := db.DB()
		must(t, "DB", err)
		sqlDB.Close()
		for _, c := range allCalls() {
			err := c.call(t.Context(), s)
			if err == nil || isSentinel(err) || !strings.HasPrefix(err.Error(), "gormstore: ") {
				t.Errorf("%s(closed database) = %v, want a wrapped database error", c.name, err)
			}
		}
	})
}

// Statement parameters (secrets, tokens) never reach the GORM logger.
func TestLogsHoldNoSecrets(t *testing.T) {
	rec := &sqlRecorder{}
	s := New(newSQLite(t).open(t).Session(&gorm.Session{Logger: rec}))
	ctx := t.Context()
	must(t, "Migrate", s.Migrate(ctx))
	c := testConsumer("ck")
	c.Secret = "s3cret-value"
	must(t, "CreateConsumer", s.CreateConsumer(ctx, c))
	_, err := s.GetConsumer(ctx, "ck")
	must(t, "GetConsumer", err)
	authorizedToken(t, s, "rt-value")
	must(t, "ConsumeRequestToken", s.ConsumeRequestToken(ctx, "rt-value", testAccessToken("at-value")))
	logged := rec.take()
	if !strings.Contains(strings.Join(logged, "\n"), "INSERT INTO `oauth1_access_tokens`") {
		t.Fatalf("the access token's INSERT was not logged: %q", logged)
	}
	for _, sql := range logged {
		for _, secret := range []string{"s3cret-value", "rt-value", "at-value"} {
			if strings.Contains(sql, secret) {
				t.Errorf("logged %q", sql)
			}
		}
	}
}
