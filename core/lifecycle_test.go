package core_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// The life cycle of tokens through the handlers: request token, consent
// (ConsentRequest, LoadConsent, Approve, Deny), exchange; and consumer management.

var lcScopes = []core.Scope{
	{Name: "read", Description: "Read your profile"},
	{Name: "write", Description: "Change your profile"},
	{Name: "admin", Description: "Administer the account"},
}

const (
	lcCK, lcCS = "lc-consumer", "lc-consumer-secret-Aa1-long"
	lcCB       = "http://client.example.net/cb?x=1"
)

// newLifecycle is a tenv with lcScopes and the consumer lcCK (no
// registered callback, all scopes) plus fxCK2 (another consumer).
func newLifecycle(t testing.TB, cfg core.Config) (*tenv, signer) {
	t.Helper()
	if cfg.Scopes == nil {
		cfg.Scopes = lcScopes
	}
	e := newTEnv(t, cfg)
	s := e.consumer(t, core.Consumer{Key: lcCK, Secret: lcCS})
	e.consumer(t, core.Consumer{Key: fxCK2, Secret: fxCS2})
	return e, s
}

func initiateReq(s signer, callback string, extra ...rfc5849.Param) *http.Request {
	r := httptest.NewRequest("POST", initiateURL, nil)
	if callback != "" {
		extra = append([]rfc5849.Param{prm("oauth_callback", callback)}, extra...)
	}
	return s.sign(r, extra...)
}

// requestToken gets a request token through RequestTokenHandler.
func (e *tenv) requestToken(t testing.TB, s signer, callback string, extra ...rfc5849.Param) (token, secret string) {
	t.Helper()
	w := serve(e.p.RequestTokenHandler(), initiateReq(s, callback, extra...))
	v := e.expectResponse(t, w, 200, "")
	token, secret = v.Get("oauth_token"), v.Get("oauth_token_secret")
	e.remember(secret)
	return token, secret
}

func exchangeReq(s signer, token, secret, verifier string) *http.Request {
	return s.withToken(token, secret).sign(httptest.NewRequest("POST", tokenURL, nil), prm("oauth_verifier", verifier))
}

func (e *tenv) approve(t testing.TB, token, user string, scopes []string) *core.Decision {
	t.Helper()
	a, err := e.p.Approve(context.Background(), token, user, scopes)
	e.expect(t, err, 200, "")
	e.remember(a.Verifier)
	return a
}

// issue runs the whole flow for user and returns the access token's
// credentials and the exchange's answer.
func (e *tenv) issue(t testing.TB, s signer, user string, granted []string, extra ...rfc5849.Param) (token, secret string, v url.Values) {
	t.Helper()
	rt, rs := e.requestToken(t, s, lcCB, extra...)
	a := e.approve(t, rt, user, granted)
	w := serve(e.p.AccessTokenHandler(), exchangeReq(s, rt, rs, a.Verifier))
	v = e.expectResponse(t, w, 200, "")
	token, secret = v.Get("oauth_token"), v.Get("oauth_token_secret")
	e.remember(secret)
	return token, secret, v
}

func TestRequestTokenCallback(t *testing.T) {
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
			e := newTEnv(t, core.Config{})
			s := e.consumer(t, core.Consumer{Key: lcCK, Secret: lcCS, CallbackURL: tc.registered})
			w := serve(e.p.RequestTokenHandler(), initiateReq(s, tc.callback))
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

func TestRequestTokenErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		req     func(e *tenv, s signer) *http.Request
		status  int
		problem string
	}{
		{"oauth_token present", func(e *tenv, s signer) *http.Request {
			return initiateReq(s.withToken(fxTK, fxTS), "oob")
		}, 400, "parameter_rejected"},
		{"nothing", func(e *tenv, s signer) *http.Request { return httptest.NewRequest("POST", initiateURL, nil) },
			400, "parameter_absent"},
		{"unknown consumer", func(e *tenv, s signer) *http.Request {
			return initiateReq(signer{key: "nobody", secret: lcCS, clock: e.clock}, "oob")
		}, 401, "consumer_key_unknown"},
		{"bad signature", func(e *tenv, s signer) *http.Request {
			s.secret = "wrong"
			return initiateReq(s, "oob")
		}, 401, "signature_invalid"},
		{"old timestamp", func(e *tenv, s signer) *http.Request {
			s.timestamp = "1"
			return initiateReq(s, "oob")
		}, 401, "timestamp_refused"},
		{"replayed nonce", func(e *tenv, s signer) *http.Request {
			s.nonce = "initiate-once"
			w := serve(e.p.RequestTokenHandler(), initiateReq(s, "oob"))
			if w.Code != 200 {
				panic(w.Body.String())
			}
			return initiateReq(s, "oob")
		}, 401, "nonce_used"},
		{"scope unknown", func(e *tenv, s signer) *http.Request {
			return initiateReq(s, "oob", prm("scope", "read bogus"))
		}, 400, "parameter_rejected"},
		{"scope repeated", func(e *tenv, s signer) *http.Request {
			return initiateReq(s, "oob", prm("scope", "read"), prm("scope", "write"))
		}, 400, "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s := newLifecycle(t, core.Config{})
			w := serve(e.p.RequestTokenHandler(), tc.req(e, s))
			e.expectResponse(t, w, tc.status, tc.problem)
		})
	}
}

