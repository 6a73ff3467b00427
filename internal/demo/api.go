package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/go-oauth1/provider/core"
)

// MaxNoteRunes caps the text of a note.
const MaxNoteRunes = 10000

// Healthz is GET /healthz: 200, body "ok", while the process serves
// (liveness; readiness, which asks the store, is Readyz).
func (a *App) Healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write([]byte("ok"))
}

// ReadyTimeout bounds the store's round trip of GET /readyz.
const ReadyTimeout = time.Second

// Readyz is GET /readyz: 200, body "ok", when the store answers a lookup
// within ReadyTimeout; otherwise 503 with a short reason (never the
// database's address or the driver's message; the cause is logged).
func (a *App) Readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), ReadyTimeout)
	defer cancel()
	// A key no consumer has: any answer, found or not, is a round trip
	// through the store's table.
	_, err := a.Backend.Store.GetConsumer(ctx, "readyz-probe")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		reason := "store unavailable"
		if errors.Is(err, context.DeadlineExceeded) {
			reason = "store did not answer within " + ReadyTimeout.String()
		}
		a.Log.WarnContext(r.Context(), "not ready", "reason", reason, "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(reason))
		return
	}
	_, _ = w.Write([]byte("ok"))
}

// ConsumerJSON is the answer of POST /consumers.
type ConsumerJSON struct {
	Key         string `json:"key"`
	Secret      string `json:"secret"`
	Name        string `json:"name"`
	CallbackURL string `json:"callback_url"`
}

// RegisterConsumer is POST /consumers: form name, callback_url and
// rsa_public_key, by a demo user authenticated with HTTP Basic or a login
// session (cross-origin posts refused, csrf_token checked when present).
// 201 with ConsumerJSON; bad input 400 {"error": …}; bad credentials 401.
func (a *App) RegisterConsumer(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		WriteJSONError(w, http.StatusBadRequest, "the form could not be read (at most 64 KiB, form-encoded or multipart)")
		return
	}
	user, ok := a.consumerOwner(w, r, false)
	if !ok {
		return
	}
	c, err := a.Provider.RegisterConsumer(core.RequestContext(r), core.ConsumerRegistration{
		Name:         r.PostFormValue("name"),
		Owner:        user,
		CallbackURL:  r.PostFormValue("callback_url"),
		RSAPublicKey: r.PostFormValue("rsa_public_key"),
	})
	var e *core.Error
	if errors.As(err, &e) && e.Status < 500 {
		msg := e.Advice
		if msg == "" {
			msg = e.Problem
		}
		WriteJSONError(w, http.StatusBadRequest, msg)
		return
	}
	if err != nil { // logged by the provider's OnServerError
		WriteJSONError(w, http.StatusInternalServerError, "internal error")
		return
	}
	a.Log.InfoContext(r.Context(), "consumer registered", "user", user, "consumer_key", c.Key)
	WriteJSON(w, http.StatusCreated, ConsumerJSON{Key: c.Key, Secret: c.Secret, Name: c.Name, CallbackURL: c.CallbackURL})
}

