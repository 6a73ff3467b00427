package demo

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/go-oauth1/provider/core"
)

// The consent page's framework-neutral parts. The examples' Gin and Echo
// handlers call them around the adapters' ConsentRequest, Approve and Deny
// (AuthorizePage and AuthorizeDecision, the net/http handlers, around
// core's): who is logged in, the login form, the checks of a posted form,
// the pages' data, and the error pages. What the provider is asked, and
// when, stays in the handlers.

// PageError is a page that answers a browser's request instead of the
// page it asked for: an error page saying, in words a person understands,
// what went wrong and what to do, or the login form when a form was posted
// by no logged-in user. The examples render it as they render any page
// (Template with Page, status Status).
type PageError struct {
	Status int
	// Template is "error.html", or "login.html".
	Template string
	Page     *Page
	// Err is the cause, when there is one; never shown. A 5xx's cause has
	// been logged by whoever saw it: the App, or the provider's
	// OnServerError.
	Err error
}

func (e *PageError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("demo: %d %s: %v", e.Status, e.Page.Title, e.Err)
	}
	return fmt.Sprintf("demo: %d %s", e.Status, e.Page.Title)
}

func (e *PageError) Unwrap() error { return e.Err }

func newPageError(status int, title, text string, cause error) *PageError {
	return &PageError{Status: status, Template: "error.html", Page: &Page{Title: title, Error: text}, Err: cause}
}

// ErrorPage returns the *PageError in err's chain (what the App's helpers
// return), or for any other error the 500 page, with err as its cause,
// which the caller logs.
func ErrorPage(err error) *PageError {
	if pe := (*PageError)(nil); errors.As(err, &pe) {
		return pe
	}
	return serverFailurePage(err)
}

func serverFailurePage(cause error) *PageError {
	return newPageError(http.StatusInternalServerError, "Something went wrong", "The server failed to answer. Please try again later.", cause)
}

// Forbidden is the page that refuses a form that did not come from this
// site, or whose CSRF token is not the session's: 403.
func Forbidden() *PageError {
	return newPageError(http.StatusForbidden, "Forbidden", "The form was not sent by this site, or it expired. Reload the page and try again.", nil)
}

// NoAction is the page that answers a consent form without
// action=approve or action=deny: 400.
func NoAction() *PageError {
	return newPageError(http.StatusBadRequest, "Choose Approve or Deny", "The form did not say whether you approve. Go back to the page and press Approve or Deny.", nil)
}

func badForm(cause error) *PageError {
	return newPageError(http.StatusBadRequest, "Bad request", "The form could not be read.", cause)
}

// AuthorizationError is the page that answers err, an error of the
// provider's (or an adapter's) ConsentRequest, Approve or Deny: it says
// what went wrong with the request token, by its oauth_problem, which the
// page never shows (400); or for a 5xx, whose cause the provider's
// OnServerError has logged, the 500 page.
func AuthorizationError(err error) *PageError {
	e := core.AsError(err)
	if e.Status >= 500 {
		return serverFailurePage(err)
	}
	m, ok := authorizationMessages[e.Problem]
	if !ok {
		m = authorizationMessage{"This request cannot be authorized", "Something about it is wrong. " + startAgain}
	}
	return newPageError(http.StatusBadRequest, m.title, m.text, err)
}

// startAgain ends most messages of authorizationMessages.
const startAgain = "Go back to the application and start again: it will send you here with a new request."

// authorizationMessage is what the error page says about a request token.
type authorizationMessage struct{ title, text string }

// authorizationMessages are the error pages of the consent page, by the
// provider's oauth_problem.
var authorizationMessages = map[string]authorizationMessage{
	core.ProblemParameterAbsent:     {"This link is incomplete", "The address names no request to authorize. " + startAgain},
	core.ProblemParameterRejected:   {"This link does not work", "The address is damaged. " + startAgain},
	core.ProblemTokenRejected:       {"This link does not work", "This site knows no request like the one in the address: it may have been cleaned up, or the address was mistyped. " + startAgain},
	core.ProblemTokenExpired:        {"This request has expired", "A request to connect an application must be answered within a few minutes. " + startAgain},
	core.ProblemTokenUsed:           {"This request was already answered", "It was approved before (perhaps in another tab), so it cannot be answered again. Go back to the application; if it did not get access, start again there."},
	core.ProblemUserRefused:         {"This request was denied", "It was denied before (perhaps in another tab). If you changed your mind, start again in the application."},
	core.ProblemConsumerKeyRejected: {"This application no longer exists", "The application that sent you here was deleted by whoever registered it, so it cannot be authorized."},
}

// serverFailure logs err, what failed while answering r, with r's method
// and path, and returns the 500 page.
func (a *App) serverFailure(r *http.Request, what string, err error) *PageError {
	a.Log.ErrorContext(r.Context(), what, "method", r.Method, "path", r.URL.Path, "err", err)
	return serverFailurePage(fmt.Errorf("%s: %w", what, err))
}

// CurrentSession returns the session of r's logged-in user, or nil when no
// one is logged in (see userSession). Its error, when the users' store
// fails, is the 500 *PageError, logged.
func (a *App) CurrentSession(r *http.Request) (*Session, error) {
	sess, ok, err := a.userSession(r)
	if err != nil {
		return nil, a.serverFailure(r, "check session", err)
	}
	if !ok {
		return nil, nil
	}
	return sess, nil
}

