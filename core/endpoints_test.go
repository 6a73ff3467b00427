package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// The token endpoints (endpoints.go, RFC 5849 §2.1, §2.3):
// RequestTokenHandler and AccessTokenHandler.

// TestRequestToken_Callback: oauth_callback is required; it is oob or an
// absolute http(s) URL; when the consumer registered one, it must be that
// endpoint (any query), or oob.
func TestRequestToken_Callback(t *testing.T) {
	for _, tc := range []struct {
		registered, callback string
		status               int
		problem              string
	}{
		{"", "", 400, "parameter_absent"},
		{"", "oob", 200, ""},
		{"", "http://client.example.com/cb", 200, ""},
		{"", "https://client.example.com:8443/cb?state=a%20b", 200, ""},
		{"", "javascript:alert(1)", 400, "parameter_rejected"},
		{"", "JavaScript:alert(1)", 400, "parameter_rejected"},
		{"", "data:text/html,<script>alert(1)</script>", 400, "parameter_rejected"},
		{"", "vbscript:msgbox", 400, "parameter_rejected"},
		{"", "file:///etc/passwd", 400, "parameter_rejected"},
		{"", "/cb", 400, "parameter_rejected"},
		{"", "cb", 400, "parameter_rejected"},
		{"", "//client.example.com/cb", 400, "parameter_rejected"},
		{"", "http:///cb", 400, "parameter_rejected"},
		{"", "http://", 400, "parameter_rejected"},
		{"", "OOB", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com/cb", 200, ""},
		{"https://client.example.com/cb", "https://client.example.com/cb?state=1", 200, ""},
		{"https://client.example.com/cb", "https://client.example.com:443/cb", 200, ""},
		{"https://client.example.com/cb", "HTTPS://Client.Example.COM/cb", 200, ""},
		{"https://client.example.com/cb", "oob", 200, ""},
		{"https://client.example.com/cb", "http://client.example.com/cb", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://evil.example.com/cb", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com:8443/cb", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com/cb/evil", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com/cbx", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com/", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com/CB", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com.evil.net/cb", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "https://client.example.com@evil.net/cb", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "javascript:alert(1)", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "/cb", 400, "parameter_rejected"},
		{"https://client.example.com/cb", "", 400, "parameter_absent"},
		{"http://client.example.com:8080/cb", "http://client.example.com:8080/cb?a=1", 200, ""},
		{"http://client.example.com:8080/cb", "http://client.example.com/cb", 400, "parameter_rejected"},
		{"http://client.example.com/cb", "http://client.example.com:80/cb", 200, ""},
		{"https://client.example.com/cb?app=1", "https://client.example.com/cb?app=2", 200, ""},
		{"https://client.example.com", "https://client.example.com/", 200, ""},
	} {
		t.Run(tc.registered+" "+tc.callback, func(t *testing.T) {
			e := newEnv(t, core.Config{})
			c := e.addConsumer(t, core.Consumer{Key: lcCK, Secret: lcCS, CallbackURL: tc.registered})
			w := serve(e.p.RequestTokenHandler(), e.initiateRequest(c, tc.callback))
			v := e.expectResponse(t, w, tc.status, tc.problem)
			if tc.status == 400 && tc.problem == "parameter_absent" && v.Get("oauth_parameters_absent") != "oauth_callback" {
				t.Errorf("oauth_parameters_absent = %q", v.Get("oauth_parameters_absent"))
			}
			if tc.status != 200 {
				return
			}
			rt, err := e.store.GetRequestToken(context.Background(), v.Get("oauth_token"))
			if err != nil || rt.Callback != tc.callback || rt.ConsumerKey != lcCK || rt.State != core.StatePending {
				t.Errorf("stored request token %+v, %v", rt, err)
			}
		})
	}
}

// TestRequestToken_Refusals: a request for a request token is verified as
// any other (consumer, signature, timestamp, nonce) and carries no token.
// (Its scopes are TestRequestToken_Scopes'.)
func TestRequestToken_Refusals(t *testing.T) {
	for _, tc := range []struct {
		name      string
		c         client // the signer; unsigned when empty
		timestamp string
		replay    bool // the same request was answered before
		status    int
		problem   string
	}{
		{name: "oauth_token present", c: lcClient.withToken(fxTK, fxTS), status: 400, problem: "parameter_rejected"},
		{name: "nothing", status: 400, problem: "parameter_absent"},
		{name: "unknown consumer", c: client{key: "nobody", secret: lcCS}, status: 401, problem: "consumer_key_unknown"},
		{name: "bad signature", c: client{key: lcCK, secret: "wrong"}, status: 401, problem: "signature_invalid"},
		{name: "old timestamp", c: lcClient, timestamp: "1", status: 401, problem: "timestamp_refused"},
		{name: "replayed nonce", c: lcClient, replay: true, status: 401, problem: "nonce_used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLifecycle(t, core.Config{})
			r := httptest.NewRequest("POST", initiateURL, nil)
			if tc.c.key != "" {
				extra := []rfc5849.Param{prm("oauth_nonce", "initiate-once")}
				if tc.timestamp != "" {
					extra = append(extra, prm("oauth_timestamp", tc.timestamp))
				}
				r = e.initiateRequest(tc.c, "oob", extra...)
			}
			if tc.replay {
				e.expectResponse(t, serve(e.p.RequestTokenHandler(), r.Clone(r.Context())), 200, "")
			}
			e.expectResponse(t, serve(e.p.RequestTokenHandler(), r), tc.status, tc.problem)
		})
	}
}

var requestTokenBody = regexp.MustCompile(`^oauth_token=[A-Za-z0-9_-]{22,}&oauth_token_secret=[A-Za-z0-9_-]{43,}&oauth_callback_confirmed=true$`)

// TestRequestToken_Response: the answer's form, fresh credentials each
// time, and the request token stored pending until
// Config.RequestTokenTTL.
func TestRequestToken_Response(t *testing.T) {
	e := newLifecycle(t, core.Config{})
	seen := map[string]bool{}
	for i := range 20 {
		w := serve(e.p.RequestTokenHandler(), e.initiateRequest(lcClient, lcCB))
		v := e.expectResponse(t, w, 200, "")
		if !requestTokenBody.MatchString(w.Body.String()) {
			t.Fatalf("body %q", w.Body)
		}
		if w.Header().Get("WWW-Authenticate") != "" {
			t.Errorf("WWW-Authenticate on success")
		}
		tok, sec := v.Get("oauth_token"), v.Get("oauth_token_secret")
		if seen[tok] || seen[sec] || tok == sec {
			t.Fatalf("credentials repeat after %d: %q %q", i, tok, sec)
		}
		seen[tok], seen[sec] = true, true
		rt, err := e.store.GetRequestToken(context.Background(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if rt.Secret != sec || rt.State != core.StatePending || !rt.CreatedAt.Equal(time.Unix(t0, 0)) ||
			!rt.ExpiresAt.Equal(time.Unix(t0, 0).Add(core.DefaultRequestTokenTTL)) || rt.Callback != lcCB {
			t.Errorf("stored %+v", rt)
		}
	}
	t.Run("RequestTokenTTL", func(t *testing.T) {
		e := newLifecycle(t, core.Config{RequestTokenTTL: time.Minute})
		tok, _ := e.requestToken(t, lcClient, "oob")
		rt, err := e.store.GetRequestToken(context.Background(), tok)
		if err != nil || !rt.ExpiresAt.Equal(time.Unix(t0+60, 0)) {
			t.Errorf("ExpiresAt %v, %v", rt.ExpiresAt, err)
		}
	})
}

// The request tokens of newExchange.
const (
	rtTK, rtTS, rtVerifier = "lc-request-token", "lc-request-token-secret-Mm1", "lc-verifier-Nn2"
	rtPending, rtPendingTS = "lc-pending-token", "lc-pending-token-secret-Oo3"
	lcAccess, lcAccessTS   = "lc-access", "lc-access-secret-Cc3"
)

// newExchange is newLifecycle with lcCK's request token rtTK, approved by
// alice (verifier rtVerifier) with the scopes read and write, its pending
// request token rtPending, and its access token lcAccess.
func newExchange(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	e := newLifecycle(t, core.Config{})
	for _, rt := range []core.RequestToken{
		{Token: rtTK, Secret: rtTS, ConsumerKey: lcCK, Callback: lcCB, Scopes: []string{"read", "write"}},
		{Token: rtPending, Secret: rtPendingTS, ConsumerKey: lcCK, Callback: lcCB},
	} {
		rt.State, rt.CreatedAt, rt.ExpiresAt = core.StatePending, e.clock.Now(), e.clock.Now().Add(core.DefaultRequestTokenTTL)
		if err := e.store.CreateRequestToken(ctx, &rt); err != nil {
			t.Fatal(err)
		}
		e.remember(rt.Secret)
	}
	if err := e.store.AuthorizeRequestToken(ctx, rtTK, "alice", rtVerifier, []string{"read", "write"}); err != nil {
		t.Fatal(err)
	}
	e.remember(rtVerifier)
	e.addAccessToken(t, core.AccessToken{Token: lcAccess, Secret: lcAccessTS, ConsumerKey: lcCK, UserID: "alice"})
	return e
}

// TestExchange_Refusals: only the consumer's approved, unexpired request
// token, signed with its secret and sent with its verifier, is exchanged,
// once; the answer says why another is not.
func TestExchange_Refusals(t *testing.T) {
	boom := errors.New("boom " + fxStoreCauseSecret)
	for _, tc := range []struct {
		name                    string
		c                       client
		token, secret, verifier string
		exchangedBefore         bool
		advance                 time.Duration
		failOn                  string
		failErr                 error
		status                  int
		problem                 string
		absent                  string
	}{
		{name: "wrong verifier", c: lcClient, token: rtTK, secret: rtTS, verifier: rtVerifier + "x", status: 401, problem: "verifier_invalid"},
		{name: "empty verifier", c: lcClient, token: rtTK, secret: rtTS, verifier: "",
			status: 400, problem: "parameter_absent", absent: "oauth_verifier"},
		{name: "no token", c: lcClient, verifier: rtVerifier, status: 400, problem: "parameter_absent", absent: "oauth_token"},
		{name: "not yet approved", c: lcClient, token: rtPending, secret: rtPendingTS, verifier: rtVerifier, status: 401, problem: "token_rejected"},
		{name: "exchanged twice", c: lcClient, token: rtTK, secret: rtTS, verifier: rtVerifier, exchangedBefore: true,
			status: 401, problem: "token_used"},
		{name: "expired", c: lcClient, token: rtTK, secret: rtTS, verifier: rtVerifier, advance: core.DefaultRequestTokenTTL,
			status: 401, problem: "token_expired"},
		{name: "wrong token secret", c: lcClient, token: rtTK, secret: "wrong", verifier: rtVerifier, status: 401, problem: "signature_invalid"},
		{name: "another consumer", c: client2, token: rtTK, secret: rtTS, verifier: rtVerifier, status: 401, problem: "token_rejected"},
		{name: "unknown token", c: lcClient, token: "nothing", secret: "x", verifier: rtVerifier, status: 401, problem: "token_rejected"},
		{name: "an access token", c: lcClient, token: lcAccess, secret: lcAccessTS, verifier: rtVerifier, status: 401, problem: "token_rejected"},
		{name: "store fails to consume", c: lcClient, token: rtTK, secret: rtTS, verifier: rtVerifier,
			failOn: "ConsumeRequestToken", failErr: boom, status: 500, problem: "server_error"},
		{name: "store fails to read", c: lcClient, token: rtTK, secret: rtTS, verifier: rtVerifier,
			failOn: "GetRequestToken", failErr: boom, status: 500, problem: "server_error"},
		{name: "store conflict", c: lcClient, token: rtTK, secret: rtTS, verifier: rtVerifier,
			failOn: "ConsumeRequestToken", failErr: fmt.Errorf("lost: %w", core.ErrConflict), status: 401, problem: "token_used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newExchange(t)
			if tc.exchangedBefore {
				w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, rtTK, rtTS, rtVerifier))
				e.remember(e.expectResponse(t, w, 200, "").Get("oauth_token_secret"))
			}
			e.clock.Add(tc.advance)
			e.failOn(tc.failOn, tc.failErr)
			w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(tc.c, tc.token, tc.secret, tc.verifier))
			v := e.expectResponse(t, w, tc.status, tc.problem)
			if tc.absent != "" && v.Get("oauth_parameters_absent") != tc.absent {
				t.Errorf("oauth_parameters_absent = %q, want %q", v.Get("oauth_parameters_absent"), tc.absent)
			}
		})
	}
}

