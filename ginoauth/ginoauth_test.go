package ginoauth_test

import (
	"net/http"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/ginoauth"
	"github.com/go-oauth1/provider/internal/flowtest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// adapter is ginoauth as the adapter suite (internal/flowtest, suite.go)
// drives it: the cases are written there once, for Gin and Echo.
func adapter() flowtest.Adapter[ginoauth.Option, ginoauth.RouteOption] {
	return flowtest.Adapter[ginoauth.Option, ginoauth.RouteOption]{
		TwoLegged:     ginoauth.TwoLegged,
		RequireScopes: ginoauth.RequireScopes,
		Optional:      ginoauth.Optional,
		ErrorHandler: func(h func(error) (int, string)) ginoauth.Option {
			return ginoauth.ErrorHandler(func(c *gin.Context, err error) {
				status, body := h(err)
				c.String(status, body)
			})
		},
		Skipper: func(skip func(*http.Request) bool) ginoauth.Option {
			return ginoauth.Skipper(func(c *gin.Context) bool { return skip(c.Request) })
		},
		AllowGET: ginoauth.AllowGET,
		Paths:    ginoauth.Paths,
		Serve:    serve,
		Register: func(p *core.Provider, prefix string, opts ...ginoauth.RouteOption) http.Handler {
			r := gin.New()
			if prefix == "" {
				ginoauth.Register(r, p, opts...)
			} else {
				ginoauth.Register(r.Group(prefix), p, opts...)
			}
			return r
		},
		NotRouted: http.StatusNotFound, // gin.Engine.HandleMethodNotAllowed is off by default
	}
}

// serve routes each route on a new engine, behind ginoauth.Middleware
// unless it is public.
func serve(p *core.Provider, routes ...flowtest.Route[ginoauth.Option]) http.Handler {
	r := gin.New()
	for _, rt := range routes {
		var chain []gin.HandlerFunc
		if !rt.Public {
			chain = append(chain, ginoauth.Middleware(p, rt.Options...))
		}
		if rt.Handle != nil {
			chain = append(chain, func(c *gin.Context) { rt.Handle(ginCtx{c, p}) })
		} else {
			chain = append(chain, gin.WrapH(rt.HTTP))
		}
		r.Handle(rt.Method, rt.Path, chain...)
	}
	return r
}

// ginCtx is a *gin.Context as the suite's handlers see it.
type ginCtx struct {
	c *gin.Context
	p *core.Provider
}

func (x ginCtx) Grant() (*core.Grant, bool)     { return ginoauth.GrantFrom(x.c) }
func (x ginCtx) Form(key string) string         { return x.c.PostForm(key) }
func (x ginCtx) String(status int, body string) { x.c.String(status, body) }
func (x ginCtx) WriteError(err error)           { x.p.WriteError(x.c.Writer, err) }
func (x ginCtx) Authorization() (*core.AuthorizationRequest, error) {
	return ginoauth.Authorization(x.c, x.p)
}
func (x ginCtx) Approve(userID string, scopes []string) (*core.Approval, error) {
	return ginoauth.Approve(x.c, x.p, userID, scopes)
}
func (x ginCtx) Deny() (string, error) { return ginoauth.Deny(x.c, x.p) }

// Middleware with each option (TwoLegged, RequireScopes, Optional,
// ErrorHandler, Skipper): the grant GrantFrom sees, the error answers.
func TestMiddleware(t *testing.T) { adapter().TestMiddleware(t) }

// Middleware's errors are byte for byte core's.
func TestErrorsAreCores(t *testing.T) { adapter().TestErrorsAreCores(t) }

// The grant reaches GrantFrom and core.FromContext (through gin.WrapH).
func TestGrantInContext(t *testing.T) { adapter().TestGrantInContext(t) }

// c.PostForm still reads the form body the middleware verified.
func TestMiddlewareKeepsFormBody(t *testing.T) { adapter().TestMiddlewareKeepsFormBody(t) }

// Register: POST only by default, AllowGET, Paths, on a group or the engine.
func TestRegister(t *testing.T) { adapter().TestRegister(t) }

// Authorization, Approve and Deny on a consent page.
func TestConsent(t *testing.T) { adapter().TestConsent(t) }

// A store failure behind Register, Middleware and the consent helpers
// reaches core.Config.OnServerError with the request.
func TestServerErrors(t *testing.T) { adapter().TestServerErrors(t) }

// The whole flow scenario on Gin (flowtest.Gin) answers as net/http does.
func TestFlow(t *testing.T) {
	flowtest.Compare(t, flowtest.Run(t, flowtest.NetHTTP), flowtest.Run(t, flowtest.Gin))
}
