package demo

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type fakeClock struct{ now time.Time }

func (c *fakeClock) Now() time.Time { return c.now }

func TestSafeNext(t *testing.T) {
	tests := []struct {
		next string
		safe bool
	}{
		{"/", true},
		{"/account/apps", true},
		{"/oauth/authorize?oauth_token=a%2Fb", true},
		{"/a//b", true},
		{"", false},
		{"account", false},
		{"//evil.example", false},
		{`/\evil.example`, false},
		{`/a\b`, false},
		{"https://evil.example/", false},
		{"javascript:alert(1)", false},
		{"/\t/evil.example", false},
		{"/\n/evil.example", false},
		{"/" + strings.Repeat("a", 3000), false},
	}
	for _, tt := range tests {
		got := SafeNext(tt.next, "DEF")
		if (got == tt.next) != tt.safe || (!tt.safe && got != "DEF") {
			t.Errorf("SafeNext(%q) = %q, safe %v", tt.next, got, tt.safe)
		}
	}
}

func TestSessions(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_700_000_000, 0)}
	s, err := NewSessions(bytes.Repeat([]byte{1}, 32), time.Hour, clock, nil)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := NewSessions(bytes.Repeat([]byte{2}, 32), time.Hour, clock, nil)

	rec := httptest.NewRecorder()
	sess, err := s.Start(rec, httptest.NewRequest(http.MethodGet, "/", nil), "alice", 7)
	if err != nil {
		t.Fatal(err)
	}
	cookie := rec.Result().Cookies()[0]
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure || cookie.MaxAge != 3600 {
		t.Errorf("cookie %+v", cookie)
	}
	req := func(value string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: value})
		return r
	}
	got, ok := s.Get(req(cookie.Value))
	if !ok || *got != *sess || got.User != "alice" || got.Generation != 7 {
		t.Fatalf("Get = %+v %v, want %+v", got, ok, sess)
	}
	payload, sig, _ := strings.Cut(cookie.Value, ".")
	bob := base64.RawURLEncoding.EncodeToString([]byte(`{"id":"` + sess.ID + `","user":"bob","exp":9999999999}`))
	forged := bob + "." + sig
	for name, v := range map[string]string{"forged": forged, "no signature": payload, "empty": "", "junk": "a.b.c"} {
		if _, ok := s.Get(req(v)); ok {
			t.Errorf("%s cookie accepted", name)
		}
	}
	if payload == bob {
		t.Fatal("forged payload equals the real one")
	}
	if _, ok := other.Get(req(cookie.Value)); ok {
		t.Error("cookie accepted under another key")
	}
	token := s.CSRFToken(sess)
	if !s.CheckCSRF(sess, token) || s.CheckCSRF(sess, "") || s.CheckCSRF(nil, token) || s.CheckCSRF(sess, token+"x") {
		t.Error("CheckCSRF")
	}
	if s.CheckCSRF(&Session{ID: "other"}, token) || other.CheckCSRF(sess, token) {
		t.Error("CSRF token valid for another session or key")
	}
	clock.now = clock.now.Add(time.Hour)
	if _, ok := s.Get(req(cookie.Value)); ok {
		t.Error("expired session accepted")
	}

	rec = httptest.NewRecorder()
	tlsReq := httptest.NewRequest(http.MethodGet, "https://example.com/", nil)
	s.Clear(rec, tlsReq)
	if c := rec.Result().Cookies()[0]; c.MaxAge >= 0 || c.Value != "" || !c.Secure {
		t.Errorf("cleared cookie %+v", c)
	}
	if _, err := NewSessions(make([]byte, 16), time.Hour, nil, nil); err == nil {
		t.Error("short key accepted")
	}
}

// TestSessionCookieSecure checks the Secure flag: set for a client on TLS,
// directly or (with Origin) through a trusted proxy, and never from a header
// alone.
func TestSessionCookieSecure(t *testing.T) {
	s, err := NewSessions(bytes.Repeat([]byte{1}, 32), time.Hour, &fakeClock{now: time.Unix(1_700_000_000, 0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	behindProxy := func(r *http.Request) (string, string) {
		if r.RemoteAddr == "10.0.0.1:1" && r.Header.Get("X-Forwarded-Proto") == "https" {
			return "https", r.Host
		}
		return "http", r.Host
	}
	req := func(target, remote, proto string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, target, nil)
		r.RemoteAddr = remote
		if proto != "" {
			r.Header.Set("X-Forwarded-Proto", proto)
		}
		return r
	}
	tests := []struct {
		name   string
		origin func(*http.Request) (string, string)
		r      *http.Request
		secure bool
	}{
		{"plain http", nil, req("http://a.example/", "192.0.2.1:1", ""), false},
		{"direct TLS", nil, req("https://a.example/", "192.0.2.1:1", ""), true},
		{"header without Origin", nil, req("http://a.example/", "10.0.0.1:1", "https"), false},
		{"trusted proxy on TLS", behindProxy, req("http://a.example/", "10.0.0.1:1", "https"), true},
		{"untrusted peer's header", behindProxy, req("http://a.example/", "192.0.2.1:1", "https"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Origin = tt.origin
			rec := httptest.NewRecorder()
			if _, err := s.Start(rec, tt.r, "alice", 0); err != nil {
				t.Fatal(err)
			}
			if c := rec.Result().Cookies()[0]; c.Secure != tt.secure {
				t.Errorf("Secure = %v, want %v", c.Secure, tt.secure)
			}
		})
	}
}

// TestSessionGeneration: the generation is signed with the rest of the
// cookie, and a cookie from before generations existed reads as 0.
func TestSessionGeneration(t *testing.T) {
	s, err := NewSessions(bytes.Repeat([]byte{1}, 32), time.Hour, &fakeClock{now: time.Unix(1_700_000_000, 0)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	signed := func(payload string) *http.Request {
		p := base64.RawURLEncoding.EncodeToString([]byte(payload))
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.AddCookie(&http.Cookie{Name: SessionCookie, Value: p + "." + base64.RawURLEncoding.EncodeToString(s.mac("session", p))})
		return r
	}
	tests := []struct {
		name, payload string
		gen           int64
	}{
		{"cookie from before generations", `{"id":"x","user":"alice","exp":9999999999}`, 0},
		{"generation 3", `{"id":"x","user":"alice","gen":3,"exp":9999999999}`, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := s.Get(signed(tt.payload))
			if !ok || got.User != "alice" || got.Generation != tt.gen {
				t.Errorf("Get = %+v %v, want alice at generation %d", got, ok, tt.gen)
			}
		})
	}
	rec := httptest.NewRecorder()
	if _, err := s.Start(rec, httptest.NewRequest(http.MethodGet, "/", nil), "alice", 3); err != nil {
		t.Fatal(err)
	}
	payload, sig, _ := strings.Cut(rec.Result().Cookies()[0].Value, ".")
	raw, _ := base64.RawURLEncoding.DecodeString(payload)
	moved := base64.RawURLEncoding.EncodeToString(bytes.Replace(raw, []byte(`"gen":3`), []byte(`"gen":4`), 1))
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.AddCookie(&http.Cookie{Name: SessionCookie, Value: moved + "." + sig})
	if moved == payload {
		t.Fatal("the generation is not in the payload")
	}
	if _, ok := s.Get(r); ok {
		t.Error("cookie with a changed generation accepted")
	}
}
