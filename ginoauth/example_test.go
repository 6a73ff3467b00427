package ginoauth_test

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/ginoauth"
)

// currentUser stands in for the application's login session.
func currentUser(c *gin.Context) string { return "alice" }

// sessionCSRFToken stands in for the CSRF token kept in the user's login
// session: random, made at login, and put by the consent page in its form
// as the hidden field csrf_token.
func sessionCSRFToken(c *gin.Context) string { return "token-of-alice's-session" }

// checkCSRF reports whether a consent form carries the CSRF token of the
// user's session, compared in constant time. A form that another site
// posts through the user's browser comes with the user's cookies, but
// without the token.
func checkCSRF(c *gin.Context) bool {
	want := sessionCSRFToken(c)
	return want != "" && subtle.ConstantTimeCompare([]byte(c.PostForm("csrf_token")), []byte(want)) == 1
}

// A Gin service with the token endpoints, a consent page, a protected
// three-legged route and a two-legged one. The end of the example signs
// one request, as a client would.
func Example() {
	gin.SetMode(gin.ReleaseMode)
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

	r := gin.New()
	// POST /oauth/request_token and POST /oauth/access_token (core.Paths
	// and core.AllowGET would change them).
	ginoauth.Register(r.Group("/oauth"), p)

	// The consent page is the application's: show who asks for what, in
	// a form that carries oauth_token and the session's CSRF token, on a
	// page that is never framed...
	r.GET("/oauth/authorize", func(c *gin.Context) {
		ar, err := ginoauth.ConsentRequest(c, p)
		if err != nil {
			p.WriteError(c.Writer, err)
			return
		}
		c.Header("X-Frame-Options", "DENY")
		c.String(http.StatusOK, "%s asks for %v", ar.Consumer.Name, ar.Scopes)
	})
	// ...and finish with the user's answer: a redirect to the consumer's
	// callback, or the verifier to copy for oob clients. Only for a form
	// that the consent page gave this user: Approve cannot tell a forged
	// one (see ginoauth.Approve).
	r.POST("/oauth/authorize", func(c *gin.Context) {
		if !checkCSRF(c) {
			c.String(http.StatusForbidden, "Invalid CSRF token.")
			return
		}
		var d *core.Decision
		var err error
		if c.PostForm("action") == "deny" {
			d, err = ginoauth.Deny(c, p)
		} else {
			d, err = ginoauth.Approve(c, p, currentUser(c), nil)
		}
		switch {
		case err != nil:
			p.WriteError(c.Writer, err)
		case d.RedirectURL != "": // answered: 302 to the consumer's callback
		case d.Denied:
			c.String(http.StatusOK, "Access denied.")
		default:
			c.String(http.StatusOK, "Your verifier: %s", d.Verifier)
		}
	})

	// Protected routes: three-legged with scope read, and two-legged.
	r.GET("/api/me", ginoauth.Middleware(p, core.RequireScopes("read")), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.JSON(http.StatusOK, gin.H{"user": g.UserID, "scopes": g.Scopes})
	})
	r.GET("/api/ping", ginoauth.Middleware(p, core.TwoLegged()), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.String(http.StatusOK, "pong, %s", g.Consumer.Name)
	})

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
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body)

	// An unsigned request to a protected route.
	w = httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", "/api/me", nil))
	fmt.Println(w.Code, w.Body)

	// An approval that another site's page posts through the user's
	// browser: it has no CSRF token.
	req = httptest.NewRequest("POST", "/oauth/authorize", strings.NewReader("oauth_token=stolen&action=approve"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w = httptest.NewRecorder()
	r.ServeHTTP(w, req)
	fmt.Println(w.Code, w.Body)
	// Output:
	// 200 pong, Printer
	// 400 oauth_parameters_absent=oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_nonce%26oauth_token&oauth_problem=parameter_absent&oauth_problem_advice=required+OAuth+parameters+are+missing
	// 403 Invalid CSRF token.
}
