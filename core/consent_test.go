package core_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// Consent (consent.go, RFC 5849 §2.2): the request token a consent page
// names, and the user's decision on it, once.

const authURL = "https://provider.example/oauth/authorize"

// TestConsentRequest_TokenSources: ConsentRequest reads oauth_token from
// the query or a form body, and nowhere else; without it the answer is
// 400 parameter_absent naming oauth_token.
func TestConsentRequest_TokenSources(t *testing.T) {
	for _, tc := range []struct {
		name, method, target string // "{token}" stands for the request token
		contentType          string
		body                 string
		nilBody, endless     bool
		status               int
	}{
		{name: "query", method: "GET", target: authURL + "?oauth_token={token}", status: 200},
		{name: "POST form", method: "POST", target: authURL, contentType: "application/x-www-form-urlencoded",
			body: "approve=yes&oauth_token={token}", status: 200},
		{name: "POST with the token in the query", method: "POST", target: authURL + "?oauth_token={token}", status: 200},
		{name: "missing", method: "GET", target: authURL, status: 400},
		{name: "empty", method: "GET", target: authURL + "?oauth_token=", status: 400},
		{name: "POST JSON", method: "POST", target: authURL, contentType: "application/json",
			body: `{"oauth_token":"{token}"}`, status: 400},
		{name: "POST form with a nil body", method: "POST", target: authURL, contentType: "application/x-www-form-urlencoded",
			nilBody: true, status: 400},
		{name: "POST form too large", method: "POST", target: authURL, contentType: "application/x-www-form-urlencoded",
			endless: true, status: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLifecycle(t, core.Config{})
			tok, _ := e.requestToken(t, lcClient, lcCB, prm("scope", "read write"))
			var body io.Reader = strings.NewReader(strings.ReplaceAll(tc.body, "{token}", tok))
			if tc.endless {
				body = endless{}
			}
			r := httptest.NewRequest(tc.method, strings.ReplaceAll(tc.target, "{token}", tok), body)
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			if tc.nilBody {
				r.Body = nil // as a client-side request may have it
			}
			ar, err := e.p.ConsentRequest(r)
			if tc.status != http.StatusOK {
				v := e.expect(t, err, tc.status, core.ProblemParameterAbsent)
				if v.Get("oauth_parameters_absent") != "oauth_token" {
					t.Errorf("oauth_parameters_absent = %q", v.Get("oauth_parameters_absent"))
				}
				return
			}
			e.expect(t, err, http.StatusOK, "")
			checkConsent(t, ar, tok)
		})
	}
}

// checkConsent checks the consent request of newLifecycle's request token
// tok, for lcCB with the scopes read and write.
func checkConsent(t *testing.T, ar *core.AuthorizationRequest, tok string) {
	t.Helper()
	want := []core.Scope{lcScopes[0], lcScopes[1]}
	if ar.Token != tok || ar.Consumer.Key != lcCK || ar.Consumer.Name == "" || ar.Callback != lcCB || ar.OOB ||
		!slices.Equal(ar.Scopes, want) {
		t.Errorf("authorization %+v, want scopes %v", ar, want)
	}
}

