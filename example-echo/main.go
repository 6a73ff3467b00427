package main

import (
	"errors"
	"net/http"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/echooauth"
	"github.com/go-oauth1/provider/internal/demo"
)

func main() {
	os.Exit(demo.Main(NewRouter))
}

// NewRouter returns the demo service on an Echo instance.
func NewRouter(app *demo.App) http.Handler {
	p := app.Provider
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(app)
	e.Renderer = &echo.TemplateRenderer{Template: app.Templates()} // c.Render(status, "consent.html", page)
	// c.RealIP() answers what the demo uses (demo.App.ClientAddr): the
	// peer, or from TRUSTED_PROXIES the header FORWARDED_HEADER names
	// (X-Forwarded-For by default, or Forwarded).
	e.IPExtractor = func(r *http.Request) string {
		if addr := app.ClientAddr(r); addr.IsValid() {
			return addr.String()
		}
		return ""
	}
	e.Use(logRequests(app), recoverPanics(app))

	e.GET("/", wrap(app.Index))
	e.GET("/healthz", wrap(app.Healthz))
	e.GET("/readyz", wrap(app.Readyz))
	e.POST("/consumers", wrap(app.RegisterConsumer))
	e.GET("/consumers", wrap(app.ListConsumers))
	e.GET("/consumers/:key", withKey(app.GetConsumer))
	e.DELETE("/consumers/:key", withKey(app.DeleteConsumer))
	e.POST("/consumers/:key/rotate", withKey(app.RotateConsumerSecret))
	e.GET("/login", wrap(app.LoginPage))
	e.POST("/login", wrap(app.Login))
	e.POST("/logout", wrap(app.Logout))
	e.GET("/account/apps", wrap(app.Apps))
	e.POST("/account/apps/revoke", wrap(app.RevokeApp))
	e.GET("/account/consumers", wrap(app.ConsumersPage))
	e.POST("/account/consumers/delete", wrap(app.DeleteConsumerForm))
	e.POST("/account/consumers/rotate", wrap(app.RotateConsumerForm))

	oauth := e.Group("/oauth")
	echooauth.Register(oauth, p) // POST /oauth/request_token and /oauth/access_token
	h := consent{app: app, p: p}
	oauth.GET("/authorize", h.show, pageHeaders)
	oauth.POST("/authorize", h.decide, pageHeaders)

	api := e.Group("/api")
	api.GET("/me", me, apiHeaders, echooauth.Middleware(p, core.RequireScopes("read")))
	api.POST("/notes", notes, apiHeaders, echooauth.Middleware(p, core.RequireScopes("write")))
	api.GET("/ping", ping, apiHeaders, echooauth.Middleware(p, core.TwoLegged()))
	return e
}

// wrap adapts a page or endpoint of the demo to Echo.
func wrap(h http.HandlerFunc) echo.HandlerFunc {
	return echo.WrapHandler(h)
}

// withKey adapts a consumer handler of the demo to Echo, handing it the
// :key of the path.
func withKey(h func(http.ResponseWriter, *http.Request, string)) echo.HandlerFunc {
	return func(c echo.Context) error {
		h(c.Response(), c.Request(), c.Param("key"))
		return nil
	}
}

// errorHandler answers the errors that handlers and middleware return: a
// *demo.PageError with its page (the consent page's), a *demo.APIError
// with its JSON (the API's), and the others as example-gin does: the
// demo's JSON 404 and 405 (Allow without the OPTIONS Echo adds, which Gin
// does not list), and JSON errors otherwise. echooauth.Middleware answers
// its own errors, with core's bytes.
func errorHandler(app *demo.App) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		w, r := c.Response(), c.Request()
		var page *demo.PageError
		if errors.As(err, &page) {
			if err := c.Render(page.Status, page.Template, page.Page); err != nil {
				app.Log.ErrorContext(r.Context(), "render page", "method", r.Method, "path", r.URL.Path, "err", err)
				app.InternalError(w, r)
			}
			return
		}
		var refused *demo.APIError
		if errors.As(err, &refused) {
			_ = c.JSON(refused.Status, refused)
			return
		}
		code := http.StatusInternalServerError
		var he *echo.HTTPError
		if errors.As(err, &he) {
			code = he.Code
		}
		switch {
		case code == http.StatusNotFound:
			app.NotFound(w, r)
		case code == http.StatusMethodNotAllowed:
			w.Header().Set("Allow", strings.TrimPrefix(w.Header().Get("Allow"), "OPTIONS, "))
			app.MethodNotAllowed(w, r)
		case code >= 400 && code < 500:
			demo.WriteJSONError(w, code, strings.ToLower(http.StatusText(code)))
		default:
			app.Log.ErrorContext(r.Context(), "handler error", "path", r.URL.Path, "err", err)
			app.InternalError(w, r)
		}
	}
}

// logRequests logs each request once it is answered (see demo.App.LogRequest).
func logRequests(app *demo.App) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			done := app.LogRequest(c.Request())
			err := next(c)
			if err != nil {
				c.Error(err)
			}
			done(c.Response().Status)
			return nil
		}
	}
}

// recoverPanics turns a handler's panic into a logged 500.
func recoverPanics(app *demo.App) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if v := recover(); v != nil {
					app.Recovered(c.Request(), v)
					err = echo.ErrInternalServerError
				}
			}()
			return next(c)
		}
	}
}
