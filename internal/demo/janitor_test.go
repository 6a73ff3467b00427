package demo_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

// serveApp runs app.Serve on a free port until the returned stop is
// called, which waits for Serve to return.
func serveApp(t *testing.T, app *demo.App) (stop func()) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, ln, demotest.NewServeMux(app)) }()
	return func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("Serve = %v", err)
			}
		case <-time.After(demo.ShutdownTimeout):
			t.Fatal("Serve did not return")
		}
	}
}

// eventually polls cond until it holds; the limit only keeps a janitor
// that never runs from hanging the test.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10s for %s", what)
		}
	}
}

// TestServe_RunsTheJanitor: while the App serves, the provider's janitor
// removes expired tokens and the nonces that left the timestamp window, at
// once and on every store, and keeps the rest.
func TestServe_RunsTheJanitor(t *testing.T) {
	backends := []struct {
		name string
		url  func(testing.TB) string
	}{
		{"memory", func(testing.TB) string { return "memory" }},
		{"sqlite", demotest.SQLiteURL},
		{"postgres", demotest.PostgresURL},
		{"mysql", demotest.MySQLURL},
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			app, err := demo.Open(ctx, demotest.Config(b.url(t)), nil, demo.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer app.Close()
			s := app.Backend.Store
			now := time.Now()
			if err := s.CreateConsumer(ctx, &core.Consumer{Key: "ck", Secret: "cs", Name: "App", CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
			for _, tok := range []struct {
				name    string
				expires time.Time
			}{{"expired", now.Add(-time.Minute)}, {"live", now.Add(time.Hour)}} {
				at := &core.AccessToken{Token: tok.name, Secret: tok.name + "-secret", ConsumerKey: "ck", UserID: "alice", CreatedAt: now, ExpiresAt: tok.expires}
				if err := s.CreateAccessToken(ctx, at); err != nil {
					t.Fatal(err)
				}
			}
			old := core.Nonce{ConsumerKey: "ck", Nonce: "old", Timestamp: now.Add(-time.Hour).Truncate(time.Second)}
			fresh := core.Nonce{ConsumerKey: "ck", Nonce: "fresh", Timestamp: now.Truncate(time.Second)}
			for _, n := range []core.Nonce{old, fresh} {
				if err := s.UseNonce(ctx, n); err != nil {
					t.Fatal(err)
				}
			}

			stop := serveApp(t, app) // the janitor's first run is at once
			eventually(t, "the expired token to go", func() bool {
				_, err := s.GetAccessToken(ctx, "expired")
				return errors.Is(err, core.ErrNotFound)
			})
			eventually(t, "the old nonce to go", func() bool {
				return s.UseNonce(ctx, old) == nil // recorded again: it was purged
			})
			stop()

			if _, err := s.GetAccessToken(ctx, "live"); err != nil {
				t.Errorf("live token: %v", err)
			}
			if err := s.UseNonce(ctx, fresh); !errors.Is(err, core.ErrNonceUsed) {
				t.Errorf("nonce inside the window: UseNonce again = %v, want ErrNonceUsed", err)
			}
		})
	}
}

// TestServe_LogsJanitorErrors: a janitor run that fails is logged, and the
// service still stops.
func TestServe_LogsJanitorErrors(t *testing.T) {
	logs := &demotest.SyncBuffer{}
	app, err := demo.Open(context.Background(), demotest.Config(demotest.SQLiteURL(t)), demo.NewLogger(logs, "text"), demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Close(); err != nil { // the database is gone: every run fails
		t.Fatal(err)
	}
	stop := serveApp(t, app)
	eventually(t, "the janitor's error in the log", func() bool {
		return strings.Contains(logs.String(), `level=ERROR msg="oauth janitor" err=`)
	})
	stop()
}
