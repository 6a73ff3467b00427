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
func adapter() flowtest.Adapter {
	return flowtest.Adapter{
		Serve: serve,
		Register: func(p *core.Provider, prefix string, opts ...core.RouteOption) http.Handler {
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
// unless it is public. ginoauth has no ErrorHandler or Skipper.
func serve(p *core.Provider, routes ...flowtest.Route) http.Handler {
	r := gin.New()
	for _, rt := range routes {
		if rt.ErrorHandler != nil || rt.Skipper != nil {
			panic("ginoauth has no ErrorHandler or Skipper")
		}
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
func (x ginCtx) ConsentRequest() (*core.AuthorizationRequest, error) {
	return ginoauth.ConsentRequest(x.c, x.p)
}
func (x ginCtx) Approve(userID string, scopes []string) (*core.Decision, error) {
	return ginoauth.Approve(x.c, x.p, userID, scopes)
}
func (x ginCtx) Deny() (*core.Decision, error) { return ginoauth.Deny(x.c, x.p) }

// Middleware with each of core's options (TwoLegged, RequireScopes,
// Optional): the grant GrantFrom sees, the error answers.
func TestMiddleware(t *testing.T) { adapter().TestMiddleware(t) }

// Middleware records the error it answers with c.Error, for an error
// middleware of the application's, and aborts the chain.
func TestMiddlewareRecordsError(t *testing.T) {
	f := flowtest.NewFixture(t)
	var recorded []error
	reached := false
	r := gin.New()
	r.Use(func(c *gin.Context) {
		c.Next()
		for _, e := range c.Errors {
			recorded = append(recorded, e.Err)
		}
	})
	r.GET("/r", ginoauth.Middleware(f.Provider, core.RequireScopes("write")), func(c *gin.Context) { reached = true })

	w := flowtest.Record(r, f.Request(t, "GET", "/r", "bob-token"))
	if w.Code != http.StatusForbidden || flowtest.Problem(w) != core.ProblemPermissionDenied || reached {
		t.Fatalf("answer %d %q, handler reached %v; want 403 permission_denied, not reached", w.Code, w.Body, reached)
	}
	if len(recorded) != 1 || core.AsError(recorded[0]).Problem != core.ProblemPermissionDenied {
		t.Errorf("c.Errors = %v, want the permission_denied error", recorded)
	}

	recorded = nil
	if w := flowtest.Record(r, f.Request(t, "GET", "/r", "alice-token")); w.Code != http.StatusOK || len(recorded) != 0 || !reached {
		t.Errorf("success: %d, c.Errors %v, handler reached %v", w.Code, recorded, reached)
	}
}

// Middleware's errors are byte for byte core's.
func TestErrorsAreCores(t *testing.T) { adapter().TestErrorsAreCores(t) }

// The grant reaches GrantFrom and core.FromContext (through gin.WrapH).
func TestGrantInContext(t *testing.T) { adapter().TestGrantInContext(t) }

// c.PostForm still reads the form body the middleware verified.
func TestMiddlewareKeepsFormBody(t *testing.T) { adapter().TestMiddlewareKeepsFormBody(t) }

// Register: POST only by default, core.AllowGET, core.Paths, on a group or the engine.
func TestRegister(t *testing.T) { adapter().TestRegister(t) }

// ConsentRequest, Approve and Deny on a consent page.
func TestConsent(t *testing.T) { adapter().TestConsent(t) }

// A store failure behind Register, Middleware and the consent helpers
// reaches core.Config.OnServerError with the request.
func TestServerErrors(t *testing.T) { adapter().TestServerErrors(t) }

// The whole flow scenario on Gin (flowtest.Gin) answers as net/http does.
func TestFlow(t *testing.T) {
	flowtest.Compare(t, flowtest.Run(t, flowtest.NetHTTP), flowtest.Run(t, flowtest.Gin))
}
