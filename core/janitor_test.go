package core_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

// cleanupRun is what one run of the janitor gave the store.
type cleanupRun struct {
	now    time.Time // DeleteExpired's
	before time.Time // PurgeNonces'
}

// janitorStore is a memstore that reports each janitor run on runs, and
// can fail or hang in DeleteExpired.
type janitorStore struct {
	*memstore.Store
	deleteErr error // DeleteExpired's answer, when set, instead of deleting
	hang      bool  // DeleteExpired waits for its context to end
	// entered gets a value when DeleteExpired starts (dropped when full);
	// runs gets one when PurgeNonces ends (dropped when full).
	entered chan struct{}
	runs    chan cleanupRun
	now     time.Time // set and read on the janitor's goroutine only
}

func newJanitorStore() *janitorStore {
	return &janitorStore{Store: memstore.New(), entered: make(chan struct{}, 1), runs: make(chan cleanupRun, 64)}
}

func (s *janitorStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	s.now = now
	select {
	case s.entered <- struct{}{}:
	default:
	}
	if s.hang {
		<-ctx.Done()
		return 0, ctx.Err()
	}
	if s.deleteErr != nil {
		return 0, s.deleteErr
	}
	return s.Store.DeleteExpired(ctx, now)
}

func (s *janitorStore) PurgeNonces(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.Store.PurgeNonces(ctx, before)
	select {
	case s.runs <- cleanupRun{now: s.now, before: before}:
	default:
	}
	return n, err
}

// janitorT0 is the test clock's start: a whole second plus half a second,
// as a real clock has fractions.
var janitorT0 = time.Unix(1_700_000_000, 500_000_000)

func newJanitorProvider(t *testing.T, cfg core.Config, s *janitorStore) (*core.Provider, *testClock) {
	t.Helper()
	clock := &testClock{t: janitorT0}
	cfg.Store, cfg.Clock = s, clock
	p, err := core.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return p, clock
}

// startJanitor runs p.RunJanitor on a goroutine; stop cancels its context
// and waits for it to return.
func startJanitor(t *testing.T, p *core.Provider, every time.Duration, onError func(error)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.RunJanitor(ctx, every, onError)
	}()
	return func() {
		cancel()
		receive(t, done, "RunJanitor to return once its context ended")
	}
}

// receive waits for a value on ch; the time limit only keeps a broken
// janitor from hanging the test.
func receive[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(10 * time.Second):
		t.Fatalf("waited 10s for %s", what)
		panic("unreachable")
	}
}

// nonceKept reports whether n is still recorded: recording it again is
// ErrNonceUsed (kept) or succeeds (purged).
func nonceKept(t *testing.T, s core.NonceStore, n core.Nonce) bool {
	t.Helper()
	switch err := s.UseNonce(context.Background(), n); {
	case errors.Is(err, core.ErrNonceUsed):
		return true
	case err != nil:
		t.Fatalf("UseNonce: %v", err)
	}
	return false
}

