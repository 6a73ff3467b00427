package demo

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/go-oauth1/provider/core"
)

// maxFormBytes caps the forms of the pages and of POST /consumers.
const maxFormBytes = 64 << 10

// DefaultNext is where a login goes when its next is absent or unsafe.
const DefaultNext = "/account/apps"

// parseForm reads r's form body, capped at maxFormBytes; multipart bodies
// are read too (curl -F).
func parseForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseMultipartForm(maxFormBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return err
	}
	return nil
}

// redirect answers status with Location: to. to is either a same-origin
// path checked by SafeNext or a callback URL from the provider.
func redirect(w http.ResponseWriter, to string, status int) {
	w.Header().Set("Location", to)
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
}

// userSession returns r's session when a user is logged in: its cookie is
// valid and carries its user's current session generation, so a session
// ended by a logout, on any instance, is refused. That costs one
// primary-key read of the users table on the pages that need the user,
// which read the store anyway; the OAuth API never reads a session. There
// is no cache: it would let a logged-out cookie work on the other
// instances until it expired. ok is false without a logged-in user; err is
// a store failure.
func (a *App) userSession(r *http.Request) (sess *Session, ok bool, err error) {
	sess, ok = a.Sessions.Get(r)
	if !ok || sess.User == "" {
		return nil, false, nil
	}
	gen, known, err := a.Users.SessionGeneration(r.Context(), sess.User)
	if err != nil {
		return nil, false, err
	}
	if !known || gen != sess.Generation {
		return nil, false, nil
	}
	return sess, true, nil
}

// loginForm renders the login form, d, with status (see loginPage).
func (a *App) loginForm(w http.ResponseWriter, r *http.Request, status int, d *Page) {
	if _, err := a.loginPage(w, r, d); err != nil {
		a.renderError(w, err)
		return
	}
	a.render(w, status, "login.html", d)
}

// renderError renders the *PageError in err (see ErrorPage).
func (a *App) renderError(w http.ResponseWriter, err error) {
	pe := ErrorPage(err)
	a.render(w, pe.Status, pe.Template, pe.Page)
}

// serverError logs err, what failed while answering r, and renders the
// 500 page.
func (a *App) serverError(w http.ResponseWriter, r *http.Request, what string, err error) {
	a.renderError(w, a.serverFailure(r, what, err))
}

// serverErrorPage renders the 500 page for a failure already logged: the
// provider's, which its OnServerError logs when called with
// core.RequestContext(r).
func (a *App) serverErrorPage(w http.ResponseWriter) {
	a.renderError(w, serverFailurePage(nil))
}

// forbidden answers a request that failed the cross-origin or CSRF check.
func (a *App) forbidden(w http.ResponseWriter) {
	a.renderError(w, Forbidden())
}

// continuingTo names the application whose consent page next is, for the
// login form's "to continue to" line: "" unless next is
// /oauth/authorize?oauth_token=T and T is a pending request token.
func (a *App) continuingTo(r *http.Request, next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Path != "/oauth/authorize" {
		return ""
	}
	token := u.Query().Get("oauth_token")
	if token == "" {
		return ""
	}
	ar, err := a.Provider.LoadConsent(core.RequestContext(r), token) // a 5xx is logged
	if err != nil {
		return ""
	}
	return ar.Consumer.Name
}

// LoginPage is GET /login: the login form, going to the query's next after.
// When next is a consent page, the form names its application.
func (a *App) LoginPage(w http.ResponseWriter, r *http.Request) {
	next := r.URL.Query().Get("next")
	a.loginForm(w, r, http.StatusOK, &Page{Next: next, Consumer: a.continuingTo(r, SafeNext(next, ""))})
}

// Login is POST /login: form username, password, next (and csrf_token,
// checked when present; cross-origin posts are refused in any case). It
// starts a new session and answers 303 to next (same-origin paths only,
// DefaultNext otherwise); a wrong password shows the form again with 401,
// still naming the application next leads to.
func (a *App) Login(w http.ResponseWriter, r *http.Request) {
	if !a.readPostedForm(w, r) {
		return
	}
	next := SafeNext(r.PostFormValue("next"), DefaultNext)
	if tok := r.PostFormValue("csrf_token"); tok != "" {
		sess, _ := a.Sessions.Get(r)
		if !a.Sessions.CheckCSRF(sess, tok) {
			a.forbidden(w)
			return
		}
	}
	name := r.PostFormValue("username")
	err := a.authenticate(r.Context(), r, name, r.PostFormValue("password"))
	if te := (*throttledError)(nil); errors.As(err, &te) {
		a.Log.InfoContext(r.Context(), "login throttled")
		tooManyAttempts(w, te)
		a.loginForm(w, r, http.StatusTooManyRequests, &Page{Error: "Too many failed attempts. Wait a little, then try again.", Username: name, Next: next, Consumer: a.continuingTo(r, next)})
		return
	}
	if errors.Is(err, ErrBadCredentials) {
		a.Log.InfoContext(r.Context(), "login failed")
		a.loginForm(w, r, http.StatusUnauthorized, &Page{Error: "Wrong user name or password.", Username: name, Next: next, Consumer: a.continuingTo(r, next)})
		return
	}
	if err != nil {
		a.serverError(w, r, "login", err)
		return
	}
	gen, _, err := a.Users.SessionGeneration(r.Context(), name)
	if err != nil {
		a.serverError(w, r, "login", err)
		return
	}
	if _, err := a.Sessions.Start(w, r, name, gen); err != nil {
		a.serverError(w, r, "start session", err)
		return
	}
	redirect(w, next, http.StatusSeeOther)
}

