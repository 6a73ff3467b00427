package demotest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/tcpproxy"
)

// OutageStoreTimeout is the store deadline of the service Outage runs:
// short, so that the stalled database costs the test little.
const OutageStoreTimeout = time.Second

// Outage runs the database outage scenario against newRouter, on the SQL
// database of databaseURL (made for this test, see PostgresURL and
// MySQLURL), which the service reaches through a tcpproxy.Proxy:
//
//   - before: a consumer, an access token, and a request token approved
//     but not yet exchanged;
//   - stalled (the database stops answering) and cut (its connections
//     dropped, new ones refused): every request that needs the database
//     is answered 5xx within the deadline (Client fails the test after
//     ClientTimeout), never 401 or 200, a logout included; the causes
//     are logged at level ERROR, with method and path and no secret;
//     /readyz is 503 with a short reason; /healthz stays 200;
//   - restored: /readyz turns 200 again, the access token works, the
//     request token is exchanged, and the session the failed logout did
//     not end still works: nothing was lost.
func Outage(t *testing.T, databaseURL string, newRouter func(*demo.App) http.Handler) {
	u, err := url.Parse(databaseURL)
	must(t, err, "database URL")
	proxy := tcpproxy.Start(t, u.Host)
	u.Host = proxy.Addr()
	cfg := Config(u.String())
	cfg.StoreTimeout = OutageStoreTimeout
	env := Start(t, cfg, newRouter)
	s := &scenario{env: env, anon: NewClient(t, env.URL), alice: NewClient(t, env.URL)}
	if r := s.alice.Login(Alice, "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	cons := s.anon.RegisterConsumer(Alice, url.Values{"name": {"Outage"}})
	s.secret(cons.Secret, Alice.Password, Bob.Password)
	at := s.authorize(t, cons, core.OOB, "")
	rt := s.anon.RequestToken(cons, core.OOB, "")
	verifier := VerifierFrom(s.alice.Decide(rt.Token, "approve").Body)
	if verifier == "" {
		t.Fatal("approve: no verifier")
	}
	s.secret(rt.Secret, verifier)
	pending := s.anon.RequestToken(cons, core.OOB, "") // for the consent page
	csrf := CSRF(s.alice.Get("/account/apps").Body)    // for a logout

	down := func(t *testing.T) {
		since := len(env.Logs.String())
		oauth := []struct {
			name string
			do   func() *Response
		}{
			{"GET /api/me", func() *Response { return s.anon.Signed(Signer(cons, at.Token, at.Secret), "GET", "/api/me", nil) }},
			{"GET /api/ping", func() *Response { return s.anon.Signed(Signer(cons, "", ""), "GET", "/api/ping", nil) }},
			{"POST /oauth/request_token", func() *Response {
				return s.anon.Signed(Signer(cons, "", ""), "POST", "/oauth/request_token", nil, oauthtest.Param{Key: "oauth_callback", Value: core.OOB})
			}},
			{"POST /oauth/access_token", func() *Response { return s.anon.Exchange(cons, rt, verifier) }},
		}
		for _, c := range oauth {
			if r := c.do(); r.Status != http.StatusInternalServerError && r.Status != http.StatusServiceUnavailable {
				t.Errorf("%s: %d %s, want 500 or 503", c.name, r.Status, r.Body)
			} else if p := r.Problem(); p != core.ProblemServerError && p != core.ProblemTemporarilyUnavailable {
				t.Errorf("%s: body %q, want a generic problem", c.name, r.Body)
			}
		}
		pages := []struct {
			name string
			do   func() *Response
		}{
			{"GET /oauth/authorize", func() *Response { return s.alice.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(pending.Token)) }},
			{"GET /account/apps", func() *Response { return s.alice.Get("/account/apps") }},
			// A logout that cannot end the session says so.
			{"POST /logout", func() *Response { return s.alice.PostForm("/logout", url.Values{"csrf_token": {csrf}}) }},
			{"POST /consumers", func() *Response {
				req := s.anon.NewRequest("POST", "/consumers", url.Values{"name": {"During the outage"}})
				req.SetBasicAuth(Alice.Name, Alice.Password)
				return s.anon.Do(req)
			}},
		}
		for _, c := range pages {
			if r := c.do(); r.Status != http.StatusInternalServerError {
				t.Errorf("%s: %d, want 500", c.name, r.Status)
			}
		}
		r := s.anon.Get("/readyz")
		if r.Status != http.StatusServiceUnavailable || r.Body == "" || len(r.Body) > 60 ||
			strings.Contains(r.Body, proxy.Addr()) || strings.Contains(r.Body, "@") {
			t.Errorf("GET /readyz: %d %q, want 503 with a short reason", r.Status, r.Body)
		}
		if r := s.anon.Get("/healthz"); r.Status != http.StatusOK {
			t.Errorf("GET /healthz: %d, want 200 (liveness)", r.Status)
		}
		logged := serverErrorPaths(t, env.Logs.String()[since:])
		for _, want := range []string{"/api/me", "/api/ping", "/oauth/request_token", "/oauth/access_token", "/oauth/authorize", "/account/apps", "/logout"} {
			if !slices.Contains(logged, want) {
				t.Errorf("no cause logged for %s; logged for %v", want, logged)
			}
		}
	}

	t.Run("stalled", func(t *testing.T) {
		proxy.Stall()
		down(t)
		r := s.anon.Signed(Signer(cons, at.Token, at.Secret), "GET", "/api/me", nil)
		if r.Status != http.StatusServiceUnavailable || r.Problem() != core.ProblemTemporarilyUnavailable {
			t.Errorf("GET /api/me on a stalled database: %d %s, want 503 temporarily_unavailable", r.Status, r.Body)
		}
	})
	t.Run("cut", func(t *testing.T) {
		proxy.Cut()
		down(t)
	})
	t.Run("restored", func(t *testing.T) {
		must(t, proxy.Restore(), "restore the proxy")
		deadline := time.Now().Add(ClientTimeout)
		for r := s.anon.Get("/readyz"); r.Status != http.StatusOK || r.Body != "ok"; r = s.anon.Get("/readyz") {
			if time.Now().After(deadline) {
				t.Fatalf("GET /readyz after the database returned: %d %q", r.Status, r.Body)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if r := s.anon.Signed(Signer(cons, at.Token, at.Secret), "GET", "/api/me", nil); r.Status != http.StatusOK {
			t.Errorf("access token from before the outage: %d %s", r.Status, r.Body)
		}
		if r := s.alice.Get("/account/apps"); r.Status != http.StatusOK {
			t.Errorf("session after the logout the outage refused: GET /account/apps = %d, want 200", r.Status)
		}
		x := s.anon.Exchange(cons, rt, verifier)
		if x.Status != http.StatusOK {
			t.Fatalf("request token approved before the outage: %d %s", x.Status, x.Body)
		}
		v := x.Form(t)
		s.secret(v.Get("oauth_token"), v.Get("oauth_token_secret"))
		if r := s.anon.Signed(Signer(cons, v.Get("oauth_token"), v.Get("oauth_token_secret")), "GET", "/api/me", nil); r.Status != http.StatusOK {
			t.Errorf("access token exchanged after the outage: %d %s", r.Status, r.Body)
		}
	})
	t.Run("logs", func(t *testing.T) {
		logs := env.Logs.String()
		for _, bad := range append(s.secrets, "oauth_signature", "Authorization", u.String()) {
			if bad != "" && strings.Contains(logs, bad) {
				t.Errorf("log holds %q", bad)
			}
		}
	})
}

// serverErrorPaths returns the paths of the error records of a JSON log
// that have a method and a cause: the provider's "oauth server error" and
// the pages' own (a failed session check, say).
func serverErrorPaths(t *testing.T, logs string) []string {
	t.Helper()
	var paths []string
	for line := range strings.Lines(logs) {
		var rec struct{ Level, Method, Path, Err string }
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec.Level == "ERROR" && rec.Method != "" && rec.Err != "" {
			paths = append(paths, rec.Path)
		}
	}
	return paths
}
