package echooauth_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/echooauth"
	"github.com/go-oauth1/provider/internal/flowtest"
)

// adapter is echooauth as the adapter suite (internal/flowtest, suite.go)
// drives it: the cases are written there once, for Gin and Echo.
func adapter() flowtest.Adapter {
	return flowtest.Adapter{
		Serve: func(p *core.Provider, routes ...flowtest.Route) http.Handler {
			return serve(echo.New(), p, routes, nil)
		},
		Register: func(p *core.Provider, prefix string, opts ...core.RouteOption) http.Handler {
			e := echo.New()
			if prefix == "" {
				echooauth.Register(e, p, opts...)
			} else {
				echooauth.Register(e.Group(prefix), p, opts...)
			}
			return e
		},
		NotRouted: http.StatusMethodNotAllowed,
	}
}

// serve adds routes to e, unless a route is public behind
// echooauth.Middleware(p, its options), or MiddlewareWithConfig when it has
// an ErrorHandler or a Skipper, or when onError is set (which answers
// unless the route has an ErrorHandler of its own).
func serve(e *echo.Echo, p *core.Provider, routes []flowtest.Route, onError func(c echo.Context, err error) error) *echo.Echo {
	for _, rt := range routes {
		var mw []echo.MiddlewareFunc
		switch {
		case rt.Public:
		case rt.ErrorHandler == nil && rt.Skipper == nil && onError == nil:
			mw = append(mw, echooauth.Middleware(p, rt.Options...))
		default:
			cfg := echooauth.Config{Provider: p, Options: rt.Options, ErrorHandler: onError}
			if h := rt.ErrorHandler; h != nil {
				cfg.ErrorHandler = func(c echo.Context, err error) error {
					status, body := h(err)
					return c.String(status, body)
				}
			}
			if skip := rt.Skipper; skip != nil {
				cfg.Skipper = func(c echo.Context) bool { return skip(c.Request()) }
			}
			mw = append(mw, echooauth.MiddlewareWithConfig(cfg))
		}
		h := func(c echo.Context) error {
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

// echoCtx is an echo.Context as the suite's handlers see it.
type echoCtx struct {
	c   echo.Context
	p   *core.Provider
	err error // of c.String: the handler's result
}

func (x *echoCtx) Grant() (*core.Grant, bool) { return echooauth.GrantFrom(x.c) }
func (x *echoCtx) Form(key string) string     { return x.c.FormValue(key) }
func (x *echoCtx) String(status int, body string) {
	x.err = errors.Join(x.err, x.c.String(status, body))
}
func (x *echoCtx) WriteError(err error) { x.p.WriteError(x.c.Response(), err) }
func (x *echoCtx) ConsentRequest() (*core.AuthorizationRequest, error) {
	return echooauth.ConsentRequest(x.c, x.p)
}
func (x *echoCtx) Approve(userID string, scopes []string) (*core.Decision, error) {
	return echooauth.Approve(x.c, x.p, userID, scopes)
}
func (x *echoCtx) Deny() (*core.Decision, error) { return echooauth.Deny(x.c, x.p) }

// Middleware with each of core's options (TwoLegged, RequireScopes,
// Optional): the grant GrantFrom sees, the error answers.
func TestMiddleware(t *testing.T) { adapter().TestMiddleware(t) }

// MiddlewareWithConfig with an ErrorHandler and a Skipper.
func TestMiddlewareWithConfig(t *testing.T) { adapter().TestMiddlewareWithConfig(t) }

// Middleware's errors are byte for byte core's, whether written directly
// or returned as an *echo.HTTPError and rendered by HTTPErrorHandler.
func TestErrorsAreCores(t *testing.T) {
	t.Run("direct", adapter().TestErrorsAreCores)

	returned := func(c echo.Context, err error) error {
		e := core.AsError(err)
		return echo.NewHTTPError(e.Status, e.Problem).WithInternal(e)
	}
	viaHandler := adapter()
	viaHandler.Serve = func(p *core.Provider, routes ...flowtest.Route) http.Handler {
		e := echo.New()
		e.HTTPErrorHandler = echooauth.HTTPErrorHandler(p, e.DefaultHTTPErrorHandler)
		return serve(e, p, routes, returned)
	}
	t.Run("HTTPErrorHandler", viaHandler.TestErrorsAreCores)
}

// HTTPErrorHandler renders a *core.Error as core does and hands any other
// error to next.
func TestHTTPErrorHandlerDelegates(t *testing.T) {
	f := flowtest.NewFixture(t)
	e := echo.New()
	var seen error
	e.HTTPErrorHandler = echooauth.HTTPErrorHandler(f.Provider, func(err error, c echo.Context) {
		seen = err
		_ = c.String(http.StatusTeapot, "next")
	})
	e.GET("/other", func(echo.Context) error { return errors.New("boom") })
	e.GET("/core", func(echo.Context) error {
		return &core.Error{Status: http.StatusForbidden, Problem: core.ProblemPermissionDenied}
	})
	if w := flowtest.Record(e, httptest.NewRequest("GET", "/other", nil)); w.Code != http.StatusTeapot || seen == nil || seen.Error() != "boom" {
		t.Errorf("other error: %d %q, next saw %v", w.Code, w.Body, seen)
	}
	seen = nil
	w := flowtest.Record(e, httptest.NewRequest("GET", "/core", nil))
	if w.Code != http.StatusForbidden || flowtest.Problem(w) != core.ProblemPermissionDenied || seen != nil {
		t.Errorf("core error: %d %q, next saw %v", w.Code, w.Body, seen)
	}
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

// The whole flow scenario on Echo (flowtest.Echo) answers as net/http does.
func TestFlow(t *testing.T) {
	flowtest.Compare(t, flowtest.Run(t, flowtest.NetHTTP), flowtest.Run(t, flowtest.Echo))
}