// TestRunJanitor_RemovesWhatExpired: the first run, at once, removes the
// tokens expired by the provider's clock and the nonces the timestamp
// check refuses, and keeps everything else.
func TestRunJanitor_RemovesWhatExpired(t *testing.T) {
	ctx := context.Background()
	s := newJanitorStore()
	p, clock := newJanitorProvider(t, core.Config{}, s) // TimestampPast 5 minutes
	now := clock.Now()
	tokens := []struct {
		token   string
		expires time.Time
		kept    bool
	}{
		{"expired", now, false},
		{"expired-earlier", now.Add(-time.Hour), false},
		{"later", now.Add(time.Second), true},
		{"forever", time.Time{}, true},
	}
	for _, tc := range tokens {
		at := &core.AccessToken{Token: tc.token, Secret: tc.token + "-secret", ConsumerKey: "ck", UserID: "alice", CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: tc.expires}
		if err := s.CreateAccessToken(ctx, at); err != nil {
			t.Fatal(err)
		}
		if tc.expires.IsZero() {
			continue // a request token always expires
		}
		rt := &core.RequestToken{Token: "rt-" + tc.token, Secret: "rt-secret", ConsumerKey: "ck", Callback: "oob", State: core.StatePending, CreatedAt: now.Add(-2 * time.Hour), ExpiresAt: tc.expires}
		if err := s.CreateRequestToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
	}
	// The oldest timestamp accepted is now − 5m down to the second.
	oldest := time.Unix(now.Add(-core.DefaultTimestampWindow).Unix(), 0)
	nonces := []struct {
		ts   time.Time
		kept bool
	}{
		{oldest.Add(-time.Hour), false},
		{oldest.Add(-time.Second), false},
		{oldest, true}, // still accepted, so still a replay
		{now, true},
		{now.Add(core.DefaultTimestampWindow), true},
	}
	for i, tc := range nonces {
		if err := s.UseNonce(ctx, core.Nonce{ConsumerKey: "ck", Nonce: fmt.Sprint(i), Timestamp: tc.ts}); err != nil {
			t.Fatal(err)
		}
	}

	stop := startJanitor(t, p, time.Hour, func(err error) { t.Errorf("onError(%v)", err) })
	receive(t, s.runs, "the first run")
	stop()

	for _, tc := range tokens {
		_, err := s.GetAccessToken(ctx, tc.token)
		if kept := err == nil; kept != tc.kept {
			t.Errorf("access token %s (expires %v): kept %v, want %v (%v)", tc.token, tc.expires, kept, tc.kept, err)
		}
		if tc.expires.IsZero() {
			continue
		}
		_, err = s.GetRequestToken(ctx, "rt-"+tc.token)
		if kept := err == nil; kept != tc.kept {
			t.Errorf("request token rt-%s: kept %v, want %v (%v)", tc.token, kept, tc.kept, err)
		}
	}
	for i, tc := range nonces {
		if kept := nonceKept(t, s, core.Nonce{ConsumerKey: "ck", Nonce: fmt.Sprint(i), Timestamp: tc.ts}); kept != tc.kept {
			t.Errorf("nonce at now%+v: kept %v, want %v", tc.ts.Sub(now), kept, tc.kept)
		}
	}
}

// TestRunJanitor_WindowIsTimestampPast: which nonces go follows
// Config.TimestampPast and nothing else, in Config.NonceStore when set.
func TestRunJanitor_WindowIsTimestampPast(t *testing.T) {
	const age = 3 * time.Minute // of the nonce, at the run
	cases := []struct {
		name       string
		past       time.Duration
		nonceStore bool
		purged     bool
	}{
		{"default 5m keeps it", 0, false, false},
		{"10m keeps it", 10 * time.Minute, false, false},
		{"2m purges it", 2 * time.Minute, false, true},
		{"2m purges it from the NonceStore", 2 * time.Minute, true, true},
		{"10m keeps it in the NonceStore", 10 * time.Minute, true, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, nonces := newJanitorStore(), newJanitorStore()
			cfg := core.Config{TimestampPast: tc.past, NonceStore: nonces}
			if !tc.nonceStore {
				cfg.NonceStore, nonces = nil, s
			}
			p, clock := newJanitorProvider(t, cfg, s)
			n := core.Nonce{ConsumerKey: "ck", Nonce: "n", Timestamp: time.Unix(clock.Now().Add(-age).Unix(), 0)}
			if err := nonces.UseNonce(context.Background(), n); err != nil {
				t.Fatal(err)
			}

			stop := startJanitor(t, p, time.Hour, nil)
			receive(t, nonces.runs, "the first run's purge")
			stop()

			if kept := nonceKept(t, nonces, n); kept == tc.purged {
				t.Errorf("TimestampPast %v, nonce %v old: kept %v, want %v", tc.past, age, kept, !tc.purged)
			}
		})
	}
}

