package core_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// Authenticate and Middleware (authenticate.go): what a request must
// carry, by option (TwoLegged, Optional, RequireScopes), and the grant
// they hand on.

const (
	mwLimited, mwLimitedSecret = "mw-limited", "mw-limited-secret-Kk1-long"
	mwAll, mwAllSecret         = "mw-all", "mw-all-secret-Ll2-long"
)

// Two-legged clients of newMiddlewareEnv: one limited to the scope read,
// one with every scope.
var (
	limited   = client{key: mwLimited, secret: mwLimitedSecret}
	allScopes = client{key: mwAll, secret: mwAllSecret}
)

// newMiddlewareEnv is the fixture with lcScopes and the consumers of
// limited and allScopes.
func newMiddlewareEnv(t testing.TB) *env {
	t.Helper()
	e := newFixture(t, core.Config{Scopes: lcScopes})
	e.addConsumer(t, core.Consumer{Key: mwLimited, Secret: mwLimitedSecret, Scopes: []string{"read"}})
	e.addConsumer(t, core.Consumer{Key: mwAll, Secret: mwAllSecret})
	return e
}

// TestMiddleware: Middleware refuses what Authenticate refuses, through
// WriteError, and hands the grant (or, with Optional and no OAuth, none)
// to the handler.
func TestMiddleware(t *testing.T) {
	optional := []core.AuthOption{core.Optional()}
	twoLegged := []core.AuthOption{core.TwoLegged()}
	for _, tc := range []struct {
		name      string
		opts      []core.AuthOption
		c         client // the signer; unsigned when empty
		query     string // the raw query of an unsigned request
		basicAuth bool   // an unsigned request with Basic credentials
		form      string // the form body of an unsigned request
		failOn    string // a store method that fails
		status    int
		problem   string
		grant     bool     // the handler sees a grant
		user      string   // its user
		scopes    []string // its scopes
	}{
		{name: "three-legged", c: alice, status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "three-legged without parameters", status: 400, problem: "parameter_absent"},
		{name: "three-legged refuses two-legged", c: client1, status: 400, problem: "parameter_absent"},
		{name: "three-legged bad signature", c: client1.withToken(fxTK, "x"), status: 401, problem: "signature_invalid"},
		{name: "revoked", c: client1.withToken(fxTKRev, fxTSRev), status: 401, problem: "token_revoked"},
		{name: "optional without parameters", opts: optional, status: 200},
		{name: "optional with Basic auth", opts: optional, basicAuth: true, status: 200},
		{name: "optional with a form body", opts: optional, form: "a=1", status: 200},
		{name: "optional with a malformed query but no OAuth", opts: optional, query: "q=100%", status: 200},
		{name: "optional with a bad signature", opts: optional, c: client1.withToken(fxTK, "x"), status: 401, problem: "signature_invalid"},
		{name: "optional with a lone oauth_token", opts: optional, query: "oauth_token=" + fxTK, status: 400, problem: "parameter_absent"},
		{name: "optional with a valid request", opts: optional, c: alice, status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "two-legged: the consumer's scopes", opts: twoLegged, c: limited, status: 200, grant: true, scopes: []string{"read"}},
		{name: "two-legged: every scope", opts: twoLegged, c: allScopes, status: 200, grant: true, scopes: []string{"read", "write", "admin"}},
		{name: "two-legged carrying a token", opts: twoLegged, c: alice, status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "two-legged without parameters", opts: twoLegged, status: 400, problem: "parameter_absent"},
		{name: "two-legged optional", opts: []core.AuthOption{core.TwoLegged(), core.Optional()}, status: 200},
		{name: "scope held", opts: []core.AuthOption{core.RequireScopes("read")}, c: alice,
			status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "scope missing", opts: []core.AuthOption{core.RequireScopes("read", "write")}, c: alice, status: 403, problem: "permission_denied"},
		{name: "scopes accumulate", opts: []core.AuthOption{core.RequireScopes("read"), core.RequireScopes("write")}, c: alice,
			status: 403, problem: "permission_denied"},
		{name: "token without scopes", opts: []core.AuthOption{core.RequireScopes("read")}, c: bob, status: 403, problem: "permission_denied"},
		{name: "two-legged scope missing", opts: []core.AuthOption{core.TwoLegged(), core.RequireScopes("admin")}, c: limited,
			status: 403, problem: "permission_denied"},
		{name: "two-legged scope held", opts: []core.AuthOption{core.TwoLegged(), core.RequireScopes("admin")}, c: allScopes,
			status: 200, grant: true, scopes: []string{"read", "write", "admin"}},
		{name: "optional skips the scope check without OAuth", opts: []core.AuthOption{core.Optional(), core.RequireScopes("admin")}, status: 200},
		{name: "optional checks scopes with OAuth", opts: []core.AuthOption{core.Optional(), core.RequireScopes("admin")}, c: alice,
			status: 403, problem: "permission_denied"},
		{name: "store failure", c: alice, failOn: "GetAccessToken", status: 500, problem: "server_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMiddlewareEnv(t)
			r := get()
			switch {
			case tc.c.key != "":
				e.sign(tc.c, r)
			case tc.form != "":
				r = postForm(tc.form)
			case tc.basicAuth:
				r.SetBasicAuth("alice", "pw")
			case tc.query != "":
				r.URL.RawQuery = tc.query
			}
			if tc.failOn != "" {
				e.failOn(tc.failOn, errors.New("boom "+fxStoreCauseSecret))
			}
			called := false
			var got *core.Grant
			var hasGrant bool
			next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				called = true
				got, hasGrant = core.FromContext(r.Context())
				w.Header().Set("Content-Type", "application/x-www-form-urlencoded")
				w.Header().Set("Cache-Control", "no-store")
				_, _ = w.Write([]byte("ok=1"))
			})
			w := serve(e.p.Middleware(tc.opts...)(next), r)
			e.expectResponse(t, w, tc.status, tc.problem)
			if called != (tc.status == 200) {
				t.Fatalf("handler called = %v with status %d", called, w.Code)
			}
			if !called {
				return
			}
			if hasGrant != tc.grant {
				t.Fatalf("grant in context = %v (%+v), want %v", hasGrant, got, tc.grant)
			}
			if !hasGrant {
				return
			}
			if got.UserID != tc.user || (got.Token == nil) != (tc.user == "") || !slices.Equal(got.Scopes, tc.scopes) || got.Consumer == nil {
				t.Errorf("grant %+v, want user %q scopes %q", got, tc.user, tc.scopes)
			}
		})
	}
}

