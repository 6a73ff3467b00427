package core_test

import (
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// TestRevokeApp_DeniesApprovedRequestTokens: revoking an app also denies
// the request tokens the user approved for it and the consumer has not
// exchanged yet (before, such a token still exchanged for a working access
// token for up to the request-token TTL).
func TestRevokeApp_DeniesApprovedRequestTokens(t *testing.T) {
	e := newLifecycle(t, core.Config{})
	e.issue(t, lcClient, "alice", nil) // RT1, exchanged
	rt2, rs2 := e.requestToken(t, lcClient, lcCB)
	a := e.approve(t, rt2, "alice", nil) // RT2, approved, not exchanged
	if err := e.p.RevokeApp(t.Context(), "alice", lcCK); err != nil {
		t.Fatal(err)
	}
	w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, rt2, rs2, a.Verifier))
	e.expectResponse(t, w, http.StatusUnauthorized, core.ProblemUserRefused)
}

// TestRevokeApp_RacesExchange: an exchange racing the revocation either
// fails, or yields an access token that the revocation revoked.
func TestRevokeApp_RacesExchange(t *testing.T) {
	for range 50 {
		e := newLifecycle(t, core.Config{})
		rt, rs := e.requestToken(t, lcClient, lcCB)
		a := e.approve(t, rt, "alice", nil)
		var w *http.Response
		var revokeErr error
		start := make(chan struct{})
		var wg sync.WaitGroup
		req := e.exchangeRequest(lcClient, rt, rs, a.Verifier)
		wg.Go(func() { <-start; w = serve(e.p.AccessTokenHandler(), req).Result() })
		wg.Go(func() { <-start; revokeErr = e.p.RevokeApp(t.Context(), "alice", lcCK) })
		close(start)
		wg.Wait()
		if revokeErr != nil {
			t.Fatalf("RevokeApp: %v", revokeErr)
		}
		if w.StatusCode != http.StatusOK {
			continue // the exchange lost: nothing to revoke
		}
		tokens, err := e.store.ListAccessTokens(t.Context(), "alice")
		if err != nil || len(tokens) != 1 || !tokens[0].Revoked {
			t.Fatalf("the exchange won, but its access token is %+v (%v), not revoked", tokens, err)
		}
	}
}

// TestRevoke_MalformedKeys: a consumer key or token that no record can have
// is not found (404 token_rejected, wrapping ErrNotFound), and the store is
// not asked (a database could fail on bytes that are not UTF-8: a 500).
func TestRevoke_MalformedKeys(t *testing.T) {
	e := newFixture(t, core.Config{})
	e.failOn("DenyAuthorizedRequestTokens", errors.New("asked"))
	long := strings.Repeat("k", core.DefaultMaxParamBytes+1)
	for _, key := range []string{"\xff", "a\x00b", long} {
		err := e.p.RevokeApp(t.Context(), "alice", key)
		e.expect(t, err, 404, core.ProblemTokenRejected)
		if !errors.Is(err, core.ErrNotFound) {
			t.Errorf("RevokeApp(%q) = %v, want ErrNotFound", key, err)
		}
	}
	e.failOn("RevokeAccessToken", errors.New("asked"))
	for _, token := range []string{"\xff", "a\nb", long} {
		err := e.p.RevokeAccessToken(t.Context(), token)
		e.expect(t, err, 404, core.ProblemTokenRejected)
		if !errors.Is(err, core.ErrNotFound) {
			t.Errorf("RevokeAccessToken(%q) = %v, want ErrNotFound", token, err)
		}
	}
}
