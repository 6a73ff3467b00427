package gormstore

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/go-oauth1/provider/core"
)

const racers = 32

func TestAuthorizeOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		must(t, "CreateRequestToken", s.CreateRequestToken(ctx, testRequestToken("rt")))
		errs := concurrently(racers, func(i int) error {
			return s.AuthorizeRequestToken(ctx, "rt", "user"+string(rune('A'+i)), "verifier", []string{"read"})
		})
		winner := exactlyOneWins(t, errs, core.ErrConflict)
		got, err := s.GetRequestToken(ctx, "rt")
		must(t, "GetRequestToken", err)
		if want := "user" + string(rune('A'+winner)); got.State != core.StateAuthorized || got.UserID != want {
			t.Errorf("token is %s by %q, want authorized by %q", got.State, got.UserID, want)
		}
		if err := s.DenyRequestToken(ctx, "rt"); !errors.Is(err, core.ErrConflict) {
			t.Errorf("DenyRequestToken(authorized) = %v, want ErrConflict", err)
		}
		for name, err := range map[string]error{
			"Authorize": s.AuthorizeRequestToken(ctx, "nope", "u", "v", nil),
			"Deny":      s.DenyRequestToken(ctx, "nope"),
			"Consume":   s.ConsumeRequestToken(ctx, "nope", testAccessToken("x")),
		} {
			if !errors.Is(err, core.ErrNotFound) {
				t.Errorf("%s(unknown) = %v, want ErrNotFound", name, err)
			}
		}
	})
}

func TestDenyOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		must(t, "CreateRequestToken", s.CreateRequestToken(ctx, testRequestToken("rt")))
		errs := concurrently(racers, func(i int) error {
			if i%2 == 0 {
				return s.DenyRequestToken(ctx, "rt")
			}
			return s.AuthorizeRequestToken(ctx, "rt", "alice", "v", nil)
		})
		winner := exactlyOneWins(t, errs, core.ErrConflict)
		got, err := s.GetRequestToken(ctx, "rt")
		must(t, "GetRequestToken", err)
		want := core.StateDenied
		if winner%2 == 1 {
			want = core.StateAuthorized
		}
		if got.State != want {
			t.Errorf("state = %s, want %s (winner %d)", got.State, want, winner)
		}
	})
}

func TestConsumeOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		authorizedToken(t, s, "rt")
		errs := concurrently(racers, func(i int) error {
			return s.ConsumeRequestToken(ctx, "rt", testAccessToken("at"+string(rune('A'+i))))
		})
		exactlyOneWins(t, errs, core.ErrConflict)
		tokens, err := s.ListAccessTokens(ctx, "alice")
		must(t, "ListAccessTokens", err)
		if len(tokens) != 1 {
			t.Errorf("%d access tokens, want 1", len(tokens))
		}
		got, err := s.GetRequestToken(ctx, "rt")
		must(t, "GetRequestToken", err)
		if got.State != core.StateUsed {
			t.Errorf("state = %s, want used", got.State)
		}
	})
}

// A failed insert of the access token rolls the consume back.
func TestConsumeRollsBack(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		authorizedToken(t, s, "rt")
		must(t, "CreateAccessToken", s.CreateAccessToken(ctx, testAccessToken("taken")))
		if err := s.ConsumeRequestToken(ctx, "rt", testAccessToken("taken")); !errors.Is(err, core.ErrDuplicate) {
			t.Fatalf("ConsumeRequestToken(duplicate access token) = %v, want ErrDuplicate", err)
		}
		got, err := s.GetRequestToken(ctx, "rt")
		must(t, "GetRequestToken", err)
		if got.State != core.StateAuthorized {
			t.Fatalf("state after failed consume = %s, want authorized", got.State)
		}
		must(t, "ConsumeRequestToken", s.ConsumeRequestToken(ctx, "rt", testAccessToken("fresh")))
		if _, err := s.GetAccessToken(ctx, "fresh"); err != nil {
			t.Errorf("GetAccessToken(fresh): %v", err)
		}
	})
}

