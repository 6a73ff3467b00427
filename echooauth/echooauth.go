package echooauth

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"github.com/go-oauth1/provider/core"
)

// Routes is what Register mounts on: *echo.Echo and *echo.Group both have
// this method.
type Routes interface {
	Add(method, path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) *echo.Route
}

// Register mounts p's temporary credential (POST /request_token) and token
// credential (POST /access_token) endpoints on r, which may be the *echo.Echo
// or any *echo.Group: Register(e.Group("/oauth"), p) serves
// /oauth/request_token and /oauth/access_token. opts are core's, as
// core.Provider.TokenRoutes takes them: core.Paths for other paths,
// core.AllowGET to answer GET too.
func Register(r Routes, p *core.Provider, opts ...core.RouteOption) {
	for _, rt := range p.TokenRoutes(opts...) {
		r.Add(rt.Method, rt.Path, echo.WrapHandler(rt.Handler))
	}
}

// Config configures MiddlewareWithConfig, as echo's KeyAuthConfig does
// middleware.KeyAuthWithConfig.
type Config struct {
	// Provider checks the requests. Required.
	Provider *core.Provider
	// Options say what a request must carry: none for a three-legged
	// request, or core.TwoLegged, core.RequireScopes and core.Optional.
	Options []core.AuthOption
	// Skipper lets the requests for which it returns true through
	// untouched: not checked, no grant. Default: none is skipped.
	Skipper middleware.Skipper
	// ErrorHandler answers a request that failed: err is a *core.Error, or
	// a store failure (see core.AsError). What it returns is the
	// middleware's result, and the next handler is not called. Default:
	// core's answer, written with Provider.WriteError, and nil.
	//
	// To answer through Echo's HTTPErrorHandler instead, return an
	// *echo.HTTPError that wraps the *core.Error, and install
	// HTTPErrorHandler, which renders it as core does (see the example).
	ErrorHandler func(c echo.Context, err error) error
}

// Middleware returns Echo middleware that authenticates each request with
// p.Authenticate and opts: a three-legged request (signed with a consumer
// and an access token) unless opts say otherwise. On success the grant is
// put in the request's context, where GrantFrom and core.FromContext find
// it, and next is called. On failure core's answer is written, byte for
// byte as core.WriteError writes it, and next is not called. It is
// MiddlewareWithConfig(Config{Provider: p, Options: opts}).
func Middleware(p *core.Provider, opts ...core.AuthOption) echo.MiddlewareFunc {
	return MiddlewareWithConfig(Config{Provider: p, Options: opts})
}

// MiddlewareWithConfig returns Middleware configured by cfg: with a
// Skipper, or an ErrorHandler of the application's. It panics when
// cfg.Provider is nil, as echo's own middleware does on a missing
// required setting.
func MiddlewareWithConfig(cfg Config) echo.MiddlewareFunc {
	p := cfg.Provider
	if p == nil {
		panic("echooauth: Config.Provider is required")
	}
	skip, onError := cfg.Skipper, cfg.ErrorHandler
	if skip == nil {
		skip = middleware.DefaultSkipper
	}
	if onError == nil {
		onError = func(c echo.Context, err error) error {
			p.WriteError(c.Response(), err)
			return nil
		}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if skip(c) {
				return next(c)
			}
			r := c.Request()
			g, err := p.Authenticate(r, cfg.Options...)
			if err != nil {
				return onError(c, err)
			}
			if g != nil {
				c.SetRequest(r.WithContext(core.NewContext(r.Context(), g)))
			}
			return next(c)
		}
	}
}

// HTTPErrorHandler returns an Echo error handler that renders errors
// wrapping a *core.Error with p.WriteError, byte for byte as core does, and
// hands every other error to next (e.g. e.DefaultHTTPErrorHandler).
func HTTPErrorHandler(p *core.Provider, next echo.HTTPErrorHandler) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		var e *core.Error
		if !errors.As(err, &e) {
			next(err, c)
			return
		}
		if !c.Response().Committed {
			p.WriteError(c.Response(), e)
		}
	}
}

// GrantFrom returns the grant Middleware verified for this request: the
// consumer, and for three-legged requests the access token and user. It is
// false when there is none (an Optional anonymous request, a skipped one, or
// a route without Middleware).
func GrantFrom(c echo.Context) (*core.Grant, bool) {
	return core.FromContext(c.Request().Context())
}

// ConsentRequest returns the pending authorization named by the request's
// oauth_token (query or form), for the application's consent page to show
// the consumer and the requested scopes. See core.Provider.ConsentRequest.
//
// The page's form, which leads to Approve or Deny, must carry the
// application's CSRF protection, and the page must not be framed
// (X-Frame-Options: DENY): see Approve.
func ConsentRequest(c echo.Context, p *core.Provider) (*core.AuthorizationRequest, error) {
	return p.ConsentRequest(c.Request())
}

// Approve records userID's consent to the request token named by the
// request's oauth_token (query or form); scopes narrows the requested
// scopes (nil grants all of them). When the consumer gave a callback it
// answers 302 to the decision's RedirectURL, which carries oauth_token and
// oauth_verifier; for oob it writes nothing and the application shows the
// decision's Verifier. On error nothing is written: render it with
// p.WriteError or a page of your own (a 5xx has been reported to
// core.Config.OnServerError with the request).
//
// Approve does not know where the request came from: check first that the
// application's own consent page sent it, for the logged-in user, with
// Echo's middleware.CSRF, or a CSRF token bound to the user's session (as
// example-echo does). A forged approval, posted from another site through
// the user's browser, would give its author an access token on the user's
// account (see core.Provider.Approve).
func Approve(c echo.Context, p *core.Provider, userID string, scopes []string) (*core.Decision, error) {
	token, err := p.ConsentToken(c.Request())
	if err != nil {
		return nil, err
	}
	d, err := p.Approve(core.RequestContext(c.Request()), token, userID, scopes)
	if err != nil {
		return nil, err
	}
	if d.RedirectURL != "" {
		return d, c.Redirect(http.StatusFound, d.RedirectURL)
	}
	return d, nil
}

// Deny records the user's refusal of the request token named by the
// request's oauth_token. When the consumer gave a callback it answers 302 to
// the decision's RedirectURL, which carries denied=TOKEN; for oob it writes
// nothing (the RedirectURL is empty) and the application says that access
// was denied. On error nothing is written (a 5xx has been reported to
// core.Config.OnServerError with the request).
//
// Check the request as for Approve (CSRF): a forged denial spoils the user's
// pending authorization.
func Deny(c echo.Context, p *core.Provider) (*core.Decision, error) {
	token, err := p.ConsentToken(c.Request())
	if err != nil {
		return nil, err
	}
	d, err := p.Deny(core.RequestContext(c.Request()), token)
	if err != nil {
		return nil, err
	}
	if d.RedirectURL != "" {
		return d, c.Redirect(http.StatusFound, d.RedirectURL)
	}
	return d, nil
}
