package echov5_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v5"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/echooauth/echov5"
	"github.com/go-oauth1/provider/internal/flowtest"
)

// adapter is echov5 as the adapter suite (internal/flowtest, suite.go)
// drives it: the cases are written there once, for Gin, Echo v4 and v5.
func adapter() flowtest.Adapter {
	return flowtest.Adapter{
		Serve: func(p *core.Provider, routes ...flowtest.Route) http.Handler {
			return serve(echo.New(), p, routes, nil)
		},
		Register: func(p *core.Provider, prefix string, opts ...core.RouteOption) http.Handler {
			e := echo.New()
			if prefix == "" {
				echov5.Register(e, p, opts...)
			} else {
				echov5.Register(e.Group(prefix), p, opts...)
			}
			return e
		},
		NotRouted: http.StatusMethodNotAllowed,
	}
}

// serve adds routes to e, unless a route is public behind
// echov5.Middleware(p, its options), or MiddlewareWithConfig when it has
// an ErrorHandler or a Skipper, or when onError is set (which answers
// unless the route has an ErrorHandler of its own).
func serve(e *echo.Echo, p *core.Provider, routes []flowtest.Route, onError func(c *echo.Context, err error) error) *echo.Echo {
	for _, rt := range routes {
		var mw []echo.MiddlewareFunc
		switch {
		case rt.Public:
		case rt.ErrorHandler == nil && rt.Skipper == nil && onError == nil:
			mw = append(mw, echov5.Middleware(p, rt.Options...))
		default:
			cfg := echov5.Config{Provider: p, Options: rt.Options, ErrorHandler: onError}
			if h := rt.ErrorHandler; h != nil {
				cfg.ErrorHandler = func(c *echo.Context, err error) error {
					status, body := h(err)
					return c.String(status, body)
				}
			}
			if skip := rt.Skipper; skip != nil {
				cfg.Skipper = func(c *echo.Context) bool { return skip(c.Request()) }
			}
			mw = append(mw, echov5.MiddlewareWithConfig(cfg))
		}
		h := func(c *echo.Context) error {
			x := &echoCtx{c: c, p: p}
			rt.Handle(x)
			return x.err
		}
		if rt.Handle == nil {
			h = echo.WrapHandler(rt.HTTP)
		}
		e.Add(rt.Method, rt.Path, h, mw...)
	}
	return e
}

// echoCtx is a *echo.Context as the suite's handlers see it.
type echoCtx struct {
	c   *echo.Context
	p   *core.Provider
	err error // of c.String: the handler's result
}

func (x *echoCtx) Grant() (*core.Grant, bool) { return echov5.GrantFrom(x.c) }
func (x *echoCtx) Form(key string) string     { return x.c.FormValue(key) }
func (x *echoCtx) String(status int, body string) {
	x.err = errors.Join(x.err, x.c.String(status, body))
}
func (x *echoCtx) WriteError(err error) { x.p.WriteError(x.c.Response(), err) }
func (x *echoCtx) ConsentRequest() (*core.AuthorizationRequest, error) {
	return echov5.ConsentRequest(x.c, x.p)
}
func (x *echoCtx) Approve(userID string, scopes []string) (*core.Decision, error) {
	return echov5.Approve(x.c, x.p, userID, scopes)
}
func (x *echoCtx) Deny() (*core.Decision, error) { return echov5.Deny(x.c, x.p) }

// mount mounts the flow scenario's routes (see flowtest.Run) on an Echo
// v5, as flowtest.Echo does on v4.
func mount(p *core.Provider) http.Handler {
	e := echo.New()
	echov5.Register(e.Group("/oauth"), p)
	api := e.Group("/api")
	api.GET("/me", func(c *echo.Context) error {
		g, _ := echov5.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", flowtest.Me(g))
	}, echov5.Middleware(p, core.RequireScopes("read")))
	api.POST("/notes", func(c *echo.Context) error {
		g, _ := echov5.GrantFrom(c)
		return c.Blob(http.StatusCreated, "application/json", flowtest.Note(g, c.FormValue("text")))
	}, echov5.Middleware(p, core.RequireScopes("write")))
	api.GET("/ping", func(c *echo.Context) error {
		g, _ := echov5.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", flowtest.Ping(g))
	}, echov5.Middleware(p, core.TwoLegged()))
	return e
}

// returnErrors is the ErrorHandler that hands Middleware's errors to
// Echo's HTTPErrorHandler, wrapped in an *echo.HTTPError.
func returnErrors(c *echo.Context, err error) error {
	e := core.AsError(err)
	return echo.NewHTTPError(e.Status, e.Problem).Wrap(e)
}

// Middleware with each of core's options (TwoLegged, RequireScopes,
// Optional): the grant GrantFrom sees, the error answers.
func TestMiddleware(t *testing.T) { adapter().TestMiddleware(t) }

// MiddlewareWithConfig with an ErrorHandler and a Skipper.
func TestMiddlewareWithConfig(t *testing.T) { adapter().TestMiddlewareWithConfig(t) }

// Middleware's errors are byte for byte core's, whether written directly
// or returned as an *echo.HTTPError and rendered by HTTPErrorHandler.
func TestErrorsAreCores(t *testing.T) {
	t.Run("direct", adapter().TestErrorsAreCores)

	viaHandler := adapter()
	viaHandler.Serve = func(p *core.Provider, routes ...flowtest.Route) http.Handler {
		e := echo.New()
		e.HTTPErrorHandler = echov5.HTTPErrorHandler(p, echo.DefaultHTTPErrorHandler(false))
		return serve(e, p, routes, returnErrors)
	}
	t.Run("HTTPErrorHandler", viaHandler.TestErrorsAreCores)
}

