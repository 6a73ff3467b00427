package core_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
)

func (s *genStore) UpdateConsumerSecret(ctx context.Context, key, secret string) error {
	err := s.failStore.UpdateConsumerSecret(ctx, key, secret)
	if err == nil {
		s.bump()
	}
	return err
}

// Consumers of the owner tests: carol registered ownCK (with a token
// for alice) and ownCK2, dave registered davesCK; fxCK has no owner.
const (
	ownCK, ownCS   = "own-consumer-1", "own-consumer-secret-one-Xk2"
	ownCK2, ownCS2 = "own-consumer-2", "own-consumer-secret-two-Vb6"
	davesCK        = "daves-consumer"
	ownTK, ownTS   = "own-token-1", "own-token-secret-one-Jg3"
)

// newOwnerFixture is newGenFixture (two instances on one store with a
// generation, so their lookup caches are on) with owned consumers.
func newOwnerFixture(t *testing.T) (e *env, b *core.Provider, own client) {
	t.Helper()
	e, b, _ = newGenFixture(t)
	own = e.addConsumer(t, core.Consumer{Key: ownCK, Secret: ownCS, Owner: "carol"}).withToken(ownTK, ownTS)
	e.clock.Add(1)
	e.addConsumer(t, core.Consumer{Key: ownCK2, Secret: ownCS2, Owner: "carol"})
	e.addConsumer(t, core.Consumer{Key: davesCK, Secret: "daves-consumer-secret-Tt1", Owner: "dave"})
	e.addAccessToken(t, core.AccessToken{Token: ownTK, Secret: ownTS, ConsumerKey: ownCK, UserID: "alice"})
	return e, b, own
}

// TestOwnedConsumers: an owner's consumers, oldest first, no one else's;
// none is an empty slice; no owner has none.
func TestOwnedConsumers(t *testing.T) {
	e, _, _ := newOwnerFixture(t)
	for _, tt := range []struct {
		owner string
		want  []string
	}{
		{"carol", []string{ownCK, ownCK2}},
		{"dave", []string{davesCK}},
		{"erin", []string{}},
		{"", []string{}},
	} {
		list, err := e.p.OwnedConsumers(t.Context(), tt.owner)
		if err != nil {
			t.Fatalf("OwnedConsumers(%q): %v", tt.owner, err)
		}
		got := []string{}
		for _, c := range list {
			got = append(got, c.Key)
		}
		if list == nil || strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("OwnedConsumers(%q) = %q (%#v), want %q", tt.owner, got, list, tt.want)
		}
	}
}

// TestOwnedConsumer_OthersAreUnknown: a consumer of another owner, of no
// owner, an unknown key and a key no consumer can have are all 404
// consumer_key_unknown wrapping ErrNotFound, for reading, deleting and
// rotating alike; a malformed key or an empty owner never reaches the
// store; nothing changes.
func TestOwnedConsumer_OthersAreUnknown(t *testing.T) {
	long := strings.Repeat("k", core.DefaultMaxParamBytes+1)
	cases := []struct {
		name, owner, key string
		storeAsked       bool
	}{
		{"another owner's", "carol", davesCK, true},
		{"no owner's", "carol", fxCK, true},
		{"unknown", "carol", "no-such-consumer", true},
		{"empty owner", "", fxCK, false},
		{"empty key", "carol", "", false},
		{"not UTF-8", "carol", "\xff", false},
		{"control character", "carol", "a\x00b", false},
		{"too long", "carol", long, false},
	}
	calls := []struct {
		name string
		call func(p *core.Provider, ctx context.Context, owner, key string) error
	}{
		{"OwnedConsumer", func(p *core.Provider, ctx context.Context, owner, key string) error {
			_, err := p.OwnedConsumer(ctx, owner, key)
			return err
		}},
		{"DeleteConsumer", func(p *core.Provider, ctx context.Context, owner, key string) error {
			return p.DeleteConsumer(ctx, owner, key)
		}},
		{"RotateConsumerSecret", func(p *core.Provider, ctx context.Context, owner, key string) error {
			_, err := p.RotateConsumerSecret(ctx, owner, key)
			return err
		}},
	}
	for _, c := range calls {
		for _, tt := range cases {
			t.Run(c.name+"/"+tt.name, func(t *testing.T) {
				e, _, _ := newOwnerFixture(t)
				if !tt.storeAsked {
					e.failOn("GetConsumer", errors.New("asked"))
				}
				err := c.call(e.p, t.Context(), tt.owner, tt.key)
				e.expect(t, err, http.StatusNotFound, core.ProblemConsumerKeyUnknown)
				if !errors.Is(err, core.ErrNotFound) {
					t.Errorf("%s(%q, %q) = %v, want ErrNotFound", c.name, tt.owner, tt.key, err)
				}
				e.failOn("", nil)
				if _, err := e.p.Authenticate(e.sign(client1, get()), core.TwoLegged()); err != nil {
					t.Errorf("fxCK after %s: %v", c.name, err)
				}
				daves, err := e.store.GetConsumer(t.Context(), davesCK)
				if err != nil || daves.Secret != "daves-consumer-secret-Tt1" {
					t.Errorf("dave's consumer after %s: %+v, %v", c.name, daves, err)
				}
			})
		}
	}
}