// TestExchange_WrongVerifierKeepsToken: a wrong verifier does not burn
// the request token.
func TestExchange_WrongVerifierKeepsToken(t *testing.T) {
	e := newExchange(t)
	w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, rtTK, rtTS, "guess"))
	e.expectResponse(t, w, 401, "verifier_invalid")
	w = serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, rtTK, rtTS, rtVerifier))
	e.remember(e.expectResponse(t, w, 200, "").Get("oauth_token_secret"))
}

// TestExchange_RequestTokenTTL: a request token issued under
// Config.RequestTokenTTL is exchanged until then, and not after.
func TestExchange_RequestTokenTTL(t *testing.T) {
	for _, tc := range []struct {
		name    string
		advance time.Duration
		status  int
		problem string
	}{
		{"just before", time.Minute - time.Second, 200, ""},
		{"at the TTL", time.Minute, 401, "token_expired"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLifecycle(t, core.Config{RequestTokenTTL: time.Minute})
			tok, sec := e.requestToken(t, lcClient, lcCB)
			a := e.approve(t, tok, "alice", nil)
			e.clock.Add(tc.advance)
			w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, tok, sec, a.Verifier))
			e.remember(e.expectResponse(t, w, tc.status, tc.problem).Get("oauth_token_secret"))
		})
	}
}

