package flowtest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// Adapter is a framework adapter (ginoauth, echooauth, echov5) as the
// adapter suite drives it: the routers the suite's tests need, built with
// the framework. Each adapter's tests fill one in and call its Test
// methods (suite.go), which hold the cases, written once for every
// framework.
type Adapter struct {
	// Serve returns a new router that serves routes with p.
	Serve func(p *core.Provider, routes ...Route) http.Handler
	// Register returns a new router with the adapter's Register(group, p,
	// opts...), opts being core's route options (core.Paths,
	// core.AllowGET): on the router's group at prefix, or on the router
	// itself when prefix is empty.
	Register func(p *core.Provider, prefix string, opts ...core.RouteOption) http.Handler
	// NotRouted is the status of a request whose method is not routed on a
	// path that is: 404 on Gin, 405 on Echo and net/http.
	NotRouted int
}

// Route is one route of a router that Adapter.Serve builds.
type Route struct {
	Method, Path string
	// Public routes have no Middleware; the others are behind
	// Middleware(p, Options...), or, when ErrorHandler or Skipper is set,
	// MiddlewareWithConfig (Echo's adapters only).
	Public  bool
	Options []core.AuthOption
	// ErrorHandler, when set, answers Middleware's errors with the
	// framework's text answer (c.String) of the status and body it returns.
	ErrorHandler func(err error) (status int, body string)
	// Skipper, when set, skips the requests for which it is true.
	Skipper func(r *http.Request) bool
	// Handle is the route's handler, called through the framework with
	// the request's Ctx; when it is nil, HTTP is the handler, wrapped by
	// the framework (gin.WrapH, echo.WrapHandler).
	Handle func(c Ctx)
	HTTP   http.Handler
}

// Ctx is a framework's request context as the suite's handlers use it:
// each method is one call of the adapter or of the framework.
type Ctx interface {
	// Grant is the adapter's GrantFrom.
	Grant() (*core.Grant, bool)
	// Form is the framework's form value (Gin's PostForm, Echo's FormValue).
	Form(key string) string
	// String answers status with a text body (the framework's String).
	String(status int, body string)
	// WriteError is the provider's WriteError on the framework's response.
	WriteError(err error)
	// ConsentRequest, Approve and Deny are the adapter's consent helpers.
	ConsentRequest() (*core.AuthorizationRequest, error)
	Approve(userID string, scopes []string) (*core.Decision, error)
	Deny() (*core.Decision, error)
}

// fixtureClock is the fixture's clock: always 2026-03-01 12:00 UTC.
type fixtureClock struct{}

func (fixtureClock) Now() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }

// Fixture is a provider (memstore, realm "test", scopes Scopes, a fixed
// clock) with a consumer, "Test client" with callback
// https://client.example/cb, and two access tokens: alice-token (secret
// alice-secret) with read and write, bob-token (bob-secret) with read only.
type Fixture struct {
	Provider *core.Provider
	Consumer *core.Consumer
}

// NewFixture returns a new Fixture; it fails t on error.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	return newFixture(t, core.Config{Store: memstore.New()})
}

// newFixture is NewFixture on cfg's store, with cfg's OnServerError.
func newFixture(t testing.TB, cfg core.Config) *Fixture {
	t.Helper()
	cfg.Realm, cfg.Clock, cfg.Scopes = "test", fixtureClock{}, Scopes()
	p, err := core.New(cfg)
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
		at.ConsumerKey, at.CreatedAt = c.Key, fixtureClock{}.Now()
		if err := cfg.Store.CreateAccessToken(ctx, &at); err != nil {
			t.Fatal(err)
		}
	}
	return &Fixture{Provider: p, Consumer: c}
}

// Request builds a request signed with HMAC-SHA1 by the consumer with
// token (none: two-legged; the secret is the token's with -secret for
// -token), plus extra protocol parameters; the signer picks a fresh nonce
// each time.
func (f *Fixture) Request(t testing.TB, method, target, token string, extra ...oauthtest.Param) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, target, nil)
	s := f.signer(token)
	if err := s.Sign(r, extra...); err != nil {
		t.Fatal(err)
	}
	return r
}

// signer signs as Request does.
func (f *Fixture) signer(token string) oauthtest.Signer {
	s := oauthtest.Signer{
		ConsumerKey: f.Consumer.Key, ConsumerSecret: f.Consumer.Secret,
		Method: core.HMACSHA1, Now: fixtureClock{}.Now,
	}
	if token != "" {
		s.Token, s.TokenSecret = token, strings.Replace(token, "-token", "-secret", 1)
	}
	return s
}

// Record serves r with h and returns the answer.
func Record(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// Problem is the oauth_problem of an error answer.
func Problem(w *httptest.ResponseRecorder) string {
	v, _ := url.ParseQuery(w.Body.String())
	return v.Get("oauth_problem")
}
