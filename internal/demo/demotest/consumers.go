package demotest

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo"
)

// AsUser sends a request of the /consumers API as u, with HTTP Basic.
func (c *Client) AsUser(u demo.User, method, path string, form url.Values) *Response {
	c.t.Helper()
	req := c.NewRequest(method, path, form)
	req.SetBasicAuth(u.Name, u.Password)
	return c.Do(req)
}

// listedKeys returns the keys GET /consumers lists for u, and fails the
// test when it does not answer 200 or shows a secret.
func listedKeys(t *testing.T, c *Client, u demo.User, secrets ...string) []string {
	t.Helper()
	r := c.AsUser(u, http.MethodGet, "/consumers", nil)
	if r.Status != http.StatusOK {
		t.Fatalf("GET /consumers as %s: %d %s", u.Name, r.Status, r.Body)
	}
	noSecret(t, "GET /consumers", r.Body, secrets...)
	var list demo.ConsumerListJSON
	r.JSON(t, &list)
	keys := []string{}
	for _, c := range list.Consumers {
		keys = append(keys, c.Key)
	}
	return keys
}

// noSecret fails t when body holds one of secrets.
func noSecret(t *testing.T, what, body string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(body, s) {
			t.Errorf("%s shows a secret: %s", what, body)
		}
	}
	if strings.Contains(body, `"secret"`) {
		t.Errorf("%s has a secret field: %s", what, body)
	}
}

var secretRE = regexp.MustCompile(`id="consumer-secret">([^<]+)<`)

