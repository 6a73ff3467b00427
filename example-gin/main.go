package main

import (
	"io"
	"net/http"
	"os"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/ginoauth"
	"github.com/go-oauth1/provider/internal/demo"
)

func main() {
	gin.SetMode(gin.ReleaseMode)
	os.Exit(demo.Main(NewRouter))
}

// NewRouter returns the demo service on a Gin engine.
func NewRouter(app *demo.App) http.Handler {
	p := app.Provider
	r := gin.New()
	r.RedirectTrailingSlash = false
	r.HandleMethodNotAllowed = true
	r.SetHTMLTemplate(app.Templates()) // c.HTML(status, "consent.html", page)
	trustProxies(r, app)
	r.Use(logRequests(app), gin.CustomRecoveryWithWriter(io.Discard, func(c *gin.Context, v any) {
		app.Recovered(c.Request, v)
		app.InternalError(c.Writer, c.Request)
		c.Abort()
	}))
	r.NoRoute(gin.WrapF(app.NotFound))
	r.NoMethod(gin.WrapF(app.MethodNotAllowed))

	r.GET("/", gin.WrapF(app.Index))
	r.GET("/healthz", gin.WrapF(app.Healthz))
	r.GET("/readyz", gin.WrapF(app.Readyz))
	r.POST("/consumers", gin.WrapF(app.RegisterConsumer))
	r.GET("/consumers", gin.WrapF(app.ListConsumers))
	r.GET("/consumers/:key", withKey(app.GetConsumer))
	r.DELETE("/consumers/:key", withKey(app.DeleteConsumer))
	r.POST("/consumers/:key/rotate", withKey(app.RotateConsumerSecret))
	r.GET("/login", gin.WrapF(app.LoginPage))
	r.POST("/login", gin.WrapF(app.Login))
	r.POST("/logout", gin.WrapF(app.Logout))
	r.GET("/account/apps", gin.WrapF(app.Apps))
	r.POST("/account/apps/revoke", gin.WrapF(app.RevokeApp))
	r.GET("/account/consumers", gin.WrapF(app.ConsumersPage))
	r.POST("/account/consumers/delete", gin.WrapF(app.DeleteConsumerForm))
	r.POST("/account/consumers/rotate", gin.WrapF(app.RotateConsumerForm))

	oauth := r.Group("/oauth")
	ginoauth.Register(oauth, p) // POST /oauth/request_token and /oauth/access_token
	h := consent{app: app, p: p}
	oauth.GET("/authorize", pageHeaders, h.show)
	oauth.POST("/authorize", pageHeaders, h.decide)

	api := r.Group("/api", apiHeaders)
	api.GET("/me", ginoauth.Middleware(p, core.RequireScopes("read")), me)
	api.POST("/notes", ginoauth.Middleware(p, core.RequireScopes("write")), notes)
	api.GET("/ping", ginoauth.Middleware(p, core.TwoLegged()), ping)
	return r
}

// trustProxies makes c.ClientIP() answer what the demo uses
// (demo.App.ClientAddr). Gin trusts every proxy unless told otherwise, so
// it gets TRUSTED_PROXIES (none: nil) and, by default, reads
// X-Forwarded-For only, not X-Real-IP. Gin cannot read RFC 7239's
// Forwarded header (FORWARDED_HEADER=forwarded): then it trusts no proxy
// and takes the demo's answer from demo.ClientAddrHeader, which a
// middleware sets on every request, replacing whatever a client sent.
func trustProxies(r *gin.Engine, app *demo.App) {
	if app.Config.ProxyHeaders == core.ForwardedHeader {
		r.RemoteIPHeaders = nil
		_ = r.SetTrustedProxies(nil) // nil never fails
		r.TrustedPlatform = demo.ClientAddrHeader
		r.Use(func(c *gin.Context) { app.SetClientAddrHeader(c.Request) })
		return
	}
	r.RemoteIPHeaders = []string{"X-Forwarded-For"}
	if err := r.SetTrustedProxies(app.Config.TrustedProxies); err != nil {
		// demo.Open accepted these CIDRs already; should Gin not, trust none.
		app.Log.Error("gin: trusted proxies", "err", err)
		_ = r.SetTrustedProxies(nil)
	}
}

// withKey adapts a consumer handler of the demo to Gin, handing it the
// :key of the path.
func withKey(h func(http.ResponseWriter, *http.Request, string)) gin.HandlerFunc {
	return func(c *gin.Context) { h(c.Writer, c.Request, c.Param("key")) }
}

// logRequests logs each request once it is answered (see demo.App.LogRequest).
func logRequests(app *demo.App) gin.HandlerFunc {
	return func(c *gin.Context) {
		done := app.LogRequest(c.Request)
		c.Next()
		done(c.Writer.Status())
	}
}
