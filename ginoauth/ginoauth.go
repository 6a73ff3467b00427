package ginoauth

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/core"
)

// Register mounts p's temporary credential (POST /request_token) and token
// credential (POST /access_token) endpoints on r, which may be the engine
// or any group: Register(router.Group("/oauth"), p) serves
// /oauth/request_token and /oauth/access_token. opts are core's, as
// core.Provider.TokenRoutes takes them: core.Paths for other paths,
// core.AllowGET to answer GET too.
func Register(r gin.IRoutes, p *core.Provider, opts ...core.RouteOption) {
	for _, rt := range p.TokenRoutes(opts...) {
		r.Handle(rt.Method, rt.Path, gin.WrapH(rt.Handler))
	}
}

// Middleware returns Gin middleware that authenticates each request with
// p.Authenticate and opts: a three-legged request (signed with a consumer
// and an access token) unless opts say otherwise (core.TwoLegged,
// core.RequireScopes, core.Optional). On success the grant is put in the
// request's context, where GrantFrom and core.FromContext find it, and the
// chain goes on. On failure core's answer is written, byte for byte as
// core.WriteError writes it, the error is recorded with c.Error (so that
// an error middleware of the application's sees it in c.Errors) and the
// chain is aborted. To leave routes unchecked, mount them outside the
// group that uses Middleware.
func Middleware(p *core.Provider, opts ...core.AuthOption) gin.HandlerFunc {
	return func(c *gin.Context) {
		g, err := p.Authenticate(c.Request, opts...)
		if err != nil {
			p.WriteError(c.Writer, err)
			_ = c.Error(err) // returns err, wrapped for c.Errors
			c.Abort()
			return
		}
		if g != nil {
			c.Request = c.Request.WithContext(core.NewContext(c.Request.Context(), g))
		}
		c.Next()
	}
}

// GrantFrom returns the grant Middleware verified for this request: the
// consumer, and for three-legged requests the access token and user. It is
// false when there is none (an anonymous request let through by
// core.Optional, or a route without Middleware).
func GrantFrom(c *gin.Context) (*core.Grant, bool) {
	return core.FromContext(c.Request.Context())
}

// ConsentRequest returns the pending authorization named by the request's
// oauth_token (query or form), for the application's consent page to show
// the consumer and the requested scopes. See core.Provider.ConsentRequest.
//
// The page's form, which leads to Approve or Deny, must carry the
// application's CSRF protection, and the page must not be framed
// (X-Frame-Options: DENY): see Approve.
func ConsentRequest(c *gin.Context, p *core.Provider) (*core.AuthorizationRequest, error) {
	return p.ConsentRequest(c.Request)
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
// application's own consent page sent it, for the logged-in user, with a
// CSRF token bound to the user's session (as example-gin does), or
// net/http's CrossOriginProtection as Gin middleware. A forged approval,
// posted from another site through the user's browser, would give its author
// an access token on the user's account (see core.Provider.Approve).
func Approve(c *gin.Context, p *core.Provider, userID string, scopes []string) (*core.Decision, error) {
	token, err := p.ConsentToken(c.Request)
	if err != nil {
		return nil, err
	}
	d, err := p.Approve(core.RequestContext(c.Request), token, userID, scopes)
	if err != nil {
		return nil, err
	}
	if d.RedirectURL != "" {
		c.Redirect(http.StatusFound, d.RedirectURL)
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
func Deny(c *gin.Context, p *core.Provider) (*core.Decision, error) {
	token, err := p.ConsentToken(c.Request)
	if err != nil {
		return nil, err
	}
	d, err := p.Deny(core.RequestContext(c.Request), token)
	if err != nil {
		return nil, err
	}
	if d.RedirectURL != "" {
		c.Redirect(http.StatusFound, d.RedirectURL)
	}
	return d, nil
}