// HTTPErrorHandler renders a *core.Error as core does, hands any other
// error to next, and adds nothing to an answer already committed.
func TestHTTPErrorHandler(t *testing.T) {
	f := flowtest.NewFixture(t)
	forbidden := &core.Error{Status: http.StatusForbidden, Problem: core.ProblemPermissionDenied}
	e := echo.New()
	var seen error
	e.HTTPErrorHandler = echov5.HTTPErrorHandler(f.Provider, func(c *echo.Context, err error) {
		seen = err
		_ = c.String(http.StatusTeapot, "next")
	})
	e.GET("/other", func(*echo.Context) error { return errors.New("boom") })
	e.GET("/core", func(*echo.Context) error { return forbidden })
	e.GET("/wrapped", func(*echo.Context) error { return echo.ErrForbidden.Wrap(forbidden) })
	e.GET("/committed", func(c *echo.Context) error {
		_ = c.String(http.StatusOK, "sent")
		return forbidden
	})
	core403 := flowtest.Record(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		f.Provider.WriteError(w, forbidden)
	}), httptest.NewRequest("GET", "/", nil))
	tests := []struct {
		path   string
		status int
		body   string
		next   string // the error next saw, "" for none
	}{
		{"/other", http.StatusTeapot, "next", "boom"},
		{"/core", http.StatusForbidden, core403.Body.String(), ""},
		{"/wrapped", http.StatusForbidden, core403.Body.String(), ""},
		{"/committed", http.StatusOK, "sent", ""},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			seen = nil
			w := flowtest.Record(e, httptest.NewRequest("GET", tt.path, nil))
			if w.Code != tt.status || w.Body.String() != tt.body {
				t.Errorf("answer %d %q, want %d %q", w.Code, w.Body, tt.status, tt.body)
			}
			if got := errorText(seen); got != tt.next {
				t.Errorf("next saw %q, want %q", got, tt.next)
			}
		})
	}
}

func errorText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The grant reaches GrantFrom and core.FromContext (through echo.WrapHandler).
func TestGrantInContext(t *testing.T) { adapter().TestGrantInContext(t) }

// c.FormValue still reads the form body the middleware verified.
func TestMiddlewareKeepsFormBody(t *testing.T) { adapter().TestMiddlewareKeepsFormBody(t) }

// Register: POST only by default, core.AllowGET, core.Paths, on a group or the Echo.
func TestRegister(t *testing.T) { adapter().TestRegister(t) }

// ConsentRequest, Approve and Deny on a consent page.
func TestConsent(t *testing.T) { adapter().TestConsent(t) }

// A store failure behind Register, Middleware and the consent helpers
// reaches core.Config.OnServerError with the request.
func TestServerErrors(t *testing.T) { adapter().TestServerErrors(t) }

// The whole flow scenario on Echo v5 answers as net/http does.
func TestFlow(t *testing.T) {
	flowtest.Compare(t, flowtest.Run(t, flowtest.NetHTTP), flowtest.Run(t, mount))
}

// The signature covers the scheme core sees (Config.TrustedProxies), not
// Echo's Context.Scheme, which since v5.4 believes X-Forwarded-Proto from
// any private address.
func TestSchemeIsCores(t *testing.T) {
	tests := []struct {
		name    string
		proxies []string
		status  int
	}{
		{"proxy not trusted by core", nil, http.StatusUnauthorized},
		{"proxy trusted by core", []string{"10.0.0.0/8"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := core.New(core.Config{Store: memstore.New(), TrustedProxies: tt.proxies})
			if err != nil {
				t.Fatal(err)
			}
			c, err := p.RegisterConsumer(context.Background(), core.ConsumerRegistration{Name: "Client"})
			if err != nil {
				t.Fatal(err)
			}
			e := echo.New()
			e.GET("/r", func(c *echo.Context) error {
				return c.String(http.StatusOK, "ok")
			}, echov5.Middleware(p, core.TwoLegged()))

			// Signed for https://api.example/r, arriving over plain HTTP
			// from a proxy at a private address.
			r := httptest.NewRequest("GET", "https://api.example/r", nil)
			s := oauthtest.Signer{ConsumerKey: c.Key, ConsumerSecret: c.Secret, Method: core.HMACSHA256}
			if err := s.Sign(r); err != nil {
				t.Fatal(err)
			}
			r.TLS, r.RemoteAddr = nil, "10.1.2.3:4567"
			r.Header.Set("X-Forwarded-Proto", "https")
			if got := e.NewContext(r, httptest.NewRecorder()).Scheme(); got != "https" {
				t.Fatalf("Echo's Scheme is %q, want https: the case would prove nothing", got)
			}

			w := flowtest.Record(e, r)
			if w.Code != tt.status {
				t.Fatalf("status %d, want %d; body %q", w.Code, tt.status, w.Body)
			}
			if w.Code != http.StatusOK && flowtest.Problem(w) != core.ProblemSignatureInvalid {
				t.Errorf("body %q, want signature_invalid", w.Body)
			}
		})
	}
}