// TestAuthenticate: the grant Authenticate returns, by option.
func TestAuthenticate(t *testing.T) {
	e := newMiddlewareEnv(t)
	g, err := e.p.Authenticate(get(), core.Optional())
	if g != nil || err != nil {
		t.Errorf("Optional without OAuth = %+v, %v; want nil, nil", g, err)
	}
	g, err = e.p.Authenticate(e.sign(alice, get()), core.RequireScopes("read"))
	e.expect(t, err, 200, "")
	if g.UserID != "alice" || g.Token.Token != fxTK || g.SignatureMethod != core.HMACSHA1 || g.Consumer.Key != fxCK {
		t.Errorf("grant %+v", g)
	}
	_, err = e.p.Authenticate(e.sign(alice, get()), core.RequireScopes("write"))
	e.expect(t, err, 403, "permission_denied")
	g, err = e.p.Authenticate(e.sign(client1, get()), core.TwoLegged())
	e.expect(t, err, 200, "")
	if g.Token != nil || g.UserID != "" || !slices.Equal(g.Scopes, []string{"read", "write", "admin"}) {
		t.Errorf("two-legged grant %+v", g)
	}
}

// TestAuthenticate_TwoLegged: with TwoLegged a request without
// oauth_token, or with an empty one, is the consumer's alone; one that
// carries a token is three-legged.
func TestAuthenticate_TwoLegged(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     client
		empty bool // sends oauth_token=""
		user  string
	}{
		{"without oauth_token", client1, false, ""},
		{"with an empty oauth_token", client1, true, ""},
		{"carrying a token", alice, false, "alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			var extra []rfc5849.Param
			if tc.empty {
				extra = append(extra, prm("oauth_token", ""))
			}
			g, err := e.p.Authenticate(e.sign(tc.c, get(), extra...), core.TwoLegged())
			e.expect(t, err, http.StatusOK, "")
			checkGrant(t, g, tc.user, core.HMACSHA1)
		})
	}
}

func TestGrantContext(t *testing.T) {
	ctx := context.Background()
	if g, ok := core.FromContext(ctx); ok || g != nil {
		t.Errorf("FromContext(empty) = %v, %v", g, ok)
	}
	if g, ok := core.FromContext(core.NewContext(ctx, nil)); ok || g != nil {
		t.Errorf("FromContext(nil grant) = %v, %v", g, ok)
	}
	want := &core.Grant{UserID: "alice", Scopes: []string{"read"}}
	if g, ok := core.FromContext(core.NewContext(ctx, want)); !ok || g != want {
		t.Errorf("FromContext = %v, %v", g, ok)
	}
	if !want.HasScopes() || !want.HasScopes("read") || want.HasScopes("read", "write") {
		t.Error("HasScopes")
	}
}