// Logout is POST /logout (csrf_token, and optionally next): it ends the
// session on the server, with every other session of its user
// (Users.EndSessions: a copy of the cookie, another browser, on every
// instance), clears the cookie and answers 303 to /login, or, with a
// same-origin next (the consent page's "Not you?"), to
// /login?next=NEXT. When the store fails, it answers 500 and keeps the
// cookie, so that the user can try again.
func (a *App) Logout(w http.ResponseWriter, r *http.Request) {
	if a.cross.Check(r) != nil || parseForm(w, r) != nil {
		a.forbidden(w)
		return
	}
	sess, ok, err := a.userSession(r)
	if err != nil {
		a.serverError(w, r, "check session", err)
		return
	}
	if ok {
		if !a.Sessions.CheckCSRF(sess, r.PostFormValue("csrf_token")) {
			a.forbidden(w)
			return
		}
		if err := a.Users.EndSessions(r.Context(), sess.User); err != nil {
			a.serverError(w, r, "log out", err)
			return
		}
		a.Log.InfoContext(r.Context(), "logged out", "user", sess.User)
	}
	a.Sessions.Clear(w, r)
	to := "/login"
	if next := SafeNext(r.PostFormValue("next"), ""); next != "" {
		to += "?next=" + url.QueryEscape(next)
	}
	redirect(w, to, http.StatusSeeOther)
}

// AuthorizePage is GET /oauth/authorize?oauth_token=T: a page for a bad
// token, the login form when no one is logged in, and otherwise the consent
// page (see ConsentPage). It is the net/http version of the examples'
// handlers, on the same helpers, with core's Provider.ConsentRequest.
func (a *App) AuthorizePage(w http.ResponseWriter, r *http.Request) {
	ar, err := a.Provider.ConsentRequest(r)
	if err != nil {
		a.renderError(w, AuthorizationError(err))
		return
	}
	sess, err := a.CurrentSession(r)
	if err != nil {
		a.renderError(w, err)
		return
	}
	if sess == nil {
		a.loginForm(w, r, http.StatusOK, &Page{Next: r.URL.RequestURI(), Consumer: ar.Consumer.Name})
		return
	}
	a.render(w, http.StatusOK, "consent.html", a.ConsentPage(sess, ar))
}

// AuthorizeDecision is POST /oauth/authorize: form oauth_token, csrf_token
// and action (approve or deny), from a logged-in user (see
// ConsentSession). Approve: 302 to the callback with oauth_token and
// oauth_verifier, or for oob a page showing the verifier (id="verifier").
// Deny: 302 to the callback with denied=T, or for oob a page saying so.
func (a *App) AuthorizeDecision(w http.ResponseWriter, r *http.Request) {
	sess, err := a.ConsentSession(w, r)
	if err != nil {
		a.renderError(w, err)
		return
	}
	if !a.Sessions.CheckCSRF(sess, r.PostFormValue("csrf_token")) {
		a.forbidden(w)
		return
	}
	ar, err := a.Provider.ConsentRequest(r)
	if err != nil {
		a.renderError(w, AuthorizationError(err))
		return
	}
	ctx := core.RequestContext(r) // 5xx causes go to OnServerError with r
	var d *core.Decision
	switch r.PostFormValue("action") {
	case "approve":
		d, err = a.Provider.Approve(ctx, ar.Token, sess.User, nil)
	case "deny":
		d, err = a.Provider.Deny(ctx, ar.Token)
	default:
		a.renderError(w, NoAction())
		return
	}
	if err != nil {
		a.renderError(w, AuthorizationError(err))
		return
	}
	a.LogDecision(r, sess.User, d)
	switch {
	case d.RedirectURL != "":
		redirect(w, d.RedirectURL, http.StatusFound)
	case d.Denied:
		a.render(w, http.StatusOK, "denied.html", a.DeniedPage(sess, ar))
	default:
		a.render(w, http.StatusOK, "verifier.html", a.VerifierPage(sess, ar, d.Verifier))
	}
}

