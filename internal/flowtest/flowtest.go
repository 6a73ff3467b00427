package flowtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dghubble/oauth1"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// The scenario's fixed values.
const (
	// Realm is the provider's realm, sent in WWW-Authenticate.
	Realm = "flowtest"
	// Callback is the consumer's registered callback.
	Callback = "http://client.example/callback"
	// Seed seeds the provider's randomness, so that keys, tokens and
	// verifiers are the same in every run.
	Seed = "go-oauth1 flowtest: fixed seed!!"
)

// Scopes returns the provider's scopes.
func Scopes() []core.Scope {
	return []core.Scope{
		{Name: "read", Description: "Read your profile"},
		{Name: "write", Description: "Post notes as you"},
	}
}

// Step is one request of the scenario (or one direct call of the
// provider) and what came back.
type Step struct {
	Name            string
	Status          int
	ContentType     string
	WWWAuthenticate string
	CacheControl    string
	Location        string
	Body            string
}

func (s Step) String() string {
	return fmt.Sprintf("%s: %d Content-Type=%q WWW-Authenticate=%q Cache-Control=%q Location=%q body=%q",
		s.Name, s.Status, s.ContentType, s.WWWAuthenticate, s.CacheControl, s.Location, s.Body)
}

// Transcript is every step of a run, in order.
type Transcript []Step

// Compare fails t for every step where got differs from want.
func Compare(t testing.TB, want, got Transcript) {
	t.Helper()
	for i := range max(len(want), len(got)) {
		switch {
		case i >= len(want):
			t.Errorf("extra step %s", got[i])
		case i >= len(got):
			t.Errorf("missing step %s", want[i])
		case want[i] != got[i]:
			t.Errorf("step %d differs:\n got %s\nwant %s", i, got[i], want[i])
		}
	}
}

// Me is the JSON answer of GET /api/me, from the grant.
func Me(g *core.Grant) []byte {
	if g == nil {
		return []byte(`{"error":"no grant"}`)
	}
	return mustJSON(struct {
		User        string   `json:"user"`
		ConsumerKey string   `json:"consumer_key"`
		Scopes      []string `json:"scopes"`
	}{g.UserID, g.Consumer.Key, g.Scopes})
}

// Note is the JSON answer of POST /api/notes (status 201).
func Note(g *core.Grant, text string) []byte {
	if g == nil {
		return []byte(`{"error":"no grant"}`)
	}
	return mustJSON(struct {
		User string `json:"user"`
		Text string `json:"text"`
	}{g.UserID, text})
}

// Ping is the JSON answer of GET /api/ping.
func Ping(g *core.Grant) []byte {
	if g == nil {
		return []byte(`{"error":"no grant"}`)
	}
	return mustJSON(struct {
		ConsumerKey string `json:"consumer_key"`
	}{g.Consumer.Key})
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// NetHTTP mounts the scenario's routes with net/http alone: core's
// handlers and Middleware on an http.ServeMux.
func NetHTTP(p *core.Provider) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("POST /oauth/request_token", p.RequestTokenHandler())
	mux.Handle("POST /oauth/access_token", p.AccessTokenHandler())
	grant := func(r *http.Request) *core.Grant { g, _ := core.FromContext(r.Context()); return g }
	mux.Handle("GET /api/me", p.Middleware(core.RequireScopes("read"))(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, Me(grant(r))) })))
	mux.Handle("POST /api/notes", p.Middleware(core.RequireScopes("write"))(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusCreated, Note(grant(r), r.PostFormValue("text")))
		})))
	mux.Handle("GET /api/ping", p.Middleware(core.TwoLegged())(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) { writeJSON(w, http.StatusOK, Ping(grant(r))) })))
	return mux
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// fixedClock is the provider's clock: the time the run started.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time { return c.t }

// fixed is a signer's Nonce that always answers nonce.
func fixed(nonce string) func() string { return func() string { return nonce } }

// lockedReader makes a deterministic generator safe for the server's
// goroutines.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(b)
}

