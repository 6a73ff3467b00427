package demotest

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/internal/demo"
)

// CallbackURL is the callback registered by the scenario's web consumer.
// Nothing listens there: redirects are checked, not followed.
const CallbackURL = "http://127.0.0.1:9/callback"

// Run runs the contract scenario against newRouter on SQLite (then a
// second start on the same file, and two instances on it, where a logout
// on one ends the session on the other), on the in-memory store, on
// PostgreSQL and on MySQL/MariaDB (see PostgresURL and MySQLURL: local
// defaults, skipped when unreachable unless CI is set; each with the same
// second start and two instances), and on each of these two the Outage
// scenario;
// then the checks of one setting each: the client address the log shows
// (forged X-Forwarded-For ignored unless the peer is a trusted proxy) and
// ALLOW_PLAINTEXT.
func Run(t *testing.T, newRouter func(*demo.App) http.Handler) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		db := SQLiteURL(t)
		Scenario(t, Start(t, Config(db), newRouter))
		Restart(t, Config(db), newRouter)
		SharedLogout(t, Config(db), newRouter)
		SharedRevoke(t, Config(db), newRouter)
		SharedConsumers(t, Config(db), newRouter)
	})
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		Scenario(t, Start(t, Config("memory"), newRouter))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		db := PostgresURL(t)
		Scenario(t, Start(t, Config(db), newRouter))
		Restart(t, Config(db), newRouter)
		SharedLogout(t, Config(db), newRouter)
		SharedRevoke(t, Config(db), newRouter)
		SharedConsumers(t, Config(db), newRouter)
	})
	t.Run("mysql", func(t *testing.T) {
		t.Parallel()
		db := MySQLURL(t)
		Scenario(t, Start(t, Config(db), newRouter))
		Restart(t, Config(db), newRouter)
		SharedLogout(t, Config(db), newRouter)
		SharedRevoke(t, Config(db), newRouter)
		SharedConsumers(t, Config(db), newRouter)
	})
	t.Run("postgres outage", func(t *testing.T) {
		t.Parallel()
		Outage(t, PostgresURL(t), newRouter)
	})
	t.Run("mysql outage", func(t *testing.T) {
		t.Parallel()
		Outage(t, MySQLURL(t), newRouter)
	})
	t.Run("client_addr", func(t *testing.T) {
		t.Parallel()
		clientAddr(t, newRouter)
	})
	t.Run("expose_base_string", func(t *testing.T) {
		t.Parallel()
		cfg := Config("memory")
		cfg.ExposeBaseString = true
		env := Start(t, cfg, newRouter)
		c := NewClient(t, env.URL)
		cons := c.RegisterConsumer(Alice, url.Values{"name": {"Debug"}})
		s := Signer(cons, "", "")
		s.ConsumerSecret = "wrong"
		r := c.Signed(s, http.MethodGet, "/api/ping", nil)
		base := r.Form(t).Get("oauth_signature_base_string")
		if r.Status != http.StatusUnauthorized || !strings.HasPrefix(base, "GET&http%3A%2F%2F127.0.0.1") || strings.Contains(r.Body, cons.Secret) {
			t.Errorf("EXPOSE_BASE_STRING=1, bad signature: %d %s", r.Status, r.Body)
		}
	})
	t.Run("plaintext", func(t *testing.T) {
		t.Parallel()
		cfg := Config("memory")
		cfg.AllowPlaintext = true
		env := Start(t, cfg, newRouter)
		c := NewClient(t, env.URL)
		cons := c.RegisterConsumer(Alice, url.Values{"name": {"Plain"}})
		s := Signer(cons, "", "")
		s.Method = core.PLAINTEXT
		r := c.Signed(s, http.MethodPost, "/oauth/request_token", nil, oauthtest.Param{Key: "oauth_callback", Value: "oob"})
		if r.Status != http.StatusOK {
			t.Fatalf("PLAINTEXT with ALLOW_PLAINTEXT=1: %d %s", r.Status, r.Body)
		}
	})
}

// scenario is the state the steps of Scenario share.
type scenario struct {
	env *Env
	// anon has no session; alice is logged in as Alice.
	anon, alice *Client
	// web has CallbackURL registered; oob has no callback.
	web, oob Consumer
	// secrets must never show in the log.
	secrets []string
}

func (s *scenario) secret(v ...string) { s.secrets = append(s.secrets, v...) }

// authorize runs the three legs for cons as Alice and returns the access
// token credentials.
func (s *scenario) authorize(t *testing.T, cons Consumer, callback, scope string) Credentials {
	t.Helper()
	rt := s.anon.RequestToken(cons, callback, scope)
	r := s.alice.Decide(rt.Token, "approve")
	var verifier string
	if callback == core.OOB {
		verifier = VerifierFrom(r.Body)
	} else {
		loc, err := url.Parse(r.Header.Get("Location"))
		must(t, err, "Location")
		verifier = loc.Query().Get("oauth_verifier")
	}
	if verifier == "" {
		t.Fatalf("approve: no verifier in %d %v %s", r.Status, r.Header, r.Body)
	}
	x := s.anon.Exchange(cons, rt, verifier)
	if x.Status != http.StatusOK {
		t.Fatalf("access_token: %d %s", x.Status, x.Body)
	}
	v := x.Form(t)
	at := Credentials{v.Get("oauth_token"), v.Get("oauth_token_secret")}
	s.secret(rt.Secret, verifier, at.Token, at.Secret)
	return at
}

