package core_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

// genStore is a failStore with a generation (core.NonceGenerationStore):
// revoking an access token and deleting a consumer change it.
type genStore struct {
	*failStore
	mu  sync.Mutex
	gen int64
}

func (s *genStore) bump() {
	s.mu.Lock()
	s.gen++
	s.mu.Unlock()
}

func (s *genStore) RevokeAccessToken(ctx context.Context, token string) error {
	err := s.failStore.RevokeAccessToken(ctx, token)
	if err == nil {
		s.bump()
	}
	return err
}

func (s *genStore) DeleteConsumer(ctx context.Context, key string) error {
	err := s.failStore.DeleteConsumer(ctx, key)
	if err == nil {
		s.bump()
	}
	return err
}

func (s *genStore) UseNonceGeneration(ctx context.Context, n core.Nonce) (int64, error) {
	if err := s.failStore.UseNonce(ctx, n); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen, nil
}

// newGenFixture is newFixture on a genStore, and a second provider b on
// the same store: another instance.
func newGenFixture(t *testing.T) (e *env, b *core.Provider, gs *genStore) {
	t.Helper()
	e = newFixture(t, core.Config{})
	gs = &genStore{failStore: e.fs}
	var err error
	if e.p, err = core.New(core.Config{Store: gs, Clock: e.clock}); err != nil {
		t.Fatal(err)
	}
	if b, err = core.New(core.Config{Store: gs, Clock: e.clock}); err != nil {
		t.Fatal(err)
	}
	return e, b, gs
}

var errDown = errors.New("db down")

// TestLookupCache_SavesLookups: with a NonceGenerationStore, a repeated
// request asks the store for neither consumer nor token (a failing lookup
// does not show) while the generation holds; the nonce is still written
// every time. Unknown keys are never cached.
func TestLookupCache_SavesLookups(t *testing.T) {
	for _, method := range []string{"GetConsumer", "GetAccessToken"} {
		t.Run(method, func(t *testing.T) {
			e, _, _ := newGenFixture(t)
			_, err := e.p.Authenticate(e.sign(alice, get()))
			e.expect(t, err, http.StatusOK, "")
			e.failOn(method, errDown)
			_, err = e.p.Authenticate(e.sign(alice, get()))
			e.expect(t, err, http.StatusOK, "")
		})
	}
	t.Run("nonce still written", func(t *testing.T) {
		e, _, _ := newGenFixture(t)
		_, err := e.p.Authenticate(e.sign(alice, get()))
		e.expect(t, err, http.StatusOK, "")
		e.failOn("UseNonce", errDown)
		_, err = e.p.Authenticate(e.sign(alice, get()))
		e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
	})
	t.Run("replay still refused", func(t *testing.T) {
		e, _, _ := newGenFixture(t)
		r := e.sign(alice, get())
		_, err := e.p.Authenticate(r.Clone(t.Context()))
		e.expect(t, err, http.StatusOK, "")
		_, err = e.p.Authenticate(r)
		e.expect(t, err, http.StatusUnauthorized, core.ProblemNonceUsed)
	})
	t.Run("two-legged", func(t *testing.T) {
		e, _, _ := newGenFixture(t)
		_, err := e.p.Authenticate(e.sign(client1, get()), core.TwoLegged())
		e.expect(t, err, http.StatusOK, "")
		e.failOn("GetConsumer", errDown)
		_, err = e.p.Authenticate(e.sign(client1, get()), core.TwoLegged())
		e.expect(t, err, http.StatusOK, "")
	})
	t.Run("unknown consumer not cached", func(t *testing.T) {
		e, _, _ := newGenFixture(t)
		unknown := client{key: "no-such-consumer", secret: fxCS}
		_, err := e.p.Authenticate(e.sign(unknown, get()), core.TwoLegged())
		e.expect(t, err, http.StatusUnauthorized, core.ProblemConsumerKeyUnknown)
		e.failOn("GetConsumer", errDown)
		_, err = e.p.Authenticate(e.sign(unknown, get()), core.TwoLegged())
		e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
	})
	t.Run("bad signature not cached", func(t *testing.T) {
		e, _, _ := newGenFixture(t)
		wrong := client{key: fxCK, secret: "wrong"}.withToken(fxTK, fxTS)
		_, err := e.p.Authenticate(e.sign(wrong, get()))
		e.expect(t, err, http.StatusUnauthorized, core.ProblemSignatureInvalid)
		e.failOn("GetConsumer", errDown)
		_, err = e.p.Authenticate(e.sign(alice, get()))
		e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
	})
}