// TestRotateConsumerSecret: the owner gets a new secret (256 bits, not the
// old one); on both instances, though each had the consumer cached, the
// new secret verifies at once, with the consumer's tokens, which still
// work, and a request signed with the old secret is signature_invalid.
func TestRotateConsumerSecret(t *testing.T) {
	e, b, own := newOwnerFixture(t)
	for _, p := range []*core.Provider{e.p, b, e.p, b} { // the second round is cached
		if _, err := p.Authenticate(e.sign(own, get())); err != nil {
			t.Fatalf("before: %v", err)
		}
	}
	c, err := e.p.RotateConsumerSecret(t.Context(), "carol", ownCK)
	if err != nil {
		t.Fatalf("RotateConsumerSecret: %v", err)
	}
	if c.Key != ownCK || c.Owner != "carol" || len(c.Secret) != 43 || c.Secret == ownCS {
		t.Fatalf("RotateConsumerSecret = %+v, want %s with a new 43-character secret", c, ownCK)
	}
	e.remember(c.Secret)
	stored, err := e.store.GetConsumer(t.Context(), ownCK)
	if err != nil || stored.Secret != c.Secret {
		t.Fatalf("stored consumer %+v (%v), want the new secret", stored, err)
	}
	renewed := own
	renewed.secret = c.Secret
	for name, p := range map[string]*core.Provider{"this instance": e.p, "another instance": b} {
		// The new secret first: nothing else has told the instance yet
		// that what it keeps is stale.
		if _, err := p.Authenticate(e.sign(renewed, get())); err != nil {
			t.Errorf("%s, new secret: %v", name, err)
		}
		_, err := p.Authenticate(e.sign(own, get()))
		e.expect(t, err, http.StatusUnauthorized, core.ProblemSignatureInvalid)
	}
	again, err := e.p.RotateConsumerSecret(t.Context(), "carol", ownCK)
	if err != nil || again.Secret == c.Secret {
		t.Errorf("second rotation = %+v, %v, want another secret", again, err)
	}
}

// TestDeleteConsumer_Owner: the owner deletes a consumer; a request with
// its key, with or without its token, is consumer_key_unknown at once on
// both instances; the owner's other consumer stays.
func TestDeleteConsumer_Owner(t *testing.T) {
	e, b, own := newOwnerFixture(t)
	twoLegged := own.withToken("", "")
	for _, p := range []*core.Provider{e.p, b, e.p, b} {
		if _, err := p.Authenticate(e.sign(own, get())); err != nil {
			t.Fatalf("before: %v", err)
		}
	}
	if err := e.p.DeleteConsumer(t.Context(), "carol", ownCK); err != nil {
		t.Fatalf("DeleteConsumer: %v", err)
	}
	for _, p := range []*core.Provider{e.p, b} {
		_, err := p.Authenticate(e.sign(own, get()))
		e.expect(t, err, http.StatusUnauthorized, core.ProblemConsumerKeyUnknown)
		_, err = p.Authenticate(e.sign(twoLegged, get()), core.TwoLegged())
		e.expect(t, err, http.StatusUnauthorized, core.ProblemConsumerKeyUnknown)
	}
	err := e.p.DeleteConsumer(t.Context(), "carol", ownCK)
	e.expect(t, err, http.StatusNotFound, core.ProblemConsumerKeyUnknown)
	list, err := e.p.OwnedConsumers(t.Context(), "carol")
	if err != nil || len(list) != 1 || list[0].Key != ownCK2 {
		t.Errorf("OwnedConsumers(carol) after the deletion = %+v, %v, want %s only", list, err, ownCK2)
	}
}

// TestOwner_StoreFailures: a failing store is 500 server_error, reported
// to OnServerError with its request, never a 404 and never a secret.
func TestOwner_StoreFailures(t *testing.T) {
	down := errors.New("db down: " + fxStoreCauseSecret)
	cases := []struct {
		method string
		call   func(p *core.Provider, ctx context.Context) error
	}{
		{"ListConsumers", func(p *core.Provider, ctx context.Context) error {
			_, err := p.OwnedConsumers(ctx, "carol")
			return err
		}},
		{"GetConsumer", func(p *core.Provider, ctx context.Context) error {
			_, err := p.OwnedConsumer(ctx, "carol", ownCK)
			return err
		}},
		{"DeleteConsumer", func(p *core.Provider, ctx context.Context) error {
			return p.DeleteConsumer(ctx, "carol", ownCK)
		}},
		{"UpdateConsumerSecret", func(p *core.Provider, ctx context.Context) error {
			_, err := p.RotateConsumerSecret(ctx, "carol", ownCK)
			return err
		}},
	}
	for _, tt := range cases {
		t.Run(tt.method, func(t *testing.T) {
			e := newEnv(t, core.Config{})
			var reported []error
			p, err := core.New(core.Config{Store: e.fs, Clock: e.clock, OnServerError: func(r *http.Request, err error) {
				reported = append(reported, err)
			}})
			if err != nil {
				t.Fatal(err)
			}
			e.p = p
			e.addConsumer(t, core.Consumer{Key: ownCK, Secret: ownCS, Owner: "carol"})
			e.failOn(tt.method, down)
			err = tt.call(p, core.RequestContext(get()))
			e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
			if len(reported) != 1 || !errors.Is(reported[0], down) {
				t.Errorf("OnServerError got %v, want the store's error once", reported)
			}
			if c, _ := e.store.GetConsumer(t.Context(), ownCK); c == nil || c.Secret != ownCS {
				t.Errorf("consumer after a failed %s: %+v", tt.method, c)
			}
		})
	}
}
