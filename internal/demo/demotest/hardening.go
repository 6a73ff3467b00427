package demotest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/internal/demo"
)

// rsa512PEM is a 512-bit RSA public key, too small to register.
const rsa512PEM = `-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMvevxxWF6jdU/o3vrikHclhRYp5Ygwl
LgF/JQzM5u6F1ov7abIr/XacWRuYatn+c0cC4bkLUe4BVm2EG9NwgJUCAwEAAQ==
-----END PUBLIC KEY-----
`

// stepHardening checks what an outside review found open: unsigned note
// bodies, cross-site registration with Basic credentials, weak RSA keys,
// and protocol values that must be refused before any store sees them.
func stepHardening(t *testing.T, s *scenario) {
	write := s.authorize(t, s.web, CallbackURL, "write")
	t.Run("notes from an unsigned body", func(t *testing.T) {
		var mp bytes.Buffer
		mw := multipart.NewWriter(&mp)
		must(t, mw.WriteField("text", "changed on the way"), "multipart")
		must(t, mw.Close(), "multipart")
		for _, body := range []struct{ contentType, body string }{
			{mw.FormDataContentType(), mp.String()},
			{"application/json", `{"text":"changed on the way"}`},
			{"text/plain", "text=changed on the way"},
		} {
			req := s.anon.NewRequest(http.MethodPost, "/api/notes", nil)
			req.Body, req.ContentLength = io.NopCloser(strings.NewReader(body.body)), int64(len(body.body))
			req.Header.Set("Content-Type", body.contentType)
			must(t, Signer(s.web, write.Token, write.Secret).Sign(req), "sign")
			r := s.anon.Do(req)
			if r.Status != http.StatusUnsupportedMediaType && r.Status != http.StatusBadRequest {
				t.Errorf("%s body: %d %s, want 415 or 400", body.contentType, r.Status, r.Body)
			}
			if strings.Contains(r.Body, "changed on the way") {
				t.Errorf("%s body: the unsigned text was taken: %s", body.contentType, r.Body)
			}
		}
	})
	t.Run("cross-site registration", func(t *testing.T) {
		for _, who := range []string{"basic", "session"} {
			c := s.anon
			if who == "session" {
				c = s.alice
			}
			req := c.NewRequest(http.MethodPost, "/consumers", url.Values{"name": {"Forged"}})
			if who == "basic" {
				req.SetBasicAuth(Alice.Name, Alice.Password)
			}
			req.Header.Set("Origin", "https://evil.example")
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			if r := c.Do(req); r.Status != http.StatusForbidden {
				t.Errorf("%s: cross-site POST /consumers = %d %s, want 403", who, r.Status, r.Body)
			}
		}
	})
	t.Run("weak RSA key", func(t *testing.T) {
		req := s.anon.NewRequest(http.MethodPost, "/consumers", url.Values{"name": {"Weak"}, "rsa_public_key": {rsa512PEM}})
		req.SetBasicAuth(Alice.Name, Alice.Password)
		if r := s.anon.Do(req); r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "2048") {
			t.Errorf("512-bit key: %d %s, want 400 naming 2048 bits", r.Status, r.Body)
		}
	})
	t.Run("protocol values", func(t *testing.T) {
		for _, tc := range []struct {
			name       string
			key, nonce string
			status     int
			problem    string
			version    string
		}{
			{name: "invalid UTF-8 consumer key", key: "\xff", status: 400, problem: core.ProblemParameterRejected},
			{name: "NUL in the consumer key", key: "k\x00", status: 400, problem: core.ProblemParameterRejected},
			{name: "invalid UTF-8 nonce", nonce: "n\xff", status: 400, problem: core.ProblemParameterRejected},
			{name: "NUL in the nonce", nonce: "n\x00", status: 400, problem: core.ProblemParameterRejected},
			{name: "nonce of 257 bytes", nonce: strings.Repeat("n", 257), status: 400, problem: core.ProblemParameterRejected},
			{name: "nonce of 256 bytes", nonce: strings.Repeat("n", 255) + "x", status: 200},
			{name: "non-ASCII nonce", nonce: "nonce-é-日本", status: 200},
			{name: "oauth_version 1.0a", version: "1.0a", status: 200},
		} {
			t.Run(tc.name, func(t *testing.T) {
				sg := Signer(s.web, "", "")
				if tc.key != "" {
					sg.ConsumerKey = tc.key
				}
				if tc.nonce != "" {
					sg.Nonce = func() string { return tc.nonce }
				}
				var extra []oauthtest.Param
				if tc.version != "" {
					sg.OmitVersion = true
					extra = append(extra, oauthtest.Param{Key: "oauth_version", Value: tc.version})
				}
				r := s.anon.Signed(sg, http.MethodGet, "/api/ping", nil, extra...)
				if r.Status != tc.status || (tc.problem != "" && r.Problem() != tc.problem) {
					t.Errorf("%d %s, want %d %s", r.Status, r.Body, tc.status, tc.problem)
				}
			})
		}
	})
}

// stepThrottle: repeated wrong passwords for one user name slow that name
// down (429 with Retry-After, on the login form and on HTTP Basic alike),
// even with the right password, while another user still logs in.
func stepThrottle(t *testing.T, s *scenario) {
	c := NewClient(t, s.env.URL)
	wrong := demo.User{Name: Bob.Name, Password: "not-" + Bob.Password}
	for i := range demo.FreeUserFailures {
		if r := c.Login(wrong, "/"); r.Status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d, want 401", i+1, r.Status)
		}
	}
	r := c.Login(Bob, "/")
	if r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("login after %d failures: %d, Retry-After %q; want 429 with Retry-After", demo.FreeUserFailures, r.Status, r.Header.Get("Retry-After"))
	}
	req := c.NewRequest(http.MethodPost, "/consumers", url.Values{"name": {"x"}})
	req.SetBasicAuth(Bob.Name, Bob.Password)
	if r := c.Do(req); r.Status != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
		t.Errorf("Basic after the failures: %d, Retry-After %q; want 429", r.Status, r.Header.Get("Retry-After"))
	}
	if r := NewClient(t, s.env.URL).Login(Alice, "/"); r.Status != http.StatusSeeOther {
		t.Errorf("another user's login: %d, want 303", r.Status)
	}
}