var verifierRE = regexp.MustCompile(`id="verifier">([^<]+)<`)

// VerifierFrom returns the verifier shown on the oob page, or "".
func VerifierFrom(page string) string {
	m := verifierRE.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return m[1]
}

// Scenario runs every step of the contract against env.
func Scenario(t *testing.T, env *Env) {
	s := &scenario{env: env, anon: NewClient(t, env.URL), alice: NewClient(t, env.URL)}
	s.web = s.anon.RegisterConsumer(Alice, url.Values{"name": {"Test App"}, "callback_url": {CallbackURL}})
	s.oob = s.anon.RegisterConsumer(Alice, url.Values{"name": {"Terminal App"}})
	s.secret(s.web.Secret, s.oob.Secret, Alice.Password, Bob.Password)
	if r := s.alice.Login(Alice, "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d %s", r.Status, r.Body)
	}
	steps := []struct {
		name string
		run  func(*testing.T, *scenario)
	}{
		{"healthz", stepHealthz},
		{"readyz", stepReadyz},
		{"consumers", stepConsumers},
		{"request_token", stepRequestToken},
		{"authorize_page", stepAuthorizePage},
		{"login", stepLogin},
		{"approve", stepApprove},
		{"api", stepAPI},
		{"hardening", stepHardening},
		{"oob", stepOOB},
		{"deny", stepDeny},
		{"account", stepAccount},
		{"own_consumers", stepOwnConsumers},
		{"logout", stepLogout},
		{"logout_server_side", stepLogoutServerSide},
		{"logs", stepLogs},
		{"throttle", stepThrottle},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) { st.run(t, s) })
	}
}

func stepHealthz(t *testing.T, s *scenario) {
	if r := s.anon.Get("/healthz"); r.Status != http.StatusOK || r.Body != "ok" {
		t.Errorf("GET /healthz = %d %q, want 200 ok", r.Status, r.Body)
	}
	if r := s.anon.Get("/no/such/page"); r.Status != http.StatusNotFound {
		t.Errorf("GET /no/such/page = %d, want 404", r.Status)
	}
}

func stepReadyz(t *testing.T, s *scenario) {
	r := s.anon.Get("/readyz")
	if r.Status != http.StatusOK || r.Body != "ok" {
		t.Errorf("GET /readyz = %d %q, want 200 ok", r.Status, r.Body)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("GET /readyz Cache-Control = %q, want no-store", cc)
	}
}