// stepOwnConsumers: a user lists, reads, rotates and deletes the consumers
// they registered, as JSON (HTTP Basic or a session with its CSRF token)
// and on /account/consumers; another user's consumer is 404 everywhere and
// stays as it was; no answer but the new secret's shows a secret. A new
// secret takes over at once (the old one is signature_invalid), and a
// deleted consumer's key is consumer_key_unknown, with its token too.
func stepOwnConsumers(t *testing.T, s *scenario) {
	c := s.anon
	cons := c.RegisterConsumer(Alice, url.Values{"name": {"Managed"}, "callback_url": {CallbackURL}})
	other := c.RegisterConsumer(Alice, url.Values{"name": {"Kept"}})
	bobs := c.RegisterConsumer(Bob, url.Values{"name": {"Bob's"}})
	s.secret(cons.Secret, other.Secret, bobs.Secret)
	at := s.authorize(t, cons, CallbackURL, "")
	me := func(cons Consumer) *Response {
		return c.Signed(Signer(cons, at.Token, at.Secret), http.MethodGet, "/api/me", nil)
	}
	bobsWork := func(t *testing.T) {
		t.Helper()
		if r := c.Signed(Signer(bobs, "", ""), http.MethodGet, "/api/ping", nil); r.Status != http.StatusOK {
			t.Errorf("Bob's consumer: %d %s", r.Status, r.Body)
		}
	}

	t.Run("list", func(t *testing.T) {
		keys := listedKeys(t, c, Alice, cons.Secret, other.Secret, bobs.Secret)
		if !slices.Contains(keys, cons.Key) || !slices.Contains(keys, other.Key) || slices.Contains(keys, bobs.Key) {
			t.Errorf("Alice's list %v, want %s and %s, not Bob's %s", keys, cons.Key, other.Key, bobs.Key)
		}
		if keys := listedKeys(t, c, Bob); !slices.Contains(keys, bobs.Key) || slices.Contains(keys, cons.Key) {
			t.Errorf("Bob's list %v, want %s only of these", keys, bobs.Key)
		}
		if r := c.Get("/consumers"); r.Status != http.StatusUnauthorized || !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic ") {
			t.Errorf("GET /consumers without credentials: %d %v", r.Status, r.Header)
		}
		r := s.alice.Get("/consumers") // the session
		if r.Status != http.StatusOK || !strings.Contains(r.Body, cons.Key) {
			t.Errorf("GET /consumers with a session: %d %s", r.Status, r.Body)
		}
	})
	t.Run("get", func(t *testing.T) {
		r := c.AsUser(Alice, http.MethodGet, "/consumers/"+cons.Key, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("GET /consumers/KEY: %d %s", r.Status, r.Body)
		}
		var info demo.ConsumerInfoJSON
		if r.JSON(t, &info); info.Key != cons.Key || info.Name != "Managed" || info.CallbackURL != CallbackURL || info.CreatedAt.IsZero() {
			t.Errorf("GET /consumers/KEY = %s", r.Body)
		}
		noSecret(t, "GET /consumers/KEY", r.Body, cons.Secret)
		for name, path := range map[string]string{
			"another user's": "/consumers/" + bobs.Key, "unknown": "/consumers/no-such-consumer",
			"not UTF-8": "/consumers/%FF", "control character": "/consumers/a%01b",
		} {
			if r := c.AsUser(Alice, http.MethodGet, path, nil); r.Status != http.StatusNotFound || !strings.Contains(r.Body, `"error"`) {
				t.Errorf("GET %s (%s): %d %s, want 404 JSON", path, name, r.Status, r.Body)
			}
		}
	})
	t.Run("rotate refused", func(t *testing.T) {
		csrf := CSRF(s.alice.Get("/account/consumers").Body)
		cross := c.NewRequest(http.MethodPost, "/consumers/"+cons.Key+"/rotate", url.Values{})
		cross.SetBasicAuth(Alice.Name, Alice.Password)
		cross.Header.Set("Sec-Fetch-Site", "cross-site")
		tests := []struct {
			name   string
			do     func() *Response
			status int
		}{
			{"Bob rotates Alice's", func() *Response {
				return c.AsUser(Bob, http.MethodPost, "/consumers/"+cons.Key+"/rotate", url.Values{})
			}, http.StatusNotFound},
			{"no credentials", func() *Response { return c.PostForm("/consumers/"+cons.Key+"/rotate", url.Values{}) }, http.StatusUnauthorized},
			{"cross-site", func() *Response { return c.Do(cross) }, http.StatusForbidden},
			{"session without csrf_token", func() *Response {
				return s.alice.PostForm("/consumers/"+cons.Key+"/rotate", url.Values{})
			}, http.StatusForbidden},
			{"session, forged csrf_token", func() *Response {
				return s.alice.PostForm("/consumers/"+cons.Key+"/rotate", url.Values{"csrf_token": {"forged"}})
			}, http.StatusForbidden},
			{"page, Bob's consumer", func() *Response {
				return s.alice.PostForm("/account/consumers/rotate", url.Values{"consumer_key": {bobs.Key}, "csrf_token": {csrf}})
			}, http.StatusNotFound},
			{"page, no csrf_token", func() *Response {
				return s.alice.PostForm("/account/consumers/rotate", url.Values{"consumer_key": {cons.Key}})
			}, http.StatusForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if r := tt.do(); r.Status != tt.status {
					t.Errorf("%d %s, want %d", r.Status, r.Body, tt.status)
				}
			})
		}
		if r := me(cons); r.Status != http.StatusOK {
			t.Errorf("GET /api/me after refused rotations: %d %s", r.Status, r.Body)
		}
		bobsWork(t)
	})
	t.Run("rotate", func(t *testing.T) {
		r := c.AsUser(Alice, http.MethodPost, "/consumers/"+cons.Key+"/rotate", url.Values{})
		if r.Status != http.StatusOK {
			t.Fatalf("POST /consumers/KEY/rotate: %d %s", r.Status, r.Body)
		}
		var got Consumer
		if r.JSON(t, &got); got.Key != cons.Key || got.Secret == "" || got.Secret == cons.Secret || got.Name != "Managed" {
			t.Fatalf("POST /consumers/KEY/rotate = %s", r.Body)
		}
		s.secret(got.Secret)
		if r := me(cons); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemSignatureInvalid {
			t.Errorf("old secret after rotating: %d %s, want 401 signature_invalid", r.Status, r.Body)
		}
		if r := me(got); r.Status != http.StatusOK {
			t.Errorf("new secret: %d %s", r.Status, r.Body)
		}
		// With the session and its CSRF token, as the page's script would.
		csrf := CSRF(s.alice.Get("/account/consumers").Body)
		req := s.alice.NewRequest(http.MethodPost, "/consumers/"+cons.Key+"/rotate", nil)
		req.Header.Set("X-CSRF-Token", csrf)
		r = s.alice.Do(req)
		if r.Status != http.StatusOK {
			t.Fatalf("rotate with a session and X-CSRF-Token: %d %s", r.Status, r.Body)
		}
		var again Consumer
		if r.JSON(t, &again); again.Secret == "" || again.Secret == got.Secret {
			t.Fatalf("rotate with a session and X-CSRF-Token = %s", r.Body)
		}
		s.secret(again.Secret)
		// On the page: the new secret is shown once, and works.
		page := s.alice.PostForm("/account/consumers/rotate", url.Values{"consumer_key": {cons.Key}, "csrf_token": {csrf}})
		m := secretRE.FindStringSubmatch(page.Body)
		if page.Status != http.StatusOK || m == nil || m[1] == again.Secret {
			t.Fatalf("rotate on the page: %d %s", page.Status, page.Body)
		}
		checkPageHeaders(t, page)
		if cc := page.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("new secret page Cache-Control = %q, want no-store", cc)
		}
		s.secret(m[1])
		cons.Secret = m[1]
		if r := me(cons); r.Status != http.StatusOK {
			t.Errorf("the page's new secret: %d %s", r.Status, r.Body)
		}
		if p := s.alice.Get("/account/consumers"); strings.Contains(p.Body, m[1]) {
			t.Errorf("the consumers page shows the secret")
		}
		bobsWork(t)
	})
	t.Run("page", func(t *testing.T) {
		if r := s.anon.Get("/account/consumers"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Faccount%2Fconsumers" {
			t.Errorf("logged out: %d Location %q, want 303 to the login form", r.Status, r.Header.Get("Location"))
		}
		page := s.alice.Get("/account/consumers")
		if page.Status != http.StatusOK {
			t.Fatalf("GET /account/consumers: %d %s", page.Status, page.Body)
		}
		checkPageHeaders(t, page)
		for _, want := range []string{"Managed", cons.Key, "Kept", other.Key, CallbackURL} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("consumers page lacks %q", want)
			}
		}
		for _, bad := range []string{bobs.Key, cons.Secret, other.Secret} {
			if strings.Contains(page.Body, bad) {
				t.Errorf("consumers page shows %q", bad)
			}
		}
	})
	t.Run("delete", func(t *testing.T) {
		csrf := CSRF(s.alice.Get("/account/consumers").Body)
		refused := []struct {
			name   string
			do     func() *Response
			status int
		}{
			{"Bob deletes Alice's", func() *Response { return c.AsUser(Bob, http.MethodDelete, "/consumers/"+cons.Key, nil) }, http.StatusNotFound},
			{"session without X-CSRF-Token", func() *Response {
				return s.alice.Do(s.alice.NewRequest(http.MethodDelete, "/consumers/"+cons.Key, nil))
			}, http.StatusForbidden},
			{"page, Bob's consumer", func() *Response {
				return s.alice.PostForm("/account/consumers/delete", url.Values{"consumer_key": {bobs.Key}, "csrf_token": {csrf}})
			}, http.StatusNotFound},
			{"page, no consumer_key", func() *Response {
				return s.alice.PostForm("/account/consumers/delete", url.Values{"csrf_token": {csrf}})
			}, http.StatusBadRequest},
			{"page, no session", func() *Response {
				return NewClient(t, s.env.URL).PostForm("/account/consumers/delete", url.Values{"consumer_key": {cons.Key}, "csrf_token": {csrf}})
			}, http.StatusUnauthorized},
		}
		for _, tt := range refused {
			t.Run(tt.name, func(t *testing.T) {
				if r := tt.do(); r.Status != tt.status {
					t.Errorf("%d %s, want %d", r.Status, r.Body, tt.status)
				}
			})
		}
		if r := me(cons); r.Status != http.StatusOK {
			t.Fatalf("GET /api/me after refused deletions: %d %s", r.Status, r.Body)
		}
		bobsWork(t)

		if r := c.AsUser(Alice, http.MethodDelete, "/consumers/"+cons.Key, nil); r.Status != http.StatusNoContent || r.Body != "" {
			t.Fatalf("DELETE /consumers/KEY: %d %q, want 204", r.Status, r.Body)
		}
		if r := me(cons); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemConsumerKeyUnknown {
			t.Errorf("its access token after deleting: %d %s, want 401 consumer_key_unknown", r.Status, r.Body)
		}
		if r := c.Signed(Signer(cons, "", ""), http.MethodGet, "/api/ping", nil); r.Problem() != core.ProblemConsumerKeyUnknown {
			t.Errorf("two-legged after deleting: %d %s, want 401 consumer_key_unknown", r.Status, r.Body)
		}
		for _, m := range []string{http.MethodGet, http.MethodDelete} {
			if r := c.AsUser(Alice, m, "/consumers/"+cons.Key, nil); r.Status != http.StatusNotFound {
				t.Errorf("%s /consumers/KEY after deleting: %d, want 404", m, r.Status)
			}
		}
		if keys := listedKeys(t, c, Alice); slices.Contains(keys, cons.Key) || !slices.Contains(keys, other.Key) {
			t.Errorf("Alice's list after deleting %s: %v", cons.Key, keys)
		}

		// On the page, with a confirmation shown once.
		r := s.alice.PostForm("/account/consumers/delete", url.Values{"consumer_key": {other.Key}, "csrf_token": {csrf}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/account/consumers" {
			t.Fatalf("delete on the page: %d %v %s", r.Status, r.Header, r.Body)
		}
		page := s.alice.Get("/account/consumers")
		if !strings.Contains(page.Body, `id="flash"`) || !strings.Contains(page.Body, "You deleted Kept") || strings.Contains(page.Body, other.Key) {
			t.Errorf("consumers page after deleting: %s", page.Body)
		}
		if page := s.alice.Get("/account/consumers"); strings.Contains(page.Body, `id="flash"`) {
			t.Errorf("the confirmation is shown twice")
		}
		if r := c.Signed(Signer(other, "", ""), http.MethodGet, "/api/ping", nil); r.Problem() != core.ProblemConsumerKeyUnknown {
			t.Errorf("deleted on the page, two-legged: %d %s, want 401 consumer_key_unknown", r.Status, r.Body)
		}
		bobsWork(t)
	})
}

