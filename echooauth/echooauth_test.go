package echooauth_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/echooauth"
	"github.com/go-oauth1/provider/internal/flowtest"
)

var now = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

type clock struct{}

func (clock) Now() time.Time { return now }

// fixture is a provider with a consumer and two access tokens: alice's
// with read and write, bob's with read only.
type fixture struct {
	p        *core.Provider
	consumer *core.Consumer
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	p, err := core.New(core.Config{
		Store: memstore.New(), Realm: "test", Clock: clock{},
		Scopes: []core.Scope{{Name: "read", Description: "Read your profile"}, {Name: "write", Description: "Post notes as you"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: "Test client", CallbackURL: "https://client.example/cb"})
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []core.AccessToken{
		{Token: "alice-token", Secret: "alice-secret", UserID: "alice", Scopes: []string{"read", "write"}},
		{Token: "bob-token", Secret: "bob-secret", UserID: "bob", Scopes: []string{"read"}},
	} {
		at.ConsumerKey, at.CreatedAt = c.Key, now
		if err := p.Store().CreateAccessToken(ctx, &at); err != nil {
			t.Fatal(err)
		}
	}
	return &fixture{p: p, consumer: c}
}

// request builds a request signed by the consumer with token (none:
// two-legged); the signer picks a fresh nonce each time.
func (f *fixture) request(t *testing.T, method, target, token string, extra ...core.Param) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	s := oauthtest.Signer{
		ConsumerKey: f.consumer.Key, ConsumerSecret: f.consumer.Secret,
		Method: core.HMACSHA1, Now: clock{}.Now,
	}
	if token != "" {
		s.Token, s.TokenSecret = token, strings.Replace(token, "-token", "-secret", 1)
	}
	if err := s.Sign(r, extra...); err != nil {
		t.Fatal(err)
	}
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func problem(w *httptest.ResponseRecorder) string {
	v, _ := url.ParseQuery(w.Body.String())
	return v.Get("oauth_problem")
}

// whoami answers the grant's user and consumer, or "anonymous".
func whoami(c echo.Context) error {
	g, ok := echooauth.GrantFrom(c)
	if !ok {
		return c.String(http.StatusOK, "anonymous")
	}
	return c.String(http.StatusOK, "user="+g.UserID+" consumer="+g.Consumer.Name+" token="+tokenOf(g))
}

func tokenOf(g *core.Grant) string {
	if g.Token == nil {
		return "none"
	}
	return g.Token.Token
}

func TestMiddleware(t *testing.T) {
	f := newFixture(t)
	teapot := echooauth.ErrorHandler(func(c echo.Context, err error) error {
		return c.String(http.StatusTeapot, "custom: "+core.AsError(err).Problem)
	})
	skipPublic := echooauth.Skipper(func(c echo.Context) bool { return c.QueryParam("public") == "1" })
	tests := []struct {
		name    string
		opts    []echooauth.Option
		token   string // "" two-legged; "-" unsigned
		target  string
		status  int
		body    string // for 2xx and custom errors
		problem string // for errors
	}{
		{"three-legged", nil, "alice-token", "/r", 200, "user=alice consumer=Test client token=alice-token", ""},
		{"three-legged refuses two-legged", nil, "", "/r", 400, "", core.ProblemParameterAbsent},
		{"three-legged refuses unsigned", nil, "-", "/r", 400, "", core.ProblemParameterAbsent},
		{"unknown token", nil, "carol-token", "/r", 401, "", core.ProblemTokenRejected},
		{"two-legged", []echooauth.Option{echooauth.TwoLegged()}, "", "/r", 200, "user= consumer=Test client token=none", ""},
		{"two-legged takes a token too", []echooauth.Option{echooauth.TwoLegged()}, "bob-token", "/r", 200, "user=bob consumer=Test client token=bob-token", ""},
		{"scopes held", []echooauth.Option{echooauth.RequireScopes("read", "write")}, "alice-token", "/r", 200, "user=alice consumer=Test client token=alice-token", ""},
		{"scopes missing", []echooauth.Option{echooauth.RequireScopes("write")}, "bob-token", "/r", 403, "", core.ProblemPermissionDenied},
		{"optional anonymous", []echooauth.Option{echooauth.Optional()}, "-", "/r", 200, "anonymous", ""},
		{"optional signed", []echooauth.Option{echooauth.Optional()}, "bob-token", "/r", 200, "user=bob consumer=Test client token=bob-token", ""},
		{"optional still verifies", []echooauth.Option{echooauth.Optional()}, "carol-token", "/r", 401, "", core.ProblemTokenRejected},
		{"custom error handler", []echooauth.Option{teapot}, "-", "/r", 418, "custom: parameter_absent", ""},
		{"custom error handler, scopes", []echooauth.Option{teapot, echooauth.RequireScopes("write")}, "bob-token", "/r", 418, "custom: permission_denied", ""},
		{"skipped", []echooauth.Option{skipPublic}, "-", "/r?public=1", 200, "anonymous", ""},
		{"not skipped", []echooauth.Option{skipPublic}, "-", "/r?public=0", 400, "", core.ProblemParameterAbsent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := echo.New()
			reached := false
			e.GET("/r", func(c echo.Context) error { reached = true; return whoami(c) }, echooauth.Middleware(f.p, tt.opts...))
			var req *http.Request
			switch tt.token {
			case "-":
				req = httptest.NewRequest("GET", tt.target, nil)
			default:
				req = f.request(t, "GET", tt.target, tt.token)
			}
			w := serve(e, req)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body %q", w.Code, tt.status, w.Body)
			}
			if tt.problem != "" {
				if got := problem(w); got != tt.problem {
					t.Errorf("oauth_problem %q, want %q", got, tt.problem)
				}
			} else if w.Body.String() != tt.body {
				t.Errorf("body %q, want %q", w.Body, tt.body)
			}
			if ok := w.Code < 300; reached != ok {
				t.Errorf("handler reached = %v, want %v", reached, ok)
			}
		})
	}
}