func stepConsumers(t *testing.T, s *scenario) {
	if s.web.Key == "" || s.web.Secret == "" || s.web.Name != "Test App" || s.web.CallbackURL != CallbackURL {
		t.Errorf("registered consumer = %+v", s.web)
	}
	tests := []struct {
		name   string
		user   *demo.User
		form   url.Values
		status int
	}{
		{"no credentials", nil, url.Values{"name": {"x"}}, http.StatusUnauthorized},
		{"wrong password", &demo.User{Name: "alice", Password: "nope"}, url.Values{"name": {"x"}}, http.StatusUnauthorized},
		{"unknown user", &demo.User{Name: "mallory", Password: "x"}, url.Values{"name": {"x"}}, http.StatusUnauthorized},
		{"no name", &Alice, url.Values{"callback_url": {CallbackURL}}, http.StatusBadRequest},
		{"relative callback", &Alice, url.Values{"name": {"x"}, "callback_url": {"/callback"}}, http.StatusBadRequest},
		{"bad RSA key", &Alice, url.Values{"name": {"x"}, "rsa_public_key": {"not a key"}}, http.StatusBadRequest},
		{"name too long", &Alice, url.Values{"name": {strings.Repeat("x", 201)}}, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := s.anon.NewRequest(http.MethodPost, "/consumers", tt.form)
			if tt.user != nil {
				req.SetBasicAuth(tt.user.Name, tt.user.Password)
			}
			r := s.anon.Do(req)
			if r.Status != tt.status {
				t.Fatalf("status %d %s, want %d", r.Status, r.Body, tt.status)
			}
			var body struct{ Error string }
			r.JSON(t, &body)
			if body.Error == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("body %q (%s), want JSON {\"error\": …}", r.Body, r.Header.Get("Content-Type"))
			}
			if tt.status == http.StatusUnauthorized && !strings.HasPrefix(r.Header.Get("WWW-Authenticate"), "Basic ") {
				t.Errorf("WWW-Authenticate = %q, want Basic", r.Header.Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("session", func(t *testing.T) {
		r := s.alice.PostForm("/consumers", url.Values{"name": {"From the browser"}})
		if r.Status != http.StatusCreated {
			t.Fatalf("POST /consumers with a session: %d %s", r.Status, r.Body)
		}
		var c Consumer
		r.JSON(t, &c)
		s.secret(c.Secret)
		req := s.alice.NewRequest(http.MethodPost, "/consumers", url.Values{"name": {"Cross-site"}})
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if r := s.alice.Do(req); r.Status != http.StatusForbidden {
			t.Errorf("cross-site POST /consumers with a session: %d, want 403", r.Status)
		}
	})
}

func stepRequestToken(t *testing.T, s *scenario) {
	cb := oauthtest.Param{Key: "oauth_callback", Value: CallbackURL}
	for _, m := range []string{core.HMACSHA1, core.HMACSHA256, core.HMACSHA512} {
		t.Run(m, func(t *testing.T) {
			sg := Signer(s.web, "", "")
			sg.Method = m
			r := s.anon.Signed(sg, http.MethodPost, "/oauth/request_token", nil, cb)
			if r.Status != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
				t.Fatalf("%d %s %s", r.Status, r.Header.Get("Content-Type"), r.Body)
			}
			v := r.Form(t)
			if v.Get("oauth_callback_confirmed") != "true" || v.Get("oauth_token") == "" || v.Get("oauth_token_secret") == "" {
				t.Errorf("answer %q", r.Body)
			}
			s.secret(v.Get("oauth_token_secret"))
		})
	}
	wrong := Signer(s.web, "", "")
	wrong.ConsumerSecret = "wrong"
	unknown := Signer(s.web, "", "")
	unknown.ConsumerKey = "no-such-consumer"
	plain := Signer(s.web, "", "")
	plain.Method = core.PLAINTEXT
	tests := []struct {
		name    string
		form    url.Values
		extra   []oauthtest.Param
		status  int
		problem string
	}{
		{"unknown scope", url.Values{"scope": {"read admin"}}, []oauthtest.Param{cb}, http.StatusBadRequest, core.ProblemParameterRejected},
		{"no callback", nil, nil, http.StatusBadRequest, core.ProblemParameterAbsent},
		{"other callback", nil, []oauthtest.Param{{Key: "oauth_callback", Value: "http://127.0.0.1:9/elsewhere"}}, http.StatusBadRequest, core.ProblemParameterRejected},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := s.anon.Signed(Signer(s.web, "", ""), http.MethodPost, "/oauth/request_token", tt.form, tt.extra...)
			if r.Status != tt.status || r.Problem() != tt.problem {
				t.Errorf("%d %s, want %d oauth_problem=%s", r.Status, r.Body, tt.status, tt.problem)
			}
		})
	}
	signers := []struct {
		name    string
		status  int
		problem string
		sign    func() *Response
	}{
		{"bad signature", http.StatusUnauthorized, core.ProblemSignatureInvalid, func() *Response {
			return s.anon.Signed(wrong, http.MethodPost, "/oauth/request_token", nil, cb)
		}},
		{"unknown consumer", http.StatusUnauthorized, core.ProblemConsumerKeyUnknown, func() *Response {
			return s.anon.Signed(unknown, http.MethodPost, "/oauth/request_token", nil, cb)
		}},
		{"PLAINTEXT over HTTP", http.StatusBadRequest, core.ProblemSignatureMethodRejected, func() *Response {
			return s.anon.Signed(plain, http.MethodPost, "/oauth/request_token", nil, cb)
		}},
		{"unsigned", http.StatusBadRequest, core.ProblemParameterAbsent, func() *Response {
			return s.anon.PostForm("/oauth/request_token", url.Values{})
		}},
	}
	for _, tt := range signers {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.sign()
			if r.Status != tt.status || r.Problem() != tt.problem {
				t.Errorf("%d %s, want %d oauth_problem=%s", r.Status, r.Body, tt.status, tt.problem)
			}
			if tt.status == http.StatusUnauthorized && r.Header.Get("WWW-Authenticate") != `OAuth realm="example"` {
				t.Errorf("WWW-Authenticate = %q", r.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

// checkPageHeaders checks the anti-framing headers every page carries.
func checkPageHeaders(t *testing.T, r *Response) {
	t.Helper()
	if r.Header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("X-Frame-Options = %q, want DENY", r.Header.Get("X-Frame-Options"))
	}
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy = %q, want frame-ancestors 'none'", r.Header.Get("Content-Security-Policy"))
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
		t.Errorf("Content-Type = %q", r.Header.Get("Content-Type"))
	}
}

func stepAuthorizePage(t *testing.T, s *scenario) {
	rt := s.anon.RequestToken(s.web, CallbackURL, "")
	t.Run("logged out", func(t *testing.T) {
		r := s.anon.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Token))
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `name="password"`) || CSRF(r.Body) == "" {
			t.Fatalf("%d %s, want the login form with a csrf_token", r.Status, r.Body)
		}
		checkPageHeaders(t, r)
	})
	t.Run("consent", func(t *testing.T) {
		r := s.alice.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Token))
		if r.Status != http.StatusOK {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		checkPageHeaders(t, r)
		for _, want := range []string{"Test App", "Read your profile", "Post notes as you",
			`name="oauth_token" value="` + rt.Token + `"`, `value="approve"`, `value="deny"`} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("consent page lacks %q", want)
			}
		}
		// The consent form, the header's logout form, and "Not you?".
		if n := strings.Count(r.Body, `name="csrf_token"`); n != 3 {
			t.Errorf("%d csrf_token inputs, want 3", n)
		}
		// Clients tell the login form from the consent page by its hidden
		// next (see interop/): the consent page has none.
		if strings.Contains(r.Body, `<input type="hidden" name="next"`) {
			t.Errorf("the consent page has a hidden next input, as the login form does")
		}
	})
	t.Run("consent details", func(t *testing.T) {
		r := s.alice.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Token))
		for _, want := range []string{
			`id="owner"><strong>alice</strong>`,                           // who registered it
			`id="after">you will be sent to <strong>127.0.0.1:9</strong>`, // where the browser goes
			`id="lasts">until you revoke it`, `href="/account/apps"`,      // how long, and where to revoke
			`action="/logout"`, `name="next" value="/oauth/authorize?oauth_token=` + rt.Token + `" id="not-you"`,
		} {
			if !strings.Contains(r.Body, want) {
				t.Errorf("consent page lacks %q", want)
			}
		}
		oob := s.anon.RequestToken(s.oob, core.OOB, "read")
		r = s.alice.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(oob.Token))
		if !strings.Contains(r.Body, `id="after">you will be shown a code to type`) || strings.Contains(r.Body, "Post notes as you") {
			t.Errorf("oob consent page for read: %s", r.Body)
		}
	})
	t.Run("not you", func(t *testing.T) {
		// As Bob: a logout ends every session of its user, and the scenario
		// keeps Alice's.
		c := NewClient(t, s.env.URL)
		c.Login(Bob, "/")
		page := c.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Token))
		next := "/oauth/authorize?oauth_token=" + rt.Token
		r := c.PostForm("/logout", url.Values{"csrf_token": {CSRF(page.Body)}, "next": {next}})
		if want := "/login?next=" + url.QueryEscape(next); r.Status != http.StatusSeeOther || r.Header.Get("Location") != want {
			t.Fatalf("Not you?: %d Location %q, want 303 %s", r.Status, r.Header.Get("Location"), want)
		}
		login := c.Get(r.Header.Get("Location"))
		if !strings.Contains(login.Body, `name="password"`) || !strings.Contains(login.Body, "continue to <strong>Test App</strong>") {
			t.Errorf("the login form after Not you?: %d %s", login.Status, login.Body)
		}
		if r := c.Login(Alice, next); r.Status != http.StatusSeeOther || r.Header.Get("Location") != next {
			t.Fatalf("log in as Alice: %d %v", r.Status, r.Header)
		}
		if page := c.Get(next); !strings.Contains(page.Body, "Signed in as <strong>alice</strong>") || !strings.Contains(page.Body, `id="approve"`) {
			t.Errorf("consent page as Alice: %s", page.Body)
		}
		bob := NewClient(t, s.env.URL)
		bob.Login(Bob, "/")
		page = bob.Get("/account/apps")
		r = bob.PostForm("/logout", url.Values{"csrf_token": {CSRF(page.Body)}, "next": {"//evil.example/"}})
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
			t.Errorf("logout with an unsafe next: %d Location %q, want /login", r.Status, r.Header.Get("Location"))
		}
	})
	t.Run("error pages speak to people", func(t *testing.T) {
		used := s.anon.RequestToken(s.oob, core.OOB, "")
		s.alice.Decide(used.Token, "approve")
		denied := s.anon.RequestToken(s.oob, core.OOB, "")
		s.alice.Decide(denied.Token, "deny")
		gone := s.anon.RegisterConsumer(Alice, url.Values{"name": {"Gone"}})
		orphan := s.anon.RequestToken(gone, core.OOB, "")
		if r := s.anon.AsUser(Alice, http.MethodDelete, "/consumers/"+gone.Key, nil); r.Status != http.StatusNoContent {
			t.Fatalf("delete the consumer: %d %s", r.Status, r.Body)
		}
		tests := []struct{ name, query, says string }{
			{"no token", "", "This link is incomplete"},
			{"unknown token", "?oauth_token=no-such-token", "This link does not work"},
			{"malformed token", "?oauth_token=%FF", "This link does not work"},
			{"approved before", "?oauth_token=" + url.QueryEscape(used.Token), "This request was already answered"},
			{"denied before", "?oauth_token=" + url.QueryEscape(denied.Token), "This request was denied"},
			{"consumer deleted", "?oauth_token=" + url.QueryEscape(orphan.Token), "This application no longer exists"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := s.alice.Get("/oauth/authorize" + tt.query)
				if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "<h1>"+tt.says+"</h1>") || !strings.Contains(r.Body, `role="alert"`) {
					t.Errorf("%d %s, want 400 saying %q", r.Status, r.Body, tt.says)
				}
				if strings.Contains(r.Body, "oauth_") || strings.Contains(r.Body, "token_") || strings.Contains(r.Body, "_rejected") {
					t.Errorf("the page speaks OAuth: %s", r.Body)
				}
			})
		}
		r := s.alice.PostForm("/oauth/authorize", url.Values{"csrf_token": {CSRF(s.alice.Get("/account/apps").Body)}, "action": {"approve"}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "This link is incomplete") {
			t.Errorf("POST /oauth/authorize without oauth_token: %d %s", r.Status, r.Body)
		}
	})
}

