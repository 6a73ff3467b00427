package demo

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
)

// SessionCookie is the name of the session cookie.
const SessionCookie = "demo_session"

// Session is a browser session. It lives in a signed cookie; the server
// keeps only each user's session generation (Users.SessionGeneration),
// which a user's session must still carry to be valid, so that a logout
// ends it on every instance.
type Session struct {
	// ID is random (128 bits); CSRF tokens are derived from it.
	ID string `json:"id"`
	// User is the logged-in user, or empty for the anonymous session that
	// carries the login form's CSRF token.
	User string `json:"user,omitempty"`
	// Generation is User's session generation when the session started.
	// A cookie from before generations existed has none, which reads as
	// 0: valid until that user's first logout.
	Generation int64 `json:"gen,omitempty"`
	// Expires is when the cookie stops being accepted (Unix seconds).
	Expires int64 `json:"exp"`
}

// Sessions issues and checks session cookies: HMAC-SHA256 signed,
// HttpOnly, SameSite=Lax, Secure when the client came over TLS, with an
// expiry enforced both by the browser and by the signed payload.
type Sessions struct {
	key   []byte
	ttl   time.Duration
	clock core.Clock
	rand  io.Reader
	// Origin tells the scheme the client used (core.Provider.Origin, which
	// believes trusted proxies); nil means r.TLS alone decides.
	Origin func(r *http.Request) (scheme, host string)
}

// NewSessions returns Sessions signing with key (at least 32 bytes; nil for
// a fresh random key from rnd) whose sessions last ttl. rnd is crypto/rand
// when nil, clock core.SystemClock when nil.
func NewSessions(key []byte, ttl time.Duration, clock core.Clock, rnd io.Reader) (*Sessions, error) {
	if rnd == nil {
		rnd = rand.Reader
	}
	if clock == nil {
		clock = core.SystemClock{}
	}
	if key == nil {
		key = make([]byte, 32)
		if _, err := io.ReadFull(rnd, key); err != nil {
			return nil, err
		}
	}
	if len(key) < 32 {
		return nil, errors.New("demo: session key must be at least 32 bytes")
	}
	if ttl <= 0 {
		return nil, errors.New("demo: session TTL must be positive")
	}
	return &Sessions{key: key, ttl: ttl, clock: clock, rand: rnd}, nil
}

func (s *Sessions) mac(purpose, data string) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(data))
	return m.Sum(nil)
}

// Get returns the session of r's cookie, and false when there is none or
// it is forged or expired. It does not check the session's generation
// against its user's: the App's userSession does.
func (s *Sessions) Get(r *http.Request) (*Session, bool) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return nil, false
	}
	payload, sig, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil, false
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, s.mac("session", payload)) {
		return nil, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, false
	}
	var sess Session
	if json.Unmarshal(raw, &sess) != nil || sess.ID == "" {
		return nil, false
	}
	if s.clock.Now().Unix() >= sess.Expires {
		return nil, false
	}
	return &sess, true
}

// Start issues a new session for user ("" and 0 for an anonymous one) at
// session generation gen, with a fresh ID, so that logging in never keeps
// an ID an attacker could have planted, and sets its cookie on w.
func (s *Sessions) Start(w http.ResponseWriter, r *http.Request, user string, gen int64) (*Session, error) {
	id := make([]byte, 16)
	if _, err := io.ReadFull(s.rand, id); err != nil {
		return nil, err
	}
	exp := s.clock.Now().Add(s.ttl)
	sess := &Session{ID: base64.RawURLEncoding.EncodeToString(id), User: user, Generation: gen, Expires: exp.Unix()}
	raw, err := json.Marshal(sess)
	if err != nil {
		return nil, err
	}
	payload := base64.RawURLEncoding.EncodeToString(raw)
	value := payload + "." + base64.RawURLEncoding.EncodeToString(s.mac("session", payload))
	http.SetCookie(w, s.cookie(r, value, int(s.ttl/time.Second), exp))
	return sess, nil
}

// Clear removes the session cookie from the browser; Users.EndSessions
// ends the session itself.
func (s *Sessions) Clear(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, "", -1, time.Unix(0, 0)))
}

func (s *Sessions) cookie(r *http.Request, value string, maxAge int, exp time.Time) *http.Cookie {
	return &http.Cookie{
		Name:     SessionCookie,
		Value:    value,
		Path:     "/",
		MaxAge:   maxAge,
		Expires:  exp.UTC(),
		HttpOnly: true,
		Secure:   s.secure(r),
		SameSite: http.SameSiteLaxMode,
	}
}

// secure reports whether the client came over TLS.
func (s *Sessions) secure(r *http.Request) bool {
	if s.Origin == nil {
		return r.TLS != nil
	}
	scheme, _ := s.Origin(r)
	return scheme == "https"
}

// CSRFToken returns the CSRF token of sess: an HMAC of its ID, so it
// changes with every login and needs no server state.
func (s *Sessions) CSRFToken(sess *Session) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("csrf", sess.ID))
}

// CheckCSRF reports, in constant time, whether token is sess's CSRF token.
func (s *Sessions) CheckCSRF(sess *Session, token string) bool {
	if sess == nil || token == "" {
		return false
	}
	got, err := base64.RawURLEncoding.DecodeString(token)
	return err == nil && hmac.Equal(got, s.mac("csrf", sess.ID))
}

// SafeNext returns next when it is a same-origin path (starts with "/", not
// "//" or "/\", no backslash or control character anywhere, as browsers
// would read those as another host), and def otherwise.
func SafeNext(next, def string) string {
	if len(next) == 0 || next[0] != '/' || len(next) > 2048 {
		return def
	}
	if len(next) > 1 && (next[1] == '/' || next[1] == '\\') {
		return def
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c < 0x20 || c == 0x7f || c == '\\' {
			return def
		}
	}
	return next
}