func TestRequestTokenScopes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		noScopes bool     // a provider without scopes
		limited  []string // Consumer.Scopes
		extra    []rfc5849.Param
		form     bool
		want     []string
		problem  string
	}{
		{name: "absent: all the provider's", want: []string{"read", "write", "admin"}},
		{name: "absent: all the consumer's", limited: []string{"read", "write"}, want: []string{"read", "write"}},
		{name: "empty: all the consumer's", limited: []string{"read", "write"}, extra: []rfc5849.Param{prm("scope", "")}, want: []string{"read", "write"}},
		{name: "one", limited: []string{"read", "write"}, extra: []rfc5849.Param{prm("scope", "read")}, want: []string{"read"}},
		{name: "two in the given order", extra: []rfc5849.Param{prm("scope", "write read")}, want: []string{"write", "read"}},
		{name: "extra spaces", extra: []rfc5849.Param{prm("scope", "  write   read ")}, want: []string{"write", "read"}},
		{name: "duplicate within the value", extra: []rfc5849.Param{prm("scope", "read read")}, want: []string{"read"}},
		{name: "in the form body", form: true, extra: []rfc5849.Param{prm("scope", "admin")}, want: []string{"admin"}},
		{name: "not allowed for the consumer", limited: []string{"read", "write"}, extra: []rfc5849.Param{prm("scope", "admin")}, problem: "parameter_rejected"},
		{name: "unknown", extra: []rfc5849.Param{prm("scope", "bogus")}, problem: "parameter_rejected"},
		{name: "unknown among known", extra: []rfc5849.Param{prm("scope", "read bogus")}, problem: "parameter_rejected"},
		{name: "repeated parameter", extra: []rfc5849.Param{prm("scope", "read"), prm("scope", "read")}, problem: "parameter_rejected"},
		{name: "provider without scopes: absent", noScopes: true, want: nil},
		{name: "provider without scopes: given", noScopes: true, extra: []rfc5849.Param{prm("scope", "read")}, problem: "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := core.Config{Scopes: lcScopes}
			if tc.noScopes {
				cfg.Scopes = []core.Scope{}
			}
			e := newTEnv(t, cfg)
			s := e.consumer(t, core.Consumer{Key: lcCK, Secret: lcCS, Scopes: tc.limited})
			var r *http.Request
			if tc.form {
				s.where = "form"
				r = s.sign(httptest.NewRequest("POST", initiateURL, nil), append(tc.extra, prm("oauth_callback", "oob"))...)
			} else {
				r = initiateReq(s, "oob", tc.extra...)
			}
			w := serve(e.p.RequestTokenHandler(), r)
			if tc.problem != "" {
				e.expectResponse(t, w, 400, tc.problem)
				return
			}
			v := e.expectResponse(t, w, 200, "")
			ar, err := e.p.LoadConsent(context.Background(), v.Get("oauth_token"))
			e.expect(t, err, 200, "")
			var got []string
			for _, sc := range ar.Scopes {
				got = append(got, sc.Name)
				if !tc.noScopes && sc.Description == "" {
					t.Errorf("scope %q has no description", sc.Name)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("scopes = %q, want %q", got, tc.want)
			}
		})
	}
}

var requestTokenBody = regexp.MustCompile(`^oauth_token=[A-Za-z0-9_-]{22,}&oauth_token_secret=[A-Za-z0-9_-]{43,}&oauth_callback_confirmed=true$`)

func TestRequestTokenResponse(t *testing.T) {
	e, s := newLifecycle(t, core.Config{})
	seen := map[string]bool{}
	for i := range 20 {
		w := serve(e.p.RequestTokenHandler(), initiateReq(s, lcCB))
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
		e, s := newLifecycle(t, core.Config{RequestTokenTTL: time.Minute})
		tok, _ := e.requestToken(t, s, "oob")
		rt, err := e.store.GetRequestToken(context.Background(), tok)
		if err != nil || !rt.ExpiresAt.Equal(time.Unix(t0+60, 0)) {
			t.Errorf("ExpiresAt %v, %v", rt.ExpiresAt, err)
		}
	})
}

