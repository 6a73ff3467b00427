package core_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/memstore"
)

// The shared fixtures of core's tests: env (a provider on a store that
// fails on demand, failstore_test.go, with a clock the test sets), the
// fixture's records, the token life cycle's fixtures, and the checks of
// an answer. The test client that signs requests is in client_test.go.
// Every other file holds the tests of one rule, named for the source file
// that implements it; vectors_test.go and rfc_test.go check every rule
// against the RFC's examples, fuzz_test.go the protocol values against
// arbitrary input (the parsers' fuzz targets are in internal/rfc5849).

// t0 is the fixed clock of these tests; the default window around it is
// [t0-300, t0+300].
const t0 = 1700000000

const (
	apiURL      = "http://api.example.com/v1/me?x=1"
	apiTLSURL   = "https://api.example.com/v1/me?x=1"
	itemsURL    = "http://api.example.com/v1/items"
	initiateURL = "http://provider.example/oauth/request_token"
	tokenURL    = "http://provider.example/oauth/access_token"
)

// testClock is a settable core.Clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a provider on a failStore (a memstore passing everything through
// until told to fail), with a clock the test controls. It remembers every
// secret it hands out, so that expect can make sure none of them is ever
// rendered.
type env struct {
	p     *core.Provider
	store *memstore.Store // the records, for reading and writing them directly
	fs    *failStore      // the provider's store
	clock *testClock
	realm string // the realm WWW-Authenticate must name

	mu      sync.Mutex
	secrets []string
}

// newEnv is an env with its clock at t0.
func newEnv(t testing.TB, cfg core.Config) *env {
	t.Helper()
	return newEnvAt(t, t0, cfg)
}

// newEnvAt is an env with its clock at the Unix time at.
func newEnvAt(t testing.TB, at int64, cfg core.Config) *env {
	t.Helper()
	ms := memstore.New()
	e := &env{store: ms, fs: &failStore{Store: ms}, clock: &testClock{t: time.Unix(at, 0)}}
	cfg.Store, cfg.Clock = e.fs, e.clock
	p, err := core.New(cfg)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	e.p = p
	e.realm = cfg.Realm
	if e.realm == "" {
		e.realm = core.DefaultRealm
	}
	e.remember(fxStoreCauseSecret)
	return e
}

func (e *env) remember(secrets ...string) {
	e.mu.Lock()
	e.secrets = append(e.secrets, secrets...)
	e.mu.Unlock()
}

// failOn makes the store's method return err; failOn("", nil) ends it.
func (e *env) failOn(method string, err error) { e.fs.method, e.fs.err = method, err }