func stepLogin(t *testing.T, s *scenario) {
	t.Run("page", func(t *testing.T) {
		r := NewClient(t, s.env.URL).Get("/login?next=/account/apps")
		if r.Status != http.StatusOK || CSRF(r.Body) == "" || !strings.Contains(r.Body, `value="/account/apps"`) {
			t.Errorf("%d %s", r.Status, r.Body)
		}
		checkPageHeaders(t, r)
	})
	t.Run("cookie", func(t *testing.T) {
		c := NewClient(t, s.env.URL)
		r := c.Login(Alice, "/account/apps")
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/account/apps" {
			t.Fatalf("%d %v", r.Status, r.Header)
		}
		var ck *http.Cookie
		for _, x := range (&http.Response{Header: r.Header}).Cookies() {
			if x.Name == demo.SessionCookie {
				ck = x
			}
		}
		if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode || ck.MaxAge <= 0 || ck.Path != "/" {
			t.Errorf("session cookie %+v, want HttpOnly, SameSite=Lax, Path=/, Max-Age", ck)
		}
		s.secret(ck.Value)
	})
	tests := []struct {
		name, user, password string
	}{
		{"wrong password", Alice.Name, "not-wonderland"},
		{"unknown user", "mallory", Alice.Password},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewClient(t, s.env.URL).Login(demo.User{Name: tt.user, Password: tt.password}, "/account/apps")
			if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, `name="password"`) ||
				!strings.Contains(r.Body, "Wrong user name or password") {
				t.Errorf("%d %s, want 401 with the form and an error", r.Status, r.Body)
			}
			checkPageHeaders(t, r)
		})
	}
	for _, next := range []string{"//evil.example/", `/\evil.example/`, "https://evil.example/", "javascript:alert(1)", "evil", "/\t/evil.example", ""} {
		t.Run("next "+next, func(t *testing.T) {
			r := NewClient(t, s.env.URL).Login(Alice, next)
			if r.Status != http.StatusSeeOther || r.Header.Get("Location") != demo.DefaultNext {
				t.Errorf("%d Location %q, want 303 %s", r.Status, r.Header.Get("Location"), demo.DefaultNext)
			}
		})
	}
	t.Run("continue to", func(t *testing.T) {
		rt := s.anon.RequestToken(s.web, CallbackURL, "")
		next := "/oauth/authorize?oauth_token=" + rt.Token
		const line = "continue to <strong>Test App</strong>"
		c := NewClient(t, s.env.URL)
		if r := c.Get(next); !strings.Contains(r.Body, line) {
			t.Errorf("logged-out consent page lacks %q: %s", line, r.Body)
		}
		if r := c.Get("/login?next=" + url.QueryEscape(next)); !strings.Contains(r.Body, line) {
			t.Errorf("GET /login?next=CONSENT lacks %q: %s", line, r.Body)
		}
		r := c.Login(demo.User{Name: Alice.Name, Password: "not-wonderland"}, next)
		if r.Status != http.StatusUnauthorized || !strings.Contains(r.Body, line) || !strings.Contains(r.Body, `value="`+next+`"`) {
			t.Errorf("after a failed login: %d %s, want the form still naming Test App and keeping next", r.Status, r.Body)
		}
		if r := c.Login(Alice, next); r.Status != http.StatusSeeOther || r.Header.Get("Location") != next {
			t.Errorf("then logging in: %d Location %q, want 303 %s", r.Status, r.Header.Get("Location"), next)
		}
		for _, other := range []string{"/account/apps", "/oauth/authorize?oauth_token=no-such-token", "//evil.example/oauth/authorize?oauth_token=" + rt.Token} {
			if r := NewClient(t, s.env.URL).Get("/login?next=" + url.QueryEscape(other)); strings.Contains(r.Body, "continue to") {
				t.Errorf("GET /login?next=%s names an application: %s", other, r.Body)
			}
		}
	})
	t.Run("bad csrf_token", func(t *testing.T) {
		c := NewClient(t, s.env.URL)
		c.Get("/login")
		r := c.PostForm("/login", url.Values{"username": {Alice.Name}, "password": {Alice.Password}, "csrf_token": {"forged"}})
		if r.Status != http.StatusForbidden {
			t.Errorf("%d, want 403", r.Status)
		}
	})
	t.Run("cross-site", func(t *testing.T) {
		c := NewClient(t, s.env.URL)
		req := c.NewRequest(http.MethodPost, "/login", url.Values{"username": {Alice.Name}, "password": {Alice.Password}})
		req.Header.Set("Origin", "https://evil.example")
		if r := c.Do(req); r.Status != http.StatusForbidden {
			t.Errorf("%d, want 403", r.Status)
		}
	})
}

