package demotest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/internal/demo"
)

// stepLogoutServerSide: POST /logout ends the session on the server. A
// copy of the cookie taken before, with the CSRF token of its pages, opens
// nothing afterwards, and neither does another browser's session of the
// same user; another user's session lives on, and logging in again works.
func stepLogoutServerSide(t *testing.T, s *scenario) {
	logoutEverywhere(t, s.env.URL, s.env.URL, s.oob)
}

// SharedLogout starts two instances of the service on the database of cfg
// (one SESSION_KEY, as replicas behind a load balancer have): a session
// logged out on the first no longer opens any page on the second.
func SharedLogout(t *testing.T, cfg demo.Config, newRouter func(*demo.App) http.Handler) {
	t.Run("logout on another instance", func(t *testing.T) {
		a, b := Start(t, cfg, newRouter), Start(t, cfg, newRouter)
		cons := NewClient(t, a.URL).RegisterConsumer(Alice, url.Values{"name": {"Two Instances"}})
		logoutEverywhere(t, a.URL, b.URL, cons)
	})
}

// logoutEverywhere logs Alice in on the instance at here (and in a second
// browser), copies the cookie, logs out on here, and checks on there that
// the copy and the second browser are refused while Bob stays logged in.
// cons is a registered consumer, for a request token to authorize.
func logoutEverywhere(t *testing.T, here, there string, cons Consumer) {
	c, other, bob := NewClient(t, here), NewClient(t, there), NewClient(t, there)
	for _, l := range []struct {
		c *Client
		u demo.User
	}{{c, Alice}, {other, Alice}, {bob, Bob}} {
		if r := l.c.Login(l.u, "/"); r.Status != http.StatusSeeOther {
			t.Fatalf("login as %s: %d %s", l.u.Name, r.Status, r.Body)
		}
	}
	csrf, otherCSRF := CSRF(c.Get("/account/apps").Body), CSRF(other.Get("/account/apps").Body)
	stolen := copyOf(t, c, there)
	if r := stolen.Get("/account/apps"); r.Status != http.StatusOK || CSRF(r.Body) == "" {
		t.Fatalf("the copied cookie before logout: GET /account/apps = %d, want 200", r.Status)
	}
	if r := c.PostForm("/logout", url.Values{"csrf_token": {csrf}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("logout: %d %v", r.Status, r.Header)
	}
	t.Run("copied cookie", func(t *testing.T) { checkLoggedOut(t, stolen, csrf, cons) })
	t.Run("other browser", func(t *testing.T) { checkLoggedOut(t, other, otherCSRF, cons) })
	t.Run("other user", func(t *testing.T) {
		if r := bob.Get("/account/apps"); r.Status != http.StatusOK {
			t.Errorf("Bob after Alice's logout: GET /account/apps = %d, want 200", r.Status)
		}
	})
	t.Run("login again", func(t *testing.T) {
		c.Login(Alice, "/")
		if r := c.Get("/account/apps"); r.Status != http.StatusOK {
			t.Errorf("GET /account/apps after logging in again: %d, want 200", r.Status)
		}
	})
}

// checkLoggedOut checks that every page answers c, which still sends a
// session cookie, as it answers a client that is not logged in: the login
// form, 303 to it, or 401. csrf is a CSRF token of c's session; a valid
// session would get past the session check with it (and then 403 for a
// wrong one), so 401 here means the session was refused.
func checkLoggedOut(t *testing.T, c *Client, csrf string, cons Consumer) {
	if r := c.Get("/account/apps"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("GET /account/apps = %d Location %q, want 303 to the login form", r.Status, r.Header.Get("Location"))
	}
	for _, x := range []struct {
		path string
		form url.Values
	}{
		{"/consumers", url.Values{"name": {"After Logout"}, "csrf_token": {csrf}}},
		{"/account/apps/revoke", url.Values{"consumer_key": {cons.Key}, "csrf_token": {csrf}}},
		{"/oauth/authorize", url.Values{"oauth_token": {"any"}, "csrf_token": {csrf}, "action": {"approve"}}},
	} {
		if r := c.PostForm(x.path, x.form); r.Status != http.StatusUnauthorized {
			t.Errorf("POST %s = %d %s, want 401", x.path, r.Status, r.Body)
		}
	}
	rt := c.RequestToken(cons, "oob", "")
	if r := c.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Token)); r.Status != http.StatusOK || !strings.Contains(r.Body, `name="password"`) || strings.Contains(r.Body, `id="approve"`) {
		t.Errorf("GET /oauth/authorize = %d, want the login form, not the consent page: %s", r.Status, r.Body)
	}
}

// copyOf returns a new Client for the server at base that sends c's
// session cookie as its own: what someone who copied it would send.
func copyOf(t *testing.T, c *Client, base string) *Client {
	t.Helper()
	from, err := url.Parse(c.base)
	must(t, err, "client URL")
	to, err := url.Parse(base)
	must(t, err, "server URL")
	for _, ck := range c.hc.Jar.Cookies(from) {
		if ck.Name == demo.SessionCookie {
			cp := NewClient(t, base)
			cp.hc.Jar.SetCookies(to, []*http.Cookie{{Name: ck.Name, Value: ck.Value, Path: "/"}})
			return cp
		}
	}
	t.Fatal("the client holds no session cookie")
	return nil
}