var accessTokenBody = regexp.MustCompile(`^oauth_token=[A-Za-z0-9_-]{22,}&oauth_token_secret=[A-Za-z0-9_-]{43,}&user_id=alice&scope=read%20write$`)

// TestFullFlow runs request token, consent and exchange, then uses the
// access token, with and without AccessTokenTTL.
func TestFullFlow(t *testing.T) {
	e := newLifecycle(t, core.Config{AccessTokenTTL: time.Hour})
	tok, sec := e.requestToken(t, lcClient, lcCB, prm("scope", "read write"))
	ar, err := e.p.ConsentRequest(httptest.NewRequest("GET", "/authorize?oauth_token="+tok, nil))
	e.expect(t, err, 200, "")
	if len(ar.Scopes) != 2 || ar.Scopes[0] != lcScopes[0] || ar.Scopes[1] != lcScopes[1] {
		t.Errorf("consent scopes %+v", ar.Scopes)
	}
	a := e.approve(t, tok, "alice", nil)
	e.clock.Add(time.Minute) // the user took a minute
	w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, tok, sec, a.Verifier))
	v := e.expectResponse(t, w, 200, "")
	if !accessTokenBody.MatchString(w.Body.String()) {
		t.Errorf("answer %q", w.Body)
	}
	at, ats := v.Get("oauth_token"), v.Get("oauth_token_secret")
	e.remember(ats)
	stored, err := e.store.GetAccessToken(context.Background(), at)
	if err != nil || stored.UserID != "alice" || stored.ConsumerKey != lcCK ||
		!stored.ExpiresAt.Equal(time.Unix(t0+60, 0).Add(time.Hour)) || !slices.Equal(stored.Scopes, []string{"read", "write"}) {
		t.Errorf("stored %+v, %v", stored, err)
	}
	rt, err := e.store.GetRequestToken(context.Background(), tok)
	if err != nil || rt.State != core.StateUsed {
		t.Errorf("request token after exchange %+v, %v", rt, err)
	}
	holder := lcClient.withToken(at, ats)
	g, err := e.p.Authenticate(e.sign(holder, get()))
	e.expect(t, err, 200, "")
	if g.UserID != "alice" || g.Token.Token != at || !g.HasScopes("read", "write") || g.HasScopes("admin") {
		t.Errorf("grant %+v", g)
	}
	// The request token's credentials are not an access token.
	_, err = e.p.Authenticate(e.sign(lcClient.withToken(tok, sec), get()))
	e.expect(t, err, 401, "token_rejected")

	e.clock.Add(time.Hour - time.Second)
	_, err = e.p.Authenticate(e.sign(holder, get()))
	e.expect(t, err, 200, "")
	e.clock.Add(time.Second)
	_, err = e.p.Authenticate(e.sign(holder, get()))
	e.expect(t, err, 401, "token_expired")

	t.Run("without TTL", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		at, _, _ := e.issue(t, lcClient, "alice", nil)
		stored, err := e.store.GetAccessToken(context.Background(), at)
		if err != nil || !stored.ExpiresAt.IsZero() {
			t.Errorf("stored %+v, %v", stored, err)
		}
	})
	t.Run("provider without scopes", func(t *testing.T) {
		e := newLifecycle(t, core.Config{Scopes: []core.Scope{}})
		_, _, v := e.issue(t, lcClient, "alice", nil)
		if v.Has("scope") || len(v) != 3 {
			t.Errorf("answer %v has more than oauth_token, oauth_token_secret, user_id", v)
		}
	})
}