// TestConsentRequest_TokenState: only a pending, unexpired request token
// of a consumer that still exists can be decided on; the answer says
// why another cannot.
func TestConsentRequest_TokenState(t *testing.T) {
	for _, tc := range []struct {
		name    string
		token   string // the token named, if not the request token
		advance time.Duration
		before  string // what happened to the request token: "approved", "denied", "consumer deleted"
		failOn  string // a store method that fails
		status  int
		problem string
	}{
		{name: "unknown", token: "nothing", status: 401, problem: "token_rejected"},
		{name: "an access token", token: "lc-access", status: 401, problem: "token_rejected"},
		{name: "just before expiry", advance: core.DefaultRequestTokenTTL - time.Second, status: 200},
		{name: "expired", advance: core.DefaultRequestTokenTTL, status: 401, problem: "token_expired"},
		{name: "already approved", before: "approved", status: 401, problem: "token_used"},
		{name: "denied", before: "denied", status: 401, problem: "user_refused"},
		{name: "consumer deleted", before: "consumer deleted", status: 401, problem: "consumer_key_rejected"},
		{name: "store fails", failOn: "GetRequestToken", status: 500, problem: "server_error"},
		{name: "store fails on the consumer", failOn: "GetConsumer", status: 500, problem: "server_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			e := newLifecycle(t, core.Config{})
			e.addAccessToken(t, core.AccessToken{Token: "lc-access", Secret: "lc-access-secret-Bb2", ConsumerKey: lcCK, UserID: "u"})
			tok, _ := e.requestToken(t, lcClient, lcCB, prm("scope", "read write"))
			var err error
			switch tc.before {
			case "approved":
				e.approve(t, tok, "alice", nil)
			case "denied":
				_, err = e.p.Deny(ctx, tok)
			case "consumer deleted":
				err = e.store.DeleteConsumer(ctx, lcCK)
			}
			if err != nil {
				t.Fatal(err)
			}
			e.clock.Add(tc.advance)
			if tc.failOn != "" {
				e.failOn(tc.failOn, errors.New("boom "+fxStoreCauseSecret))
			}
			named := tok
			if tc.token != "" {
				named = tc.token
			}
			ar, err := e.p.ConsentRequest(httptest.NewRequest("GET", authURL+"?oauth_token="+named, nil))
			e.expect(t, err, tc.status, tc.problem)
			if tc.status == http.StatusOK {
				checkConsent(t, ar, tok)
			}
		})
	}
}

// TestConsentRequest_OOB: a request token without a callback asks for
// every scope and says so.
func TestConsentRequest_OOB(t *testing.T) {
	e := newLifecycle(t, core.Config{})
	tok, _ := e.requestToken(t, lcClient, "oob")
	ar, err := e.p.ConsentRequest(httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil))
	e.expect(t, err, 200, "")
	if !ar.OOB || ar.Callback != "oob" || len(ar.Scopes) != 3 {
		t.Errorf("authorization %+v", ar)
	}
}