// consumerOwner authenticates a request of the /consumers API, by HTTP
// Basic or a login session, and returns the user, or answers the failure
// and returns false. Cross-origin requests (other than GET and HEAD) are
// refused on both paths. On the session path a CSRF token (form field
// csrf_token or header X-CSRF-Token) is checked when present, and required
// when needCSRF.
func (a *App) consumerOwner(w http.ResponseWriter, r *http.Request, needCSRF bool) (string, bool) {
	unauthorized := func(msg string) (string, bool) {
		w.Header().Set("WWW-Authenticate", `Basic realm="`+a.Config.Realm+`", charset="UTF-8"`)
		WriteJSONError(w, http.StatusUnauthorized, msg)
		return "", false
	}
	// Both paths refuse a cross-site browser request: a browser may send
	// cached Basic credentials as readily as a session cookie.
	if a.cross.Check(r) != nil {
		WriteJSONError(w, http.StatusForbidden, "cross-origin request refused")
		return "", false
	}
	if name, pw, ok := r.BasicAuth(); ok {
		err := a.authenticate(r.Context(), r, name, pw)
		if te := (*throttledError)(nil); errors.As(err, &te) {
			tooManyAttempts(w, te)
			WriteJSONError(w, http.StatusTooManyRequests, "too many failed attempts; retry later")
			return "", false
		}
		if errors.Is(err, ErrBadCredentials) {
			return unauthorized("wrong user name or password")
		}
		if err != nil {
			a.Log.ErrorContext(r.Context(), "authenticate", "method", r.Method, "path", r.URL.Path, "err", err)
			WriteJSONError(w, http.StatusInternalServerError, "internal error")
			return "", false
		}
		return name, true
	}
	sess, ok, err := a.userSession(r)
	if err != nil {
		a.Log.ErrorContext(r.Context(), "check session", "method", r.Method, "path", r.URL.Path, "err", err)
		WriteJSONError(w, http.StatusInternalServerError, "internal error")
		return "", false
	}
	if !ok {
		return unauthorized("log in, or use HTTP Basic with a demo user's name and password")
	}
	tok := r.PostFormValue("csrf_token")
	if tok == "" {
		tok = r.Header.Get("X-CSRF-Token")
	}
	if needCSRF && tok == "" {
		WriteJSONError(w, http.StatusForbidden, "csrf_token required with a login session (or use HTTP Basic)")
		return "", false
	}
	if tok != "" && !a.Sessions.CheckCSRF(sess, tok) {
		WriteJSONError(w, http.StatusForbidden, "invalid csrf_token")
		return "", false
	}
	return sess.User, true
}

// The protected API's framework-neutral parts: its answers' types and
// headers, and the checks of a note. The examples' handlers (and Me,
// Notes and Ping, the net/http ones) write them with their framework.

// SetAPIHeaders sets the headers of every JSON answer: its type, never
// cached (some hold secrets), never sniffed as another type. A route's
// middleware may set them before the answer is known: the OAuth
// middleware's error answers set their own type.
func SetAPIHeaders(h http.Header) {
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
}

// APIError is a refused API request: its status, and the body
// {"error": Message}.
type APIError struct {
	Status  int    `json:"-"`
	Message string `json:"error"`
}

func (e *APIError) Error() string { return e.Message }

// MeJSON is the answer of GET /api/me.
type MeJSON struct {
	User         string   `json:"user"`
	ConsumerKey  string   `json:"consumer_key"`
	ConsumerName string   `json:"consumer_name"`
	Scopes       []string `json:"scopes"`
}

// Me is GET /api/me behind the OAuth middleware with scope read: 200 with
// MeJSON for grant g.
func (a *App) Me(w http.ResponseWriter, r *http.Request, g *core.Grant) {
	if !a.hasGrant(w, g) {
		return
	}
	WriteJSON(w, http.StatusOK, MeJSON{User: g.UserID, ConsumerKey: g.Consumer.Key, ConsumerName: g.Consumer.Name, Scopes: g.Scopes})
}

// NoteJSON is the answer of POST /api/notes.
type NoteJSON struct {
	User string `json:"user"`
	Text string `json:"text"`
}

// NoteText returns the note of a POST /api/notes: form field text (1 to
// MaxNoteRunes characters) of an application/x-www-form-urlencoded body,
// whose fields the signature covers. Its error is an *APIError: 415 for
// any other body (multipart, JSON), whose fields no OAuth 1.0a signature
// covers, 400 for a missing or bad text.
func NoteText(r *http.Request) (string, error) {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/x-www-form-urlencoded" {
		return "", &APIError{http.StatusUnsupportedMediaType, "send text in an application/x-www-form-urlencoded body: other bodies are not covered by the signature"}
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxFormBytes)
	text := r.PostFormValue("text")
	if text == "" {
		return "", &APIError{http.StatusBadRequest, "form field text is required"}
	}
	if !utf8.ValidString(text) || utf8.RuneCountInString(text) > MaxNoteRunes {
		return "", &APIError{http.StatusBadRequest, "text must be valid UTF-8 of at most " + strconv.Itoa(MaxNoteRunes) + " characters"}
	}
	return text, nil
}