func TestConsentRequest(t *testing.T) {
	const authURL = "https://provider.example/oauth/authorize"
	for _, tc := range []struct {
		name    string
		req     func(t *testing.T, e *tenv, tok string) *http.Request
		status  int
		problem string
	}{
		{"query", func(t *testing.T, e *tenv, tok string) *http.Request {
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 200, ""},
		{"POST form", func(t *testing.T, e *tenv, tok string) *http.Request {
			r := httptest.NewRequest("POST", authURL, strings.NewReader("approve=yes&oauth_token="+tok))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 200, ""},
		{"POST with the token in the query", func(t *testing.T, e *tenv, tok string) *http.Request {
			return httptest.NewRequest("POST", authURL+"?oauth_token="+tok, nil)
		}, 200, ""},
		{"missing", func(t *testing.T, e *tenv, tok string) *http.Request { return httptest.NewRequest("GET", authURL, nil) },
			400, "parameter_absent"},
		{"empty", func(t *testing.T, e *tenv, tok string) *http.Request {
			return httptest.NewRequest("GET", authURL+"?oauth_token=", nil)
		}, 400, "parameter_absent"},
		{"POST JSON", func(t *testing.T, e *tenv, tok string) *http.Request {
			r := httptest.NewRequest("POST", authURL, strings.NewReader(`{"oauth_token":"`+tok+`"}`))
			r.Header.Set("Content-Type", "application/json")
			return r
		}, 400, "parameter_absent"},
		{"POST form with a nil body", func(t *testing.T, e *tenv, tok string) *http.Request {
			r := httptest.NewRequest("POST", authURL, nil)
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = nil // as a client-side request may have it
			return r
		}, 400, "parameter_absent"},
		{"POST form too large", func(t *testing.T, e *tenv, tok string) *http.Request {
			r := httptest.NewRequest("POST", authURL, endless{})
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return r
		}, 400, "parameter_absent"},
		{"unknown", func(t *testing.T, e *tenv, tok string) *http.Request {
			return httptest.NewRequest("GET", authURL+"?oauth_token=nothing", nil)
		}, 401, "token_rejected"},
		{"an access token", func(t *testing.T, e *tenv, tok string) *http.Request {
			e.token(t, core.AccessToken{Token: "lc-access", Secret: "lc-access-secret-Bb2", ConsumerKey: lcCK, UserID: "u"})
			return httptest.NewRequest("GET", authURL+"?oauth_token=lc-access", nil)
		}, 401, "token_rejected"},
		{"just before expiry", func(t *testing.T, e *tenv, tok string) *http.Request {
			e.clock.Add(core.DefaultRequestTokenTTL - time.Second)
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 200, ""},
		{"expired", func(t *testing.T, e *tenv, tok string) *http.Request {
			e.clock.Add(core.DefaultRequestTokenTTL)
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 401, "token_expired"},
		{"already approved", func(t *testing.T, e *tenv, tok string) *http.Request {
			e.approve(t, tok, "alice", nil)
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 401, "token_used"},
		{"denied", func(t *testing.T, e *tenv, tok string) *http.Request {
			if _, err := e.p.Deny(context.Background(), tok); err != nil {
				panic(err)
			}
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 401, "user_refused"},
		{"consumer deleted", func(t *testing.T, e *tenv, tok string) *http.Request {
			if err := e.store.DeleteConsumer(context.Background(), lcCK); err != nil {
				panic(err)
			}
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 401, "consumer_key_rejected"},
		{"store fails", func(t *testing.T, e *tenv, tok string) *http.Request {
			e.failOn("GetRequestToken", errors.New("boom "+fxStoreCauseSecret))
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 500, "server_error"},
		{"store fails on the consumer", func(t *testing.T, e *tenv, tok string) *http.Request {
			e.failOn("GetConsumer", errors.New("boom "+fxStoreCauseSecret))
			return httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil)
		}, 500, "server_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s := newLifecycle(t, core.Config{})
			tok, _ := e.requestToken(t, s, lcCB, prm("scope", "read write"))
			r := tc.req(t, e, tok)
			var ar *core.AuthorizationRequest
			var err error
			func() {
				defer func() {
					if p := recover(); p != nil {
						t.Fatalf("ConsentRequest panicked: %v", p)
					}
				}()
				ar, err = e.p.ConsentRequest(r)
			}()
			v := e.expect(t, err, tc.status, tc.problem)
			if tc.problem == "parameter_absent" && v.Get("oauth_parameters_absent") != "oauth_token" {
				t.Errorf("oauth_parameters_absent = %q", v.Get("oauth_parameters_absent"))
			}
			if tc.status != 200 {
				return
			}
			want := []core.Scope{lcScopes[0], lcScopes[1]}
			if ar.Token != tok || ar.Consumer.Key != lcCK || ar.Consumer.Name == "" || ar.Callback != lcCB || ar.OOB ||
				!slices.Equal(ar.Scopes, want) {
				t.Errorf("authorization %+v, want scopes %v", ar, want)
			}
		})
	}
	t.Run("oob", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, "oob")
		ar, err := e.p.ConsentRequest(httptest.NewRequest("GET", authURL+"?oauth_token="+tok, nil))
		e.expect(t, err, 200, "")
		if !ar.OOB || ar.Callback != "oob" || len(ar.Scopes) != 3 {
			t.Errorf("authorization %+v", ar)
		}
	})
}

func TestApprove(t *testing.T) {
	ctx := context.Background()
	t.Run("nil grants all requested", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		_, _, v := e.issue(t, s, "alice", nil, prm("scope", "read write"))
		if v.Get("scope") != "read write" || v.Get("user_id") != "alice" {
			t.Errorf("answer %v", v)
		}
	})
	t.Run("narrowed", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		tok, sec, v := e.issue(t, s, "alice", []string{"write"}, prm("scope", "read write"))
		if v.Get("scope") != "write" {
			t.Errorf("answer %v", v)
		}
		g, err := e.p.Authenticate(s.withToken(tok, sec).sign(get()))
		e.expect(t, err, 200, "")
		if !slices.Equal(g.Scopes, []string{"write"}) || g.HasScopes("read") {
			t.Errorf("grant scopes %q", g.Scopes)
		}
	})
	t.Run("repeated scopes granted once", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		_, _, v := e.issue(t, s, "alice", []string{"read", "read"}, prm("scope", "read write"))
		if v.Get("scope") != "read" {
			t.Errorf("scope = %q, want %q", v.Get("scope"), "read")
		}
	})
	t.Run("narrowed to none", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		_, _, v := e.issue(t, s, "alice", []string{}, prm("scope", "read write"))
		if !v.Has("scope") || v.Get("scope") != "" {
			t.Errorf("answer %v", v)
		}
	})
	for _, tc := range []struct {
		name    string
		user    string
		scopes  []string
		status  int
		problem string
	}{
		{"scope not requested", "alice", []string{"admin"}, 400, "parameter_rejected"},
		{"scope unknown", "alice", []string{"read", "bogus"}, 400, "parameter_rejected"},
		{"no user", "", nil, 400, "parameter_absent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, s := newLifecycle(t, core.Config{})
			tok, _ := e.requestToken(t, s, lcCB, prm("scope", "read write"))
			_, err := e.p.Approve(ctx, tok, tc.user, tc.scopes)
			e.expect(t, err, tc.status, tc.problem)
			// The refusal decided nothing: the user can still approve.
			e.approve(t, tok, "alice", nil)
		})
	}
	t.Run("decided once", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, lcCB)
		e.approve(t, tok, "alice", nil)
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 401, "token_used")
		_, err = e.p.Approve(ctx, tok, "mallory", nil)
		e.expect(t, err, 401, "token_used")
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 401, "token_used")
	})
	t.Run("after deny", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, lcCB)
		if _, err := e.p.Deny(ctx, tok); err != nil {
			t.Fatal(err)
		}
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 401, "user_refused")
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 401, "user_refused")
	})
	t.Run("unknown token", func(t *testing.T) {
		e, _ := newLifecycle(t, core.Config{})
		_, err := e.p.Approve(ctx, "nothing", "alice", nil)
		e.expect(t, err, 401, "token_rejected")
		_, err = e.p.Deny(ctx, "nothing")
		e.expect(t, err, 401, "token_rejected")
	})
	t.Run("expired", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, lcCB)
		e.clock.Add(core.DefaultRequestTokenTTL)
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 401, "token_expired")
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 401, "token_expired")
	})
	t.Run("redirect keeps the callback's query", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, lcCB)
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
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, "https://client.example.com/cb")
		a := e.approve(t, tok, "alice", nil)
		want := "https://client.example.com/cb?oauth_token=" + tok + "&oauth_verifier=" + a.Verifier
		if a.RedirectURL != want {
			t.Errorf("RedirectURL %q, want %q", a.RedirectURL, want)
		}
	})
	t.Run("the vector's token", func(t *testing.T) {
		e, _ := newLifecycle(t, core.Config{})
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
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, "oob")
		a := e.approve(t, tok, "alice", nil)
		if a.Denied || a.RedirectURL != "" || a.Verifier == "" {
			t.Errorf("approval %+v", a)
		}
	})
	t.Run("verifiers differ", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		seen := map[string]bool{}
		for range 20 {
			tok, _ := e.requestToken(t, s, "oob")
			a := e.approve(t, tok, "alice", nil)
			if seen[a.Verifier] {
				t.Fatalf("verifier %q repeats", a.Verifier)
			}
			seen[a.Verifier] = true
		}
	})
	t.Run("store fails", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, s, "oob")
		e.failOn("AuthorizeRequestToken", errors.New("boom "+fxStoreCauseSecret))
		_, err := e.p.Approve(ctx, tok, "alice", nil)
		e.expect(t, err, 500, "server_error")
		e.failOn("DenyRequestToken", context.DeadlineExceeded)
		_, err = e.p.Deny(ctx, tok)
		e.expect(t, err, 503, "temporarily_unavailable")
	})
}

