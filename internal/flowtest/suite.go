package flowtest

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// The adapter suite: what every framework adapter must do, one method per
// test, each on a new Fixture. An adapter's test file calls them from its
// own Test functions, e.g.
//
//	func TestMiddleware(t *testing.T) { adapter().TestMiddleware(t) }

// whoami answers the grant's user, consumer and token, or "anonymous".
func whoami(c Ctx) {
	g, ok := c.Grant()
	if !ok {
		c.String(http.StatusOK, "anonymous")
		return
	}
	token := "none"
	if g.Token != nil {
		token = g.Token.Token
	}
	c.String(http.StatusOK, "user="+g.UserID+" consumer="+g.Consumer.Name+" token="+token)
}

// TestMiddleware checks Middleware with each of core's options: three-legged
// by default, TwoLegged, RequireScopes and Optional; the grant the handler
// sees (through GrantFrom), the error answers, and that the handler runs
// exactly when the answer is a success.
func (a Adapter) TestMiddleware(t *testing.T) {
	f := NewFixture(t)
	tests := []struct {
		name    string
		opts    []core.AuthOption
		token   string // "" two-legged; "-" unsigned
		status  int
		body    string // for 2xx
		problem string // for errors
	}{
		{"three-legged", nil, "alice-token", 200, "user=alice consumer=Test client token=alice-token", ""},
		{"three-legged refuses two-legged", nil, "", 400, "", core.ProblemParameterAbsent},
		{"three-legged refuses unsigned", nil, "-", 400, "", core.ProblemParameterAbsent},
		{"unknown token", nil, "carol-token", 401, "", core.ProblemTokenRejected},
		{"two-legged", []core.AuthOption{core.TwoLegged()}, "", 200, "user= consumer=Test client token=none", ""},
		{"two-legged takes a token too", []core.AuthOption{core.TwoLegged()}, "bob-token", 200, "user=bob consumer=Test client token=bob-token", ""},
		{"scopes held", []core.AuthOption{core.RequireScopes("read", "write")}, "alice-token", 200, "user=alice consumer=Test client token=alice-token", ""},
		{"scopes missing", []core.AuthOption{core.RequireScopes("write")}, "bob-token", 403, "", core.ProblemPermissionDenied},
		{"optional anonymous", []core.AuthOption{core.Optional()}, "-", 200, "anonymous", ""},
		{"optional signed", []core.AuthOption{core.Optional()}, "bob-token", 200, "user=bob consumer=Test client token=bob-token", ""},
		{"optional still verifies", []core.AuthOption{core.Optional()}, "carol-token", 401, "", core.ProblemTokenRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.checkRoute(t, f, Route{Method: "GET", Path: "/r", Options: tt.opts}, "/r", tt.token, tt.status, tt.body, tt.problem)
		})
	}
}

// TestMiddlewareWithConfig checks MiddlewareWithConfig's framework-shaped
// settings, of the adapters that have them (Echo's): an ErrorHandler
// answers every refusal, core's options still apply, and a Skipper lets
// requests through unchecked.
func (a Adapter) TestMiddlewareWithConfig(t *testing.T) {
	f := NewFixture(t)
	teapot := func(err error) (int, string) {
		return http.StatusTeapot, "custom: " + core.AsError(err).Problem
	}
	skipPublic := func(r *http.Request) bool { return r.URL.Query().Get("public") == "1" }
	tests := []struct {
		name    string
		route   Route
		token   string // "" two-legged; "-" unsigned
		target  string
		status  int
		body    string // for 2xx and custom errors
		problem string // for core's errors
	}{
		{"custom error handler", Route{ErrorHandler: teapot}, "-", "/r", 418, "custom: parameter_absent", ""},
		{"custom error handler, scopes", Route{ErrorHandler: teapot, Options: []core.AuthOption{core.RequireScopes("write")}}, "bob-token", "/r", 418, "custom: permission_denied", ""},
		{"custom error handler, success", Route{ErrorHandler: teapot}, "alice-token", "/r", 200, "user=alice consumer=Test client token=alice-token", ""},
		{"skipped", Route{Skipper: skipPublic}, "-", "/r?public=1", 200, "anonymous", ""},
		{"not skipped", Route{Skipper: skipPublic}, "-", "/r?public=0", 400, "", core.ProblemParameterAbsent},
		{"not skipped, options", Route{Skipper: skipPublic, Options: []core.AuthOption{core.TwoLegged()}}, "", "/r?public=0", 200, "user= consumer=Test client token=none", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rt := tt.route
			rt.Method, rt.Path = "GET", "/r"
			a.checkRoute(t, f, rt, tt.target, tt.token, tt.status, tt.body, tt.problem)
		})
	}
}