func stepApprove(t *testing.T, s *scenario) {
	rt := s.anon.RequestToken(s.web, CallbackURL, "")
	page := s.alice.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Token))
	csrf := CSRF(page.Body)
	form := func(csrf, action string) url.Values {
		return url.Values{"oauth_token": {rt.Token}, "csrf_token": {csrf}, "action": {action}}
	}
	tests := []struct {
		name   string
		c      *Client
		form   url.Values
		status int
	}{
		{"no csrf_token", s.alice, url.Values{"oauth_token": {rt.Token}, "action": {"approve"}}, http.StatusForbidden},
		{"forged csrf_token", s.alice, form("forged", "approve"), http.StatusForbidden},
		{"other session's csrf_token", s.alice, form(CSRF(s.anon.Get("/login").Body), "approve"), http.StatusForbidden},
		{"no session", NewClient(t, s.env.URL), form(csrf, "approve"), http.StatusUnauthorized},
		{"no action", s.alice, form(csrf, ""), http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := tt.c.PostForm("/oauth/authorize", tt.form); r.Status != tt.status {
				t.Errorf("%d %s, want %d", r.Status, r.Body, tt.status)
			}
		})
	}
	r := s.alice.PostForm("/oauth/authorize", form(csrf, "approve"))
	loc, err := url.Parse(r.Header.Get("Location"))
	if r.Status != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), CallbackURL+"?") ||
		loc.Query().Get("oauth_token") != rt.Token || loc.Query().Get("oauth_verifier") == "" {
		t.Fatalf("approve: %d Location %q, want 302 to the callback with oauth_token and oauth_verifier", r.Status, r.Header.Get("Location"))
	}
	verifier := loc.Query().Get("oauth_verifier")
	s.secret(rt.Secret, verifier)
	if r := s.alice.PostForm("/oauth/authorize", form(csrf, "approve")); r.Status != http.StatusBadRequest {
		t.Errorf("second approve: %d, want 400", r.Status)
	}
	if r := s.anon.Exchange(s.web, rt, "wrong-verifier"); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemVerifierInvalid {
		t.Errorf("wrong verifier: %d %s", r.Status, r.Body)
	}
	other := s.anon.RequestToken(s.oob, core.OOB, "")
	if r := s.anon.Exchange(s.oob, other, verifier); r.Status != http.StatusUnauthorized {
		t.Errorf("unauthorized request token: %d %s", r.Status, r.Body)
	}
	x := s.anon.Exchange(s.web, rt, verifier)
	if x.Status != http.StatusOK {
		t.Fatalf("access_token: %d %s", x.Status, x.Body)
	}
	v := x.Form(t)
	s.secret(v.Get("oauth_token"), v.Get("oauth_token_secret"))
	if v.Get("oauth_token") == "" || v.Get("oauth_token_secret") == "" || v.Get("user_id") != Alice.Name || v.Get("scope") != "read write" {
		t.Errorf("access_token answer %q", x.Body)
	}
	if r := s.anon.Exchange(s.web, rt, verifier); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemTokenUsed {
		t.Errorf("second exchange: %d %s, want 401 token_used", r.Status, r.Body)
	}
}