// TestConcurrentApprove: of 16 concurrent approvals of one token exactly
// one wins.
func TestConcurrentApprove(t *testing.T) {
	e, s := newLifecycle(t, core.Config{})
	tok, _ := e.requestToken(t, s, "oob")
	const n = 16
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if i%2 == 0 {
				_, errs[i] = e.p.Approve(context.Background(), tok, fmt.Sprint("user", i), nil)
			} else {
				_, errs[i] = e.p.Deny(context.Background(), tok)
			}
		}()
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

func TestDeny(t *testing.T) {
	ctx := context.Background()
	e, s := newLifecycle(t, core.Config{})
	tok, sec := e.requestToken(t, s, lcCB)
	d, err := e.p.Deny(ctx, tok)
	e.expect(t, err, 200, "")
	if want := lcCB + "&denied=" + tok; d.RedirectURL != want || !d.Denied || d.Verifier != "" || d.ConsumerKey != lcCK {
		t.Errorf("decision %+v, want a denial redirecting to %q", d, want)
	}
	w := serve(e.p.AccessTokenHandler(), exchangeReq(s, tok, sec, "guess"))
	e.expectResponse(t, w, 401, "user_refused")

	tok, _ = e.requestToken(t, s, "oob")
	d, err = e.p.Deny(ctx, tok)
	if err != nil || d.RedirectURL != "" || !d.Denied {
		t.Errorf("oob deny: %+v, %v", d, err)
	}
}