// addConsumer stores c and returns a client signing as c.
func (e *env) addConsumer(t testing.TB, c core.Consumer) client {
	t.Helper()
	if c.Name == "" {
		c.Name = "App " + c.Key
	}
	c.CreatedAt = e.clock.Now()
	if err := e.store.CreateConsumer(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	e.remember(c.Secret)
	return client{key: c.Key, secret: c.Secret}
}

// addAccessToken stores at.
func (e *env) addAccessToken(t testing.TB, at core.AccessToken) {
	t.Helper()
	if at.CreatedAt.IsZero() {
		at.CreatedAt = e.clock.Now()
	}
	if err := e.store.CreateAccessToken(context.Background(), &at); err != nil {
		t.Fatal(err)
	}
	e.remember(at.Secret)
}

// The fixture's records (see newFixture). Secrets are long and distinct
// so that noSecrets finds any of them in a body.
const (
	fxCK, fxCS         = "fx-consumer-1", "fx-consumer-secret-one-Zq8"
	fxCK2, fxCS2       = "fx-consumer-2", "fx-consumer-secret-two-Wp3"
	fxRSA              = "fx-consumer-rsa"
	fxNoKey            = "fx-consumer-nokey"
	fxTK, fxTS         = "fx-token-1", "fx-token-secret-one-Lm4"
	fxTK1b, fxTS1b     = "fx-token-1b", "fx-token-secret-oneb-Ux1"
	fxTK2, fxTS2       = "fx-token-2", "fx-token-secret-two-Kd7"
	fxTKRev, fxTSRev   = "fx-token-revoked", "fx-token-secret-rev-Hh2"
	fxTKExp, fxTSExp   = "fx-token-expired", "fx-token-secret-exp-Nn5"
	fxTKRSA, fxTSRSA   = "fx-token-rsa", "fx-token-secret-rsa-Pp6"
	fxStoreCauseSecret = "hunter2-db-password"
)

// Clients of the fixture's records.
var (
	client1 = client{key: fxCK, secret: fxCS}   // fxCK alone (two-legged)
	client2 = client{key: fxCK2, secret: fxCS2} // fxCK2 alone
	alice   = client1.withToken(fxTK, fxTS)     // fxCK with alice's token fxTK
	bob     = client2.withToken(fxTK2, fxTS2)   // fxCK2 with bob's token fxTK2
	nobody  = client{key: "nobody", secret: "nobody-secret-Aa0"}
)

// newFixture is an env with two HMAC consumers and their tokens: fxTK and
// fxTK1b of fxCK for alice with scope read, fxTK2 of fxCK2 for bob, and a
// revoked and an expired token of fxCK for alice.
func newFixture(t testing.TB, cfg core.Config) *env {
	t.Helper()
	e := newEnv(t, cfg)
	e.addConsumer(t, core.Consumer{Key: fxCK, Secret: fxCS})
	e.addConsumer(t, core.Consumer{Key: fxCK2, Secret: fxCS2})
	e.addAccessToken(t, core.AccessToken{Token: fxTK, Secret: fxTS, ConsumerKey: fxCK, UserID: "alice", Scopes: []string{"read"}})
	e.addAccessToken(t, core.AccessToken{Token: fxTK1b, Secret: fxTS1b, ConsumerKey: fxCK, UserID: "alice", Scopes: []string{"read"}})
	e.addAccessToken(t, core.AccessToken{Token: fxTK2, Secret: fxTS2, ConsumerKey: fxCK2, UserID: "bob"})
	e.addAccessToken(t, core.AccessToken{Token: fxTKRev, Secret: fxTSRev, ConsumerKey: fxCK, UserID: "alice", Revoked: true})
	e.addAccessToken(t, core.AccessToken{Token: fxTKExp, Secret: fxTSExp, ConsumerKey: fxCK, UserID: "alice", ExpiresAt: e.clock.Now()})
	return e
}

// addRSAConsumers adds the consumer fxRSA with key's public half and
// carol's token fxTKRSA, and fxNoKey, which has no key, and returns a
// client signing as fxRSA with key.
func (e *env) addRSAConsumers(t testing.TB, key *rsa.PrivateKey) client {
	t.Helper()
	e.addConsumer(t, core.Consumer{Key: fxRSA, Secret: "fx-rsa-consumer-secret-Qq9", RSAPublicKey: publicPEM(t, key)})
	e.addConsumer(t, core.Consumer{Key: fxNoKey, Secret: "fx-nokey-consumer-secret-Rr0"})
	e.addAccessToken(t, core.AccessToken{Token: fxTKRSA, Secret: fxTSRSA, ConsumerKey: fxRSA, UserID: "carol"})
	return client{key: fxRSA, rsaKey: key}
}

func publicPEM(t testing.TB, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// expect checks that err is a success (status 200) or renders, through
// the provider's WriteError, as status and prob (see expectResponse). It
// returns the answer's values.
func (e *env) expect(t testing.TB, err error, status int, prob string) url.Values {
	t.Helper()
	if status == http.StatusOK {
		if err != nil {
			t.Fatalf("got %v, want success", err)
		}
		return nil
	}
	if err == nil {
		t.Fatalf("got success, want %d %s", status, prob)
	}
	if got, gotProb := statusOf(err); got != status || gotProb != prob {
		t.Errorf("error %v is %d %s, want %d %s", err, got, gotProb, status, prob)
	}
	w := httptest.NewRecorder()
	e.p.WriteError(w, err)
	return e.expectResponse(t, w, status, prob)
}

// expectAuth is expect for the answers of Authenticate: a refusal of the
// request (400 or 401) also says why, in oauth_problem_advice.
func (e *env) expectAuth(t testing.TB, err error, status int, prob string) url.Values {
	t.Helper()
	v := e.expect(t, err, status, prob)
	if (status == http.StatusBadRequest || status == http.StatusUnauthorized) && v.Get("oauth_problem_advice") == "" {
		t.Errorf("no oauth_problem_advice in %v", v)
	}
	return v
}

// expectResponse checks a rendered answer: its status, oauth_problem, the
// Content-Type and Cache-Control headers, WWW-Authenticate on 401 only, a
// 5xx body that says nothing but the problem, and no remembered secret in
// the body. It returns the body's values.
func (e *env) expectResponse(t testing.TB, w *httptest.ResponseRecorder, status int, prob string) url.Values {
	t.Helper()
	body := w.Body.String()
	if w.Code != status {
		t.Fatalf("status %d (body %q), want %d %s", w.Code, body, status, prob)
	}
	e.noSecrets(t, body)
	v := problem(t, body)
	h := w.Header()
	if ct := h.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("Content-Type = %q", ct)
	}
	if cc := h.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if status == http.StatusOK {
		if v.Has("oauth_problem") {
			t.Errorf("success body %q has oauth_problem", body)
		}
		return v
	}
	if got := v.Get("oauth_problem"); got != prob {
		t.Errorf("oauth_problem = %q (body %q), want %q", got, body, prob)
	}
	wantAuth := ""
	if status == http.StatusUnauthorized {
		wantAuth = `OAuth realm="` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(e.realm) + `"`
	}
	if got := h.Get("WWW-Authenticate"); got != wantAuth {
		t.Errorf("WWW-Authenticate = %q, want %q", got, wantAuth)
	}
	if status >= 500 && body != "oauth_problem="+prob {
		t.Errorf("5xx body %q says more than the problem", body)
	}
	return v
}

// noSecrets fails t when body holds any remembered secret, raw or encoded.
func (e *env) noSecrets(t testing.TB, body string) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, s := range e.secrets {
		if s == "" {
			continue
		}
		for _, f := range []string{s, rfc5849.Encode(s), url.QueryEscape(s)} {
			if strings.Contains(body, f) {
				t.Errorf("body %q holds the secret %q", body, s)
				break
			}
		}
	}
}