func stepAPI(t *testing.T, s *scenario) {
	both := s.authorize(t, s.web, CallbackURL, "")
	read := s.authorize(t, s.web, CallbackURL, "read")
	write := s.authorize(t, s.web, CallbackURL, "write")

	t.Run("me", func(t *testing.T) {
		r := s.anon.Signed(Signer(s.web, both.Token, both.Secret), http.MethodGet, "/api/me", nil)
		if r.Status != http.StatusOK {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if ct, cc := r.Header.Get("Content-Type"), r.Header.Get("Cache-Control"); !strings.HasPrefix(ct, "application/json") || cc != "no-store" {
			t.Errorf("GET /api/me: Content-Type %q, Cache-Control %q; want application/json, no-store", ct, cc)
		}
		var me demo.MeJSON
		r.JSON(t, &me)
		if me.User != Alice.Name || me.ConsumerKey != s.web.Key || me.ConsumerName != "Test App" || !slices.Equal(me.Scopes, []string{"read", "write"}) {
			t.Errorf("GET /api/me = %+v", me)
		}
	})
	t.Run("replay", func(t *testing.T) {
		req := s.anon.NewRequest(http.MethodGet, "/api/me", nil)
		must(t, Signer(s.web, read.Token, read.Secret).Sign(req), "sign")
		again := req.Clone(req.Context())
		if r := s.anon.Do(req); r.Status != http.StatusOK {
			t.Fatalf("first: %d %s", r.Status, r.Body)
		}
		if r := s.anon.Do(again); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemNonceUsed {
			t.Errorf("replay: %d %s, want 401 nonce_used", r.Status, r.Body)
		}
	})
	t.Run("notes", func(t *testing.T) {
		text := "Hello & good+bye = 100% ✓"
		r := s.anon.Signed(Signer(s.web, write.Token, write.Secret), http.MethodPost, "/api/notes", url.Values{"text": {text}})
		if r.Status != http.StatusCreated {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var n demo.NoteJSON
		r.JSON(t, &n)
		if n.User != Alice.Name || n.Text != text {
			t.Errorf("POST /api/notes = %+v", n)
		}
		r = s.anon.Signed(Signer(s.web, write.Token, write.Secret), http.MethodPost, "/api/notes", url.Values{"text": {""}})
		if r.Status != http.StatusBadRequest {
			t.Errorf("empty text: %d %s, want 400", r.Status, r.Body)
		}
	})
	tests := []struct {
		name    string
		method  string
		path    string
		cred    *Credentials // nil: two-legged
		secret  string       // overrides the token secret when set
		form    url.Values
		status  int
		problem string
	}{
		{"notes without write", http.MethodPost, "/api/notes", &read, "", url.Values{"text": {"hi"}}, http.StatusForbidden, core.ProblemPermissionDenied},
		{"me without read", http.MethodGet, "/api/me", &write, "", nil, http.StatusForbidden, core.ProblemPermissionDenied},
		{"me two-legged", http.MethodGet, "/api/me", nil, "", nil, http.StatusBadRequest, core.ProblemParameterAbsent},
		{"me bad token secret", http.MethodGet, "/api/me", &both, "wrong", nil, http.StatusUnauthorized, core.ProblemSignatureInvalid},
		{"ping", http.MethodGet, "/api/ping", nil, "", nil, http.StatusOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sg := Signer(s.web, "", "")
			if tt.cred != nil {
				sg = Signer(s.web, tt.cred.Token, tt.cred.Secret)
			}
			if tt.secret != "" {
				sg.TokenSecret = tt.secret
			}
			r := s.anon.Signed(sg, tt.method, tt.path, tt.form)
			if r.Status != tt.status || (tt.problem != "" && r.Problem() != tt.problem) {
				t.Errorf("%d %s, want %d %s", r.Status, r.Body, tt.status, tt.problem)
			}
			if tt.status == http.StatusOK {
				var p demo.PingJSON
				r.JSON(t, &p)
				if p.ConsumerKey != s.web.Key {
					t.Errorf("GET /api/ping = %+v", p)
				}
			}
		})
	}
	t.Run("unsigned", func(t *testing.T) {
		for _, p := range []string{"/api/me", "/api/ping"} {
			if r := s.anon.Get(p); r.Status != http.StatusBadRequest && r.Status != http.StatusUnauthorized {
				t.Errorf("unsigned GET %s: %d %s", p, r.Status, r.Body)
			}
		}
	})
	t.Run("placements", func(t *testing.T) {
		for _, pl := range []oauthtest.Placement{oauthtest.Query, oauthtest.Body} {
			sg := Signer(s.web, write.Token, write.Secret)
			sg.Placement = pl
			if r := s.anon.Signed(sg, http.MethodPost, "/api/notes", url.Values{"text": {"placed"}}); r.Status != http.StatusCreated {
				t.Errorf("placement %d: %d %s", pl, r.Status, r.Body)
			}
		}
	})
	t.Run("stale timestamp", func(t *testing.T) {
		sg := Signer(s.web, read.Token, read.Secret)
		sg.Now = func() time.Time { return time.Now().Add(-time.Hour) }
		r := s.anon.Signed(sg, http.MethodGet, "/api/me", nil)
		if r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemTimestampRefused || r.Form(t).Get("oauth_acceptable_timestamps") == "" {
			t.Errorf("%d %s, want 401 timestamp_refused with oauth_acceptable_timestamps", r.Status, r.Body)
		}
	})
	t.Run("ping bad signature", func(t *testing.T) {
		sg := Signer(s.web, "", "")
		sg.ConsumerSecret = "wrong"
		if r := s.anon.Signed(sg, http.MethodGet, "/api/ping", nil); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemSignatureInvalid {
			t.Errorf("%d %s", r.Status, r.Body)
		}
	})
}

func stepOOB(t *testing.T, s *scenario) {
	rt := s.anon.RequestToken(s.oob, core.OOB, "read")
	r := s.alice.Decide(rt.Token, "approve")
	verifier := VerifierFrom(r.Body)
	if r.Status != http.StatusOK || verifier == "" {
		t.Fatalf("oob approve: %d %s, want a page with id=\"verifier\"", r.Status, r.Body)
	}
	checkPageHeaders(t, r)
	s.secret(rt.Secret, verifier)
	x := s.anon.Exchange(s.oob, rt, verifier)
	if x.Status != http.StatusOK || x.Form(t).Get("scope") != "read" {
		t.Fatalf("oob access_token: %d %s", x.Status, x.Body)
	}
	s.secret(x.Form(t).Get("oauth_token"), x.Form(t).Get("oauth_token_secret"))
}

func stepDeny(t *testing.T, s *scenario) {
	t.Run("callback", func(t *testing.T) {
		rt := s.anon.RequestToken(s.web, CallbackURL, "")
		r := s.alice.Decide(rt.Token, "deny")
		loc, err := url.Parse(r.Header.Get("Location"))
		if r.Status != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), CallbackURL+"?") || loc.Query().Get("denied") != rt.Token {
			t.Fatalf("deny: %d Location %q, want 302 with denied=T", r.Status, r.Header.Get("Location"))
		}
		if r := s.anon.Exchange(s.web, rt, "any"); r.Status != http.StatusUnauthorized {
			t.Errorf("exchange after deny: %d %s, want 401", r.Status, r.Body)
		}
	})
	t.Run("oob", func(t *testing.T) {
		rt := s.anon.RequestToken(s.oob, core.OOB, "")
		r := s.alice.Decide(rt.Token, "deny")
		if r.Status != http.StatusOK || !strings.Contains(r.Body, `id="denied"`) {
			t.Fatalf("oob deny: %d %s", r.Status, r.Body)
		}
	})
}