// Apps is GET /account/apps: the consumers the logged-in user has
// authorized, each with a revoke button, under the confirmation of a
// revocation just made. Without a session: 303 to the login form.
func (a *App) Apps(w http.ResponseWriter, r *http.Request) {
	sess, ok := a.pageSession(w, r)
	if !ok {
		return
	}
	apps, err := a.Provider.AuthorizedApps(core.RequestContext(r), sess.User)
	if err != nil { // logged by OnServerError
		a.serverErrorPage(w)
		return
	}
	d := &Page{Title: "Your apps", User: sess.User, CSRF: a.Sessions.CSRFToken(sess), Flash: a.takeFlash(w, r, sess)}
	for _, app := range apps {
		v := appView{Name: app.Consumer.Name, Key: app.Consumer.Key, Scopes: a.Provider.DescribeScopes(app.Scopes)}
		var since time.Time
		for _, t := range app.Tokens {
			if since.IsZero() || t.CreatedAt.Before(since) {
				since = t.CreatedAt
			}
		}
		if !since.IsZero() {
			v.Since = since.UTC().Format("2006-01-02 15:04 UTC")
		}
		d.Apps = append(d.Apps, v)
	}
	a.render(w, http.StatusOK, "apps.html", d)
}

// RevokeApp is POST /account/apps/revoke: form consumer_key and
// csrf_token. It revokes every access token the user holds for the
// consumer (they stop working at once) and answers 303 to /account/apps,
// which confirms it.
func (a *App) RevokeApp(w http.ResponseWriter, r *http.Request) {
	sess, ok := a.formSession(w, r, DefaultNext)
	if !ok {
		return
	}
	key := r.PostFormValue("consumer_key")
	if key == "" {
		a.errorPage(w, http.StatusBadRequest, "Which application?", "The form did not say which application to revoke. Go back to Your apps and press Revoke beside it.")
		return
	}
	err := a.Provider.RevokeApp(core.RequestContext(r), sess.User, key)
	if errors.Is(err, core.ErrNotFound) {
		a.errorPage(w, http.StatusNotFound, "Not found", "You have not authorized that application.")
		return
	}
	if err != nil { // logged by OnServerError
		a.serverErrorPage(w)
		return
	}
	a.Log.InfoContext(r.Context(), "app revoked", "user", sess.User, "consumer_key", key)
	name := a.consumerName(r, key) // RevokeApp leaves the consumer in place
	a.setFlash(w, r, sess, "You revoked the access of "+name+". It can no longer use your account; to use it again, authorize it again from the application.")
	redirect(w, DefaultNext, http.StatusSeeOther)
}

// consumerName returns the name of the consumer with key, or "the
// application" when it cannot be read.
func (a *App) consumerName(r *http.Request, key string) string {
	ctx, cancel := context.WithTimeout(r.Context(), a.Config.StoreTimeout)
	defer cancel()
	if c, err := a.Backend.Store.GetConsumer(ctx, key); err == nil {
		return c.Name
	}
	return "the application"
}

// Index is GET /: 303 to the account page.
func (a *App) Index(w http.ResponseWriter, r *http.Request) {
	redirect(w, DefaultNext, http.StatusSeeOther)
}

// pageSession returns the session of the user logged in to open an
// account page (see userSession). Without one it answers 303 to the login
// form, which comes back to the page; ok is false when it answered.
func (a *App) pageSession(w http.ResponseWriter, r *http.Request) (sess *Session, ok bool) {
	sess, ok, err := a.userSession(r)
	if err != nil {
		a.serverError(w, r, "check session", err)
		return nil, false
	}
	if !ok {
		redirect(w, "/login?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
		return nil, false
	}
	return sess, true
}

// formSession checks a form posted from an account page, in this order,
// before the handler reads anything else: same origin (403) and readable
// (400; see readPostedForm), sent by a logged-in user (otherwise the login
// form, 401, which comes back to next) with that session's csrf_token
// (403). It returns the session; ok is false when it answered.
func (a *App) formSession(w http.ResponseWriter, r *http.Request, next string) (sess *Session, ok bool) {
	if !a.readPostedForm(w, r) {
		return nil, false
	}
	sess, ok, err := a.userSession(r)
	if err != nil {
		a.serverError(w, r, "check session", err)
		return nil, false
	}
	if !ok {
		a.loginForm(w, r, http.StatusUnauthorized, &Page{Error: "Please log in first.", Next: next})
		return nil, false
	}
	if !a.Sessions.CheckCSRF(sess, r.PostFormValue("csrf_token")) {
		a.forbidden(w)
		return nil, false
	}
	return sess, true
}

// readPostedForm refuses a cross-origin POST (403) and parses the form
// (400 when it cannot be read). It reports whether the handler goes on.
func (a *App) readPostedForm(w http.ResponseWriter, r *http.Request) bool {
	if a.cross.Check(r) != nil {
		a.forbidden(w)
		return false
	}
	if err := parseForm(w, r); err != nil {
		a.renderError(w, badForm(err))
		return false
	}
	return true
}