// Run builds a provider on memstore (realm Realm, scopes Scopes, a fixed
// clock and randomness seeded with Seed), registers a consumer with
// callback Callback, serves mount(p) on 127.0.0.1, and drives the whole
// protocol through it with HMAC-SHA1 and HMAC-SHA256, signing with
// github.com/dghubble/oauth1 and with oauthtest.Signer. Every failed
// expectation fails t. mount must serve:
//
//	POST /oauth/request_token, POST /oauth/access_token  core's handlers
//	GET  /api/me     three-legged, scope read; answers Me(grant)
//	POST /api/notes  three-legged, scope write; form field text; answers 201 Note(grant, text)
//	GET  /api/ping   two-legged; answers Ping(grant)
//
// JSON answers have Content-Type application/json. The returned transcript
// holds every answer (status, the headers that matter, body); for the same
// provider behaviour it is the same in every run, whatever the framework.
func Run(t *testing.T, mount func(p *core.Provider) http.Handler) Transcript {
	t.Helper()
	// The clients sign with the wall clock; the provider's fixed clock
	// starts with the run, well inside the timestamp window.
	now := time.Now().Truncate(time.Second)
	p, err := core.New(core.Config{
		Store:  memstore.New(),
		Realm:  Realm,
		Clock:  fixedClock{now},
		Rand:   &lockedReader{r: rand.NewChaCha8([32]byte([]byte(Seed)))},
		Scopes: Scopes(),
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	c, err := p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: "Flow client", CallbackURL: Callback})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(mount(p))
	defer srv.Close()
	f := &flow{t: t, p: p, srv: srv, consumer: c, now: now}
	for _, m := range []string{core.HMACSHA1, core.HMACSHA256} {
		f.scenario(m)
	}
	return f.steps
}

type flow struct {
	t        *testing.T
	p        *core.Provider
	srv      *httptest.Server
	consumer *core.Consumer
	now      time.Time
	method   string
	steps    Transcript
}

// recorder keeps the last answer that went through it, for dghubble's
// RequestToken and AccessToken, which do not return it.
type recorder struct {
	base http.RoundTripper
	last *Step
}

func (rec *recorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := rec.base.RoundTrip(r)
	if err != nil {
		return nil, err
	}
	s, body, err := readStep(resp)
	if err != nil {
		return nil, err
	}
	rec.last = &s
	resp.Body = io.NopCloser(strings.NewReader(body))
	return resp, nil
}

func readStep(resp *http.Response) (Step, string, error) {
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	h := resp.Header
	return Step{
		Status:          resp.StatusCode,
		ContentType:     h.Get("Content-Type"),
		WWWAuthenticate: h.Get("WWW-Authenticate"),
		CacheControl:    h.Get("Cache-Control"),
		Location:        h.Get("Location"),
		Body:            string(b),
	}, string(b), err
}

func (f *flow) add(name string, s Step) Step {
	s.Name = f.method + " " + name
	f.steps = append(f.steps, s)
	return s
}

// config is the dghubble client of the scenario's consumer.
func (f *flow) config(rec *recorder) *oauth1.Config {
	cfg := &oauth1.Config{
		ConsumerKey:    f.consumer.Key,
		ConsumerSecret: f.consumer.Secret,
		CallbackURL:    Callback,
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: f.srv.URL + "/oauth/request_token",
			AccessTokenURL:  f.srv.URL + "/oauth/access_token",
		},
		HTTPClient: &http.Client{Transport: rec},
	}
	if f.method == core.HMACSHA256 {
		cfg.Signer = &oauth1.HMAC256Signer{ConsumerSecret: f.consumer.Secret}
	}
	return cfg
}

// client is a dghubble client signing with token (empty: two-legged).
func (f *flow) client(token, secret string) *http.Client {
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, f.srv.Client())
	return f.config(nil).Client(ctx, oauth1.NewToken(token, secret))
}

// signer is an oauthtest signer of the scenario's consumer.
func (f *flow) signer(token, secret string) oauthtest.Signer {
	return oauthtest.Signer{
		ConsumerKey: f.consumer.Key, ConsumerSecret: f.consumer.Secret,
		Token: token, TokenSecret: secret, Method: f.method, Now: fixedClock{f.now}.Now,
	}
}