func stepAccount(t *testing.T, s *scenario) {
	at := s.authorize(t, s.web, CallbackURL, "")
	me := func() *Response {
		return s.anon.Signed(Signer(s.web, at.Token, at.Secret), http.MethodGet, "/api/me", nil)
	}
	if r := me(); r.Status != http.StatusOK {
		t.Fatalf("GET /api/me before revoking: %d %s", r.Status, r.Body)
	}
	if r := s.anon.Get("/account/apps"); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login?next=%2Faccount%2Fapps" {
		t.Errorf("logged out: %d Location %q, want 303 to the login form", r.Status, r.Header.Get("Location"))
	}
	page := s.alice.Get("/account/apps")
	if page.Status != http.StatusOK || !strings.Contains(page.Body, "Test App") || !strings.Contains(page.Body, `value="`+s.web.Key+`"`) ||
		!strings.Contains(page.Body, "Read your profile") {
		t.Fatalf("apps page: %d %s", page.Status, page.Body)
	}
	checkPageHeaders(t, page)
	bob := NewClient(t, s.env.URL)
	bob.Login(Bob, "/")
	if r := bob.Get("/account/apps"); strings.Contains(r.Body, "Test App") || !strings.Contains(r.Body, `id="no-apps"`) {
		t.Errorf("Bob sees Alice's apps: %s", r.Body)
	}
	csrf := CSRF(page.Body)
	tests := []struct {
		name   string
		c      *Client
		form   url.Values
		status int
	}{
		{"no csrf_token", s.alice, url.Values{"consumer_key": {s.web.Key}}, http.StatusForbidden},
		{"other user's csrf_token", s.alice, url.Values{"consumer_key": {s.web.Key}, "csrf_token": {CSRF(bob.Get("/account/apps").Body)}}, http.StatusForbidden},
		{"no session", NewClient(t, s.env.URL), url.Values{"consumer_key": {s.web.Key}, "csrf_token": {csrf}}, http.StatusUnauthorized},
		{"no consumer_key", s.alice, url.Values{"csrf_token": {csrf}}, http.StatusBadRequest},
		{"not authorized", s.alice, url.Values{"consumer_key": {"no-such-app"}, "csrf_token": {csrf}}, http.StatusNotFound},
		{"Bob revokes Alice's app", bob, url.Values{"consumer_key": {s.web.Key}, "csrf_token": {CSRF(bob.Get("/account/apps").Body)}}, http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := tt.c.PostForm("/account/apps/revoke", tt.form); r.Status != tt.status {
				t.Errorf("%d %s, want %d", r.Status, r.Body, tt.status)
			}
		})
	}
	if r := me(); r.Status != http.StatusOK {
		t.Fatalf("GET /api/me after failed revocations: %d %s", r.Status, r.Body)
	}
	r := s.alice.PostForm("/account/apps/revoke", url.Values{"consumer_key": {s.web.Key}, "csrf_token": {csrf}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/account/apps" {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	t.Run("confirmation", func(t *testing.T) {
		var flash *http.Cookie
		for _, c := range (&http.Response{Header: r.Header}).Cookies() {
			if c.Name == demo.FlashCookie {
				flash = c
			}
		}
		if flash == nil || !flash.HttpOnly {
			t.Fatalf("revoke set no HttpOnly %s cookie: %v", demo.FlashCookie, r.Header)
		}
		// Another session (Bob's) with the cookie sees nothing.
		req := bob.NewRequest(http.MethodGet, "/account/apps", nil)
		req.AddCookie(&http.Cookie{Name: flash.Name, Value: flash.Value})
		if r := bob.Do(req); strings.Contains(r.Body, `id="flash"`) {
			t.Errorf("Bob's session shows Alice's confirmation: %s", r.Body)
		}
		page := s.alice.Get("/account/apps")
		if !strings.Contains(page.Body, `id="flash"`) || !strings.Contains(page.Body, "You revoked the access of Test App") {
			t.Errorf("apps page after revoking: %s", page.Body)
		}
		if page := s.alice.Get("/account/apps"); strings.Contains(page.Body, `id="flash"`) {
			t.Errorf("the confirmation is shown twice")
		}
	})
	if r := me(); r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemTokenRevoked {
		t.Errorf("GET /api/me after revoking: %d %s, want 401 token_revoked", r.Status, r.Body)
	}
	if r := s.alice.Get("/account/apps"); strings.Contains(r.Body, `value="`+s.web.Key+`"`) {
		t.Errorf("revoked app still listed")
	}
}