func TestNonceOnce(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		errs := concurrently(racers, func(int) error { return s.UseNonce(ctx, testNonce("n1")) })
		exactlyOneWins(t, errs, core.ErrNonceUsed)

		long := strings.Repeat("x", 300)
		base := testNonce("n2")
		// Each differs from base (or from the one before) in one part of
		// the nonce's scope, so each is new.
		distinct := []core.Nonce{base}
		for _, change := range []func(n *core.Nonce){
			func(n *core.Nonce) { n.ConsumerKey = "ck2" },
			func(n *core.Nonce) { n.Token = "" },
			func(n *core.Nonce) { n.Token = "tok2" },
			func(n *core.Nonce) { n.Timestamp = n.Timestamp.Add(time.Second) },
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

// Keys and tokens compare exactly: case and trailing spaces count.
func TestKeysAreExact(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		must(t, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("key")))
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

func TestRoundTrip(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		c := testConsumer("ck")
		c.RSAPublicKey = "-----BEGIN PUBLIC KEY-----\nMIIB…\n-----END PUBLIC KEY-----\n"
		must(t, "CreateConsumer", s.CreateConsumer(ctx, c))
		if err := s.CreateConsumer(ctx, testConsumer("ck")); !errors.Is(err, core.ErrDuplicate) {
			t.Errorf("CreateConsumer(again) = %v, want ErrDuplicate", err)
		}
		gotC, err := s.GetConsumer(ctx, "ck")
		must(t, "GetConsumer", err)
		if !reflect.DeepEqual(gotC, c) {
			t.Errorf("GetConsumer:\n got %+v\nwant %+v", gotC, c)
		}

		// A time in another zone comes back as the same instant, in UTC.
		rt := testRequestToken("rt")
		rt.CreatedAt = now.In(time.FixedZone("X", 5*3600+1800))
		must(t, "CreateRequestToken", s.CreateRequestToken(ctx, rt))
		gotR, err := s.GetRequestToken(ctx, "rt")
		must(t, "GetRequestToken", err)
		rt.CreatedAt = now
		if !reflect.DeepEqual(gotR, rt) {
			t.Errorf("GetRequestToken:\n got %+v\nwant %+v", gotR, rt)
		}

		// An access token without expiry, with no scopes.
		at := testAccessToken("at")
		at.ExpiresAt, at.Scopes = time.Time{}, nil
		must(t, "CreateAccessToken", s.CreateAccessToken(ctx, at))
		must(t, "RevokeAccessToken", s.RevokeAccessToken(ctx, "at"))
		must(t, "RevokeAccessToken(again)", s.RevokeAccessToken(ctx, "at"))
		if err := s.RevokeAccessToken(ctx, "nope"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("RevokeAccessToken(unknown) = %v, want ErrNotFound", err)
		}
		gotA, err := s.GetAccessToken(ctx, "at")
		must(t, "GetAccessToken", err)
		at.Revoked = true
		if !reflect.DeepEqual(gotA, at) {
			t.Errorf("GetAccessToken:\n got %+v\nwant %+v", gotA, at)
		}

		// The same records, both in one query: NULL and set expiry alike.
		expiring := testAccessToken("at-expiring")
		must(t, "CreateAccessToken", s.CreateAccessToken(ctx, expiring))
		for _, want := range []*core.AccessToken{at, expiring} {
			bothC, bothA, err := s.GetConsumerAndAccessToken(ctx, "ck", want.Token)
			must(t, "GetConsumerAndAccessToken", err)
			if !reflect.DeepEqual(bothC, c) || !reflect.DeepEqual(bothA, want) {
				t.Errorf("GetConsumerAndAccessToken:\n got %+v, %+v\nwant %+v, %+v", bothC, bothA, c, want)
			}
		}

		list, err := s.ListConsumers(ctx, "nobody")
		if err != nil || list == nil || len(list) != 0 {
			t.Errorf("ListConsumers(nobody) = %#v, %v; want empty, nil", list, err)
		}
		must(t, "DeleteConsumer", s.DeleteConsumer(ctx, "ck"))
		if err := s.DeleteConsumer(ctx, "ck"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("DeleteConsumer(again) = %v, want ErrNotFound", err)
		}
	})
}