func (f *flow) newRequest(method, path, form string) *http.Request {
	var body io.Reader
	if form != "" {
		body = strings.NewReader(form)
	}
	r, err := http.NewRequest(method, f.srv.URL+path, body)
	if err != nil {
		f.t.Fatal(err)
	}
	if form != "" {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return r
}

// do sends r with c and records the answer as step name.
func (f *flow) do(name string, c *http.Client, r *http.Request) Step {
	f.t.Helper()
	resp, err := c.Do(r)
	if err != nil {
		f.t.Fatalf("%s %s: %v", f.method, name, err)
	}
	s, _, err := readStep(resp)
	if err != nil {
		f.t.Fatalf("%s %s: %v", f.method, name, err)
	}
	return f.add(name, s)
}

// signed signs r with s (and extra protocol parameters) and sends it.
func (f *flow) signed(name string, s oauthtest.Signer, r *http.Request, extra ...oauthtest.Param) Step {
	f.t.Helper()
	if err := s.Sign(r, extra...); err != nil {
		f.t.Fatalf("%s %s: sign: %v", f.method, name, err)
	}
	return f.do(name, f.srv.Client(), r)
}

// expect checks status and, for errors, the oauth_problem and the headers
// WriteError sets.
func (f *flow) expect(s Step, status int, problem string) {
	f.t.Helper()
	if s.Status != status {
		f.t.Errorf("%s: status %d, want %d (body %q)", s.Name, s.Status, status, s.Body)
	}
	if problem == "" {
		return
	}
	v, _ := url.ParseQuery(s.Body)
	if got := v.Get("oauth_problem"); got != problem {
		f.t.Errorf("%s: oauth_problem %q, want %q (body %q)", s.Name, got, problem, s.Body)
	}
	if s.ContentType != "application/x-www-form-urlencoded" {
		f.t.Errorf("%s: Content-Type %q", s.Name, s.ContentType)
	}
	wantAuth := ""
	if status == http.StatusUnauthorized {
		wantAuth = `OAuth realm="` + Realm + `"`
	}
	if s.WWWAuthenticate != wantAuth {
		f.t.Errorf("%s: WWW-Authenticate %q, want %q", s.Name, s.WWWAuthenticate, wantAuth)
	}
}

// expectJSON checks a 2xx JSON answer against want.
func (f *flow) expectJSON(s Step, status int, want []byte) {
	f.t.Helper()
	f.expect(s, status, "")
	if s.ContentType != "application/json" || s.Body != string(want) {
		f.t.Errorf("%s: %s %q, want application/json %q", s.Name, s.ContentType, s.Body, want)
	}
}

func (f *flow) scenario(method string) {
	f.t.Helper()
	f.method = method
	t, p, ctx := f.t, f.p, context.Background()

	// Temporary credentials, with dghubble: oauth_callback, no scope (all).
	rec := &recorder{base: f.srv.Client().Transport}
	cfg := f.config(rec)
	rt, rs, err := cfg.RequestToken()
	if rec.last == nil {
		t.Fatalf("%s request_token: %v", method, err)
	}
	s := f.add("request_token", *rec.last)
	f.expect(s, http.StatusOK, "")
	if err != nil {
		t.Fatalf("%s request_token: %v", method, err)
	}

	// The consent page's data, and the user's approval.
	ar, err := p.LoadConsent(ctx, rt)
	if err != nil {
		t.Fatalf("%s LoadConsent: %v", method, err)
	}
	if ar.Consumer.Key != f.consumer.Key || ar.Callback != Callback || ar.OOB || !slices.Equal(ar.Scopes, Scopes()) {
		t.Errorf("%s LoadConsent = %+v", method, ar)
	}
	a, err := p.Approve(ctx, rt, "alice", nil)
	if err != nil {
		t.Fatalf("%s Approve: %v", method, err)
	}
	f.add("approve", Step{Location: a.RedirectURL, Body: a.Verifier})
	want := Callback + "?oauth_token=" + url.QueryEscape(rt) + "&oauth_verifier=" + url.QueryEscape(a.Verifier)
	if a.Denied || a.ConsumerKey != f.consumer.Key || a.RedirectURL != want {
		t.Errorf("%s Approve: %+v, want RedirectURL %q", method, a, want)
	}

	// Token credentials, with dghubble; the answer names user and scopes.
	rec.last = nil
	at, as, err := cfg.AccessToken(rt, rs, a.Verifier)
	if rec.last == nil {
		t.Fatalf("%s access_token: %v", method, err)
	}
	s = f.add("access_token", *rec.last)
	f.expect(s, http.StatusOK, "")
	if err != nil {
		t.Fatalf("%s access_token: %v", method, err)
	}
	if v, _ := url.ParseQuery(s.Body); v.Get("scope") != "read write" || v.Get("user_id") != "alice" {
		t.Errorf("%s access_token: body %q, want user_id alice and scope \"read write\"", method, s.Body)
	}
	grant := &core.Grant{Consumer: f.consumer, UserID: "alice", Scopes: []string{"read", "write"}}

	// Protected resources with dghubble.
	dg := f.client(at, as)
	s = f.do("GET /api/me (dghubble)", dg, f.newRequest("GET", "/api/me?b=x%20y", ""))
	f.expectJSON(s, http.StatusOK, Me(grant))
	s = f.do("POST /api/notes (dghubble)", dg, f.newRequest("POST", "/api/notes", "text=Hello%2C+world+%26+all"))
	f.expectJSON(s, http.StatusCreated, Note(grant, "Hello, world & all"))
	s = f.do("GET /api/ping (dghubble, two-legged)", f.client("", ""), f.newRequest("GET", "/api/ping", ""))
	f.expectJSON(s, http.StatusOK, Ping(grant))

	// Protected resources with oauthtest: repeated query parameters, which
	// dghubble cannot sign; OAuth parameters in the form body; two-legged.
	sg := f.signer(at, as)
	s = f.signed("GET /api/me repeated query", sg, f.newRequest("GET", "/api/me?a=1&a=2&b=x%20y", ""))
	f.expectJSON(s, http.StatusOK, Me(grant))
	body := sg
	body.Placement = oauthtest.Body
	s = f.signed("POST /api/notes params in body", body, f.newRequest("POST", "/api/notes?a=2&a=1", "text=caf%C3%A9+%2B+tea"))
	f.expectJSON(s, http.StatusCreated, Note(grant, "café + tea"))
	s = f.signed("GET /api/ping two-legged", f.signer("", ""), f.newRequest("GET", "/api/ping", ""))
	f.expectJSON(s, http.StatusOK, Ping(grant))

	// Replay: the same nonce and timestamp twice.
	replay := sg
	replay.Nonce = fixed("replay-" + method)
	s = f.signed("GET /api/me first use of nonce", replay, f.newRequest("GET", "/api/me", ""))
	f.expectJSON(s, http.StatusOK, Me(grant))
	s = f.signed("GET /api/me replay", replay, f.newRequest("GET", "/api/me", ""))
	f.expect(s, http.StatusUnauthorized, core.ProblemNonceUsed)

	// Bad signature, unknown token, missing parameters.
	bad := sg
	bad.TokenSecret = "not-the-secret"
	bad.Nonce = fixed("bad-signature-" + method)
	s = f.signed("GET /api/me bad signature", bad, f.newRequest("GET", "/api/me", ""))
	f.expect(s, http.StatusUnauthorized, core.ProblemSignatureInvalid)
	unknown := f.signer("no-such-token", "no-such-secret")
	unknown.Nonce = fixed("unknown-token-" + method)
	s = f.signed("GET /api/me unknown token", unknown, f.newRequest("GET", "/api/me", ""))
	f.expect(s, http.StatusUnauthorized, core.ProblemTokenRejected)
	r := f.newRequest("GET", "/api/me", "")
	r.Header.Set("Authorization", fmt.Sprintf(`OAuth oauth_consumer_key="%s", oauth_token="%s", oauth_signature_method="%s", oauth_timestamp="%d"`,
		f.consumer.Key, at, method, f.now.Unix()))
	s = f.do("GET /api/me missing parameters", f.srv.Client(), r)
	f.expect(s, http.StatusBadRequest, core.ProblemParameterAbsent)
	if v, _ := url.ParseQuery(s.Body); v.Get("oauth_parameters_absent") != "oauth_signature&oauth_nonce" {
		t.Errorf("%s: oauth_parameters_absent %q, want oauth_signature&oauth_nonce", s.Name, v.Get("oauth_parameters_absent"))
	}

	// A token the user approved for read only: oauthtest end to end, oob,
	// a signed scope parameter, narrowed on approval.
	s = f.signed("request_token oob scope", f.signer("", ""), f.newRequest("POST", "/oauth/request_token", "scope=read+write"),
		oauthtest.Param{Key: "oauth_callback", Value: core.OOB})
	f.expect(s, http.StatusOK, "")
	v, _ := url.ParseQuery(s.Body)
	rt, rs = v.Get("oauth_token"), v.Get("oauth_token_secret")
	a, err = p.Approve(ctx, rt, "bob", []string{"read"})
	if err != nil {
		t.Fatalf("%s Approve read: %v", method, err)
	}
	f.add("approve read", Step{Location: a.RedirectURL, Body: a.Verifier})
	if a.Denied || a.RedirectURL != "" || a.Verifier == "" {
		t.Errorf("%s Approve oob: %+v", method, a)
	}
	s = f.signed("access_token read", f.signer(rt, rs), f.newRequest("POST", "/oauth/access_token", ""),
		oauthtest.Param{Key: "oauth_verifier", Value: a.Verifier})
	f.expect(s, http.StatusOK, "")
	v, _ = url.ParseQuery(s.Body)
	if v.Get("scope") != "read" || v.Get("user_id") != "bob" {
		t.Errorf("%s: body %q, want user_id bob and scope read", s.Name, s.Body)
	}
	ro := f.client(v.Get("oauth_token"), v.Get("oauth_token_secret"))
	bob := &core.Grant{Consumer: f.consumer, UserID: "bob", Scopes: []string{"read"}}
	s = f.do("GET /api/me read-only token", ro, f.newRequest("GET", "/api/me", ""))
	f.expectJSON(s, http.StatusOK, Me(bob))
	s = f.do("POST /api/notes read-only token", ro, f.newRequest("POST", "/api/notes", "text=nope"))
	f.expect(s, http.StatusForbidden, core.ProblemPermissionDenied)

	// The request token was exchanged once; a second exchange is refused.
	rec.last = nil
	_, _, err = cfg.AccessToken(rt, rs, a.Verifier)
	if rec.last == nil {
		t.Fatalf("%s access_token again: %v", method, err)
	}
	s = f.add("access_token again", *rec.last)
	f.expect(s, http.StatusUnauthorized, core.ProblemTokenUsed)
}
