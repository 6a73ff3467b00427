package core_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// TestLookupCache_RevocationBound: two instances on one store, each with
// a one-second lookup cache. A revocation through one holds there at once,
// and on the other once the bound has passed, never later.
func TestLookupCache_RevocationBound(t *testing.T) {
	const ttl = time.Second
	a := newFixture(t, core.Config{LookupCacheTTL: ttl}, nil)
	b, err := core.New(core.Config{Store: a.fs, Clock: a.clock, LookupCacheTTL: ttl})
	if err != nil {
		t.Fatal(err)
	}
	verifyOn := func(p *core.Provider) error {
		_, err := p.Verify(a.a1().sign(get()))
		return err
	}
	a.expect(t, verifyOn(b), http.StatusOK, "") // b now holds the token
	if err := a.p.RevokeAccessToken(t.Context(), fxTK); err != nil {
		t.Fatal(err)
	}
	a.expect(t, verifyOn(a.p), http.StatusUnauthorized, core.ProblemTokenRevoked)
	a.clock.Add(ttl - time.Millisecond)
	a.expect(t, verifyOn(b), http.StatusOK, "") // within the documented bound
	a.clock.Add(time.Millisecond)
	a.expect(t, verifyOn(b), http.StatusUnauthorized, core.ProblemTokenRevoked)
}

// TestLookupCache_SavesLookups: within the TTL a repeated request asks the
// store for neither consumer nor token (a failing store does not show);
// the nonce is still written every time; after the TTL the store is asked
// again. Unknown keys are never cached.
func TestLookupCache_SavesLookups(t *testing.T) {
	errDown := errors.New("db down")
	for _, method := range []string{"GetConsumer", "GetAccessToken"} {
		t.Run(method, func(t *testing.T) {
			e := newFixture(t, core.Config{LookupCacheTTL: time.Second}, nil)
			_, err := e.p.Verify(e.a1().sign(get()))
			e.expect(t, err, http.StatusOK, "")
			e.failOn(method, errDown)
			_, err = e.p.Verify(e.a1().sign(get()))
			e.expect(t, err, http.StatusOK, "")
			e.clock.Add(time.Second)
			_, err = e.p.Verify(e.a1().sign(get()))
			e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
		})
	}
	t.Run("nonce still written", func(t *testing.T) {
		e := newFixture(t, core.Config{LookupCacheTTL: time.Second}, nil)
		_, err := e.p.Verify(e.a1().sign(get()))
		e.expect(t, err, http.StatusOK, "")
		e.failOn("UseNonce", errDown)
		_, err = e.p.Verify(e.a1().sign(get()))
		e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
	})
	t.Run("two-legged", func(t *testing.T) {
		e := newFixture(t, core.Config{LookupCacheTTL: time.Second}, nil)
		_, err := e.p.VerifyTwoLegged(e.c1().sign(get()))
		e.expect(t, err, http.StatusOK, "")
		e.failOn("GetConsumer", errDown)
		_, err = e.p.VerifyTwoLegged(e.c1().sign(get()))
		e.expect(t, err, http.StatusOK, "")
	})
	t.Run("unknown consumer not cached", func(t *testing.T) {
		e := newFixture(t, core.Config{LookupCacheTTL: time.Second}, nil)
		s := e.c1()
		s.key = "no-such-consumer"
		_, err := e.p.VerifyTwoLegged(s.sign(get()))
		e.expect(t, err, http.StatusUnauthorized, core.ProblemConsumerKeyUnknown)
		e.failOn("GetConsumer", errDown)
		_, err = e.p.VerifyTwoLegged(s.sign(get()))
		e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
	})
	t.Run("off by default", func(t *testing.T) {
		e := newFixture(t, core.Config{}, nil)
		_, err := e.p.Verify(e.a1().sign(get()))
		e.expect(t, err, http.StatusOK, "")
		e.failOn("GetAccessToken", errDown)
		_, err = e.p.Verify(e.a1().sign(get()))
		e.expect(t, err, http.StatusInternalServerError, core.ProblemServerError)
	})
}

// TestLookupCache_GrantsAreCopies: a grant from the cache is the
// application's own: changing it changes no later grant.
func TestLookupCache_GrantsAreCopies(t *testing.T) {
	e := newFixture(t, core.Config{LookupCacheTTL: time.Second}, nil)
	g, err := e.p.Verify(e.a1().sign(get()))
	e.expect(t, err, http.StatusOK, "")
	g.Scopes[0], g.Token.Scopes[0], g.Consumer.Name = "changed", "changed", "changed"
	g2, err := e.p.Verify(e.a1().sign(get()))
	e.expect(t, err, http.StatusOK, "")
	if g2.Scopes[0] != "read" || g2.Token.Scopes[0] != "read" || g2.Consumer.Name == "changed" {
		t.Errorf("second grant %+v, token %+v, consumer %+v shows the first grant's changes", g2, g2.Token, g2.Consumer)
	}
}