// Notes is POST /api/notes behind the OAuth middleware with scope write:
// 201 with NoteJSON for the text of NoteText, or its *APIError. The demo
// keeps no notes: it answers what it would have posted.
func (a *App) Notes(w http.ResponseWriter, r *http.Request, g *core.Grant) {
	if !a.hasGrant(w, g) {
		return
	}
	text, err := NoteText(r)
	var refused *APIError
	if errors.As(err, &refused) {
		WriteJSON(w, refused.Status, refused)
		return
	}
	WriteJSON(w, http.StatusCreated, NoteJSON{User: g.UserID, Text: text})
}

// PingJSON is the answer of GET /api/ping.
type PingJSON struct {
	ConsumerKey string `json:"consumer_key"`
}

// Ping is GET /api/ping behind the two-legged OAuth middleware: 200 with
// PingJSON.
func (a *App) Ping(w http.ResponseWriter, r *http.Request, g *core.Grant) {
	if !a.hasGrant(w, g) {
		return
	}
	WriteJSON(w, http.StatusOK, PingJSON{ConsumerKey: g.Consumer.Key})
}

// hasGrant answers 500 when the route was mounted without the OAuth
// middleware, a wiring mistake.
func (a *App) hasGrant(w http.ResponseWriter, g *core.Grant) bool {
	if g == nil || g.Consumer == nil {
		a.Log.Error("API route without a grant: is the OAuth middleware mounted?")
		a.Provider.WriteError(w, errors.New("no grant"))
		return false
	}
	return true
}

// LogRequest starts timing r and returns the function to call, with the
// status, once r is answered; it logs method, path (never the query, which
// may hold OAuth parameters), status, duration and the client's address
// (ClientAddr: empty when unknown), and no header.
func (a *App) LogRequest(r *http.Request) func(status int) {
	start := a.Clock.Now()
	method, path := r.Method, r.URL.Path
	var client string
	if addr := a.ClientAddr(r); addr.IsValid() {
		client = addr.String()
	}
	return func(status int) {
		level := slog.LevelInfo
		if status >= 500 {
			level = slog.LevelError
		}
		a.Log.LogAttrs(r.Context(), level, "request",
			slog.String("method", method),
			slog.String("path", path),
			slog.Int("status", status),
			slog.Duration("duration", a.Clock.Now().Sub(start)),
			slog.String("client", client),
		)
	}
}

// NewLogger returns the demo's logger: slog's text handler on w, or its
// JSON handler when format is "json".
func NewLogger(w io.Writer, format string) *slog.Logger {
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// NotFound answers a path no route has: 404 {"error": "not found"}.
func (a *App) NotFound(w http.ResponseWriter, r *http.Request) {
	WriteJSONError(w, http.StatusNotFound, "not found")
}

// MethodNotAllowed answers a known path with another method: 405
// {"error": "method not allowed"} (the router sets Allow).
func (a *App) MethodNotAllowed(w http.ResponseWriter, r *http.Request) {
	WriteJSONError(w, http.StatusMethodNotAllowed, "method not allowed")
}

// InternalError answers 500 {"error": "internal error"}; the cause is
// logged by whoever saw it, never rendered.
func (a *App) InternalError(w http.ResponseWriter, r *http.Request) {
	WriteJSONError(w, http.StatusInternalServerError, "internal error")
}

// Recovered logs a handler's panic v; the router then answers 500.
func (a *App) Recovered(r *http.Request, v any) {
	a.Log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path, "panic", fmt.Sprint(v))
}
