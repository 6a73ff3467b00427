package demo

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"

	"github.com/go-oauth1/provider/core"
)

//go:embed templates/*.html
var templateFS embed.FS

// Page is the data of every page template; each page uses the fields it
// needs.
type Page struct {
	Title    string
	User     string // logged-in user, shown in the header
	CSRF     string // CSRF token of the session, for every form
	Error    string
	Next     string
	Username string
	Flash    string // the message of the form posted before (see setFlash)
	Consumer string // consumer name
	Owner    string // the user who registered the consumer ("" unknown)
	Token    string // request token on the consent page
	Callback string // where the browser goes after consent ("" for oob)
	// CallbackHost is Callback's host (and port), what the consent page
	// names as where the user goes.
	CallbackHost string
	Scopes       []core.Scope
	Verifier     string
	Apps         []appView
	Consumers    []consumerView
	Key          string // consumer key on the secret page
	Secret       string // a consumer's new secret, shown once
}

type appView struct {
	Name   string
	Key    string
	Since  string
	Scopes []core.Scope
}

// consumerView is a consumer on the "Your consumers" page: never its
// secret.
type consumerView struct {
	Name        string
	Key         string
	CallbackURL string
	RSA         bool
	Created     string
}

// parseTemplates parses the pages, once at start, into one set: each page
// NAME.html is the template "NAME.html", between the "header" and the
// "footer" of templates/layout.html.
func parseTemplates() (*template.Template, error) {
	return template.ParseFS(templateFS, "templates/*.html")
}

// Templates returns the pages, one set of html/templates, each executed
// with a *Page: login.html, consent.html, verifier.html, denied.html,
// apps.html, consumers.html, secret.html and error.html. The examples load
// it into their framework (Gin's SetHTMLTemplate, Echo's
// TemplateRenderer); the App's own handlers render it with the headers of
// SetPageHeaders. The set is parsed once, at Open, and only read after.
func (a *App) Templates() *template.Template { return a.templates }

// contentSecurityPolicy forbids framing and everything but the inline
// style sheet. It sets no form-action, which browsers would apply to the
// redirect to the consumer's callback.
const contentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'"

// SetPageHeaders sets the headers every HTML page carries: no framing
// (X-Frame-Options and CSP frame-ancestors), no caching, no sniffing, no
// referrer (authorize URLs hold request tokens).
func SetPageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
}

// render writes the page template name (such as "consent.html") with
// status. The page is rendered into a buffer first, so a template failure
// is a clean 500.
func (a *App) render(w http.ResponseWriter, status int, name string, d *Page) {
	var buf bytes.Buffer
	if err := a.templates.ExecuteTemplate(&buf, name, d); err != nil {
		a.Log.Error("render page", "page", name, "err", err)
		SetPageHeaders(w.Header())
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, "internal error")
		return
	}
	SetPageHeaders(w.Header())
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorPage renders the error page with status and a message for the user.
func (a *App) errorPage(w http.ResponseWriter, status int, title, msg string) {
	a.render(w, status, "error.html", &Page{Title: title, Error: msg})
}

// WriteJSON writes v as JSON with status. Answers are never cached: some
// hold secrets.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"internal error"}`)
	}
	SetAPIHeaders(w.Header())
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// WriteJSONError writes {"error": msg} with status.
func WriteJSONError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, map[string]string{"error": msg})
}