// LoginForm returns the login form's page: it goes to next after the
// login and, when consumer is set, says it continues to that application.
// It starts an anonymous session, setting its cookie on w, when r has
// none, for the form's CSRF token; its error, when that fails, is the 500
// *PageError, logged.
func (a *App) LoginForm(w http.ResponseWriter, r *http.Request, next, consumer string) (*Page, error) {
	return a.loginPage(w, r, &Page{Next: next, Consumer: consumer})
}

// loginPage fills d, the login form's page, with its title, CSRF token
// and a safe next (see LoginForm).
func (a *App) loginPage(w http.ResponseWriter, r *http.Request, d *Page) (*Page, error) {
	sess, ok := a.Sessions.Get(r)
	if !ok {
		var err error
		if sess, err = a.Sessions.Start(w, r, "", 0); err != nil {
			return nil, a.serverFailure(r, "start session", err)
		}
	}
	d.Title = "Log in"
	d.CSRF = a.Sessions.CSRFToken(sess)
	d.Next = SafeNext(d.Next, DefaultNext)
	return d, nil
}

// consentPath is the consent page of request token token.
func consentPath(token string) string {
	return "/oauth/authorize?" + url.Values{"oauth_token": {token}}.Encode()
}

// ConsentSession checks a POST of the consent form before anything is
// decided, and returns the session of the logged-in user who sent it. Its
// error is a *PageError: 403 (Forbidden) when the form comes from another
// site (net/http's CrossOriginProtection), 400 when it cannot be read (at
// most 64 KiB), the login form (401) when no one is logged in, which comes
// back to the consent page of the form's oauth_token, or 500 (logged).
//
// The handler then checks the form's csrf_token with Sessions.CheckCSRF:
// that the form is the one this site gave this user is what the provider
// cannot know.
func (a *App) ConsentSession(w http.ResponseWriter, r *http.Request) (*Session, error) {
	if a.cross.Check(r) != nil {
		return nil, Forbidden()
	}
	if err := parseForm(w, r); err != nil {
		return nil, badForm(err)
	}
	sess, err := a.CurrentSession(r)
	if err != nil {
		return nil, err
	}
	if sess == nil {
		next := consentPath(r.PostFormValue("oauth_token"))
		d, err := a.loginPage(w, r, &Page{Error: "Please log in first.", Next: next, Consumer: a.continuingTo(r, next)})
		if err != nil {
			return nil, err
		}
		return nil, &PageError{Status: http.StatusUnauthorized, Template: "login.html", Page: d}
	}
	return sess, nil
}

// ConsentPage is the consent page's data for sess's user and ar: the
// consumer, who registered it, the requested scopes, where the user goes
// afterwards (the callback's host, or a code to type), the form's CSRF
// token and request token, and "Not you?", which logs out and comes back
// to this page. (The demo sets no core.Config.AccessTokenTTL: access lasts
// until the user revokes it at Your apps, as the page says.)
func (a *App) ConsentPage(sess *Session, ar *core.AuthorizationRequest) *Page {
	d := &Page{
		Title:    "Authorize " + ar.Consumer.Name,
		User:     sess.User,
		CSRF:     a.Sessions.CSRFToken(sess),
		Consumer: ar.Consumer.Name,
		Owner:    ar.Consumer.Owner,
		Token:    ar.Token,
		Scopes:   ar.Scopes,
		Next:     consentPath(ar.Token),
	}
	d.Callback, d.CallbackHost = callbackSite(ar)
	return d
}

// callbackSite is the scheme, host and path of the callback, and its host,
// to show where the browser will go; "" for oob.
func callbackSite(ar *core.AuthorizationRequest) (site, host string) {
	if ar.OOB {
		return "", ""
	}
	u, err := url.Parse(ar.Callback)
	if err != nil { // core checked it; show it as it is
		return ar.Callback, ar.Callback
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: u.Path}).String(), u.Host
}

// VerifierPage is the data of the page that shows an oob consumer's
// verifier (id="verifier") after sess's user approved ar.
func (a *App) VerifierPage(sess *Session, ar *core.AuthorizationRequest, verifier string) *Page {
	return &Page{Title: "Access granted", User: sess.User, CSRF: a.Sessions.CSRFToken(sess), Consumer: ar.Consumer.Name, Verifier: verifier}
}

// DeniedPage is the data of the page that says sess's user denied ar, to
// an oob consumer.
func (a *App) DeniedPage(sess *Session, ar *core.AuthorizationRequest) *Page {
	return &Page{Title: "Access denied", User: sess.User, CSRF: a.Sessions.CSRFToken(sess), Consumer: ar.Consumer.Name}
}

// LogDecision logs that user approved or denied (d) the consumer's
// request, at level INFO: the user and the consumer key, no token.
func (a *App) LogDecision(r *http.Request, user string, d *core.Decision) {
	msg := "authorization approved"
	if d.Denied {
		msg = "authorization denied"
	}
	a.Log.InfoContext(r.Context(), msg, "user", user, "consumer_key", d.ConsumerKey)
}
