package main

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/ginoauth"
	"github.com/go-oauth1/provider/internal/demo"
)

// The OAuth-facing handlers, written as any Gin application would write
// them on ginoauth: the consent page (GET and POST /oauth/authorize) and
// the protected API. Users, sessions, CSRF tokens, the pages' templates
// and their data come from internal/demo, shared with example-echo.

// consent is the consent page, the one part of the three legs that is the
// application's own: it knows who is logged in.
type consent struct {
	app *demo.App
	p   *core.Provider
}

// show is GET /oauth/authorize?oauth_token=T: the consent page, the login
// form first when no one is logged in, or a page that explains a bad
// token.
func (h consent) show(c *gin.Context) {
	ar, err := ginoauth.ConsentRequest(c, h.p)
	if err != nil {
		errorPage(c, demo.AuthorizationError(err))
		return
	}
	sess, err := h.app.CurrentSession(c.Request)
	if err != nil {
		errorPage(c, err)
		return
	}
	if sess == nil { // log in, then come back here
		login, err := h.app.LoginForm(c.Writer, c.Request, c.Request.URL.RequestURI(), ar.Consumer.Name)
		if err != nil {
			errorPage(c, err)
			return
		}
		c.HTML(http.StatusOK, "login.html", login)
		return
	}
	c.HTML(http.StatusOK, "consent.html", h.app.ConsentPage(sess, ar))
}

// decide is POST /oauth/authorize: the user's Approve or Deny. The form
// must be the one this site gave this user, carrying the session's CSRF
// token: otherwise any web page could post action=approve from the user's
// browser and get a token on the user's account. ginoauth cannot check
// that; the application must, before Approve or Deny.
func (h consent) decide(c *gin.Context) {
	sess, err := h.app.ConsentSession(c.Writer, c.Request) // same origin, logged in
	if err != nil {
		errorPage(c, err)
		return
	}
	if !h.app.Sessions.CheckCSRF(sess, c.PostForm("csrf_token")) {
		errorPage(c, demo.Forbidden())
		return
	}
	ar, err := ginoauth.ConsentRequest(c, h.p)
	if err != nil {
		errorPage(c, demo.AuthorizationError(err))
		return
	}
	var d *core.Decision
	switch c.PostForm("action") {
	case "approve":
		d, err = ginoauth.Approve(c, h.p, sess.User, nil)
	case "deny":
		d, err = ginoauth.Deny(c, h.p)
	default:
		errorPage(c, demo.NoAction())
		return
	}
	if err != nil {
		errorPage(c, demo.AuthorizationError(err))
		return
	}
	h.app.LogDecision(c.Request, sess.User, d)
	switch {
	case d.RedirectURL != "": // answered: 302 to the consumer's callback
	case d.Denied:
		c.HTML(http.StatusOK, "denied.html", h.app.DeniedPage(sess, ar))
	default: // an oob consumer: the user types the verifier into it
		c.HTML(http.StatusOK, "verifier.html", h.app.VerifierPage(sess, ar, d.Verifier))
	}
}

// errorPage renders the page that answers err, a *demo.PageError: an error
// page, or the login form.
func errorPage(c *gin.Context, err error) {
	pe := demo.ErrorPage(err)
	c.HTML(pe.Status, pe.Template, pe.Page)
}

// pageHeaders sets the headers of every page: never framed (a framed
// consent page could be clicked through), cached or sniffed, no referrer.
func pageHeaders(c *gin.Context) { demo.SetPageHeaders(c.Writer.Header()) }

// apiHeaders sets the headers of every JSON answer of the API.
func apiHeaders(c *gin.Context) { demo.SetAPIHeaders(c.Writer.Header()) }

// me is GET /api/me, behind ginoauth.Middleware with scope read: who the
// access token speaks for.
func me(c *gin.Context) {
	g, _ := ginoauth.GrantFrom(c)
	c.JSON(http.StatusOK, demo.MeJSON{User: g.UserID, ConsumerKey: g.Consumer.Key, ConsumerName: g.Consumer.Name, Scopes: g.Scopes})
}

// notes is POST /api/notes, behind ginoauth.Middleware with scope write:
// the note it would post, from the signed form body.
func notes(c *gin.Context) {
	g, _ := ginoauth.GrantFrom(c)
	text, err := demo.NoteText(c.Request)
	var refused *demo.APIError
	if errors.As(err, &refused) {
		c.JSON(refused.Status, refused)
		return
	}
	c.JSON(http.StatusCreated, demo.NoteJSON{User: g.UserID, Text: text})
}

// ping is GET /api/ping, behind two-legged ginoauth.Middleware: the
// consumer that signed it.
func ping(c *gin.Context) {
	g, _ := ginoauth.GrantFrom(c)
	c.JSON(http.StatusOK, demo.PingJSON{ConsumerKey: g.Consumer.Key})
}