func TestExchange(t *testing.T) {
	type state struct {
		e        *tenv
		s        signer
		tok, sec string
		verifier string
	}
	// approved: a request token approved by alice with scopes read write.
	approved := func(t *testing.T, cfg core.Config) *state {
		e, s := newLifecycle(t, cfg)
		tok, sec := e.requestToken(t, s, lcCB, prm("scope", "read write"))
		a := e.approve(t, tok, "alice", nil)
		return &state{e, s, tok, sec, a.Verifier}
	}
	for _, tc := range []struct {
		name    string
		cfg     core.Config
		req     func(t *testing.T, st *state) *http.Request
		status  int
		problem string
		absent  string
	}{
		{name: "wrong verifier", req: func(t *testing.T, st *state) *http.Request {
			return exchangeReq(st.s, st.tok, st.sec, st.verifier+"x")
		}, status: 401, problem: "verifier_invalid"},
		{name: "empty verifier", req: func(t *testing.T, st *state) *http.Request {
			return exchangeReq(st.s, st.tok, st.sec, "")
		}, status: 400, problem: "parameter_absent", absent: "oauth_verifier"},
		{name: "no token", req: func(t *testing.T, st *state) *http.Request {
			return exchangeReq(st.s, "", "", st.verifier)
		}, status: 400, problem: "parameter_absent", absent: "oauth_token"},
		{name: "not yet approved", req: func(t *testing.T, st *state) *http.Request {
			tok, sec := st.e.requestToken(t, st.s, lcCB)
			return exchangeReq(st.s, tok, sec, st.verifier)
		}, status: 401, problem: "token_rejected"},
		{name: "exchanged twice", req: func(t *testing.T, st *state) *http.Request {
			w := serve(st.e.p.AccessTokenHandler(), exchangeReq(st.s, st.tok, st.sec, st.verifier))
			st.e.expectResponse(t, w, 200, "")
			st.e.remember(problem(t, w.Body.String()).Get("oauth_token_secret"))
			return exchangeReq(st.s, st.tok, st.sec, st.verifier)
		}, status: 401, problem: "token_used"},
		{name: "expired", req: func(t *testing.T, st *state) *http.Request {
			st.e.clock.Add(core.DefaultRequestTokenTTL)
			return exchangeReq(st.s, st.tok, st.sec, st.verifier)
		}, status: 401, problem: "token_expired"},
		{name: "expired with a short TTL", cfg: core.Config{RequestTokenTTL: time.Minute}, req: func(t *testing.T, st *state) *http.Request {
			st.e.clock.Add(time.Minute)
			return exchangeReq(st.s, st.tok, st.sec, st.verifier)
		}, status: 401, problem: "token_expired"},
		{name: "wrong token secret", req: func(t *testing.T, st *state) *http.Request {
			return exchangeReq(st.s, st.tok, "wrong", st.verifier)
		}, status: 401, problem: "signature_invalid"},
		{name: "another consumer", req: func(t *testing.T, st *state) *http.Request {
			s2 := signer{key: fxCK2, secret: fxCS2, clock: st.e.clock}
			return exchangeReq(s2, st.tok, st.sec, st.verifier)
		}, status: 401, problem: "token_rejected"},
		{name: "unknown token", req: func(t *testing.T, st *state) *http.Request {
			return exchangeReq(st.s, "nothing", "x", st.verifier)
		}, status: 401, problem: "token_rejected"},
		{name: "an access token", req: func(t *testing.T, st *state) *http.Request {
			st.e.token(t, core.AccessToken{Token: "lc-access", Secret: "lc-access-secret-Cc3", ConsumerKey: lcCK, UserID: "alice"})
			return exchangeReq(st.s, "lc-access", "lc-access-secret-Cc3", st.verifier)
		}, status: 401, problem: "token_rejected"},
		{name: "store fails to consume", req: func(t *testing.T, st *state) *http.Request {
			st.e.failOn("ConsumeRequestToken", errors.New("boom "+fxStoreCauseSecret))
			return exchangeReq(st.s, st.tok, st.sec, st.verifier)
		}, status: 500, problem: "server_error"},
		{name: "store fails to read", req: func(t *testing.T, st *state) *http.Request {
			st.e.failOn("GetRequestToken", errors.New("boom "+fxStoreCauseSecret))
			return exchangeReq(st.s, st.tok, st.sec, st.verifier)
		}, status: 500, problem: "server_error"},
		{name: "store conflict", req: func(t *testing.T, st *state) *http.Request {
			st.e.failOn("ConsumeRequestToken", fmt.Errorf("lost: %w", core.ErrConflict))
			return exchangeReq(st.s, st.tok, st.sec, st.verifier)
		}, status: 401, problem: "token_used"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := approved(t, tc.cfg)
			w := serve(st.e.p.AccessTokenHandler(), tc.req(t, st))
			v := st.e.expectResponse(t, w, tc.status, tc.problem)
			if tc.absent != "" && v.Get("oauth_parameters_absent") != tc.absent {
				t.Errorf("oauth_parameters_absent = %q, want %q", v.Get("oauth_parameters_absent"), tc.absent)
			}
		})
	}
	t.Run("a wrong verifier does not burn the token", func(t *testing.T) {
		st := approved(t, core.Config{})
		w := serve(st.e.p.AccessTokenHandler(), exchangeReq(st.s, st.tok, st.sec, "guess"))
		st.e.expectResponse(t, w, 401, "verifier_invalid")
		w = serve(st.e.p.AccessTokenHandler(), exchangeReq(st.s, st.tok, st.sec, st.verifier))
		st.e.expectResponse(t, w, 200, "")
	})
}

var accessTokenBody = regexp.MustCompile(`^oauth_token=[A-Za-z0-9_-]{22,}&oauth_token_secret=[A-Za-z0-9_-]{43,}&user_id=alice&scope=read%20write$`)

// TestFullFlow runs request token, consent and exchange, then uses the
// access token, with and without AccessTokenTTL.
func TestFullFlow(t *testing.T) {
	e, s := newLifecycle(t, core.Config{AccessTokenTTL: time.Hour})
	tok, sec := e.requestToken(t, s, lcCB, prm("scope", "read write"))
	ar, err := e.p.ConsentRequest(httptest.NewRequest("GET", "/authorize?oauth_token="+tok, nil))
	e.expect(t, err, 200, "")
	if len(ar.Scopes) != 2 || ar.Scopes[0] != lcScopes[0] || ar.Scopes[1] != lcScopes[1] {
		t.Errorf("consent scopes %+v", ar.Scopes)
	}
	a := e.approve(t, tok, "alice", nil)
	e.clock.Add(time.Minute) // the user took a minute
	w := serve(e.p.AccessTokenHandler(), exchangeReq(s, tok, sec, a.Verifier))
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
	as := s.withToken(at, ats)
	g, err := e.p.Authenticate(as.sign(get()))
	e.expect(t, err, 200, "")
	if g.UserID != "alice" || g.Token.Token != at || !g.HasScopes("read", "write") || g.HasScopes("admin") {
		t.Errorf("grant %+v", g)
	}
	// The request token's credentials are not an access token.
	_, err = e.p.Authenticate(s.withToken(tok, sec).sign(get()))
	e.expect(t, err, 401, "token_rejected")

	e.clock.Add(time.Hour - time.Second)
	_, err = e.p.Authenticate(as.sign(get()))
	e.expect(t, err, 200, "")
	e.clock.Add(time.Second)
	_, err = e.p.Authenticate(as.sign(get()))
	e.expect(t, err, 401, "token_expired")

	t.Run("without TTL", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{})
		at, _, _ := e.issue(t, s, "alice", nil)
		stored, err := e.store.GetAccessToken(context.Background(), at)
		if err != nil || !stored.ExpiresAt.IsZero() {
			t.Errorf("stored %+v, %v", stored, err)
		}
	})
	t.Run("provider without scopes", func(t *testing.T) {
		e, s := newLifecycle(t, core.Config{Scopes: []core.Scope{}})
		_, _, v := e.issue(t, s, "alice", nil)
		if v.Has("scope") || len(v) != 3 {
			t.Errorf("answer %v has more than oauth_token, oauth_token_secret, user_id", v)
		}
	})
}

