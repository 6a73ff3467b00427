package gormstore

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/core"
)

// now is the tests' reference time: UTC, whole microseconds.
var now = time.Date(2026, time.March, 14, 15, 9, 26, 535897000, time.UTC)

func testConsumer(key string) *core.Consumer {
	return &core.Consumer{
		Key: key, Secret: key + "-secret", Name: "App " + key, Owner: "owner",
		CallbackURL: "https://app.example.com/cb", Scopes: []string{"read", "write"}, CreatedAt: now,
	}
}

func testRequestToken(token string) *core.RequestToken {
	return &core.RequestToken{
		Token: token, Secret: token + "-secret", ConsumerKey: "ck", Callback: "oob",
		Scopes: []string{"read"}, State: core.StatePending, CreatedAt: now, ExpiresAt: now.Add(10 * time.Minute),
	}
}

func testAccessToken(token string) *core.AccessToken {
	return &core.AccessToken{
		Token: token, Secret: token + "-secret", ConsumerKey: "ck", UserID: "alice",
		Scopes: []string{"read"}, CreatedAt: now, ExpiresAt: now.Add(time.Hour),
	}
}

func testNonce(nonce string) core.Nonce {
	return core.Nonce{ConsumerKey: "ck", Token: "tok", Nonce: nonce, Timestamp: now.Truncate(time.Second)}
}

func must(tb testing.TB, op string, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatalf("%s: %v", op, err)
	}
}

// authorizedToken stores an authorized request token through s.
func authorizedToken(tb testing.TB, s core.Store, token string) {
	tb.Helper()
	ctx := context.Background()
	must(tb, "CreateRequestToken", s.CreateRequestToken(ctx, testRequestToken(token)))
	must(tb, "AuthorizeRequestToken", s.AuthorizeRequestToken(ctx, token, "alice", "verifier", []string{"read"}))
}

// racers is how many goroutines the package's own races start (see
// storetest.Race).
const racers = 32

// storeCall is one method of core.Store, with fixed arguments.
type storeCall struct {
	name string
	call func(ctx context.Context, s *Store) error
}

// allCalls lists every method of Store that touches the database.
func allCalls() []storeCall {
	return []storeCall{
		{"Migrate", func(ctx context.Context, s *Store) error { return s.Migrate(ctx) }},
		{"CreateConsumer", func(ctx context.Context, s *Store) error { return s.CreateConsumer(ctx, testConsumer("new")) }},
		{"GetConsumer", func(ctx context.Context, s *Store) error { _, err := s.GetConsumer(ctx, "ck"); return err }},
		{"ListConsumers", func(ctx context.Context, s *Store) error { _, err := s.ListConsumers(ctx, "owner"); return err }},
		{"DeleteConsumer", func(ctx context.Context, s *Store) error { return s.DeleteConsumer(ctx, "ck") }},
		{"CreateRequestToken", func(ctx context.Context, s *Store) error {
			return s.CreateRequestToken(ctx, testRequestToken("new"))
		}},
		{"GetRequestToken", func(ctx context.Context, s *Store) error { _, err := s.GetRequestToken(ctx, "rt"); return err }},
		{"AuthorizeRequestToken", func(ctx context.Context, s *Store) error {
			return s.AuthorizeRequestToken(ctx, "rt", "alice", "v", nil)
		}},
		{"DenyRequestToken", func(ctx context.Context, s *Store) error { return s.DenyRequestToken(ctx, "rt") }},
		{"ConsumeRequestToken", func(ctx context.Context, s *Store) error {
			return s.ConsumeRequestToken(ctx, "rt", testAccessToken("new"))
		}},
		{"CreateAccessToken", func(ctx context.Context, s *Store) error {
			return s.CreateAccessToken(ctx, testAccessToken("new2"))
		}},
		{"GetAccessToken", func(ctx context.Context, s *Store) error { _, err := s.GetAccessToken(ctx, "at"); return err }},
		{"ListAccessTokens", func(ctx context.Context, s *Store) error { _, err := s.ListAccessTokens(ctx, "alice"); return err }},
		{"RevokeAccessToken", func(ctx context.Context, s *Store) error { return s.RevokeAccessToken(ctx, "at") }},
		{"DeleteExpired", func(ctx context.Context, s *Store) error { _, err := s.DeleteExpired(ctx, now); return err }},
		{"UseNonce", func(ctx context.Context, s *Store) error { return s.UseNonce(ctx, testNonce("n-new")) }},
		{"PurgeNonces", func(ctx context.Context, s *Store) error { _, err := s.PurgeNonces(ctx, now); return err }},
	}
}

// isSentinel reports whether err is one of the store contract's sentinels.
func isSentinel(err error) bool {
	for _, s := range []error{core.ErrNotFound, core.ErrDuplicate, core.ErrConflict, core.ErrNonceUsed, core.ErrCapacity} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// sqlRecorder is a GORM logger that keeps the SQL it is shown.
type sqlRecorder struct {
	mu  sync.Mutex
	sql []string
}

func (r *sqlRecorder) LogMode(logger.LogLevel) logger.Interface { return r }
func (r *sqlRecorder) Info(context.Context, string, ...any)     {}
func (r *sqlRecorder) Warn(context.Context, string, ...any)     {}
func (r *sqlRecorder) Error(context.Context, string, ...any)    {}

func (r *sqlRecorder) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	sql, _ := fc()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sql = append(r.sql, sql)
}

// take returns the SQL recorded so far and forgets it.
func (r *sqlRecorder) take() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.sql
	r.sql = nil
	return out
}