// TestRunJanitor_EachRunReadsTheClock: runs repeat, each with the
// provider's clock at its start, and the window follows it.
func TestRunJanitor_EachRunReadsTheClock(t *testing.T) {
	s := newJanitorStore()
	past := 7 * time.Minute
	p, clock := newJanitorProvider(t, core.Config{TimestampPast: past}, s)
	stop := startJanitor(t, p, time.Millisecond, func(err error) { t.Errorf("onError(%v)", err) })
	defer stop()

	for i := 0; i < 3; i++ {
		r := receive(t, s.runs, "a run")
		if want := janitorT0; !r.now.Equal(want) {
			t.Fatalf("run %d: DeleteExpired(%v), want the clock's %v", i, r.now, want)
		}
	}
	clock.Add(time.Hour)
	later := janitorT0.Add(time.Hour)
	for {
		r := receive(t, s.runs, "a run after the clock moved")
		if r.now.Equal(janitorT0) {
			continue // started before the clock moved
		}
		if !r.now.Equal(later) {
			t.Fatalf("DeleteExpired(%v), want %v", r.now, later)
		}
		if want := time.Unix(later.Add(-past).Unix(), 0); !r.before.Equal(want) {
			t.Fatalf("PurgeNonces(%v), want %v (clock − TimestampPast, whole seconds)", r.before, want)
		}
		return
	}
}

// TestRunJanitor_Errors: a failing run goes to onError as a *core.Error
// with the store's cause, the nonces are purged all the same, and later
// runs go on; with a nil onError nothing panics.
func TestRunJanitor_Errors(t *testing.T) {
	boom := errors.New("boom")
	cases := []struct {
		name      string
		deleteErr error
		status    int
	}{
		{"store failure", boom, http.StatusInternalServerError},
		{"store timeout", context.DeadlineExceeded, http.StatusServiceUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newJanitorStore()
			s.deleteErr = tc.deleteErr
			p, clock := newJanitorProvider(t, core.Config{}, s)
			old := core.Nonce{ConsumerKey: "ck", Nonce: "old", Timestamp: clock.Now().Add(-time.Hour)}
			if err := s.UseNonce(context.Background(), old); err != nil {
				t.Fatal(err)
			}
			errs := make(chan error, 64)
			stop := startJanitor(t, p, time.Millisecond, func(err error) {
				select {
				case errs <- err:
				default:
				}
			})
			for i := 0; i < 2; i++ {
				err := receive(t, errs, "a reported error")
				var e *core.Error
				if !errors.As(err, &e) || e.Status != tc.status || !errors.Is(err, tc.deleteErr) {
					t.Errorf("onError(%#v), want a %d *core.Error wrapping %v", err, tc.status, tc.deleteErr)
				}
			}
			stop()
			if nonceKept(t, s, old) {
				t.Error("DeleteExpired failed and the old nonce was not purged")
			}
		})
	}
	t.Run("nil onError", func(t *testing.T) {
		s := newJanitorStore()
		s.deleteErr = boom
		p, _ := newJanitorProvider(t, core.Config{}, s)
		stop := startJanitor(t, p, time.Millisecond, nil)
		receive(t, s.runs, "a failing run")
		receive(t, s.runs, "the run after it")
		stop()
	})
}

// TestRunJanitor_Stops: RunJanitor returns when its context ends, also in
// the middle of a run on a store that stopped answering, and reports no
// error for it; a run that outlasts the interval is ended by it.
func TestRunJanitor_Stops(t *testing.T) {
	t.Run("context already done", func(t *testing.T) {
		s := newJanitorStore()
		p, _ := newJanitorProvider(t, core.Config{}, s)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		p.RunJanitor(ctx, time.Hour, func(err error) { t.Errorf("onError(%v)", err) })
		if len(s.entered) != 0 {
			t.Error("RunJanitor ran with its context done")
		}
	})
	t.Run("hung store, context ends", func(t *testing.T) {
		s := newJanitorStore()
		s.hang = true
		p, _ := newJanitorProvider(t, core.Config{}, s)
		stop := startJanitor(t, p, time.Hour, func(err error) { t.Errorf("onError(%v)", err) })
		receive(t, s.entered, "the run to reach the store")
		stop() // fails unless RunJanitor returns
	})
	t.Run("hung store, interval ends the run", func(t *testing.T) {
		s := newJanitorStore()
		s.hang = true
		p, _ := newJanitorProvider(t, core.Config{}, s)
		errs := make(chan error, 1)
		stop := startJanitor(t, p, 20*time.Millisecond, func(err error) {
			select {
			case errs <- err:
			default:
			}
		})
		defer stop()
		var e *core.Error
		if err := receive(t, errs, "the run to time out"); !errors.Is(err, context.DeadlineExceeded) || !errors.As(err, &e) || e.Status != http.StatusServiceUnavailable {
			t.Errorf("onError(%v), want a 503 *core.Error wrapping context.DeadlineExceeded", err)
		}
	})
}