// TestLookupCache_Off: without a NonceGenerationStore, or with nonces
// recorded elsewhere (Config.NonceStore), every request asks the store.
func TestLookupCache_Off(t *testing.T) {
	cases := map[string]func(t *testing.T) *env{
		"store without generation": func(t *testing.T) *env { return newFixture(t, core.Config{}) },
		"nonces elsewhere": func(t *testing.T) *env {
			e, _, gs := newGenFixture(t)
			var err error
			if e.p, err = core.New(core.Config{Store: gs, NonceStore: memstore.New(), Clock: e.clock}); err != nil {
				t.Fatal(err)
			}
			return e
		},
	}
	for name, fixture := range cases {
		t.Run(name, func(t *testing.T) {
			e := fixture(t)
			_, err := e.p.Authenticate(e.sign(alice, get()))
			e.expect(t, err, http.StatusOK, "")
			e.failOn("GetAccessToken", errDown)
			_, err = e.p.Authenticate(e.sign(alice, get()))
			e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
		})
	}
}

// TestLookupCache_ChangesHoldAtOnce: a change that moves the generation
// holds on the very next request of every instance, whoever made it: this
// provider, another one on the same store, or the store directly.
func TestLookupCache_ChangesHoldAtOnce(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, e *env, b *core.Provider, gs *genStore) error
		c      client
		want   string
	}{
		{"revoke here", func(t *testing.T, e *env, b *core.Provider, gs *genStore) error {
			return e.p.RevokeAccessToken(t.Context(), fxTK)
		}, alice, core.ProblemTokenRevoked},
		{"revoke on another instance", func(t *testing.T, e *env, b *core.Provider, gs *genStore) error {
			return b.RevokeAccessToken(t.Context(), fxTK)
		}, alice, core.ProblemTokenRevoked},
		{"revoke app on another instance", func(t *testing.T, e *env, b *core.Provider, gs *genStore) error {
			return b.RevokeApp(t.Context(), "alice", fxCK)
		}, alice, core.ProblemTokenRevoked},
		{"revoke in the store", func(t *testing.T, e *env, b *core.Provider, gs *genStore) error {
			return gs.RevokeAccessToken(t.Context(), fxTK)
		}, alice, core.ProblemTokenRevoked},
		{"consumer deleted", func(t *testing.T, e *env, b *core.Provider, gs *genStore) error {
			return gs.DeleteConsumer(t.Context(), fxCK)
		}, alice, core.ProblemConsumerKeyUnknown},
		{"consumer deleted, two-legged", func(t *testing.T, e *env, b *core.Provider, gs *genStore) error {
			return gs.DeleteConsumer(t.Context(), fxCK)
		}, client1, core.ProblemConsumerKeyUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e, b, gs := newGenFixture(t)
			verify := func() error {
				_, err := e.p.Authenticate(e.sign(c.c, get()), authOptions(c.c.token == "")...)
				return err
			}
			for range 2 { // the second is served from the cache
				e.expect(t, verify(), http.StatusOK, "")
			}
			if err := c.change(t, e, b, gs); err != nil {
				t.Fatal(err)
			}
			e.expect(t, verify(), http.StatusUnauthorized, c.want)
			e.expect(t, verify(), http.StatusUnauthorized, c.want)
		})
	}
}

// TestLookupCache_RevokeRace: requests on two instances race a
// revocation (start barrier); every request that begins after the
// revocation returned is refused, on both instances.
func TestLookupCache_RevokeRace(t *testing.T) {
	e, b, _ := newGenFixture(t)
	for _, p := range []*core.Provider{e.p, b} {
		if _, err := p.Authenticate(e.sign(alice, get())); err != nil {
			t.Fatal(err)
		}
	}
	const workers = 8
	start := make(chan struct{})
	revoked := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		p := []*core.Provider{e.p, b}[i%2]
		wg.Go(func() {
			<-start
			for range 20 {
				_, err := p.Authenticate(e.sign(alice, get()))
				if err == nil {
					continue
				}
				var oe *core.Error
				if !errors.As(err, &oe) || oe.Problem != core.ProblemTokenRevoked {
					errs <- err
				}
				return
			}
			<-revoked
			_, err := p.Authenticate(e.sign(alice, get()))
			var oe *core.Error
			if !errors.As(err, &oe) || oe.Problem != core.ProblemTokenRevoked {
				errs <- errors.Join(errors.New("after the revocation"), err)
			}
		})
	}
	close(start)
	if err := e.p.RevokeAccessToken(t.Context(), fxTK); err != nil {
		t.Fatal(err)
	}
	close(revoked)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestLookupCache_GrantsAreCopies: a grant from the cache is the
// application's own: changing it changes no later grant.
func TestLookupCache_GrantsAreCopies(t *testing.T) {
	e, _, _ := newGenFixture(t)
	g, err := e.p.Authenticate(e.sign(alice, get()))
	e.expect(t, err, http.StatusOK, "")
	g.Scopes[0], g.Token.Scopes[0], g.Consumer.Name = "changed", "changed", "changed"
	g2, err := e.p.Authenticate(e.sign(alice, get()))
	e.expect(t, err, http.StatusOK, "")
	if g2.Scopes[0] != "read" || g2.Token.Scopes[0] != "read" || g2.Consumer.Name == "changed" {
		t.Errorf("second grant %+v, token %+v, consumer %+v shows the first grant's changes", g2, g2.Token, g2.Consumer)
	}
}