// TestConcurrentExchange: 32 concurrent exchanges of one verifier, each
// with its own nonce; exactly one gets an access token.
func TestConcurrentExchange(t *testing.T) {
	e, s := newLifecycle(t, core.Config{})
	tok, sec := e.requestToken(t, s, lcCB)
	a := e.approve(t, tok, "alice", nil)
	const n = 32
	reqs := make([]*http.Request, n)
	for i := range reqs {
		reqs[i] = exchangeReq(s, tok, sec, a.Verifier)
	}
	ws := make([]*httptest.ResponseRecorder, n)
	h := e.p.AccessTokenHandler()
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ws[i] = serve(h, reqs[i])
		}()
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

// switchRand is crypto/rand until told to fail.
type switchRand struct{ fail atomic.Bool }

func (r *switchRand) Read(p []byte) (int, error) {
	if r.fail.Load() {
		return 0, errors.New("entropy exhausted")
	}
	return rand.Read(p)
}

// shortRand yields n bytes in all, then io errors.
type shortRand struct{ n int }

func (r *shortRand) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("entropy exhausted")
	}
	k := min(len(p), r.n)
	r.n -= k
	return rand.Read(p[:k])
}

// TestRandFailure: a failing Config.Rand is an error wherever randomness
// is needed, never a panic and never a weak credential.
func TestRandFailure(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 10, 31} {
		if _, err := core.New(core.Config{Store: newTEnv(t, core.Config{}).store, Rand: &shortRand{n: n}}); err == nil {
			t.Errorf("New with %d bytes of randomness: want an error", n)
		}
	}
	for _, n := range []int{32, 32 + 15, 32 + 16, 32 + 16 + 31} {
		e := newTEnv(t, core.Config{Rand: &shortRand{n: n}})
		c, err := e.p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: "x"})
		if c != nil {
			t.Errorf("RegisterConsumer with %d bytes: got %+v", n, c)
		}
		e.expect(t, err, 500, "server_error")
	}

	rnd := &switchRand{}
	e, s := newLifecycle(t, core.Config{Rand: rnd})
	rnd.fail.Store(true)
	w := serve(e.p.RequestTokenHandler(), initiateReq(s, "oob"))
	e.expectResponse(t, w, 500, "server_error")
	rnd.fail.Store(false)
	tok, sec := e.requestToken(t, s, "oob")
	rnd.fail.Store(true)
	_, err := e.p.Approve(ctx, tok, "alice", nil)
	e.expect(t, err, 500, "server_error")
	rnd.fail.Store(false)
	a := e.approve(t, tok, "alice", nil)
	rnd.fail.Store(true)
	w = serve(e.p.AccessTokenHandler(), exchangeReq(s, tok, sec, a.Verifier))
	e.expectResponse(t, w, 500, "server_error")
	rnd.fail.Store(false)
	w = serve(e.p.AccessTokenHandler(), exchangeReq(s, tok, sec, a.Verifier))
	e.expectResponse(t, w, 200, "")
}

// rsa512PEM is a 512-bit RSA public key (crypto/rsa no longer generates
// keys that small).
const rsa512PEM = `-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMvevxxWF6jdU/o3vrikHclhRYp5Ygwl
LgF/JQzM5u6F1ov7abIr/XacWRuYatn+c0cC4bkLUe4BVm2EG9NwgJUCAwEAAQ==
-----END PUBLIC KEY-----
`