// checkGrant checks a grant of a verified request: user's ("" for a
// two-legged grant, which has no token), signed with method.
func checkGrant(t testing.TB, g *core.Grant, user, method string) {
	t.Helper()
	if g.UserID != user || g.SignatureMethod != method || g.Consumer == nil {
		t.Fatalf("grant user %q method %q, want %q %q", g.UserID, g.SignatureMethod, user, method)
	}
	if (g.Token == nil) != (user == "") {
		t.Errorf("grant token %+v for user %q", g.Token, user)
	}
	if g.Token != nil && g.Token.UserID != user {
		t.Errorf("grant token user %q", g.Token.UserID)
	}
}

// problem decodes the oauth_problem of an error body.
func problem(t testing.TB, body string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(body)
	if err != nil {
		t.Fatalf("error body %q is not form-encoded: %v", body, err)
	}
	return v
}

// statusOf returns the status and problem an error renders to.
func statusOf(err error) (int, string) {
	if err == nil {
		return http.StatusOK, ""
	}
	e := core.AsError(err)
	return e.Status, e.Problem
}

// authOptions are the options of a two-legged request, or none.
func authOptions(twoLegged bool) []core.AuthOption {
	if twoLegged {
		return []core.AuthOption{core.TwoLegged()}
	}
	return nil
}

// switchRand is crypto/rand until told to fail.
type switchRand struct{ fail atomic.Bool }

func (r *switchRand) Read(p []byte) (int, error) {
	if r.fail.Load() {
		return 0, errors.New("entropy exhausted")
	}
	return rand.Read(p)
}

// The token life cycle's fixtures: request token, consent, exchange.

var lcScopes = []core.Scope{
	{Name: "read", Description: "Read your profile"},
	{Name: "write", Description: "Change your profile"},
	{Name: "admin", Description: "Administer the account"},
}

const (
	lcCK, lcCS = "lc-consumer", "lc-consumer-secret-Aa1-long"
	lcCB       = "http://client.example.net/cb?x=1"
)

// lcClient signs as lcCK.
var lcClient = client{key: lcCK, secret: lcCS}

// newLifecycle is an env with lcScopes (unless cfg has its own) and the
// consumers lcCK (no registered callback, every scope) and fxCK2.
func newLifecycle(t testing.TB, cfg core.Config) *env {
	t.Helper()
	if cfg.Scopes == nil {
		cfg.Scopes = lcScopes
	}
	e := newEnv(t, cfg)
	e.addConsumer(t, core.Consumer{Key: lcCK, Secret: lcCS})
	e.addConsumer(t, core.Consumer{Key: fxCK2, Secret: fxCS2})
	return e
}

// initiateRequest is a request for a request token, signed as c, with
// oauth_callback when callback is not empty.
func (e *env) initiateRequest(c client, callback string, extra ...rfc5849.Param) *http.Request {
	r := httptest.NewRequest("POST", initiateURL, nil)
	if callback != "" {
		extra = append([]rfc5849.Param{prm("oauth_callback", callback)}, extra...)
	}
	return e.sign(c, r, extra...)
}

// requestToken gets a request token through RequestTokenHandler.
func (e *env) requestToken(t testing.TB, c client, callback string, extra ...rfc5849.Param) (token, secret string) {
	t.Helper()
	w := serve(e.p.RequestTokenHandler(), e.initiateRequest(c, callback, extra...))
	v := e.expectResponse(t, w, 200, "")
	token, secret = v.Get("oauth_token"), v.Get("oauth_token_secret")
	e.remember(secret)
	return token, secret
}

// exchangeRequest is a request for an access token, signed as c with the
// request token's credentials, carrying verifier.
func (e *env) exchangeRequest(c client, token, secret, verifier string) *http.Request {
	return e.sign(c.withToken(token, secret), httptest.NewRequest("POST", tokenURL, nil), prm("oauth_verifier", verifier))
}

// approve approves the request token for user, granting scopes.
func (e *env) approve(t testing.TB, token, user string, scopes []string) *core.Decision {
	t.Helper()
	a, err := e.p.Approve(context.Background(), token, user, scopes)
	e.expect(t, err, 200, "")
	e.remember(a.Verifier)
	return a
}

// issue runs the whole flow for user and returns the access token's
// credentials and the exchange's answer.
func (e *env) issue(t testing.TB, c client, user string, granted []string, extra ...rfc5849.Param) (token, secret string, v url.Values) {
	t.Helper()
	rt, rs := e.requestToken(t, c, lcCB, extra...)
	a := e.approve(t, rt, user, granted)
	w := serve(e.p.AccessTokenHandler(), e.exchangeRequest(c, rt, rs, a.Verifier))
	v = e.expectResponse(t, w, 200, "")
	token, secret = v.Get("oauth_token"), v.Get("oauth_token_secret")
	e.remember(secret)
	return token, secret, v
}