// checkRoute serves rt, whose handler is whoami, sends it a GET of target
// signed with token ("" two-legged, "-" unsigned), and checks the answer:
// its status, its oauth_problem when problem is set and else its body, and
// that the handler ran exactly when the answer is a success.
func (a Adapter) checkRoute(t *testing.T, f *Fixture, rt Route, target, token string, status int, body, problem string) {
	t.Helper()
	reached := false
	rt.Handle = func(c Ctx) { reached = true; whoami(c) }
	h := a.Serve(f.Provider, rt)
	req := httptest.NewRequest("GET", target, nil)
	if token != "-" {
		req = f.Request(t, "GET", target, token)
	}
	w := Record(h, req)
	if w.Code != status {
		t.Fatalf("status %d, want %d; body %q", w.Code, status, w.Body)
	}
	if problem != "" {
		if got := Problem(w); got != problem {
			t.Errorf("oauth_problem %q, want %q", got, problem)
		}
	} else if w.Body.String() != body {
		t.Errorf("body %q, want %q", w.Body, body)
	}
	if ok := w.Code < 300; reached != ok {
		t.Errorf("handler reached = %v, want %v", reached, ok)
	}
}

// TestErrorsAreCores checks that Middleware's error answers (status,
// headers, body) are byte for byte those of core's own middleware.
func (a Adapter) TestErrorsAreCores(t *testing.T) {
	f := NewFixture(t)
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	tests := []struct {
		name   string
		scopes []string
		req    func() *http.Request
	}{
		{"unsigned", nil, func() *http.Request { return httptest.NewRequest("GET", "/r", nil) }},
		{"unknown token", nil, func() *http.Request { return f.Request(t, "GET", "/r", "carol-token") }},
		{"bad signature", nil, func() *http.Request {
			r := f.Request(t, "GET", "/r", "bob-token")
			r.URL.RawQuery = "tampered=1"
			return r
		}},
		{"scopes", []string{"write"}, func() *http.Request { return f.Request(t, "GET", "/r", "bob-token") }},
		{"malformed header", nil, func() *http.Request {
			r := httptest.NewRequest("GET", "/r", nil)
			r.Header.Set("Authorization", `OAuth oauth_consumer_key="unterminated`)
			return r
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := a.Serve(f.Provider, Route{Method: "GET", Path: "/r", Options: []core.AuthOption{core.RequireScopes(tt.scopes...)}, HTTP: ok})
			got := Record(h, tt.req())
			want := Record(f.Provider.Middleware(core.RequireScopes(tt.scopes...))(ok), tt.req())
			if got.Code != want.Code || got.Body.String() != want.Body.String() || !equalHeader(got.Header(), want.Header()) {
				t.Errorf("adapter answered %d %v %q, core %d %v %q", got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
			}
			if got.Code < 400 {
				t.Errorf("status %d, want an error", got.Code)
			}
		})
	}
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !slices.Equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestGrantInContext checks that the verified grant reaches a plain
// net/http handler behind Middleware (core.FromContext) and the
// framework's handler (GrantFrom), and that there is none on a route
// without Middleware.
func (a Adapter) TestGrantInContext(t *testing.T) {
	f := NewFixture(t)
	read := []core.AuthOption{core.RequireScopes("read")}
	plain := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, ok := core.FromContext(r.Context())
		if !ok {
			http.Error(w, "no grant", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(g.UserID + " " + strings.Join(g.Scopes, ",")))
	})
	h := a.Serve(f.Provider,
		Route{Method: "GET", Path: "/plain", Options: read, HTTP: plain},
		Route{Method: "GET", Path: "/framework", Options: read, Handle: whoami},
		Route{Method: "GET", Path: "/none", Public: true, Handle: whoami},
	)
	if w := Record(h, f.Request(t, "GET", "/plain", "alice-token")); w.Code != 200 || w.Body.String() != "alice read,write" {
		t.Errorf("net/http handler: %d %q", w.Code, w.Body)
	}
	if w := Record(h, f.Request(t, "GET", "/framework", "bob-token")); w.Code != 200 || w.Body.String() != "user=bob consumer=Test client token=bob-token" {
		t.Errorf("GrantFrom: %d %q", w.Code, w.Body)
	}
	if w := Record(h, f.Request(t, "GET", "/none", "bob-token")); w.Code != 200 || w.Body.String() != "anonymous" {
		t.Errorf("GrantFrom without middleware: %d %q", w.Code, w.Body)
	}
}

// TestMiddlewareKeepsFormBody checks that a handler still reads the form
// body the middleware verified.
func (a Adapter) TestMiddlewareKeepsFormBody(t *testing.T) {
	f := NewFixture(t)
	h := a.Serve(f.Provider, Route{Method: "POST", Path: "/notes", Options: []core.AuthOption{core.RequireScopes("write")},
		Handle: func(c Ctx) { c.String(http.StatusCreated, c.Form("text")) }})
	req := httptest.NewRequest("POST", "/notes", strings.NewReader("text=hello+world"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s := f.signer("alice-token")
	s.Method = core.HMACSHA256
	if err := s.Sign(req); err != nil {
		t.Fatal(err)
	}
	if w := Record(h, req); w.Code != 201 || w.Body.String() != "hello world" {
		t.Errorf("%d %q", w.Code, w.Body)
	}
}

// TestRegister checks Register's routes: POST by default, core.AllowGET,
// core.Paths, and Register on the router itself.
func (a Adapter) TestRegister(t *testing.T) {
	f := NewFixture(t)
	cb := oauthtest.Param{Key: "oauth_callback", Value: core.OOB}
	tests := []struct {
		name   string
		prefix string
		opts   []core.RouteOption
		method string
		path   string
		status int
	}{
		{"default request_token", "/oauth", nil, "POST", "/oauth/request_token", 200},
		{"default access_token", "/oauth", nil, "POST", "/oauth/access_token", 400}, // reached: no verifier
		{"GET not routed", "/oauth", nil, "GET", "/oauth/request_token", a.NotRouted},
		{"GET allowed", "/oauth", []core.RouteOption{core.AllowGET()}, "GET", "/oauth/request_token", 200},
		{"GET allowed access_token", "/oauth", []core.RouteOption{core.AllowGET()}, "GET", "/oauth/access_token", 400},
		{"custom paths", "/oauth", []core.RouteOption{core.Paths("/initiate", "/token")}, "POST", "/oauth/initiate", 200},
		{"custom paths token", "/oauth", []core.RouteOption{core.Paths("/initiate", "/token")}, "POST", "/oauth/token", 400},
		{"custom paths replace defaults", "/oauth", []core.RouteOption{core.Paths("/initiate", "/token")}, "POST", "/oauth/request_token", 404},
		{"empty path keeps default", "/oauth", []core.RouteOption{core.Paths("", "/token")}, "POST", "/oauth/request_token", 200},
		{"on the router itself", "", nil, "POST", "/request_token", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := Record(a.Register(f.Provider, tt.prefix, tt.opts...), f.Request(t, tt.method, tt.path, "", cb))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body %q", w.Code, tt.status, w.Body)
			}
			if w.Code == 200 && !strings.Contains(w.Body.String(), "oauth_callback_confirmed=true") {
				t.Errorf("body %q", w.Body)
			}
			if w.Code == 400 && Problem(w) != core.ProblemParameterAbsent {
				t.Errorf("body %q", w.Body)
			}
		})
	}
}

// consentPage is an application's consent page, GET and POST /authorize,
// built with the adapter's ConsentRequest, Approve and Deny, with the
// signed-in user fixed to alice.
func consentPage() []Route {
	page := func(c Ctx) {
		ar, err := c.ConsentRequest()
		if err != nil {
			c.WriteError(err)
			return
		}
		var names []string
		for _, s := range ar.Scopes {
			names = append(names, s.Description)
		}
		c.String(http.StatusOK, ar.Consumer.Name+" asks: "+strings.Join(names, ", "))
	}
	answer := func(c Ctx) {
		if c.Form("action") == "deny" {
			d, err := c.Deny()
			if err != nil {
				c.WriteError(err)
			} else if d.RedirectURL == "" {
				c.String(http.StatusOK, "denied")
			}
			return
		}
		var scopes []string
		if s := c.Form("scopes"); s != "" {
			scopes = strings.Fields(s)
		}
		a, err := c.Approve("alice", scopes)
		if err != nil {
			c.WriteError(err)
			return
		}
		if a.RedirectURL == "" {
			c.String(http.StatusOK, "verifier="+a.Verifier)
		}
	}
	return []Route{
		{Method: "GET", Path: "/authorize", Public: true, Handle: page},
		{Method: "POST", Path: "/authorize", Public: true, Handle: answer},
	}
}

// TestConsent checks the consent helpers, ConsentRequest, Approve and Deny,
// on a consent page: what the page shows, redirects to the callback and
// oob answers, approval once only, and unknown tokens.
func (a Adapter) TestConsent(t *testing.T) {
	f := NewFixture(t)
	tokens := a.Register(f.Provider, "")
	requestToken := func(t *testing.T, callback string) string {
		t.Helper()
		w := Record(tokens, f.Request(t, "POST", "/request_token", "", oauthtest.Param{Key: "oauth_callback", Value: callback}))
		v, _ := url.ParseQuery(w.Body.String())
		if w.Code != 200 || v.Get("oauth_token") == "" {
			t.Fatalf("request_token: %d %q", w.Code, w.Body)
		}
		return v.Get("oauth_token")
	}
	post := func(form url.Values) *http.Request {
		r := httptest.NewRequest("POST", "/authorize", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	app := a.Serve(f.Provider, consentPage()...)

	t.Run("page", func(t *testing.T) {
		rt := requestToken(t, "https://client.example/cb")
		w := Record(app, httptest.NewRequest("GET", "/authorize?oauth_token="+rt, nil))
		if w.Code != 200 || w.Body.String() != "Test client asks: Read your profile, Post notes as you" {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("page without token", func(t *testing.T) {
		w := Record(app, httptest.NewRequest("GET", "/authorize", nil))
		if w.Code != 400 || Problem(w) != core.ProblemParameterAbsent {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("approve redirects", func(t *testing.T) {
		rt := requestToken(t, "https://client.example/cb?state=x")
		w := Record(app, post(url.Values{"oauth_token": {rt}, "scopes": {"read"}}))
		loc, _ := url.Parse(w.Header().Get("Location"))
		if w.Code != http.StatusFound || loc == nil || loc.Host != "client.example" || loc.Query().Get("oauth_token") != rt ||
			loc.Query().Get("oauth_verifier") == "" || loc.Query().Get("state") != "x" {
			t.Fatalf("%d Location %q", w.Code, w.Header().Get("Location"))
		}
		// Approved once only.
		w = Record(app, post(url.Values{"oauth_token": {rt}}))
		if w.Code < 400 {
			t.Errorf("second approval: %d %q", w.Code, w.Body)
		}
	})
	t.Run("approve oob", func(t *testing.T) {
		rt := requestToken(t, core.OOB)
		w := Record(app, post(url.Values{"oauth_token": {rt}}))
		if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "verifier=") || len(w.Body.String()) <= len("verifier=") {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("deny redirects", func(t *testing.T) {
		rt := requestToken(t, "https://client.example/cb")
		w := Record(app, post(url.Values{"oauth_token": {rt}, "action": {"deny"}}))
		loc, _ := url.Parse(w.Header().Get("Location"))
		if w.Code != http.StatusFound || loc == nil || loc.Query().Get("denied") != rt {
			t.Errorf("%d Location %q", w.Code, w.Header().Get("Location"))
		}
	})
	t.Run("deny oob", func(t *testing.T) {
		rt := requestToken(t, core.OOB)
		w := Record(app, post(url.Values{"oauth_token": {rt}, "action": {"deny"}}))
		if w.Code != 200 || w.Body.String() != "denied" {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		for _, action := range []string{"approve", "deny"} {
			w := Record(app, post(url.Values{"oauth_token": {"no-such-token"}, "action": {action}}))
			if w.Code < 400 || w.Header().Get("Location") != "" {
				t.Errorf("%s: %d %q", action, w.Code, w.Body)
			}
		}
	})
}

// errDatabaseDown is the cause brokenStore fails with.
var errDatabaseDown = errors.New("database down")

// brokenStore is a memstore whose lookups and consent decisions fail with
// errDatabaseDown once down is set.
type brokenStore struct {
	core.Store
	down atomic.Bool
}

func (s *brokenStore) GetConsumer(ctx context.Context, key string) (*core.Consumer, error) {
	if s.down.Load() {
		return nil, errDatabaseDown
	}
	return s.Store.GetConsumer(ctx, key)
}

func (s *brokenStore) GetRequestToken(ctx context.Context, token string) (*core.RequestToken, error) {
	if s.down.Load() {
		return nil, errDatabaseDown
	}
	return s.Store.GetRequestToken(ctx, token)
}

// TestServerErrors checks that a store failure behind Register's
// endpoints, Middleware and the consent helpers is a 500 whose cause
// reaches core.Config.OnServerError once, with the request.
func (a Adapter) TestServerErrors(t *testing.T) {
	store := &brokenStore{Store: memstore.New()}
	var mu sync.Mutex
	var got []string // "METHOD path: cause"
	f := newFixture(t, core.Config{Store: store, OnServerError: func(r *http.Request, err error) {
		mu.Lock()
		defer mu.Unlock()
		if !errors.Is(err, errDatabaseDown) {
			t.Errorf("OnServerError got %v, want the store's cause", err)
		}
		got = append(got, r.Method+" "+r.URL.Path)
	}})
	tokens := a.Register(f.Provider, "")
	w := Record(tokens, f.Request(t, "POST", "/request_token", "", oauthtest.Param{Key: "oauth_callback", Value: core.OOB}))
	rt, _ := url.ParseQuery(w.Body.String())
	if w.Code != 200 || rt.Get("oauth_token") == "" {
		t.Fatalf("request_token: %d %q", w.Code, w.Body)
	}
	app := a.Serve(f.Provider, append(consentPage(), Route{Method: "GET", Path: "/r", Handle: whoami})...)
	store.down.Store(true)

	consent := func(action string) *http.Request {
		form := url.Values{"oauth_token": {rt.Get("oauth_token")}, "action": {action}}
		r := httptest.NewRequest("POST", "/authorize", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return r
	}
	tests := []struct {
		name string
		h    http.Handler
		r    *http.Request
	}{
		{"request_token", tokens, f.Request(t, "POST", "/request_token", "", oauthtest.Param{Key: "oauth_callback", Value: core.OOB})},
		{"access_token", tokens, f.Request(t, "POST", "/access_token", rt.Get("oauth_token"), oauthtest.Param{Key: "oauth_verifier", Value: "v"})},
		{"middleware", app, f.Request(t, "GET", "/r", "alice-token")},
		{"authorization", app, httptest.NewRequest("GET", "/authorize?oauth_token="+rt.Get("oauth_token"), nil)},
		{"approve", app, consent("approve")},
		{"deny", app, consent("deny")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			got = nil
			mu.Unlock()
			w := Record(tt.h, tt.r)
			if w.Code != http.StatusInternalServerError || w.Body.String() != "oauth_problem=server_error" {
				t.Errorf("answer %d %q, want 500 oauth_problem=server_error", w.Code, w.Body)
			}
			mu.Lock()
			defer mu.Unlock()
			if want := tt.r.Method + " " + tt.r.URL.Path; len(got) != 1 || got[0] != want {
				t.Errorf("OnServerError calls %q, want one for %q", got, want)
			}
		})
	}
}