// TestExchange_Concurrent: 32 concurrent exchanges of one verifier (start
// barrier), each with its own nonce; exactly one gets an access token.
func TestExchange_Concurrent(t *testing.T) {
	e := newLifecycle(t, core.Config{})
	tok, sec := e.requestToken(t, lcClient, lcCB)
	a := e.approve(t, tok, "alice", nil)
	const n = 32
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = e.exchangeRequest(lcClient, tok, sec, a.Verifier)
	}
	ws := make([]*httptest.ResponseRecorder, n)
	h := e.p.AccessTokenHandler()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			ws[i] = serve(h, reqs[i])
		})
	}
	close(start)
	wg.Wait()
	ok := 0
	for _, w := range ws {
		if w.Code == 200 {
			ok++
			e.remember(problem(t, w.Body.String()).Get("oauth_token_secret"))
		}
	}
	if ok != 1 {
		t.Fatalf("%d exchanges succeeded, want exactly 1", ok)
	}
	for _, w := range ws {
		if w.Code != 200 {
			e.expectResponse(t, w, 401, "token_used")
		}
	}
	tokens, err := e.store.ListAccessTokens(context.Background(), "alice")
	if err != nil || len(tokens) != 1 {
		t.Errorf("alice holds %d access tokens (%v), want 1", len(tokens), err)
	}
}