// SharedConsumers starts two instances of the service on the database of
// cfg: a consumer's new secret, made on the first, is the only one the
// second accepts from the very next request, and a consumer deleted on
// the first is unknown to the second at once, however often the second
// has verified their requests before.
func SharedConsumers(t *testing.T, cfg demo.Config, newRouter func(*demo.App) http.Handler) {
	t.Run("consumers on another instance", func(t *testing.T) {
		a, b := Start(t, cfg, newRouter), Start(t, cfg, newRouter)
		onA, onB := NewClient(t, a.URL), NewClient(t, b.URL)
		rotated := onA.RegisterConsumer(Alice, url.Values{"name": {"Rotated Elsewhere"}})
		deleted := onA.RegisterConsumer(Alice, url.Values{"name": {"Deleted Elsewhere"}})
		ping := func(cons Consumer) *Response {
			return onB.Signed(Signer(cons, "", ""), http.MethodGet, "/api/ping", nil)
		}
		for i := range 3 { // the later ones may come from what b keeps
			for _, cons := range []Consumer{rotated, deleted} {
				if r := ping(cons); r.Status != http.StatusOK {
					t.Fatalf("GET /api/ping on b as %s, #%d: %d %s", cons.Name, i+1, r.Status, r.Body)
				}
			}
		}
		r := onA.AsUser(Alice, http.MethodPost, "/consumers/"+rotated.Key+"/rotate", url.Values{})
		if r.Status != http.StatusOK {
			t.Fatalf("rotate on a: %d %s", r.Status, r.Body)
		}
		var renewed Consumer
		r.JSON(t, &renewed)
		for i := range 2 {
			if r := ping(rotated); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemSignatureInvalid {
				t.Errorf("old secret on b after rotating on a, #%d: %d %s, want 401 signature_invalid", i+1, r.Status, r.Body)
			}
			if r := ping(renewed); r.Status != http.StatusOK {
				t.Errorf("new secret on b, #%d: %d %s", i+1, r.Status, r.Body)
			}
		}
		if r := onA.AsUser(Alice, http.MethodDelete, "/consumers/"+deleted.Key, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete on a: %d %s", r.Status, r.Body)
		}
		for i := range 2 {
			if r := ping(deleted); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemConsumerKeyUnknown {
				t.Errorf("deleted consumer on b, #%d: %d %s, want 401 consumer_key_unknown", i+1, r.Status, r.Body)
			}
		}
	})
}