// TestErrorsAreCores checks that Middleware's error answers, written
// directly or routed through Echo's HTTPErrorHandler, are byte for byte
// those of core's own middleware.
func TestErrorsAreCores(t *testing.T) {
	f := newFixture(t)
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	tests := []struct {
		name   string
		scopes []string
		req    func() *http.Request
	}{
		{"unsigned", nil, func() *http.Request { return httptest.NewRequest("GET", "/r", nil) }},
		{"unknown token", nil, func() *http.Request { return f.request(t, "GET", "/r", "carol-token") }},
		{"bad signature", nil, func() *http.Request {
			r := f.request(t, "GET", "/r", "bob-token")
			r.URL.RawQuery = "tampered=1"
			return r
		}},
		{"scopes", []string{"write"}, func() *http.Request { return f.request(t, "GET", "/r", "bob-token") }},
		{"malformed header", nil, func() *http.Request {
			r := httptest.NewRequest("GET", "/r", nil)
			r.Header.Set("Authorization", `OAuth oauth_consumer_key="unterminated`)
			return r
		}},
	}
	returned := echooauth.ErrorHandler(func(c echo.Context, err error) error {
		e := core.AsError(err)
		return echo.NewHTTPError(e.Status, e.Problem).WithInternal(e)
	})
	for _, tt := range tests {
		for _, via := range []string{"direct", "HTTPErrorHandler"} {
			t.Run(tt.name+" "+via, func(t *testing.T) {
				e := echo.New()
				opts := []echooauth.Option{echooauth.RequireScopes(tt.scopes...)}
				if via == "HTTPErrorHandler" {
					e.HTTPErrorHandler = echooauth.HTTPErrorHandler(f.p, e.DefaultHTTPErrorHandler)
					opts = append(opts, returned)
				}
				e.GET("/r", echo.WrapHandler(ok), echooauth.Middleware(f.p, opts...))
				got := serve(e, tt.req())
				want := serve(f.p.Middleware(core.RequireScopes(tt.scopes...))(ok), tt.req())
				if got.Code != want.Code || got.Body.String() != want.Body.String() || !equalHeader(got.Header(), want.Header()) {
					t.Errorf("echo answered %d %v %q, core %d %v %q", got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
				}
				if got.Code < 400 {
					t.Errorf("status %d, want an error", got.Code)
				}
			})
		}
	}
}

func TestHTTPErrorHandlerDelegates(t *testing.T) {
	f := newFixture(t)
	e := echo.New()
	var seen error
	e.HTTPErrorHandler = echooauth.HTTPErrorHandler(f.p, func(err error, c echo.Context) {
		seen = err
		_ = c.String(http.StatusTeapot, "next")
	})
	e.GET("/other", func(echo.Context) error { return errors.New("boom") })
	e.GET("/core", func(echo.Context) error {
		return &core.Error{Status: http.StatusForbidden, Problem: core.ProblemPermissionDenied}
	})
	if w := serve(e, httptest.NewRequest("GET", "/other", nil)); w.Code != http.StatusTeapot || seen == nil || seen.Error() != "boom" {
		t.Errorf("other error: %d %q, next saw %v", w.Code, w.Body, seen)
	}
	seen = nil
	w := serve(e, httptest.NewRequest("GET", "/core", nil))
	if w.Code != http.StatusForbidden || problem(w) != core.ProblemPermissionDenied || seen != nil {
		t.Errorf("core error: %d %q, next saw %v", w.Code, w.Body, seen)
	}
}

func equalHeader(a, b http.Header) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

func TestGrantInContext(t *testing.T) {
	f := newFixture(t)
	e := echo.New()
	mw := echooauth.Middleware(f.p, echooauth.RequireScopes("read"))
	// A plain net/http handler behind the middleware sees the grant.
	e.GET("/plain", echo.WrapHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, ok := core.FromContext(r.Context())
		if !ok {
			http.Error(w, "no grant", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(g.UserID + " " + strings.Join(g.Scopes, ",")))
	})), mw)
	e.GET("/echo", whoami, mw)
	e.GET("/none", whoami)

	if w := serve(e, f.request(t, "GET", "/plain", "alice-token")); w.Code != 200 || w.Body.String() != "alice read,write" {
		t.Errorf("net/http handler: %d %q", w.Code, w.Body)
	}
	if w := serve(e, f.request(t, "GET", "/echo", "bob-token")); w.Code != 200 || w.Body.String() != "user=bob consumer=Test client token=bob-token" {
		t.Errorf("GrantFrom: %d %q", w.Code, w.Body)
	}
	if w := serve(e, f.request(t, "GET", "/none", "bob-token")); w.Code != 200 || w.Body.String() != "anonymous" {
		t.Errorf("GrantFrom without middleware: %d %q", w.Code, w.Body)
	}
}

