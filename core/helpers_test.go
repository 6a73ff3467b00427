package core_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/memstore"
)

// testClock is a settable core.Clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a provider on a memstore with a clock the test controls.
type env struct {
	p     *core.Provider
	store *memstore.Store
	clock *testClock
}

func newEnv(t testing.TB, at int64, cfg core.Config) *env {
	t.Helper()
	e := &env{store: memstore.New(), clock: &testClock{t: time.Unix(at, 0)}}
	cfg.Store, cfg.Clock = e.store, e.clock
	p, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.p = p
	return e
}

func (e *env) addConsumer(t testing.TB, key, secret string) *core.Consumer {
	t.Helper()
	c := &core.Consumer{Key: key, Secret: secret, Name: "App " + key, CreatedAt: e.clock.Now()}
	if err := e.store.CreateConsumer(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (e *env) addAccessToken(t testing.TB, consumer, token, secret, user string, scopes ...string) {
	t.Helper()
	at := &core.AccessToken{Token: token, Secret: secret, ConsumerKey: consumer, UserID: user, Scopes: scopes, CreatedAt: e.clock.Now()}
	if err := e.store.CreateAccessToken(context.Background(), at); err != nil {
		t.Fatal(err)
	}
}

// authHeader renders an OAuth Authorization header from name/value pairs,
// percent-encoding the values.
func authHeader(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, pairs[i]+`="`+rfc5849.Encode(pairs[i+1])+`"`)
	}
	return "OAuth " + strings.Join(parts, ", ")
}

// problem decodes the oauth_problem of an error body.
func problem(t testing.TB, body string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(body)
	if err != nil {
		t.Fatalf("error body %q is not form-encoded: %v", body, err)
	}
	return v
}

// statusOf returns the status and problem an error renders to.
func statusOf(err error) (int, string) {
	if err == nil {
		return http.StatusOK, ""
	}
	e := core.AsError(err)
	return e.Status, e.Problem
}
