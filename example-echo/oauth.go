package main

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/echooauth"
	"github.com/go-oauth1/provider/internal/demo"
)

// The OAuth-facing handlers, written as any Echo application would write
// them on echooauth: the consent page (GET and POST /oauth/authorize) and
// the protected API. They return their errors, which errorHandler renders:
// a *demo.PageError as a page, a *demo.APIError as JSON. Users, sessions,
// CSRF tokens, the pages' templates and their data come from
// internal/demo, shared with example-gin.

// consent is the consent page, the one part of the three legs that is the
// application's own: it knows who is logged in.
type consent struct {
	app *demo.App
	p   *core.Provider
}

// show is GET /oauth/authorize?oauth_token=T: the consent page, the login
// form first when no one is logged in, or a page that explains a bad
// token.
func (h consent) show(c echo.Context) error {
	ar, err := echooauth.ConsentRequest(c, h.p)
	if err != nil {
		return demo.AuthorizationError(err)
	}
	sess, err := h.app.CurrentSession(c.Request())
	if err != nil {
		return err
	}
	if sess == nil { // log in, then come back here
		login, err := h.app.LoginForm(c.Response(), c.Request(), c.Request().URL.RequestURI(), ar.Consumer.Name)
		if err != nil {
			return err
		}
		return c.Render(http.StatusOK, "login.html", login)
	}
	return c.Render(http.StatusOK, "consent.html", h.app.ConsentPage(sess, ar))
}

// decide is POST /oauth/authorize: the user's Approve or Deny. The form
// must be the one this site gave this user, carrying the session's CSRF
// token: otherwise any web page could post action=approve from the user's
// browser and get a token on the user's account. echooauth cannot check
// that; the application must, before Approve or Deny.
func (h consent) decide(c echo.Context) error {
	sess, err := h.app.ConsentSession(c.Response(), c.Request()) // same origin, logged in
	if err != nil {
		return err
	}
	if !h.app.Sessions.CheckCSRF(sess, c.FormValue("csrf_token")) {
		return demo.Forbidden()
	}
	ar, err := echooauth.ConsentRequest(c, h.p)
	if err != nil {
		return demo.AuthorizationError(err)
	}
	var d *core.Decision
	switch c.FormValue("action") {
	case "approve":
		d, err = echooauth.Approve(c, h.p, sess.User, nil)
	case "deny":
		d, err = echooauth.Deny(c, h.p)
	default:
		return demo.NoAction()
	}
	if err != nil {
		return demo.AuthorizationError(err)
	}
	h.app.LogDecision(c.Request(), sess.User, d)
	switch {
	case d.RedirectURL != "":
		return nil // answered: 302 to the consumer's callback
	case d.Denied:
		return c.Render(http.StatusOK, "denied.html", h.app.DeniedPage(sess, ar))
	}
	// An oob consumer: the user types the verifier into it.
	return c.Render(http.StatusOK, "verifier.html", h.app.VerifierPage(sess, ar, d.Verifier))
}

// pageHeaders sets the headers of every page: never framed (a framed
// consent page could be clicked through), cached or sniffed, no referrer.
func pageHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		demo.SetPageHeaders(c.Response().Header())
		return next(c)
	}
}

// apiHeaders sets the headers of every JSON answer of the API.
func apiHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		demo.SetAPIHeaders(c.Response().Header())
		return next(c)
	}
}

// me is GET /api/me, behind echooauth.Middleware with scope read: who the
// access token speaks for.
func me(c echo.Context) error {
	g, _ := echooauth.GrantFrom(c)
	return c.JSON(http.StatusOK, demo.MeJSON{User: g.UserID, ConsumerKey: g.Consumer.Key, ConsumerName: g.Consumer.Name, Scopes: g.Scopes})
}

// notes is POST /api/notes, behind echooauth.Middleware with scope write:
// the note it would post, from the signed form body.
func notes(c echo.Context) error {
	g, _ := echooauth.GrantFrom(c)
	text, err := demo.NoteText(c.Request())
	if err != nil {
		return err
	}
	return c.JSON(http.StatusCreated, demo.NoteJSON{User: g.UserID, Text: text})
}

// ping is GET /api/ping, behind two-legged echooauth.Middleware: the
// consumer that signed it.
func ping(c echo.Context) error {
	g, _ := echooauth.GrantFrom(c)
	return c.JSON(http.StatusOK, demo.PingJSON{ConsumerKey: g.Consumer.Key})
}