// TestMiddlewareKeepsFormBody checks that a handler still reads the form
// body the middleware verified.
func TestMiddlewareKeepsFormBody(t *testing.T) {
	f := newFixture(t)
	e := echo.New()
	e.POST("/notes", func(c echo.Context) error {
		return c.String(http.StatusCreated, c.FormValue("text"))
	}, echooauth.Middleware(f.p, echooauth.RequireScopes("write")))
	req := httptest.NewRequest("POST", "/notes", strings.NewReader("text=hello+world"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s := oauthtest.Signer{
		ConsumerKey: f.consumer.Key, ConsumerSecret: f.consumer.Secret,
		Token: "alice-token", TokenSecret: "alice-secret", Method: core.HMACSHA256, Now: clock{}.Now,
	}
	if err := s.Sign(req); err != nil {
		t.Fatal(err)
	}
	if w := serve(e, req); w.Code != 201 || w.Body.String() != "hello world" {
		t.Errorf("%d %q", w.Code, w.Body)
	}
}

func TestRegister(t *testing.T) {
	f := newFixture(t)
	cb := core.Param{Key: "oauth_callback", Value: core.OOB}
	tests := []struct {
		name   string
		opts   []echooauth.RouteOption
		method string
		path   string
		status int
	}{
		{"default request_token", nil, "POST", "/oauth/request_token", 200},
		{"default access_token", nil, "POST", "/oauth/access_token", 400}, // reached: no verifier
		{"GET not routed", nil, "GET", "/oauth/request_token", 405},
		{"GET allowed", []echooauth.RouteOption{echooauth.AllowGET()}, "GET", "/oauth/request_token", 200},
		{"GET allowed access_token", []echooauth.RouteOption{echooauth.AllowGET()}, "GET", "/oauth/access_token", 400},
		{"custom paths", []echooauth.RouteOption{echooauth.Paths("/initiate", "/token")}, "POST", "/oauth/initiate", 200},
		{"custom paths token", []echooauth.RouteOption{echooauth.Paths("/initiate", "/token")}, "POST", "/oauth/token", 400},
		{"custom paths replace defaults", []echooauth.RouteOption{echooauth.Paths("/initiate", "/token")}, "POST", "/oauth/request_token", 404},
		{"empty path keeps default", []echooauth.RouteOption{echooauth.Paths("", "/token")}, "POST", "/oauth/request_token", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := echo.New()
			echooauth.Register(e.Group("/oauth"), f.p, tt.opts...)
			w := serve(e, f.request(t, tt.method, tt.path, "", cb))
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body %q", w.Code, tt.status, w.Body)
			}
			if w.Code == 200 && !strings.Contains(w.Body.String(), "oauth_callback_confirmed=true") {
				t.Errorf("body %q", w.Body)
			}
			if w.Code == 400 && problem(w) != core.ProblemParameterAbsent {
				t.Errorf("body %q", w.Body)
			}
		})
	}
	t.Run("on the Echo itself", func(t *testing.T) {
		e := echo.New()
		echooauth.Register(e, f.p)
		if w := serve(e, f.request(t, "POST", "/request_token", "", cb)); w.Code != 200 {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
}

// consentRouter is an application's consent page, with the signed-in user
// fixed to alice.
func consentRouter(p *core.Provider) *echo.Echo {
	e := echo.New()
	e.GET("/authorize", func(c echo.Context) error {
		ar, err := echooauth.Authorization(c, p)
		if err != nil {
			p.WriteError(c.Response(), err)
			return nil
		}
		var names []string
		for _, s := range ar.Scopes {
			names = append(names, s.Description)
		}
		return c.String(http.StatusOK, ar.Consumer.Name+" asks: "+strings.Join(names, ", "))
	})
	e.POST("/authorize", func(c echo.Context) error {
		if c.FormValue("action") == "deny" {
			u, err := echooauth.Deny(c, p)
			if err != nil {
				p.WriteError(c.Response(), err)
				return nil
			}
			if u == "" {
				return c.String(http.StatusOK, "denied")
			}
			return nil
		}
		var scopes []string
		if s := c.FormValue("scopes"); s != "" {
			scopes = strings.Fields(s)
		}
		a, err := echooauth.Approve(c, p, "alice", scopes)
		if err != nil {
			p.WriteError(c.Response(), err)
			return nil
		}
		if a.OOB {
			return c.String(http.StatusOK, "verifier="+a.Verifier)
		}
		return nil
	})
	return e
}

func TestConsent(t *testing.T) {
	f := newFixture(t)
	tokens := echo.New()
	echooauth.Register(tokens, f.p)
	requestToken := func(t *testing.T, callback string) string {
		t.Helper()
		w := serve(tokens, f.request(t, "POST", "/request_token", "", core.Param{Key: "oauth_callback", Value: callback}))
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
	app := consentRouter(f.p)

	t.Run("page", func(t *testing.T) {
		rt := requestToken(t, "https://client.example/cb")
		w := serve(app, httptest.NewRequest("GET", "/authorize?oauth_token="+rt, nil))
		if w.Code != 200 || w.Body.String() != "Test client asks: Read your profile, Post notes as you" {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("page without token", func(t *testing.T) {
		w := serve(app, httptest.NewRequest("GET", "/authorize", nil))
		if w.Code != 400 || problem(w) != core.ProblemParameterAbsent {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("approve redirects", func(t *testing.T) {
		rt := requestToken(t, "https://client.example/cb?state=x")
		w := serve(app, post(url.Values{"oauth_token": {rt}, "scopes": {"read"}}))
		loc, _ := url.Parse(w.Header().Get("Location"))
		if w.Code != http.StatusFound || loc == nil || loc.Host != "client.example" || loc.Query().Get("oauth_token") != rt ||
			loc.Query().Get("oauth_verifier") == "" || loc.Query().Get("state") != "x" {
			t.Fatalf("%d Location %q", w.Code, w.Header().Get("Location"))
		}
		// Approved once only.
		w = serve(app, post(url.Values{"oauth_token": {rt}}))
		if w.Code < 400 {
			t.Errorf("second approval: %d %q", w.Code, w.Body)
		}
	})
	t.Run("approve oob", func(t *testing.T) {
		rt := requestToken(t, core.OOB)
		w := serve(app, post(url.Values{"oauth_token": {rt}}))
		if w.Code != 200 || !strings.HasPrefix(w.Body.String(), "verifier=") || len(w.Body.String()) <= len("verifier=") {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("deny redirects", func(t *testing.T) {
		rt := requestToken(t, "https://client.example/cb")
		w := serve(app, post(url.Values{"oauth_token": {rt}, "action": {"deny"}}))
		loc, _ := url.Parse(w.Header().Get("Location"))
		if w.Code != http.StatusFound || loc == nil || loc.Query().Get("denied") != rt {
			t.Errorf("%d Location %q", w.Code, w.Header().Get("Location"))
		}
	})
	t.Run("deny oob", func(t *testing.T) {
		rt := requestToken(t, core.OOB)
		w := serve(app, post(url.Values{"oauth_token": {rt}, "action": {"deny"}}))
		if w.Code != 200 || w.Body.String() != "denied" {
			t.Errorf("%d %q", w.Code, w.Body)
		}
	})
	t.Run("unknown token", func(t *testing.T) {
		for _, action := range []string{"approve", "deny"} {
			w := serve(app, post(url.Values{"oauth_token": {"no-such-token"}, "action": {action}}))
			if w.Code < 400 || w.Header().Get("Location") != "" {
				t.Errorf("%s: %d %q", action, w.Code, w.Body)
			}
		}
	})
}

// mount serves the flow scenario's routes on Echo.
func mount(p *core.Provider) http.Handler {
	e := echo.New()
	echooauth.Register(e.Group("/oauth"), p)
	api := e.Group("/api")
	api.GET("/me", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", flowtest.Me(g))
	}, echooauth.Middleware(p, echooauth.RequireScopes("read")))
	api.POST("/notes", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusCreated, "application/json", flowtest.Note(g, c.FormValue("text")))
	}, echooauth.Middleware(p, echooauth.RequireScopes("write")))
	api.GET("/ping", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", flowtest.Ping(g))
	}, echooauth.Middleware(p, echooauth.TwoLegged()))
	return e
}

func TestFlow(t *testing.T) {
	want := flowtest.Run(t, flowtest.NetHTTP)
	got := flowtest.Run(t, mount)
	flowtest.Compare(t, want, got)
}