func TestDeleteExpiredAndPurge(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		s := newTestStore(t, d)
		ctx := t.Context()
		for name, exp := range map[string]time.Time{"rt-past": now.Add(-time.Microsecond), "rt-now": now, "rt-later": now.Add(time.Microsecond)} {
			rt := testRequestToken(name)
			rt.ExpiresAt = exp
			must(t, "CreateRequestToken", s.CreateRequestToken(ctx, rt))
		}
		for name, exp := range map[string]time.Time{"at-never": {}, "at-now": now, "at-later": now.Add(time.Microsecond)} {
			at := testAccessToken(name)
			at.ExpiresAt = exp
			must(t, "CreateAccessToken", s.CreateAccessToken(ctx, at))
		}
		n, err := s.DeleteExpired(ctx, now.In(time.FixedZone("X", -7*3600)))
		if err != nil || n != 3 {
			t.Errorf("DeleteExpired = %d, %v; want 3, nil", n, err)
		}
		for _, name := range []string{"rt-later"} {
			if _, err := s.GetRequestToken(ctx, name); err != nil {
				t.Errorf("GetRequestToken(%s): %v", name, err)
			}
		}
		for _, name := range []string{"at-never", "at-later"} {
			if _, err := s.GetAccessToken(ctx, name); err != nil {
				t.Errorf("GetAccessToken(%s): %v", name, err)
			}
		}

		before := now.Truncate(time.Second)
		for i, ts := range []time.Time{before.Add(-time.Second), before, before.Add(time.Second)} {
			n := testNonce("n" + string(rune('0'+i)))
			n.Timestamp = ts
			must(t, "UseNonce", s.UseNonce(ctx, n))
		}
		if n, err := s.PurgeNonces(ctx, before); err != nil || n != 1 {
			t.Errorf("PurgeNonces = %d, %v; want 1, nil", n, err)
		}
		if err := s.UseNonce(ctx, testNonce("n1")); !errors.Is(err, core.ErrNonceUsed) {
			t.Errorf("UseNonce(kept nonce) = %v, want ErrNonceUsed", err)
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

func TestTablePrefix(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		db := d.open(t)
		ctx := t.Context()
		def, custom := New(db), New(db, WithTablePrefix("oauth_"))
		must(t, "Migrate", def.Migrate(ctx))
		must(t, "Migrate(oauth_)", custom.Migrate(ctx))
		for _, table := range []string{ConsumersTable, RequestTokensTable, AccessTokensTable, NoncesTable} {
			for _, name := range []string{"oauth1_" + table, "oauth_" + table} {
				if !db.Migrator().HasTable(name) {
					t.Errorf("no table %s", name)
				}
			}
		}
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

func TestJanitor(t *testing.T) {
	d := newSQLite(t)
	s := newTestStore(t, d, WithNonceWindow(time.Minute))
	ctx, cancel := context.WithCancel(t.Context())
	rt := testRequestToken("rt")
	rt.ExpiresAt = now
	must(t, "CreateRequestToken", s.CreateRequestToken(ctx, rt))
	old, fresh := testNonce("old"), testNonce("fresh")
	old.Timestamp = now.Add(-time.Minute - time.Second)
	fresh.Timestamp = now.Add(-time.Minute)
	must(t, "UseNonce", s.UseNonce(ctx, old))
	must(t, "UseNonce", s.UseNonce(ctx, fresh))

	errs := make(chan error, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.RunJanitor(ctx, 5*time.Millisecond, func() time.Time { return now }, func(err error) { errs <- err })
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := s.GetRequestToken(ctx, "rt")
		var oldNonces int64
		must(t, "count nonces", s.db.Table(s.TableName(NoncesTable)).Where("nonce = ?", "old").Count(&oldNonces).Error)
		if errors.Is(err, core.ErrNotFound) && oldNonces == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("janitor did not sweep: GetRequestToken: %v; old nonces: %d", err, oldNonces)
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	select {
	case err := <-errs:
		t.Errorf("janitor reported %v", err)
	default:
	}
	bg := context.Background()
	if err := s.UseNonce(bg, old); err != nil {
		t.Errorf("nonce older than the window was kept: %v", err)
	}
	if err := s.UseNonce(bg, fresh); !errors.Is(err, core.ErrNonceUsed) {
		t.Errorf("nonce inside the window was purged: %v", err)
	}

	// On a closed database the janitor reports errors and still stops.
	db := d.open(t)
	broken := New(db)
	sqlDB, _ := db.DB()
	sqlDB.Close()
	ctx, cancel = context.WithCancel(bg)
	done = make(chan struct{})
	go func() {
		defer close(done)
		broken.RunJanitor(ctx, time.Millisecond, func() time.Time { return now }, func(err error) {
			select {
			case errs <- err:
			default:
			}
		})
	}()
	if err := <-errs; err == nil || !strings.Contains(err.Error(), "gormstore: ") {
		t.Errorf("janitor reported %v, want a wrapped error", err)
	}
	cancel()
	<-done
}

// Tables made from the exported models by the application's own migration
// serve a default Store; so do those of a prefix, through db.Table.
func TestOwnMigrations(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		db := d.open(t)
		ctx := t.Context()
		must(t, "AutoMigrate", db.AutoMigrate(&ConsumerModel{}, &RequestTokenModel{}, &AccessTokenModel{}, &NonceModel{}))
		custom := New(db, WithTablePrefix("app_"))
		must(t, "AutoMigrate(app_)", db.Table(custom.TableName(NoncesTable)).AutoMigrate(&NonceModel{}))
		s := New(db)
		must(t, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("ck")))
		if _, err := s.GetConsumer(ctx, "ck"); err != nil {
			t.Errorf("GetConsumer: %v", err)
		}
		must(t, "UseNonce", s.UseNonce(ctx, testNonce("n")))
		must(t, "UseNonce(app_)", custom.UseNonce(ctx, testNonce("n")))
		if err := custom.UseNonce(ctx, testNonce("n")); !errors.Is(err, core.ErrNonceUsed) {
			t.Errorf("UseNonce(app_) again = %v, want ErrNonceUsed", err)
		}
	})
}
