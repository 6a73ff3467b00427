package echov5_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/echooauth/echov5"
)

// currentUser stands in for the application's login session.
func currentUser(c *echo.Context) string { return "alice" }

// An Echo v5 service with the token endpoints, a consent page, a protected
// three-legged route and a two-legged one. The end of the example signs
// one request, as a client would.
func Example() {
	p, err := core.New(core.Config{
		Store: memstore.New(),
		Scopes: []core.Scope{
			{Name: "read", Description: "Read your profile"},
			{Name: "write", Description: "Post notes as you"},
		},
	})
	if err != nil {
		panic(err)
	}

	e := echo.New()
	// POST /oauth/request_token and POST /oauth/access_token (core.Paths
	// and core.AllowGET would change them).
	echov5.Register(e.Group("/oauth"), p)

	// The consent page is the application's, behind Echo's CSRF
	// middleware, which refuses a form that another site posts through
	// the user's browser (Approve cannot tell one: see echov5.Approve).
	// Show who asks for what, in a form that carries oauth_token and
	// c.Get("csrf") as csrf_token, on a page that is never framed...
	csrf := middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:csrf_token",
		CookieHTTPOnly: true,
		CookieSameSite: http.SameSiteStrictMode,
	})
	e.GET("/oauth/authorize", func(c *echo.Context) error {
		ar, err := echov5.ConsentRequest(c, p)
		if err != nil {
			p.WriteError(c.Response(), err)
			return nil
		}
		c.Response().Header().Set(echo.HeaderXFrameOptions, "DENY")
		return c.String(http.StatusOK, fmt.Sprintf("%s asks for %v", ar.Consumer.Name, ar.Scopes))
	}, csrf)
	// ...and finish with the user's answer, once the middleware has
	// checked the form's csrf_token: a redirect to the consumer's
	// callback, or the verifier to copy for oob clients.
	e.POST("/oauth/authorize", func(c *echo.Context) error {
		var d *core.Decision
		var err error
		if c.FormValue("action") == "deny" {
			d, err = echov5.Deny(c, p)
		} else {
			d, err = echov5.Approve(c, p, currentUser(c), nil)
		}
		switch {
		case err != nil:
			p.WriteError(c.Response(), err)
			return nil
		case d.RedirectURL != "":
			return nil // answered: 302 to the consumer's callback
		case d.Denied:
			return c.String(http.StatusOK, "Access denied.")
		}
		return c.String(http.StatusOK, "Your verifier: "+d.Verifier)
	}, csrf)

	// Protected routes: three-legged with scope read, and two-legged.
	e.GET("/api/me", func(c *echo.Context) error {
		g, _ := echov5.GrantFrom(c)
		return c.JSON(http.StatusOK, map[string]any{"user": g.UserID, "scopes": g.Scopes})
	}, echov5.Middleware(p, core.RequireScopes("read")))
	e.GET("/api/ping", func(c *echo.Context) error {
		g, _ := echov5.GrantFrom(c)
		return c.String(http.StatusOK, "pong, "+g.Consumer.Name)
	}, echov5.Middleware(p, core.TwoLegged()))

	// A client registers, then signs a two-legged request.
	client, err := p.RegisterConsumer(context.Background(), core.ConsumerRegistration{Name: "Printer"})
	if err != nil {
		panic(err)
	}
	req := httptest.NewRequest("GET", "/api/ping", nil)
	signer := oauthtest.Signer{ConsumerKey: client.Key, ConsumerSecret: client.Secret, Method: core.HMACSHA256}
	if err := signer.Sign(req); err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	e.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body)

	// An unsigned request to a protected route.
	w = httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/api/me", nil))
	fmt.Println(w.Code, w.Body)

	// An approval that another site's page posts through the user's
	// browser, which says so (Sec-Fetch-Site) and sends no CSRF token.
	req = httptest.NewRequest("POST", "/oauth/authorize", strings.NewReader("oauth_token=stolen&action=approve"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	w = httptest.NewRecorder()
	e.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body)
	// Output:
	// 200 pong, Printer
	// 400 oauth_parameters_absent=oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_nonce%26oauth_token&oauth_problem=parameter_absent&oauth_problem_advice=required+OAuth+parameters+are+missing
	// 403 {"message":"cross-site request blocked by CSRF"}
}