func stepLogout(t *testing.T, s *scenario) {
	c := NewClient(t, s.env.URL)
	c.Login(Alice, "/")
	page := c.Get("/account/apps")
	if r := c.PostForm("/logout", url.Values{}); r.Status != http.StatusForbidden {
		t.Errorf("logout without csrf_token: %d, want 403", r.Status)
	}
	if r := c.PostForm("/logout", url.Values{"csrf_token": {CSRF(page.Body)}}); r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Errorf("logout: %d %v", r.Status, r.Header)
	}
	if r := c.Get("/account/apps"); r.Status != http.StatusSeeOther {
		t.Errorf("GET /account/apps after logout: %d, want 303", r.Status)
	}
}

func stepLogs(t *testing.T, s *scenario) {
	logs := s.env.Logs.String()
	for _, want := range []string{`"path":"/api/me"`, `"path":"/oauth/request_token"`, `"status":201`, `"method":"POST"`, `"duration":`} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %s", want)
		}
	}
	for _, bad := range append(s.secrets, "oauth_token=", "oauth_signature", "Authorization", "?") {
		if bad != "" && strings.Contains(logs, bad) {
			t.Errorf("log holds %q", bad)
		}
	}
}

// Restart starts the service again on the database of cfg after a first
// run: consumers, access tokens and login sessions (SESSION_KEY fixed)
// survive.
func Restart(t *testing.T, cfg demo.Config, newRouter func(*demo.App) http.Handler) {
	t.Run("restart", func(t *testing.T) {
		env := Start(t, cfg, newRouter)
		s := &scenario{env: env, anon: NewClient(t, env.URL), alice: NewClient(t, env.URL)}
		cons := s.anon.RegisterConsumer(Alice, url.Values{"name": {"Survivor"}})
		s.alice.Login(Alice, "/")
		at := s.authorize(t, cons, core.OOB, "")
		env.Stop()

		env = Start(t, cfg, newRouter)
		s.anon.base, s.alice.base = env.URL, env.URL
		if r := s.anon.Signed(Signer(cons, at.Token, at.Secret), http.MethodGet, "/api/me", nil); r.Status != http.StatusOK {
			t.Errorf("access token after restart: %d %s", r.Status, r.Body)
		}
		s.anon.RequestToken(cons, core.OOB, "")
		if r := s.alice.Get("/account/apps"); r.Status != http.StatusOK || !strings.Contains(r.Body, "Survivor") {
			t.Errorf("apps page after restart: %d %s", r.Status, r.Body)
		}
	})
}