// The janitor runs beside the service, started with go, and stops with the
// service's context.
func ExampleProvider_RunJanitor() {
	p, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		panic(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		p.RunJanitor(ctx, core.DefaultJanitorInterval, func(err error) {
			slog.Error("oauth janitor", "err", err)
		})
	}()

	// … serve until the service stops …
	stop()
	<-done
	fmt.Println("janitor stopped")
	// Output: janitor stopped
}

// TestCleanup checks that Cleanup removes expired tokens and the nonces
// that left the window, and nothing else.
func TestCleanup(t *testing.T) {
	ctx := context.Background()
	e := newLifecycle(t, core.Config{})
	rt, _ := e.requestToken(t, lcClient, "oob") // expires at t0+10m
	e.addAccessToken(t, core.AccessToken{Token: "short", Secret: "short-secret-long-Hh8", ConsumerKey: lcCK, UserID: "alice",
		ExpiresAt: e.clock.Now().Add(time.Minute)})
	e.addAccessToken(t, core.AccessToken{Token: "forever", Secret: "forever-secret-long-Ii9", ConsumerKey: lcCK, UserID: "alice"})
	e.addAccessToken(t, core.AccessToken{Token: "later", Secret: "later-secret-long-Jj0", ConsumerKey: lcCK, UserID: "alice",
		ExpiresAt: e.clock.Now().Add(time.Hour)})
	// The request token used one nonce at t0.
	if n, err := e.p.Cleanup(ctx); err != nil || n != 0 {
		t.Fatalf("Cleanup at t0 = %d, %v; want 0", n, err)
	}

	e.clock.Add(11 * time.Minute)
	fresh := lcClient.withToken("forever", "forever-secret-long-Ii9")
	nonce := prm("oauth_nonce", "fresh")
	_, err := e.p.Authenticate(e.sign(fresh, get(), nonce))
	e.expect(t, err, 200, "")

	n, err := e.p.Cleanup(ctx)
	if err != nil || n != 3 {
		t.Errorf("Cleanup = %d, %v; want 3 (request token, short, old nonce)", n, err)
	}
	if _, err := e.store.GetRequestToken(ctx, rt); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("expired request token: %v", err)
	}
	if _, err := e.store.GetAccessToken(ctx, "short"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("expired access token: %v", err)
	}
	for _, tok := range []string{"forever", "later"} {
		if _, err := e.store.GetAccessToken(ctx, tok); err != nil {
			t.Errorf("%s: %v", tok, err)
		}
	}
	_, err = e.p.Authenticate(e.sign(fresh, get(), nonce))
	e.expect(t, err, 401, "nonce_used")
	if n, err := e.p.Cleanup(ctx); err != nil || n != 0 {
		t.Errorf("second Cleanup = %d, %v; want 0", n, err)
	}

	for _, m := range []string{"DeleteExpired", "PurgeNonces"} {
		t.Run(m+" fails", func(t *testing.T) {
			e.failOn(m, errors.New("boom "+fxStoreCauseSecret))
			defer e.failOn("", nil)
			_, err := e.p.Cleanup(ctx)
			e.expect(t, err, 500, "server_error")
		})
	}
}
