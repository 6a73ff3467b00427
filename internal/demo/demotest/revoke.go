package demotest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo"
)

// SharedRevoke starts two instances of the service on the database of cfg:
// an app revoked at /account/apps on the first is refused by the very next
// request to the second (401 token_revoked), however often the second has
// verified its token before: whatever an instance keeps of consumers and
// tokens, a revocation holds at once on every instance.
func SharedRevoke(t *testing.T, cfg demo.Config, newRouter func(*demo.App) http.Handler) {
	t.Run("revoke on another instance", func(t *testing.T) {
		a, b := Start(t, cfg, newRouter), Start(t, cfg, newRouter)
		s := &scenario{env: a, anon: NewClient(t, a.URL), alice: NewClient(t, a.URL)}
		s.alice.Login(Alice, "/")
		cons := s.alice.RegisterConsumer(Alice, url.Values{"name": {"Revoked Elsewhere"}})
		at := s.authorize(t, cons, core.OOB, "")
		onB := NewClient(t, b.URL)
		me := func() *Response { return onB.Signed(Signer(cons, at.Token, at.Secret), http.MethodGet, "/api/me", nil) }
		for i := range 3 { // the later ones may come from what b keeps
			if r := me(); r.Status != http.StatusOK {
				t.Fatalf("GET /api/me on b, #%d: %d %s", i+1, r.Status, r.Body)
			}
		}
		csrf := CSRF(s.alice.Get("/account/apps").Body)
		r := s.alice.PostForm("/account/apps/revoke", url.Values{"consumer_key": {cons.Key}, "csrf_token": {csrf}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("revoke on a: %d %s", r.Status, r.Body)
		}
		for i := range 2 {
			if r := me(); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemTokenRevoked {
				t.Errorf("GET /api/me on b after revoking on a, #%d: %d %s, want 401 token_revoked", i+1, r.Status, r.Body)
			}
		}
		ping := onB.Signed(Signer(cons, "", ""), http.MethodGet, "/api/ping", nil)
		if ping.Status != http.StatusOK {
			t.Errorf("GET /api/ping on b (the consumer itself is not revoked): %d %s", ping.Status, ping.Body)
		}
	})
}