// TestApprove: a request token is decided once, while pending and
// unexpired; the decision redirects to the callback with the token and a
// fresh verifier, or carries the verifier for oob. (The scopes granted
// are TestApprove_Scopes'.)
func TestApprove(t *testing.T) {
	ctx := context.Background()
	t.Run("decided once", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, lcCB)
		e.approve(t, tok, "alice", nil)
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 401, "token_used")
		_, err = e.p.Approve(ctx, tok, "mallory", nil)
		e.expect(t, err, 401, "token_used")
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 401, "token_used")
	})
	t.Run("after deny", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, lcCB)
		if _, err := e.p.Deny(ctx, tok); err != nil {
			t.Fatal(err)
		}
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 401, "user_refused")
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 401, "user_refused")
	})
	t.Run("unknown token", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		_, err := e.p.Approve(ctx, "nothing", "alice", nil)
		e.expect(t, err, 401, "token_rejected")
		_, err = e.p.Deny(ctx, "nothing")
		e.expect(t, err, 401, "token_rejected")
	})
	t.Run("expired", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, lcCB)
		e.clock.Add(core.DefaultRequestTokenTTL)
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 401, "token_expired")
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 401, "token_expired")
	})
	t.Run("redirect keeps the callback's query", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, lcCB)
		a := e.approve(t, tok, "alice", nil)
		want := "http://client.example.net/cb?x=1&oauth_token=" + tok + "&oauth_verifier=" + a.Verifier
		if a.RedirectURL != want || a.Denied || a.ConsumerKey != lcCK {
			t.Errorf("approval %+v, want RedirectURL %q", a, want)
		}
		if len(a.Verifier) < 22 || rfc5849.Encode(a.Verifier) != a.Verifier {
			t.Errorf("verifier %q", a.Verifier)
		}
	})
	t.Run("redirect without a query", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, "https://client.example.com/cb")
		a := e.approve(t, tok, "alice", nil)
		want := "https://client.example.com/cb?oauth_token=" + tok + "&oauth_verifier=" + a.Verifier
		if a.RedirectURL != want {
			t.Errorf("RedirectURL %q, want %q", a.RedirectURL, want)
		}
	})
	t.Run("the vector's token", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		rt := &core.RequestToken{Token: "hdk48Djdsa", Secret: "s", ConsumerKey: lcCK, Callback: lcCB,
			State: core.StatePending, CreatedAt: e.clock.Now(), ExpiresAt: e.clock.Now().Add(time.Minute)}
		if err := e.store.CreateRequestToken(ctx, rt); err != nil {
			t.Fatal(err)
		}
		a := e.approve(t, "hdk48Djdsa", "alice", nil)
		if want := "http://client.example.net/cb?x=1&oauth_token=hdk48Djdsa&oauth_verifier=" + a.Verifier; a.RedirectURL != want {
			t.Errorf("RedirectURL %q, want %q", a.RedirectURL, want)
		}
	})
	t.Run("oob", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, "oob")
		a := e.approve(t, tok, "alice", nil)
		if a.Denied || a.RedirectURL != "" || a.Verifier == "" {
			t.Errorf("approval %+v", a)
		}
	})
	t.Run("verifiers differ", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		seen := map[string]bool{}
		for range 20 {
			tok, _ := e.requestToken(t, lcClient, "oob")
			a := e.approve(t, tok, "alice", nil)
			if seen[a.Verifier] {
				t.Fatalf("verifier %q repeats", a.Verifier)
			}
			seen[a.Verifier] = true
		}
	})
	t.Run("store fails", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, "oob")
		e.failOn("AuthorizeRequestToken", errors.New("boom "+fxStoreCauseSecret))
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 500, "server_error")
		e.failOn("DenyRequestToken", context.DeadlineExceeded)
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 503, "temporarily_unavailable")
	})
}

// TestApprove_Concurrent: of 16 concurrent decisions on one token
// (start barrier) exactly one wins.
func TestApprove_Concurrent(t *testing.T) {
	e := newLifecycle(t, core.Config{})
	tok, _ := e.requestToken(t, lcClient, "oob")
	const n = 16
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			if i%2 == 0 {
				_, errs[i] = e.p.Approve(context.Background(), tok, fmt.Sprint("user", i), nil)
			} else {
				_, errs[i] = e.p.Deny(context.Background(), tok)
			}
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		if st, pr := statusOf(err); st != 401 || (pr != "token_used" && pr != "user_refused") {
			t.Errorf("loser got %d %s", st, pr)
		}
	}
	if ok != 1 {
		t.Errorf("%d decisions won, want exactly 1", ok)
	}
}

// TestDeny: a denial redirects to the callback with denied=token (none
// for oob), and the token can no longer be exchanged.
func TestDeny(t *testing.T) {
	ctx := context.Background()
	e := newLifecycle(t, core.Config{})
	tok, sec := e.requestToken(t, lcClient, lcCB)
	d, err := e.p.Deny(ctx, tok)
	e.expect(t, err, 200, "")
	if want := lcCB + "&denied=" + tok; d.RedirectURL != want || !d.Denied || d.Verifier != "" || d.ConsumerKey != lcCK {
		t.Errorf("decision %+v, want a denial redirecting to %q", d, want)
	}
	w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, tok, sec, "guess"))
	e.expectResponse(t, w, 401, "user_refused")

	tok, _ = e.requestToken(t, lcClient, "oob")
	d, err = e.p.Deny(ctx, tok)
	if err != nil || d.RedirectURL != "" || !d.Denied {
		t.Errorf("oob deny: %+v, %v", d, err)
	}
}