func rsa1024(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestRegisterConsumer(t *testing.T) {
	ctx := context.Background()
	keys := testRSAKeys(t)
	for _, tc := range []struct {
		name     string
		noScopes bool
		reg      core.ConsumerRegistration
		problem  string // "" for success
		absent   string
	}{
		{name: "minimal", reg: core.ConsumerRegistration{Name: "Printer"}},
		{name: "everything", reg: core.ConsumerRegistration{Name: "  Printer  ", Owner: "alice",
			CallbackURL: "https://printer.example.com/ready", RSAPublicKey: publicPEM(t, keys[0]), Scopes: []string{"read"}}},
		{name: "200 characters", reg: core.ConsumerRegistration{Name: strings.Repeat("é", 200)}},
		{name: "empty name", reg: core.ConsumerRegistration{}, problem: "parameter_absent", absent: "name"},
		{name: "blank name", reg: core.ConsumerRegistration{Name: " \t "}, problem: "parameter_absent", absent: "name"},
		{name: "201 characters", reg: core.ConsumerRegistration{Name: strings.Repeat("é", 201)}, problem: "parameter_rejected"},
		{name: "invalid UTF-8", reg: core.ConsumerRegistration{Name: "a\xffb"}, problem: "parameter_rejected"},
		{name: "javascript callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "javascript:alert(1)"}, problem: "parameter_rejected"},
		{name: "relative callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "/cb"}, problem: "parameter_rejected"},
		{name: "oob callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "oob"}, problem: "parameter_rejected"},
		{name: "callback without host", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "https:///cb"}, problem: "parameter_rejected"},
		{name: "bad PEM", reg: core.ConsumerRegistration{Name: "x", RSAPublicKey: "not a key"}, problem: "parameter_rejected"},
		{name: "PEM of garbage", reg: core.ConsumerRegistration{Name: "x",
			RSAPublicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}, problem: "parameter_rejected"},
		{name: "512-bit RSA key", reg: core.ConsumerRegistration{Name: "x", RSAPublicKey: rsa512PEM}, problem: "parameter_rejected"},
		{name: "1024-bit RSA key", reg: core.ConsumerRegistration{Name: "x", RSAPublicKey: publicPEM(t, rsa1024(t))}, problem: "parameter_rejected"},
		{name: "control character in the name", reg: core.ConsumerRegistration{Name: "a\x00b"}, problem: "parameter_rejected"},
		{name: "invalid UTF-8 in the callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "https://app.example/\xff"}, problem: "parameter_rejected"},
		{name: "callback over its bound", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "https://app.example/" + strings.Repeat("c", 2049)}, problem: "parameter_rejected"},
		{name: "unknown scope", reg: core.ConsumerRegistration{Name: "x", Scopes: []string{"read", "bogus"}}, problem: "parameter_rejected"},
		{name: "scope on a provider without scopes", noScopes: true, reg: core.ConsumerRegistration{Name: "x", Scopes: []string{"read"}}, problem: "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := core.Config{Scopes: lcScopes}
			if tc.noScopes {
				cfg.Scopes = nil
			}
			e := newTEnv(t, cfg)
			c, err := e.p.RegisterConsumer(ctx, tc.reg)
			if tc.problem != "" {
				v := e.expect(t, err, 400, tc.problem)
				if v.Get("oauth_parameters_absent") != tc.absent {
					t.Errorf("oauth_parameters_absent = %q, want %q", v.Get("oauth_parameters_absent"), tc.absent)
				}
				if c != nil {
					t.Errorf("got consumer %+v with an error", c)
				}
				return
			}
			e.expect(t, err, 200, "")
			if len(c.Key) < 22 || len(c.Secret) < 43 || rfc5849.Encode(c.Key) != c.Key || rfc5849.Encode(c.Secret) != c.Secret {
				t.Errorf("key %q secret %q", c.Key, c.Secret)
			}
			if c.Name != strings.TrimSpace(tc.reg.Name) || c.Owner != tc.reg.Owner || c.CallbackURL != tc.reg.CallbackURL ||
				!slices.Equal(c.Scopes, tc.reg.Scopes) || !c.CreatedAt.Equal(time.Unix(t0, 0)) {
				t.Errorf("consumer %+v", c)
			}
			stored, err := e.store.GetConsumer(ctx, c.Key)
			if err != nil || stored.Secret != c.Secret || stored.Name != c.Name {
				t.Errorf("stored %+v, %v", stored, err)
			}
			// The registered consumer can sign.
			s := signer{key: c.Key, secret: c.Secret, clock: e.clock}
			if c.RSAPublicKey != "" {
				s = s.using(core.RSASHA1)
				s.rsa = keys[0]
			}
			_, err = e.p.Authenticate(s.sign(get()), core.TwoLegged())
			e.expect(t, err, 200, "")
		})
	}
	t.Run("unique credentials", func(t *testing.T) {
		e := newTEnv(t, core.Config{})
		seen := map[string]bool{}
		for i := range 100 {
			c, err := e.p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: fmt.Sprint("app ", i), Owner: "alice"})
			if err != nil {
				t.Fatal(err)
			}
			if seen[c.Key] || seen[c.Secret] {
				t.Fatalf("credentials repeat at %d", i)
			}
			seen[c.Key], seen[c.Secret] = true, true
		}
		list, err := e.store.ListConsumers(ctx, "alice")
		if err != nil || len(list) != 100 {
			t.Errorf("alice has %d consumers, %v", len(list), err)
		}
	})
	t.Run("store fails", func(t *testing.T) {
		e := newTEnv(t, core.Config{})
		e.failOn("CreateConsumer", errors.New("boom "+fxStoreCauseSecret))
		_, err := e.p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: "x"})
		e.expect(t, err, 500, "server_error")
	})
}

