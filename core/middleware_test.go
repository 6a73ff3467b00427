package core_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"

	"github.com/go-oauth1/provider/core"
)

const (
	mwLimited, mwLimitedSecret = "mw-limited", "mw-limited-secret-Kk1-long"
	mwAll, mwAllSecret         = "mw-all", "mw-all-secret-Ll2-long"
)

// newMiddlewareEnv is the fixture with lcScopes, a consumer limited to
// read, and one with every scope.
func newMiddlewareEnv(t testing.TB) *tenv {
	t.Helper()
	e := newFixture(t, core.Config{Scopes: lcScopes}, nil)
	e.consumer(t, core.Consumer{Key: mwLimited, Secret: mwLimitedSecret, Scopes: []string{"read"}})
	e.consumer(t, core.Consumer{Key: mwAll, Secret: mwAllSecret})
	return e
}

func TestMiddleware(t *testing.T) {
	limited := func(e *tenv) signer { return signer{key: mwLimited, secret: mwLimitedSecret, clock: e.clock} }
	all := func(e *tenv) signer { return signer{key: mwAll, secret: mwAllSecret, clock: e.clock} }
	for _, tc := range []struct {
		name    string
		opts    []core.AuthOption
		req     func(e *tenv) *http.Request
		status  int
		problem string
		grant   bool     // the handler sees a grant
		user    string   // its user
		scopes  []string // its scopes
	}{
		{name: "three-legged", req: func(e *tenv) *http.Request { return e.a1().sign(get()) },
			status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "three-legged without parameters", req: func(e *tenv) *http.Request { return get() },
			status: 400, problem: "parameter_absent"},
		{name: "three-legged refuses two-legged", req: func(e *tenv) *http.Request { return e.c1().sign(get()) },
			status: 400, problem: "parameter_absent"},
		{name: "three-legged bad signature", req: func(e *tenv) *http.Request { return e.c1().withToken(fxTK, "x").sign(get()) },
			status: 401, problem: "signature_invalid"},
		{name: "revoked", req: func(e *tenv) *http.Request { return e.c1().withToken(fxTKRev, fxTSRev).sign(get()) },
			status: 401, problem: "token_revoked"},
		{name: "optional without parameters", opts: []core.AuthOption{core.Optional()},
			req: func(e *tenv) *http.Request { return get() }, status: 200},
		{name: "optional with Basic auth", opts: []core.AuthOption{core.Optional()},
			req: func(e *tenv) *http.Request {
				r := get()
				r.SetBasicAuth("alice", "pw")
				return r
			}, status: 200},
		{name: "optional with a form body", opts: []core.AuthOption{core.Optional()},
			req: func(e *tenv) *http.Request { return postForm("a=1") }, status: 200},
		{name: "optional with a malformed query but no OAuth", opts: []core.AuthOption{core.Optional()},
			req: func(e *tenv) *http.Request {
				r := get()
				r.URL.RawQuery = "q=100%"
				return r
			}, status: 200},
		{name: "optional with a bad signature", opts: []core.AuthOption{core.Optional()},
			req:    func(e *tenv) *http.Request { return e.c1().withToken(fxTK, "x").sign(get()) },
			status: 401, problem: "signature_invalid"},
		{name: "optional with a lone oauth_token", opts: []core.AuthOption{core.Optional()},
			req: func(e *tenv) *http.Request {
				r := get()
				r.URL.RawQuery = "oauth_token=" + fxTK
				return r
			}, status: 400, problem: "parameter_absent"},
		{name: "optional with a valid request", opts: []core.AuthOption{core.Optional()},
			req:    func(e *tenv) *http.Request { return e.a1().sign(get()) },
			status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "two-legged: the consumer's scopes", opts: []core.AuthOption{core.TwoLegged()},
			req:    func(e *tenv) *http.Request { return limited(e).sign(get()) },
			status: 200, grant: true, scopes: []string{"read"}},
		{name: "two-legged: every scope", opts: []core.AuthOption{core.TwoLegged()},
			req:    func(e *tenv) *http.Request { return all(e).sign(get()) },
			status: 200, grant: true, scopes: []string{"read", "write", "admin"}},
		{name: "two-legged carrying a token", opts: []core.AuthOption{core.TwoLegged()},
			req:    func(e *tenv) *http.Request { return e.a1().sign(get()) },
			status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "two-legged without parameters", opts: []core.AuthOption{core.TwoLegged()},
			req: func(e *tenv) *http.Request { return get() }, status: 400, problem: "parameter_absent"},
		{name: "two-legged optional", opts: []core.AuthOption{core.TwoLegged(), core.Optional()},
			req: func(e *tenv) *http.Request { return get() }, status: 200},
		{name: "scope held", opts: []core.AuthOption{core.RequireScopes("read")},
			req:    func(e *tenv) *http.Request { return e.a1().sign(get()) },
			status: 200, grant: true, user: "alice", scopes: []string{"read"}},
		{name: "scope missing", opts: []core.AuthOption{core.RequireScopes("read", "write")},
			req:    func(e *tenv) *http.Request { return e.a1().sign(get()) },
			status: 403, problem: "permission_denied"},
		{name: "scopes accumulate", opts: []core.AuthOption{core.RequireScopes("read"), core.RequireScopes("write")},
			req:    func(e *tenv) *http.Request { return e.a1().sign(get()) },
			status: 403, problem: "permission_denied"},
		{name: "token without scopes", opts: []core.AuthOption{core.RequireScopes("read")},
			req:    func(e *tenv) *http.Request { return e.c2().withToken(fxTK2, fxTS2).sign(get()) },
			status: 403, problem: "permission_denied"},
		{name: "two-legged scope missing", opts: []core.AuthOption{core.TwoLegged(), core.RequireScopes("admin")},
			req:    func(e *tenv) *http.Request { return limited(e).sign(get()) },
			status: 403, problem: "permission_denied"},
		{name: "two-legged scope held", opts: []core.AuthOption{core.TwoLegged(), core.RequireScopes("admin")},
			req:    func(e *tenv) *http.Request { return all(e).sign(get()) },
			status: 200, grant: true, scopes: []string{"read", "write", "admin"}},
		{name: "optional skips the scope check without OAuth", opts: []core.AuthOption{core.Optional(), core.RequireScopes("admin")},
			req: func(e *tenv) *http.Request { return get() }, status: 200},
		{name: "optional checks scopes with OAuth", opts: []core.AuthOption{core.Optional(), core.RequireScopes("admin")},
			req:    func(e *tenv) *http.Request { return e.a1().sign(get()) },
			status: 403, problem: "permission_denied"},
		{name: "store failure", req: func(e *tenv) *http.Request {
			e.failOn("GetAccessToken", errors.New("boom "+fxStoreCauseSecret))
			return e.a1().sign(get())
		}, status: 500, problem: "server_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newMiddlewareEnv(t)
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
			w := serve(e.p.Middleware(tc.opts...)(next), tc.req(e))
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

func TestAuthenticate(t *testing.T) {
	e := newMiddlewareEnv(t)
	g, err := e.p.Authenticate(get(), core.Optional())
	if g != nil || err != nil {
		t.Errorf("Optional without OAuth = %+v, %v; want nil, nil", g, err)
	}
	g, err = e.p.Authenticate(e.a1().sign(get()), core.RequireScopes("read"))
	e.expect(t, err, 200, "")
	if g.UserID != "alice" || g.Token.Token != fxTK || g.SignatureMethod != core.HMACSHA1 || g.Consumer.Key != fxCK {
		t.Errorf("grant %+v", g)
	}
	_, err = e.p.Authenticate(e.a1().sign(get()), core.RequireScopes("write"))
	e.expect(t, err, 403, "permission_denied")
	g, err = e.p.Authenticate(e.c1().sign(get()), core.TwoLegged())
	e.expect(t, err, 200, "")
	if g.Token != nil || g.UserID != "" || !slices.Equal(g.Scopes, []string{"read", "write", "admin"}) {
		t.Errorf("two-legged grant %+v", g)
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
