package ginoauth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/ginoauth"
	"github.com/go-oauth1/provider/internal/flowtest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

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
func whoami(c *gin.Context) {
	g, ok := ginoauth.GrantFrom(c)
	if !ok {
		c.String(http.StatusOK, "anonymous")
		return
	}
	c.String(http.StatusOK, "user="+g.UserID+" consumer="+g.Consumer.Name+" token="+tokenOf(g))
}

func tokenOf(g *core.Grant) string {
	if g.Token == nil {
		return "none"
	}
	return g.Token.Token
}

func TestMiddleware(t *testing.T) {
	f := newFixture(t)
	teapot := ginoauth.ErrorHandler(func(c *gin.Context, err error) {
		c.String(http.StatusTeapot, "custom: "+core.AsError(err).Problem)
	})
	skipPublic := ginoauth.Skipper(func(c *gin.Context) bool { return c.Query("public") == "1" })
	tests := []struct {
		name    string
		opts    []ginoauth.Option
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
		{"two-legged", []ginoauth.Option{ginoauth.TwoLegged()}, "", "/r", 200, "user= consumer=Test client token=none", ""},
		{"two-legged takes a token too", []ginoauth.Option{ginoauth.TwoLegged()}, "bob-token", "/r", 200, "user=bob consumer=Test client token=bob-token", ""},
		{"scopes held", []ginoauth.Option{ginoauth.RequireScopes("read", "write")}, "alice-token", "/r", 200, "user=alice consumer=Test client token=alice-token", ""},
		{"scopes missing", []ginoauth.Option{ginoauth.RequireScopes("write")}, "bob-token", "/r", 403, "", core.ProblemPermissionDenied},
		{"optional anonymous", []ginoauth.Option{ginoauth.Optional()}, "-", "/r", 200, "anonymous", ""},
		{"optional signed", []ginoauth.Option{ginoauth.Optional()}, "bob-token", "/r", 200, "user=bob consumer=Test client token=bob-token", ""},
		{"optional still verifies", []ginoauth.Option{ginoauth.Optional()}, "carol-token", "/r", 401, "", core.ProblemTokenRejected},
		{"custom error handler", []ginoauth.Option{teapot}, "-", "/r", 418, "custom: parameter_absent", ""},
		{"custom error handler, scopes", []ginoauth.Option{teapot, ginoauth.RequireScopes("write")}, "bob-token", "/r", 418, "custom: permission_denied", ""},
		{"skipped", []ginoauth.Option{skipPublic}, "-", "/r?public=1", 200, "anonymous", ""},
		{"not skipped", []ginoauth.Option{skipPublic}, "-", "/r?public=0", 400, "", core.ProblemParameterAbsent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := gin.New()
			reached := false
			r.GET("/r", ginoauth.Middleware(f.p, tt.opts...), func(c *gin.Context) { reached = true; whoami(c) })
			var req *http.Request
			switch tt.token {
			case "-":
				req = httptest.NewRequest("GET", tt.target, nil)
			default:
				req = f.request(t, "GET", tt.target, tt.token)
			}
			w := serve(r, req)
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

// TestErrorsAreCores checks that Middleware's error answers are byte for
// byte those of core's own middleware.
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
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := gin.New()
			r.GET("/r", ginoauth.Middleware(f.p, ginoauth.RequireScopes(tt.scopes...)), gin.WrapH(ok))
			got := serve(r, tt.req())
			want := serve(f.p.Middleware(core.RequireScopes(tt.scopes...))(ok), tt.req())
			if got.Code != want.Code || got.Body.String() != want.Body.String() || !equalHeader(got.Header(), want.Header()) {
				t.Errorf("gin answered %d %v %q, core %d %v %q", got.Code, got.Header(), got.Body, want.Code, want.Header(), want.Body)
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
		if strings.Join(v, "\n") != strings.Join(b[k], "\n") {
			return false
		}
	}
	return true
}

func TestGrantInContext(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	mw := ginoauth.Middleware(f.p, ginoauth.RequireScopes("read"))
	// A plain net/http handler behind the middleware sees the grant.
	r.GET("/plain", mw, gin.WrapF(func(w http.ResponseWriter, r *http.Request) {
		g, ok := core.FromContext(r.Context())
		if !ok {
			http.Error(w, "no grant", http.StatusInternalServerError)
			return
		}
		_, _ = w.Write([]byte(g.UserID + " " + strings.Join(g.Scopes, ",")))
	}))
	r.GET("/gin", mw, whoami)
	r.GET("/none", whoami)

	if w := serve(r, f.request(t, "GET", "/plain", "alice-token")); w.Code != 200 || w.Body.String() != "alice read,write" {
		t.Errorf("net/http handler: %d %q", w.Code, w.Body)
	}
	if w := serve(r, f.request(t, "GET", "/gin", "bob-token")); w.Code != 200 || w.Body.String() != "user=bob consumer=Test client token=bob-token" {
		t.Errorf("GrantFrom: %d %q", w.Code, w.Body)
	}
	if w := serve(r, f.request(t, "GET", "/none", "bob-token")); w.Code != 200 || w.Body.String() != "anonymous" {
		t.Errorf("GrantFrom without middleware: %d %q", w.Code, w.Body)
	}
}

// TestMiddlewareKeepsFormBody checks that a handler still reads the form
// body the middleware verified.
func TestMiddlewareKeepsFormBody(t *testing.T) {
	f := newFixture(t)
	r := gin.New()
	r.POST("/notes", ginoauth.Middleware(f.p, ginoauth.RequireScopes("write")), func(c *gin.Context) {
		c.String(http.StatusCreated, c.PostForm("text"))
	})
	req := httptest.NewRequest("POST", "/notes", strings.NewReader("text=hello+world"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	s := oauthtest.Signer{
		ConsumerKey: f.consumer.Key, ConsumerSecret: f.consumer.Secret,
		Token: "alice-token", TokenSecret: "alice-secret", Method: core.HMACSHA256, Now: clock{}.Now,
	}
	if err := s.Sign(req); err != nil {
		t.Fatal(err)
	}
	if w := serve(r, req); w.Code != 201 || w.Body.String() != "hello world" {
		t.Errorf("%d %q", w.Code, w.Body)
	}
}

func TestRegister(t *testing.T) {
	f := newFixture(t)
	cb := core.Param{Key: "oauth_callback", Value: core.OOB}
	tests := []struct {
		name   string
		opts   []ginoauth.RouteOption
		method string
		path   string
		status int
	}{
		{"default request_token", nil, "POST", "/oauth/request_token", 200},
		{"default access_token", nil, "POST", "/oauth/access_token", 400}, // reached: no verifier
		{"GET not routed", nil, "GET", "/oauth/request_token", 404},
		{"GET allowed", []ginoauth.RouteOption{ginoauth.AllowGET()}, "GET", "/oauth/request_token", 200},
		{"GET allowed access_token", []ginoauth.RouteOption{ginoauth.AllowGET()}, "GET", "/oauth/access_token", 400},
		{"custom paths", []ginoauth.RouteOption{ginoauth.Paths("/initiate", "/token")}, "POST", "/oauth/initiate", 200},
		{"custom paths token", []ginoauth.RouteOption{ginoauth.Paths("/initiate", "/token")}, "POST", "/oauth/token", 400},
		{"custom paths replace defaults", []ginoauth.RouteOption{ginoauth.Paths("/initiate", "/token")}, "POST", "/oauth/request_token", 404},
		{"empty path keeps default", []ginoauth.RouteOption{ginoauth.Paths("", "/token")}, "POST", "/oauth/request_token", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := gin.New()
			ginoauth.Register(r.Group("/oauth"), f.p, tt.opts...)
			w := serve(r, f.request(t, tt.method, tt.path, "", cb))
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
}

// consentRouter is an application's consent page, with the signed-in user
// fixed to alice.
func consentRouter(p *core.Provider) *gin.Engine {
	r := gin.New()
	r.GET("/authorize", func(c *gin.Context) {
		ar, err := ginoauth.Authorization(c, p)
		if err != nil {
			p.WriteError(c.Writer, err)
			return
		}
		var names []string
		for _, s := range ar.Scopes {
			names = append(names, s.Description)
		}
		c.String(http.StatusOK, ar.Consumer.Name+" asks: "+strings.Join(names, ", "))
	})
	r.POST("/authorize", func(c *gin.Context) {
		if c.PostForm("action") == "deny" {
			u, err := ginoauth.Deny(c, p)
			if err != nil {
				p.WriteError(c.Writer, err)
			} else if u == "" {
				c.String(http.StatusOK, "denied")
			}
			return
		}
		var scopes []string
		if s := c.PostForm("scopes"); s != "" {
			scopes = strings.Fields(s)
		}
		a, err := ginoauth.Approve(c, p, "alice", scopes)
		if err != nil {
			p.WriteError(c.Writer, err)
			return
		}
		if a.OOB {
			c.String(http.StatusOK, "verifier="+a.Verifier)
		}
	})
	return r
}

func TestConsent(t *testing.T) {
	f := newFixture(t)
	tokens := gin.New()
	ginoauth.Register(tokens, f.p)
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

// mount serves the flow scenario's routes on Gin.
func mount(p *core.Provider) http.Handler {
	r := gin.New()
	ginoauth.Register(r.Group("/oauth"), p)
	api := r.Group("/api")
	api.GET("/me", ginoauth.Middleware(p, ginoauth.RequireScopes("read")), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusOK, "application/json", flowtest.Me(g))
	})
	api.POST("/notes", ginoauth.Middleware(p, ginoauth.RequireScopes("write")), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusCreated, "application/json", flowtest.Note(g, c.PostForm("text")))
	})
	api.GET("/ping", ginoauth.Middleware(p, ginoauth.TwoLegged()), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusOK, "application/json", flowtest.Ping(g))
	})
	return r
}

func TestFlow(t *testing.T) {
	want := flowtest.Run(t, flowtest.NetHTTP)
	got := flowtest.Run(t, mount)
	flowtest.Compare(t, want, got)
}