// TestAuthorizedApps checks the listing of a user's apps and their
// revocation.
func TestAuthorizedApps(t *testing.T) {
	ctx := context.Background()
	e := newTEnv(t, core.Config{Scopes: lcScopes})
	sa := e.consumer(t, core.Consumer{Key: "app-a", Secret: "app-a-secret-Dd4-long"})
	sb := e.consumer(t, core.Consumer{Key: "app-b", Secret: "app-b-secret-Ee5-long"})
	e.consumer(t, core.Consumer{Key: "app-c", Secret: "app-c-secret-Ff6-long"})
	e.consumer(t, core.Consumer{Key: "app-d", Secret: "app-d-secret-Gg7-long"})
	add := func(tok, consumer, user string, mod func(*core.AccessToken), scopes ...string) {
		at := core.AccessToken{Token: tok, Secret: tok + "-secret-long", ConsumerKey: consumer, UserID: user, Scopes: scopes}
		if mod != nil {
			mod(&at)
		}
		e.token(t, at)
		e.clock.Add(time.Second)
	}
	add("a1", "app-a", "alice", nil, "read")
	add("b1", "app-b", "alice", nil, "write")
	add("a2", "app-a", "alice", nil, "write", "read")
	add("c1", "app-c", "alice", func(at *core.AccessToken) { at.Revoked = true }, "admin")
	add("d1", "app-d", "alice", func(at *core.AccessToken) { at.ExpiresAt = e.clock.Now() }, "admin")
	add("gone1", "app-gone", "alice", nil, "admin")
	add("a-bob", "app-a", "bob", nil, "read")

	apps, err := e.p.AuthorizedApps(ctx, "alice")
	e.expect(t, err, 200, "")
	type app struct {
		key    string
		scopes []string
		tokens []string
	}
	summary := func(apps []core.AuthorizedApp) []app {
		var out []app
		for _, a := range apps {
			var toks []string
			for _, tk := range a.Tokens {
				toks = append(toks, tk.Token)
			}
			out = append(out, app{a.Consumer.Key, a.Scopes, toks})
		}
		return out
	}
	want := []app{{"app-a", []string{"read", "write"}, []string{"a1", "a2"}}, {"app-b", []string{"write"}, []string{"b1"}}}
	eq := func(a, b app) bool {
		return a.key == b.key && slices.Equal(a.scopes, b.scopes) && slices.Equal(a.tokens, b.tokens)
	}
	if got := summary(apps); !slices.EqualFunc(got, want, eq) {
		t.Errorf("AuthorizedApps = %+v, want %+v", got, want)
	}
	if apps, err := e.p.AuthorizedApps(ctx, "nobody"); err != nil || len(apps) != 0 {
		t.Errorf("AuthorizedApps(nobody) = %+v, %v", apps, err)
	}

	verify := func(s signer, tok string) error {
		_, err := e.p.Authenticate(s.withToken(tok, tok+"-secret-long").sign(get()))
		return err
	}
	e.expect(t, verify(sa, "a1"), 200, "")
	if err := e.p.RevokeApp(ctx, "alice", "app-a"); err != nil {
		t.Fatalf("RevokeApp: %v", err)
	}
	e.expect(t, verify(sa, "a1"), 401, "token_revoked")
	e.expect(t, verify(sa, "a2"), 401, "token_revoked")
	e.expect(t, verify(sa, "a-bob"), 200, "")
	e.expect(t, verify(sb, "b1"), 200, "")
	for _, key := range []string{"app-a", "app-c", "app-gone2", "nobody"} {
		err := e.p.RevokeApp(ctx, "alice", key)
		if !errors.Is(err, core.ErrNotFound) {
			t.Errorf("RevokeApp(alice, %s) = %v, want ErrNotFound", key, err)
		}
		e.expect(t, err, 404, core.ProblemTokenRejected)
	}
	apps, err = e.p.AuthorizedApps(ctx, "alice")
	if got := summary(apps); err != nil || !slices.EqualFunc(got, want[1:], eq) {
		t.Errorf("after revoking: %+v, %v", got, err)
	}

	if err := e.p.RevokeAccessToken(ctx, "b1"); err != nil {
		t.Errorf("RevokeAccessToken: %v", err)
	}
	e.expect(t, verify(sb, "b1"), 401, "token_revoked")
	if err := e.p.RevokeAccessToken(ctx, "b1"); err != nil {
		t.Errorf("RevokeAccessToken twice: %v", err)
	}
	err = e.p.RevokeAccessToken(ctx, "nothing")
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("RevokeAccessToken(nothing) = %v, want ErrNotFound", err)
	}
	e.expect(t, err, 404, core.ProblemTokenRejected)

	for _, m := range []string{"ListAccessTokens", "GetConsumer"} {
		t.Run(m+" fails", func(t *testing.T) {
			e.failOn(m, errors.New("boom "+fxStoreCauseSecret))
			defer e.failOn("", nil)
			_, err := e.p.AuthorizedApps(ctx, "bob")
			e.expect(t, err, 500, "server_error")
		})
	}
	for _, m := range []string{"ListAccessTokens", "RevokeAccessToken"} {
		t.Run(m+" fails on revoke", func(t *testing.T) {
			e.failOn(m, errors.New("boom "+fxStoreCauseSecret))
			defer e.failOn("", nil)
			e.expect(t, e.p.RevokeApp(ctx, "bob", "app-a"), 500, "server_error")
		})
	}
	t.Run("RevokeAccessToken fails", func(t *testing.T) {
		e.failOn("RevokeAccessToken", context.DeadlineExceeded)
		defer e.failOn("", nil)
		e.expect(t, e.p.RevokeAccessToken(ctx, "a-bob"), 503, "temporarily_unavailable")
	})
}

// TestCleanup checks that Cleanup removes expired tokens and the nonces
// that left the window, and nothing else.
func TestCleanup(t *testing.T) {
	ctx := context.Background()
	e, s := newLifecycle(t, core.Config{})
	rt, _ := e.requestToken(t, s, "oob") // expires at t0+10m
	e.token(t, core.AccessToken{Token: "short", Secret: "short-secret-long-Hh8", ConsumerKey: lcCK, UserID: "alice",
		ExpiresAt: e.clock.Now().Add(time.Minute)})
	e.token(t, core.AccessToken{Token: "forever", Secret: "forever-secret-long-Ii9", ConsumerKey: lcCK, UserID: "alice"})
	e.token(t, core.AccessToken{Token: "later", Secret: "later-secret-long-Jj0", ConsumerKey: lcCK, UserID: "alice",
		ExpiresAt: e.clock.Now().Add(time.Hour)})
	// The request token used one nonce at t0.
	if n, err := e.p.Cleanup(ctx); err != nil || n != 0 {
		t.Fatalf("Cleanup at t0 = %d, %v; want 0", n, err)
	}

	e.clock.Add(11 * time.Minute)
	fresh := s.withToken("forever", "forever-secret-long-Ii9")
	fresh.nonce = "fresh"
	_, err := e.p.Authenticate(fresh.sign(get()))
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
	_, err = e.p.Authenticate(fresh.sign(get()))
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
