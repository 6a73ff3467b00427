package core_test

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// This file holds the shared helpers of the error-path and life-cycle tests
// (signer, tenv, failStore) and the tests of Verify and VerifyTwoLegged.

// t0 is the fixed clock of these tests; the default window around it is
// [t0-300, t0+300].
const t0 = 1700000000

const (
	apiURL      = "http://api.example.com/v1/me?x=1"
	initiateURL = "http://provider.example/oauth/request_token"
	tokenURL    = "http://provider.example/oauth/access_token"
)

// The fixture's credentials (see newFixture). Secrets are long and distinct
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

// nonceSeq makes the signer's nonces unique within the test binary.
var nonceSeq atomic.Uint64

func prm(k, v string) rfc5849.Param { return rfc5849.Param{Key: k, Value: v} }

// signer signs a test request the way an OAuth client does.
type signer struct {
	key, secret        string
	token, tokenSecret string
	emptyToken         bool   // send oauth_token="" when token is empty
	method             string // default HMAC-SHA1
	rsa                *rsa.PrivateKey
	clock              core.Clock
	timestamp          string // default: the clock's now
	nonce              string // default: a fresh one
	version            string // oauth_version, sent when set
	where              string // "header" (default), "query" or "form"
	baseURI            string // sign for this URI instead of the request's own
	realm              string
	omit               string // a protocol parameter to leave out (header only)
}

func (s signer) withToken(token, secret string) signer {
	s.token, s.tokenSecret = token, secret
	return s
}

func (s signer) using(method string) signer {
	s.method = method
	return s
}

// sign adds the protocol parameters, extra and oauth_signature to r and
// returns r; oauthtest.Signer does the signing. Extra oauth_* parameters
// travel with the protocol ones; other extras go in the query (header
// mode) or next to the protocol parameters. A method core does not know is
// sent by name over an HMAC-SHA1 signature.
func (s signer) sign(r *http.Request, extra ...rfc5849.Param) *http.Request {
	method := cmp.Or(s.method, core.HMACSHA1)
	nonce := s.nonce
	if nonce == "" {
		nonce = "nonce-" + strconv.FormatUint(nonceSeq.Add(1), 10)
	}
	os := oauthtest.Signer{
		ConsumerKey: s.key, ConsumerSecret: s.secret, Token: s.token, TokenSecret: s.tokenSecret,
		Method: method, PrivateKey: s.rsa, Now: s.clock.Now, Nonce: func() string { return nonce },
		Realm: s.realm, OmitVersion: true,
	}
	var proto, other []rfc5849.Param
	if _, ok := rfc5849.Method(method); !ok {
		os.Method = core.HMACSHA1
		proto = append(proto, prm("oauth_signature_method", method))
	}
	if s.timestamp != "" {
		proto = append(proto, prm("oauth_timestamp", s.timestamp))
	}
	if s.token == "" && s.emptyToken {
		proto = append(proto, prm("oauth_token", ""))
	}
	if s.version != "" {
		proto = append(proto, prm("oauth_version", s.version))
	}
	for _, p := range extra {
		if strings.HasPrefix(p.Key, "oauth_") {
			proto = append(proto, p)
		} else {
			other = append(other, p)
		}
	}
	switch cmp.Or(s.where, "header") {
	case "header":
		os.Placement = oauthtest.Header
		addQuery(r, other)
	case "query":
		os.Placement = oauthtest.Query
		addQuery(r, other)
	case "form":
		os.Placement = oauthtest.Body
		addForm(r, other)
	default:
		panic("signer: where = " + s.where)
	}
	target := r
	if s.baseURI != "" {
		// Sign a copy that carries the URI to sign for, then take its
		// parameters back.
		u, err := url.Parse(s.baseURI)
		if err != nil {
			panic(err)
		}
		target = r.Clone(r.Context())
		target.Host, target.TLS = u.Host, nil
		target.URL.Scheme, target.URL.Host, target.URL.Path, target.URL.RawPath = u.Scheme, u.Host, u.Path, u.RawPath
	}
	if err := os.Sign(target, proto...); err != nil {
		panic(fmt.Sprintf("signer: %v", err))
	}
	if target != r {
		r.Header, r.URL.RawQuery = target.Header, target.URL.RawQuery
		r.Body, r.ContentLength, r.GetBody = target.Body, target.ContentLength, target.GetBody
	}
	if s.omit != "" {
		if os.Placement != oauthtest.Header {
			panic("signer: omit works on the header only")
		}
		ps, realm, err := rfc5849.ParseAuthorizationHeader(r.Header.Get("Authorization"))
		if err != nil {
			panic(err)
		}
		kept := ps[:0]
		for _, p := range ps {
			if p.Key != s.omit {
				kept = append(kept, p)
			}
		}
		r.Header.Set("Authorization", oauthtest.AuthorizationHeader(realm, kept))
	}
	return r
}

func encodePairs(ps []rfc5849.Param) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, rfc5849.Encode(p.Key)+"="+rfc5849.Encode(p.Value))
	}
	return strings.Join(parts, "&")
}

func addQuery(r *http.Request, ps []rfc5849.Param) {
	if len(ps) == 0 {
		return
	}
	if r.URL.RawQuery != "" {
		r.URL.RawQuery += "&"
	}
	r.URL.RawQuery += encodePairs(ps)
}

// addForm appends ps to r's form body, making it one if needed.
func addForm(r *http.Request, ps []rfc5849.Param) {
	if len(ps) == 0 {
		return
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b := readAll(r)
	if len(b) > 0 {
		b = append(b, '&')
	}
	b = append(b, encodePairs(ps)...)
	setBody(r, b)
}

func readAll(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		panic(err)
	}
	setBody(r, b)
	return b
}

func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
}

// failStore is a memstore whose methods fail on demand: the one named
// method returns err, and every method returns the context's error once
// the context is done (as a database driver does).
type failStore struct {
	*memstore.Store
	method string
	err    error
}

func (s *failStore) check(ctx context.Context, method string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	if s.method == method {
		return s.err
	}
	return nil
}

func (s *failStore) CreateConsumer(ctx context.Context, c *core.Consumer) error {
	if err := s.check(ctx, "CreateConsumer"); err != nil {
		return err
	}
	return s.Store.CreateConsumer(ctx, c)
}

func (s *failStore) GetConsumer(ctx context.Context, key string) (*core.Consumer, error) {
	if err := s.check(ctx, "GetConsumer"); err != nil {
		return nil, err
	}
	return s.Store.GetConsumer(ctx, key)
}

func (s *failStore) CreateRequestToken(ctx context.Context, t *core.RequestToken) error {
	if err := s.check(ctx, "CreateRequestToken"); err != nil {
		return err
	}
	return s.Store.CreateRequestToken(ctx, t)
}

func (s *failStore) GetRequestToken(ctx context.Context, token string) (*core.RequestToken, error) {
	if err := s.check(ctx, "GetRequestToken"); err != nil {
		return nil, err
	}
	return s.Store.GetRequestToken(ctx, token)
}

func (s *failStore) AuthorizeRequestToken(ctx context.Context, token, userID, verifier string, scopes []string) error {
	if err := s.check(ctx, "AuthorizeRequestToken"); err != nil {
		return err
	}
	return s.Store.AuthorizeRequestToken(ctx, token, userID, verifier, scopes)
}

func (s *failStore) DenyRequestToken(ctx context.Context, token string) error {
	if err := s.check(ctx, "DenyRequestToken"); err != nil {
		return err
	}
	return s.Store.DenyRequestToken(ctx, token)
}

func (s *failStore) DenyAuthorizedRequestTokens(ctx context.Context, userID, consumerKey string) (int64, error) {
	if err := s.check(ctx, "DenyAuthorizedRequestTokens"); err != nil {
		return 0, err
	}
	return s.Store.DenyAuthorizedRequestTokens(ctx, userID, consumerKey)
}

func (s *failStore) ConsumeRequestToken(ctx context.Context, token string, access *core.AccessToken) error {
	if err := s.check(ctx, "ConsumeRequestToken"); err != nil {
		return err
	}
	return s.Store.ConsumeRequestToken(ctx, token, access)
}

func (s *failStore) GetAccessToken(ctx context.Context, token string) (*core.AccessToken, error) {
	if err := s.check(ctx, "GetAccessToken"); err != nil {
		return nil, err
	}
	return s.Store.GetAccessToken(ctx, token)
}

func (s *failStore) ListAccessTokens(ctx context.Context, userID string) ([]core.AccessToken, error) {
	if err := s.check(ctx, "ListAccessTokens"); err != nil {
		return nil, err
	}
	return s.Store.ListAccessTokens(ctx, userID)
}

func (s *failStore) RevokeAccessToken(ctx context.Context, token string) error {
	if err := s.check(ctx, "RevokeAccessToken"); err != nil {
		return err
	}
	return s.Store.RevokeAccessToken(ctx, token)
}

func (s *failStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	if err := s.check(ctx, "DeleteExpired"); err != nil {
		return 0, err
	}
	return s.Store.DeleteExpired(ctx, now)
}

func (s *failStore) UseNonce(ctx context.Context, n core.Nonce) error {
	if err := s.check(ctx, "UseNonce"); err != nil {
		return err
	}
	return s.Store.UseNonce(ctx, n)
}

func (s *failStore) PurgeNonces(ctx context.Context, before time.Time) (int64, error) {
	if err := s.check(ctx, "PurgeNonces"); err != nil {
		return 0, err
	}
	return s.Store.PurgeNonces(ctx, before)
}

// tenv is an env on a failStore (passing everything through until told to
// fail) that remembers every secret it hands out, so that the error checks
// can make sure none of them is ever rendered.
type tenv struct {
	*env
	fs    *failStore
	realm string // the realm WWW-Authenticate must name

	mu      sync.Mutex
	secrets []string
}

func newTEnv(t testing.TB, cfg core.Config) *tenv {
	t.Helper()
	ms := memstore.New()
	fs := &failStore{Store: ms}
	clock := &testClock{t: time.Unix(t0, 0)}
	cfg.Store, cfg.Clock = fs, clock
	p, err := core.New(cfg)
	if err != nil {
		t.Fatalf("core.New: %v", err)
	}
	e := &tenv{env: &env{p: p, store: ms, clock: clock}, fs: fs, realm: cmp.Or(cfg.Realm, core.DefaultRealm)}
	e.remember(fxStoreCauseSecret)
	return e
}

func (e *tenv) remember(secrets ...string) {
	e.mu.Lock()
	e.secrets = append(e.secrets, secrets...)
	e.mu.Unlock()
}

// failOn makes the store's method return err.
func (e *tenv) failOn(method string, err error) { e.fs.method, e.fs.err = method, err }

// consumer stores c and returns a signer for it.
func (e *tenv) consumer(t testing.TB, c core.Consumer) signer {
	t.Helper()
	if c.Name == "" {
		c.Name = "App " + c.Key
	}
	c.CreatedAt = e.clock.Now()
	if err := e.store.CreateConsumer(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	e.remember(c.Secret)
	return signer{key: c.Key, secret: c.Secret, clock: e.clock}
}

// token stores an access token.
func (e *tenv) token(t testing.TB, at core.AccessToken) {
	t.Helper()
	if at.CreatedAt.IsZero() {
		at.CreatedAt = e.clock.Now()
	}
	if err := e.store.CreateAccessToken(context.Background(), &at); err != nil {
		t.Fatal(err)
	}
	e.remember(at.Secret)
}

// newFixture is a tenv with two HMAC consumers, their tokens (fxTK and
// fxTK1b of fxCK for alice with scope read, fxTK2 of fxCK2 for bob), a
// revoked and an expired token of fxCK, and, with rsaKey set, an RSA
// consumer (with a token) and one without a key.
func newFixture(t testing.TB, cfg core.Config, rsaKey *rsa.PrivateKey) *tenv {
	t.Helper()
	e := newTEnv(t, cfg)
	e.consumer(t, core.Consumer{Key: fxCK, Secret: fxCS})
	e.consumer(t, core.Consumer{Key: fxCK2, Secret: fxCS2})
	e.token(t, core.AccessToken{Token: fxTK, Secret: fxTS, ConsumerKey: fxCK, UserID: "alice", Scopes: []string{"read"}})
	e.token(t, core.AccessToken{Token: fxTK1b, Secret: fxTS1b, ConsumerKey: fxCK, UserID: "alice", Scopes: []string{"read"}})
	e.token(t, core.AccessToken{Token: fxTK2, Secret: fxTS2, ConsumerKey: fxCK2, UserID: "bob"})
	e.token(t, core.AccessToken{Token: fxTKRev, Secret: fxTSRev, ConsumerKey: fxCK, UserID: "alice", Revoked: true})
	e.token(t, core.AccessToken{Token: fxTKExp, Secret: fxTSExp, ConsumerKey: fxCK, UserID: "alice", ExpiresAt: e.clock.Now()})
	if rsaKey != nil {
		e.consumer(t, core.Consumer{Key: fxRSA, Secret: "fx-rsa-consumer-secret-Qq9", RSAPublicKey: publicPEM(t, rsaKey)})
		e.consumer(t, core.Consumer{Key: fxNoKey, Secret: "fx-nokey-consumer-secret-Rr0"})
		e.token(t, core.AccessToken{Token: fxTKRSA, Secret: fxTSRSA, ConsumerKey: fxRSA, UserID: "carol"})
	}
	return e
}

func (e *tenv) c1() signer { return signer{key: fxCK, secret: fxCS, clock: e.clock} }
func (e *tenv) c2() signer { return signer{key: fxCK2, secret: fxCS2, clock: e.clock} }
func (e *tenv) a1() signer { return e.c1().withToken(fxTK, fxTS) }

func publicPEM(t testing.TB, k *rsa.PrivateKey) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// expect checks that err is a success (status 200) or renders, through the
// provider's WriteError, as status and prob; see expectResponse.
func (e *tenv) expect(t testing.TB, err error, status int, prob string) url.Values {
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

// expectResponse checks a rendered answer: its status, oauth_problem, the
// Content-Type and Cache-Control headers, WWW-Authenticate on 401 only, a
// 5xx body that says nothing but the problem, and no remembered secret in
// the body. It returns the body's values.
func (e *tenv) expectResponse(t testing.TB, w *httptest.ResponseRecorder, status int, prob string) url.Values {
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
func (e *tenv) noSecrets(t testing.TB, body string) {
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

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func get() *http.Request { return httptest.NewRequest("GET", apiURL, nil) }

func getTLS() *http.Request {
	return httptest.NewRequest("GET", "https://api.example.com/v1/me?x=1", nil)
}

func postJSON(body string) *http.Request {
	r := httptest.NewRequest("POST", "http://api.example.com/v1/items", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func postForm(body string) *http.Request {
	r := httptest.NewRequest("POST", "http://api.example.com/v1/items", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func b64(sum []byte) string { return base64.StdEncoding.EncodeToString(sum) }

func sha1Of(s string) string {
	h := sha1.Sum([]byte(s))
	return b64(h[:])
}

func sha256Of(s string) string {
	h := sha256.Sum256([]byte(s))
	return b64(h[:])
}

const allAbsent = "oauth_consumer_key&oauth_signature_method&oauth_signature&oauth_timestamp&oauth_nonce"

// TestVerifyErrors runs every refusal of Verify and VerifyTwoLegged and
// checks the status, the oauth_problem and the rendered answer.
func TestVerifyErrors(t *testing.T) {
	keys := testRSAKeys(t)
	ts := func(d int64) string { return strconv.FormatInt(t0+d, 10) }
	header := func(r *http.Request, h string) *http.Request {
		r.Header.Set("Authorization", h)
		return r
	}
	validHeader := func(e *tenv, extra ...string) string {
		pairs := []string{"oauth_consumer_key", fxCK, "oauth_token", fxTK, "oauth_signature_method", "HMAC-SHA1",
			"oauth_timestamp", ts(0), "oauth_nonce", "n", "oauth_signature", "not base64!"}
		return authHeader(append(pairs, extra...)...)
	}
	for _, tc := range []struct {
		name    string
		cfg     core.Config
		two     bool
		req     func(e *tenv) *http.Request
		status  int
		problem string
		check   func(t *testing.T, v url.Values)
	}{
		{name: "no parameters", req: func(e *tenv) *http.Request { return get() },
			status: 400, problem: "parameter_absent",
			check: absentIs(allAbsent + "&oauth_token")},
		{name: "no parameters two-legged", two: true, req: func(e *tenv) *http.Request { return get() },
			status: 400, problem: "parameter_absent", check: absentIs(allAbsent)},
		{name: "another auth scheme", req: func(e *tenv) *http.Request { return header(get(), "Basic YWxhZGRpbjpvcGVuc2VzYW1l") },
			status: 400, problem: "parameter_absent", check: absentIs(allAbsent + "&oauth_token")},
		{name: "bare OAuth header", req: func(e *tenv) *http.Request { return header(get(), "OAuth") },
			status: 400, problem: "parameter_absent", check: absentIs(allAbsent + "&oauth_token")},
		{name: "missing oauth_token", req: func(e *tenv) *http.Request { return e.c1().sign(get()) },
			status: 400, problem: "parameter_absent", check: absentIs("oauth_token")},
		{name: "empty oauth_token three-legged", req: func(e *tenv) *http.Request {
			s := e.c1()
			s.emptyToken = true
			return s.sign(get())
		}, status: 400, problem: "parameter_absent", check: absentIs("oauth_token")},
		{name: "missing nonce", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.omit = "oauth_nonce"
			return s.sign(get())
		}, status: 400, problem: "parameter_absent", check: absentIs("oauth_nonce")},
		{name: "missing timestamp", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.omit = "oauth_timestamp"
			return s.sign(get())
		}, status: 400, problem: "parameter_absent", check: absentIs("oauth_timestamp")},
		{name: "missing signature", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.omit = "oauth_signature"
			return s.sign(get())
		}, status: 400, problem: "parameter_absent", check: absentIs("oauth_signature")},
		{name: "oauth_version 2.0", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.version = "2.0"
			return s.sign(get())
		}, status: 400, problem: "version_rejected"},
		{name: "empty oauth_version", req: func(e *tenv) *http.Request {
			return e.a1().sign(get(), prm("oauth_version", ""))
		}, status: 400, problem: "version_rejected"},
		{name: "unknown method", req: func(e *tenv) *http.Request { return e.a1().using("HMAC-MD5").sign(get()) },
			status: 400, problem: "signature_method_rejected"},
		{name: "method in lower case", req: func(e *tenv) *http.Request { return e.a1().using("hmac-sha1").sign(get()) },
			status: 400, problem: "signature_method_rejected"},
		{name: "method outside the allow-list", cfg: core.Config{SignatureMethods: []string{core.HMACSHA1}},
			req:    func(e *tenv) *http.Request { return e.a1().using(core.HMACSHA256).sign(get()) },
			status: 400, problem: "signature_method_rejected"},
		{name: "PLAINTEXT outside the allow-list over TLS", cfg: core.Config{SignatureMethods: []string{core.HMACSHA1}},
			req:    func(e *tenv) *http.Request { return e.a1().using(core.PLAINTEXT).sign(getTLS()) },
			status: 400, problem: "signature_method_rejected"},
		{name: "PLAINTEXT over http", req: func(e *tenv) *http.Request { return e.a1().using(core.PLAINTEXT).sign(get()) },
			status: 400, problem: "signature_method_rejected"},
		{name: "PLAINTEXT over http two-legged", two: true,
			req:    func(e *tenv) *http.Request { return e.c1().using(core.PLAINTEXT).sign(get()) },
			status: 400, problem: "signature_method_rejected"},
		{name: "repeated in header and query", req: func(e *tenv) *http.Request {
			r := e.a1().sign(get())
			r.URL.RawQuery += "&oauth_nonce=other"
			return r
		}, status: 400, problem: "parameter_rejected"},
		{name: "repeated in header", req: func(e *tenv) *http.Request {
			return header(get(), validHeader(e, "oauth_consumer_key", fxCK2))
		}, status: 400, problem: "parameter_rejected"},
		{name: "repeated with the same value in header", req: func(e *tenv) *http.Request {
			return header(get(), validHeader(e, "oauth_token", fxTK))
		}, status: 400, problem: "parameter_rejected"},
		{name: "repeated in query", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.where = "query"
			r := s.sign(get())
			r.URL.RawQuery += "&oauth_timestamp=" + ts(0)
			return r
		}, status: 400, problem: "parameter_rejected"},
		{name: "repeated in query and form body", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.where = "form"
			r := s.sign(postForm("a=1"))
			r.URL.RawQuery = "oauth_signature=x"
			return r
		}, status: 400, problem: "parameter_rejected"},
		{name: "split between header and query", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.omit = "oauth_nonce"
			r := s.sign(get())
			r.URL.RawQuery += "&oauth_nonce=n1"
			return r
		}, status: 400, problem: "parameter_rejected"},
		{name: "PLAINTEXT with a nonce but no timestamp", req: func(e *tenv) *http.Request {
			s := e.a1().using(core.PLAINTEXT)
			s.omit = "oauth_timestamp"
			return s.sign(getTLS())
		}, status: 400, problem: "parameter_absent", check: absentIs("oauth_timestamp")},
		{name: "header value unquoted", req: func(e *tenv) *http.Request {
			return header(get(), `OAuth oauth_consumer_key=`+fxCK)
		}, status: 400, problem: "parameter_rejected"},
		{name: "header value unterminated", req: func(e *tenv) *http.Request {
			return header(get(), `OAuth oauth_consumer_key="`+fxCK)
		}, status: 400, problem: "parameter_rejected"},
		{name: "header pairs without comma", req: func(e *tenv) *http.Request {
			return header(get(), `OAuth oauth_consumer_key="a" oauth_token="b"`)
		}, status: 400, problem: "parameter_rejected"},
		{name: "bad percent-encoding in header", req: func(e *tenv) *http.Request {
			return header(get(), `OAuth oauth_consumer_key="%zz"`)
		}, status: 400, problem: "parameter_rejected"},
		{name: "truncated percent-encoding in header", req: func(e *tenv) *http.Request {
			return header(get(), `OAuth oauth_consumer_key="ab%4"`)
		}, status: 400, problem: "parameter_rejected"},
		{name: "bad percent-encoding in query", req: func(e *tenv) *http.Request {
			r := e.a1().sign(get())
			r.URL.RawQuery += "&q=50%zz"
			return r
		}, status: 400, problem: "parameter_rejected"},
		{name: "bad percent-encoding in form body", req: func(e *tenv) *http.Request {
			r := e.a1().sign(postForm("a=1"))
			setBody(r, []byte("a=%G1"))
			return r
		}, status: 400, problem: "parameter_rejected"},
		{name: "timestamp with a letter", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = "17000000x0"
			return s.sign(get())
		}, status: 400, problem: "parameter_rejected"},
		{name: "negative timestamp", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = "-" + ts(0)
			return s.sign(get())
		}, status: 400, problem: "parameter_rejected"},
		{name: "timestamp with a plus sign", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = "+" + ts(0)
			return s.sign(get())
		}, status: 400, problem: "parameter_rejected"},
		{name: "timestamp with a space", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = " " + ts(0)
			return s.sign(get())
		}, status: 400, problem: "parameter_rejected"},
		{name: "fractional timestamp", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = ts(0) + ".5"
			return s.sign(get())
		}, status: 400, problem: "parameter_rejected"},
		{name: "huge timestamp", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = "99999999999999999999999"
			return s.sign(get())
		}, status: 400, problem: "parameter_rejected"},
		{name: "timestamp too old", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = ts(-301)
			return s.sign(get())
		}, status: 401, problem: "timestamp_refused", check: acceptableIs("1699999700-1700000300")},
		{name: "timestamp too far ahead", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = ts(301)
			return s.sign(get())
		}, status: 401, problem: "timestamp_refused", check: acceptableIs("1699999700-1700000300")},
		{name: "timestamp zero", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = "0"
			return s.sign(get())
		}, status: 401, problem: "timestamp_refused", check: acceptableIs("1699999700-1700000300")},
		{name: "timestamp refused before the consumer is looked up", req: func(e *tenv) *http.Request {
			s := signer{key: "nobody", secret: "x", clock: e.clock, timestamp: ts(-1000)}
			return s.sign(get())
		}, two: true, status: 401, problem: "timestamp_refused", check: acceptableIs("1699999700-1700000300")},
		{name: "custom window too old", cfg: core.Config{TimestampPast: 10 * time.Second, TimestampFuture: 20 * time.Second},
			req: func(e *tenv) *http.Request {
				s := e.a1()
				s.timestamp = ts(-11)
				return s.sign(get())
			}, status: 401, problem: "timestamp_refused", check: acceptableIs("1699999990-1700000020")},
		{name: "custom window too far ahead", cfg: core.Config{TimestampPast: 10 * time.Second, TimestampFuture: 20 * time.Second},
			req: func(e *tenv) *http.Request {
				s := e.a1()
				s.timestamp = ts(21)
				return s.sign(get())
			}, status: 401, problem: "timestamp_refused", check: acceptableIs("1699999990-1700000020")},
		{name: "unknown consumer", req: func(e *tenv) *http.Request {
			return signer{key: "nobody", secret: fxCS, clock: e.clock}.withToken(fxTK, fxTS).sign(get())
		}, status: 401, problem: "consumer_key_unknown"},
		{name: "unknown consumer two-legged", two: true, req: func(e *tenv) *http.Request {
			return signer{key: "nobody", secret: "x", clock: e.clock}.sign(get())
		}, status: 401, problem: "consumer_key_unknown"},
		{name: "unknown consumer RSA", two: true, req: func(e *tenv) *http.Request {
			return signer{key: "nobody", clock: e.clock, rsa: keys[0]}.using(core.RSASHA1).sign(get())
		}, status: 401, problem: "consumer_key_unknown"},
		{name: "unknown consumer and token", req: func(e *tenv) *http.Request {
			return signer{key: "nobody", secret: "x", clock: e.clock}.withToken("nothing", "y").sign(get())
		}, status: 401, problem: "consumer_key_unknown"},
		{name: "unknown token", req: func(e *tenv) *http.Request { return e.c1().withToken("nothing", "y").sign(get()) },
			status: 401, problem: "token_rejected"},
		{name: "unknown token two-legged", two: true,
			req:    func(e *tenv) *http.Request { return e.c1().withToken("nothing", "y").sign(get()) },
			status: 401, problem: "token_rejected"},
		{name: "wrong consumer secret", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.secret = "wrong"
			return s.sign(get())
		}, status: 401, problem: "signature_invalid"},
		{name: "wrong token secret", req: func(e *tenv) *http.Request { return e.c1().withToken(fxTK, "wrong").sign(get()) },
			status: 401, problem: "signature_invalid"},
		{name: "wrong consumer secret two-legged", two: true, req: func(e *tenv) *http.Request {
			s := e.c1()
			s.secret = "wrong"
			return s.sign(get())
		}, status: 401, problem: "signature_invalid"},
		{name: "parameter changed after signing", req: func(e *tenv) *http.Request {
			r := e.a1().sign(get())
			r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "x=1", "x=2", 1)
			return r
		}, status: 401, problem: "signature_invalid"},
		{name: "method changed after signing", req: func(e *tenv) *http.Request {
			r := e.a1().sign(get())
			r.Method = "DELETE"
			return r
		}, status: 401, problem: "signature_invalid"},
		{name: "signed for another host", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.baseURI = "http://other.example.com/v1/me"
			return s.sign(get())
		}, status: 401, problem: "signature_invalid"},
		{name: "signature not base64", req: func(e *tenv) *http.Request {
			return header(get(), validHeader(e))
		}, status: 401, problem: "signature_invalid"},
		{name: "token of another consumer", req: func(e *tenv) *http.Request {
			return e.c2().withToken(fxTK, fxTS).sign(get())
		}, status: 401, problem: "token_rejected"},
		{name: "revoked token", req: func(e *tenv) *http.Request { return e.c1().withToken(fxTKRev, fxTSRev).sign(get()) },
			status: 401, problem: "token_revoked"},
		{name: "revoked token two-legged", two: true,
			req:    func(e *tenv) *http.Request { return e.c1().withToken(fxTKRev, fxTSRev).sign(get()) },
			status: 401, problem: "token_revoked"},
		{name: "expired token", req: func(e *tenv) *http.Request { return e.c1().withToken(fxTKExp, fxTSExp).sign(get()) },
			status: 401, problem: "token_expired"},
		{name: "RSA consumer without a key", two: true, req: func(e *tenv) *http.Request {
			return signer{key: fxNoKey, clock: e.clock, rsa: keys[0]}.using(core.RSASHA256).sign(get())
		}, status: 400, problem: "signature_method_rejected"},
		{name: "RSA signed with another key", two: true, req: func(e *tenv) *http.Request {
			return signer{key: fxRSA, clock: e.clock, rsa: keys[1]}.using(core.RSASHA1).sign(get())
		}, status: 401, problem: "signature_invalid"},
		{name: "RSA consumer signing with HMAC and a wrong secret", two: true, req: func(e *tenv) *http.Request {
			return signer{key: fxRSA, secret: "guess", clock: e.clock}.sign(get())
		}, status: 401, problem: "signature_invalid"},
		{name: "body hash on a form body", req: func(e *tenv) *http.Request {
			return e.a1().sign(postForm("a=1"), prm("oauth_body_hash", sha1Of("a=1")))
		}, status: 400, problem: "parameter_rejected"},
		{name: "body hash with PLAINTEXT", req: func(e *tenv) *http.Request {
			r := httptest.NewRequest("POST", "https://api.example.com/v1/items", strings.NewReader(`{}`))
			r.Header.Set("Content-Type", "application/json")
			return e.a1().using(core.PLAINTEXT).sign(r, prm("oauth_body_hash", sha1Of(`{}`)))
		}, status: 400, problem: "parameter_rejected"},
		{name: "wrong body hash", req: func(e *tenv) *http.Request {
			return e.a1().sign(postJSON(`{"a":1}`), prm("oauth_body_hash", sha1Of(`{"a":2}`)))
		}, status: 401, problem: "signature_invalid"},
		{name: "body hash of the wrong algorithm", req: func(e *tenv) *http.Request {
			return e.a1().sign(postJSON(`{"a":1}`), prm("oauth_body_hash", sha256Of(`{"a":1}`)))
		}, status: 401, problem: "signature_invalid"},
		{name: "form body larger than MaxBodyBytes", cfg: core.Config{MaxBodyBytes: 64}, req: func(e *tenv) *http.Request {
			return e.a1().sign(postForm("a=" + strings.Repeat("b", 63)))
		}, status: 400, problem: "parameter_rejected"},
		{name: "hashed body larger than MaxBodyBytes", cfg: core.Config{MaxBodyBytes: 64}, req: func(e *tenv) *http.Request {
			body := `"` + strings.Repeat("b", 64) + `"`
			return e.a1().sign(postJSON(body), prm("oauth_body_hash", sha1Of(body)))
		}, status: 400, problem: "parameter_rejected"},
		{name: "endless form body", cfg: core.Config{MaxBodyBytes: 1 << 10}, req: func(e *tenv) *http.Request {
			r := httptest.NewRequest("POST", "http://api.example.com/v1/items", endless{})
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
			return header(r, validHeader(e))
		}, status: 400, problem: "parameter_rejected"},
		{name: "endless hashed body", cfg: core.Config{MaxBodyBytes: 1 << 10}, req: func(e *tenv) *http.Request {
			r := httptest.NewRequest("POST", "http://api.example.com/v1/items", endless{})
			r.Header.Set("Content-Type", "application/octet-stream")
			return header(r, validHeader(e, "oauth_body_hash", sha1Of("")))
		}, status: 400, problem: "parameter_rejected"},
		{name: "body that fails to read", req: func(e *tenv) *http.Request {
			r := httptest.NewRequest("POST", "http://api.example.com/v1/items", failingReader{})
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return header(r, validHeader(e))
		}, status: 400, problem: "parameter_rejected"},
		{name: "invalid host", req: func(e *tenv) *http.Request {
			r := e.a1().sign(get())
			r.Host = "api.example.com:99999"
			return r
		}, status: 400, problem: "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, tc.cfg, keys[0])
			r := tc.req(e)
			var opts []core.AuthOption
			if tc.two {
				opts = append(opts, core.TwoLegged())
			}
			g, err := e.p.Authenticate(r, opts...)
			if err == nil {
				t.Fatalf("got grant %+v, want %d %s", g, tc.status, tc.problem)
			}
			v := e.expect(t, err, tc.status, tc.problem)
			if tc.check != nil {
				tc.check(t, v)
			}
			if tc.status == 400 || tc.status == 401 {
				if adv := v.Get("oauth_problem_advice"); adv == "" {
					t.Errorf("no oauth_problem_advice in %v", v)
				}
			}
		})
	}
}

func absentIs(want string) func(*testing.T, url.Values) {
	return func(t *testing.T, v url.Values) {
		t.Helper()
		if got := v.Get("oauth_parameters_absent"); got != want {
			t.Errorf("oauth_parameters_absent = %q, want %q", got, want)
		}
	}
}

func acceptableIs(want string) func(*testing.T, url.Values) {
	return func(t *testing.T, v url.Values) {
		t.Helper()
		if got := v.Get("oauth_acceptable_timestamps"); got != want {
			t.Errorf("oauth_acceptable_timestamps = %q, want %q", got, want)
		}
	}
}

// endless is a body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}

// failingReader is a body whose read fails.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestVerifyAccepted runs requests that must verify, and checks their
// grants.
func TestVerifyAccepted(t *testing.T) {
	keys := testRSAKeys(t)
	ts := func(d int64) string { return strconv.FormatInt(t0+d, 10) }
	for _, tc := range []struct {
		name   string
		cfg    core.Config
		two    bool
		req    func(e *tenv) *http.Request
		user   string // "" for a two-legged grant
		method string
	}{
		{name: "HMAC-SHA1", req: func(e *tenv) *http.Request { return e.a1().sign(get()) }, user: "alice", method: core.HMACSHA1},
		{name: "HMAC-SHA256", req: func(e *tenv) *http.Request { return e.a1().using(core.HMACSHA256).sign(get()) },
			user: "alice", method: core.HMACSHA256},
		{name: "HMAC-SHA512", req: func(e *tenv) *http.Request { return e.a1().using(core.HMACSHA512).sign(get()) },
			user: "alice", method: core.HMACSHA512},
		{name: "RSA-SHA1", req: func(e *tenv) *http.Request {
			return signer{key: fxRSA, clock: e.clock, rsa: keys[0]}.withToken(fxTKRSA, fxTSRSA).using(core.RSASHA1).sign(get())
		}, user: "carol", method: core.RSASHA1},
		{name: "RSA-SHA256", req: func(e *tenv) *http.Request {
			return signer{key: fxRSA, clock: e.clock, rsa: keys[0]}.withToken(fxTKRSA, fxTSRSA).using(core.RSASHA256).sign(get())
		}, user: "carol", method: core.RSASHA256},
		{name: "RSA-SHA1 two-legged", two: true, req: func(e *tenv) *http.Request {
			return signer{key: fxRSA, clock: e.clock, rsa: keys[0]}.using(core.RSASHA1).sign(get())
		}, method: core.RSASHA1},
		{name: "RSA-SHA256 two-legged", two: true, req: func(e *tenv) *http.Request {
			return signer{key: fxRSA, clock: e.clock, rsa: keys[0]}.using(core.RSASHA256).sign(get())
		}, method: core.RSASHA256},
		{name: "PLAINTEXT over TLS", req: func(e *tenv) *http.Request { return e.a1().using(core.PLAINTEXT).sign(getTLS()) },
			user: "alice", method: core.PLAINTEXT},
		{name: "PLAINTEXT over http when allowed", cfg: core.Config{AllowPlaintextOverHTTP: true},
			req:  func(e *tenv) *http.Request { return e.a1().using(core.PLAINTEXT).sign(get()) },
			user: "alice", method: core.PLAINTEXT},
		{name: "oauth_version 1.0", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.version = "1.0"
			return s.sign(get())
		}, user: "alice", method: core.HMACSHA1},
		{name: "realm in the header", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.realm = "Photos"
			return s.sign(get())
		}, user: "alice", method: core.HMACSHA1},
		{name: "parameters in the query", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.where = "query"
			return s.sign(get(), prm("file", "a b&c"))
		}, user: "alice", method: core.HMACSHA1},
		{name: "parameters in the form body", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.where = "form"
			return s.sign(postForm("a=1&b=x+y"))
		}, user: "alice", method: core.HMACSHA1},
		{name: "header with a form body and query", req: func(e *tenv) *http.Request {
			r := postForm("a=1&a=2&c")
			r.URL.RawQuery = "b=%20&a=0"
			return e.a1().sign(r)
		}, user: "alice", method: core.HMACSHA1},
		{name: "form content type with a nil body", req: func(e *tenv) *http.Request {
			r := e.a1().sign(get())
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.Body = nil
			return r
		}, user: "alice", method: core.HMACSHA1},
		{name: "form content type with charset", req: func(e *tenv) *http.Request {
			r := postForm("a=1")
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
			return e.a1().sign(r)
		}, user: "alice", method: core.HMACSHA1},
		{name: "two-legged without oauth_token", two: true, req: func(e *tenv) *http.Request { return e.c1().sign(get()) },
			method: core.HMACSHA1},
		{name: "two-legged with an empty oauth_token", two: true, req: func(e *tenv) *http.Request {
			s := e.c1()
			s.emptyToken = true
			return s.sign(get())
		}, method: core.HMACSHA1},
		{name: "two-legged carrying a token is three-legged", two: true,
			req: func(e *tenv) *http.Request { return e.a1().sign(get()) }, user: "alice", method: core.HMACSHA1},
		{name: "timestamp at the window's start", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = ts(-300)
			return s.sign(get())
		}, user: "alice", method: core.HMACSHA1},
		{name: "timestamp at the window's end", req: func(e *tenv) *http.Request {
			s := e.a1()
			s.timestamp = ts(300)
			return s.sign(get())
		}, user: "alice", method: core.HMACSHA1},
		{name: "body hash SHA-1 on JSON", req: func(e *tenv) *http.Request {
			return e.a1().sign(postJSON(`{"a":1}`), prm("oauth_body_hash", sha1Of(`{"a":1}`)))
		}, user: "alice", method: core.HMACSHA1},
		{name: "body hash SHA-256 on JSON", req: func(e *tenv) *http.Request {
			return e.a1().using(core.HMACSHA256).sign(postJSON(`{"a":1}`), prm("oauth_body_hash", sha256Of(`{"a":1}`)))
		}, user: "alice", method: core.HMACSHA256},
		{name: "body hash SHA-1 of an empty body (vector)", req: func(e *tenv) *http.Request {
			return e.a1().sign(get(), prm("oauth_body_hash", "2jmj7l5rSw0yVb/vlWAYkK/YBwk="))
		}, user: "alice", method: core.HMACSHA1},
		{name: "body hash SHA-256 of an empty body (vector)", req: func(e *tenv) *http.Request {
			return e.a1().using(core.HMACSHA256).sign(get(), prm("oauth_body_hash", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="))
		}, user: "alice", method: core.HMACSHA256},
		{name: "body hash RSA-SHA256", two: true, req: func(e *tenv) *http.Request {
			s := signer{key: fxRSA, clock: e.clock, rsa: keys[0]}.using(core.RSASHA256)
			return s.sign(postJSON(`[1,2]`), prm("oauth_body_hash", sha256Of(`[1,2]`)))
		}, method: core.RSASHA256},
		{name: "host in upper case with the default port", req: func(e *tenv) *http.Request {
			r := get()
			r.Host = "API.Example.COM:80"
			s := e.a1()
			s.baseURI = "http://api.example.com/v1/me"
			return s.sign(r)
		}, user: "alice", method: core.HMACSHA1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, tc.cfg, keys[0])
			r := tc.req(e)
			var opts []core.AuthOption
			if tc.two {
				opts = append(opts, core.TwoLegged())
			}
			g, err := e.p.Authenticate(r, opts...)
			e.expect(t, err, 200, "")
			if g.UserID != tc.user || g.SignatureMethod != tc.method || g.Consumer == nil {
				t.Fatalf("grant user %q method %q, want %q %q", g.UserID, g.SignatureMethod, tc.user, tc.method)
			}
			if (g.Token == nil) != (tc.user == "") {
				t.Errorf("grant token %+v for user %q", g.Token, tc.user)
			}
			if g.Token != nil && g.Token.UserID != tc.user {
				t.Errorf("grant token user %q", g.Token.UserID)
			}
		})
	}
}

// TestPlaintextVectors checks the PLAINTEXT signatures of RFC 5849 §2.1 and
// §2.3 (VECTORS.md §3), and that PLAINTEXT may omit timestamp and nonce.
func TestPlaintextVectors(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		cfg       core.Config
		pairs     []string
		status    int
		problem   string
	}{
		{"client secret only", "https://photos.example.net/initiate", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 200, ""},
		{"with token secret", "https://photos.example.net/photos", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_token", "pt-tk", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&xyz4992k83j47x0b"}, 200, ""},
		{"with timestamp and nonce", "https://photos.example.net/photos", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_token", "pt-tk", "oauth_signature_method", "PLAINTEXT",
				"oauth_timestamp", strconv.Itoa(t0), "oauth_nonce", "pt", "oauth_signature", "ja893SD9&xyz4992k83j47x0b"}, 200, ""},
		{"token secret missing", "https://photos.example.net/photos", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_token", "pt-tk", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 401, "signature_invalid"},
		{"no ampersand", "https://photos.example.net/initiate", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9"}, 401, "signature_invalid"},
		{"over http", "http://photos.example.net/initiate", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 400, "signature_method_rejected"},
		{"over http allowed", "http://photos.example.net/initiate", core.Config{AllowPlaintextOverHTTP: true},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newTEnv(t, tc.cfg)
			e.consumer(t, core.Consumer{Key: "pt-ck", Secret: "ja893SD9"})
			e.token(t, core.AccessToken{Token: "pt-tk", Secret: "xyz4992k83j47x0b", ConsumerKey: "pt-ck", UserID: "u"})
			r := httptest.NewRequest("GET", tc.url, nil)
			r.Header.Set("Authorization", authHeader(tc.pairs...))
			_, err := e.p.Authenticate(r, core.TwoLegged())
			if tc.status == 200 {
				e.expect(t, err, 200, "")
				return
			}
			// A failure may echo nothing of the secrets; here the
			// signature itself holds them.
			e.expect(t, err, tc.status, tc.problem)
		})
	}
}

// TestNonce checks replay detection, its scope, and that refused requests
// record nothing.
func TestNonce(t *testing.T) {
	e := newFixture(t, core.Config{}, nil)
	verify := func(s signer) error {
		_, err := e.p.Authenticate(s.sign(get()), core.TwoLegged())
		return err
	}
	a := e.a1()
	a.nonce = "once"
	e.expect(t, verify(a), 200, "")
	e.expect(t, verify(a), 401, "nonce_used")

	// The scope: consumer, token, timestamp, nonce.
	other := []struct {
		name string
		s    signer
	}{
		{"another timestamp", func() signer { s := a; s.timestamp = strconv.Itoa(t0 + 1); return s }()},
		{"another token", a.withToken(fxTK1b, fxTS1b)},
		{"no token", func() signer { s := e.c1(); s.nonce = "once"; return s }()},
		{"another consumer", func() signer { s := e.c2().withToken(fxTK2, fxTS2); s.nonce = "once"; return s }()},
	}
	for _, o := range other {
		t.Run(o.name, func(t *testing.T) {
			e.expect(t, verify(o.s), 200, "")
			e.expect(t, verify(o.s), 401, "nonce_used")
		})
	}

	t.Run("bad signature records nothing", func(t *testing.T) {
		s := e.a1()
		s.nonce = "after-bad-signature"
		bad := s
		bad.secret = "wrong"
		e.expect(t, verify(bad), 401, "signature_invalid")
		e.expect(t, verify(s), 200, "")
		e.expect(t, verify(s), 401, "nonce_used")
	})
	t.Run("expired token records nothing", func(t *testing.T) {
		e.token(t, core.AccessToken{Token: "tk-soon", Secret: "tk-soon-secret-Yy1", ConsumerKey: fxCK, UserID: "alice",
			ExpiresAt: e.clock.Now().Add(10 * time.Second)})
		s := e.c1().withToken("tk-soon", "tk-soon-secret-Yy1")
		s.nonce, s.timestamp = "after-expired", strconv.Itoa(t0+20)
		e.clock.Add(20 * time.Second)
		e.expect(t, verify(s), 401, "token_expired")
		e.clock.Add(-20 * time.Second)
		e.expect(t, verify(s), 200, "")
		e.expect(t, verify(s), 401, "nonce_used")
	})
	t.Run("PLAINTEXT with a nonce", func(t *testing.T) {
		s := e.a1().using(core.PLAINTEXT)
		s.nonce = "plain-once"
		do := func() error { _, err := e.p.Authenticate(s.sign(getTLS())); return err }
		e.expect(t, do(), 200, "")
		e.expect(t, do(), 401, "nonce_used")
	})
}

// TestNonceStoreSeparate checks that Config.NonceStore, when set, records
// the nonces instead of Store.
func TestNonceStoreSeparate(t *testing.T) {
	nonces := memstore.New()
	e := newFixture(t, core.Config{NonceStore: nonces}, nil)
	s := e.a1()
	s.nonce = "separate"
	_, err := e.p.Authenticate(s.sign(get()))
	e.expect(t, err, 200, "")
	_, err = e.p.Authenticate(s.sign(get()))
	e.expect(t, err, 401, "nonce_used")
	n := core.Nonce{ConsumerKey: fxCK, Token: fxTK, Nonce: "separate", Timestamp: time.Unix(t0, 0)}
	if err := nonces.UseNonce(context.Background(), n); !errors.Is(err, core.ErrNonceUsed) {
		t.Errorf("NonceStore.UseNonce = %v, want ErrNonceUsed (the nonce belongs there)", err)
	}
	if err := e.store.UseNonce(context.Background(), n); err != nil {
		t.Errorf("Store.UseNonce = %v, want nil (Store must not have recorded it)", err)
	}
}

// TestBodyRestored checks that the handler reads the same body after
// Verify, for form and hashed bodies, and for a plain body Verify leaves
// alone.
func TestBodyRestored(t *testing.T) {
	e := newFixture(t, core.Config{}, nil)
	for _, tc := range []struct {
		name string
		req  func() *http.Request
		want string
	}{
		{"form body", func() *http.Request { return e.a1().sign(postForm("a=1&b=x+y&c")) }, "a=1&b=x+y&c"},
		{"parameters in the form body", func() *http.Request {
			s := e.a1()
			s.where = "form"
			return s.sign(postForm("a=1"))
		}, ""},
		{"hashed JSON body", func() *http.Request {
			return e.a1().sign(postJSON(`{"a":1}`), prm("oauth_body_hash", sha1Of(`{"a":1}`)))
		}, `{"a":1}`},
		{"JSON body without hash", func() *http.Request { return e.a1().sign(postJSON(`{"b":2}`)) }, `{"b":2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.req()
			want := tc.want
			if want == "" {
				want = string(readAll(r))
			}
			_, err := e.p.Authenticate(r)
			e.expect(t, err, 200, "")
			got, err := io.ReadAll(r.Body)
			if err != nil || string(got) != want {
				t.Errorf("body after Verify = %q, %v; want %q", got, err, want)
			}
		})
	}
	t.Run("ParseForm after Verify", func(t *testing.T) {
		r := e.a1().sign(postForm("name=J%C3%B6rg&n=2"))
		_, err := e.p.Authenticate(r)
		e.expect(t, err, 200, "")
		if err := r.ParseForm(); err != nil || r.PostForm.Get("name") != "Jörg" || r.PostForm.Get("n") != "2" {
			t.Errorf("ParseForm after Verify: %v %v", err, r.PostForm)
		}
	})
}

// TestVerifyStoreFailures checks that store failures are 5xx with a
// generic body: 500 server_error, or 503 temporarily_unavailable for
// ErrCapacity and deadlines. Never 401, never a success.
func TestVerifyStoreFailures(t *testing.T) {
	cause := errors.New("disk on fire: password=" + fxStoreCauseSecret)
	for _, tc := range []struct {
		name, method string
		err          error
		two          bool
		status       int
		problem      string
	}{
		{"GetConsumer fails", "GetConsumer", cause, false, 500, "server_error"},
		{"GetConsumer fails two-legged", "GetConsumer", cause, true, 500, "server_error"},
		{"GetAccessToken fails", "GetAccessToken", cause, false, 500, "server_error"},
		{"UseNonce fails", "UseNonce", cause, false, 500, "server_error"},
		{"UseNonce at capacity", "UseNonce", core.ErrCapacity, false, 503, "temporarily_unavailable"},
		{"UseNonce at capacity wrapped", "UseNonce", fmt.Errorf("redis: %w", core.ErrCapacity), true, 503, "temporarily_unavailable"},
		{"GetConsumer deadline", "GetConsumer", fmt.Errorf("pg: %w", context.DeadlineExceeded), false, 503, "temporarily_unavailable"},
		{"GetAccessToken canceled", "GetAccessToken", context.Canceled, false, 503, "temporarily_unavailable"},
		{"GetConsumer says ErrNonceUsed", "GetConsumer", core.ErrNonceUsed, false, 500, "server_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{}, nil)
			e.failOn(tc.method, tc.err)
			var opts []core.AuthOption
			if tc.two {
				opts = append(opts, core.TwoLegged())
			}
			_, err := e.p.Authenticate(e.a1().sign(get()), opts...)
			e.expect(t, err, tc.status, tc.problem)
			if !errors.Is(err, tc.err) {
				t.Errorf("error %v does not keep the cause for logs", err)
			}
		})
	}
	t.Run("request deadline passed", func(t *testing.T) {
		e := newFixture(t, core.Config{}, nil)
		ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
		defer cancel()
		r := e.a1().sign(get()).WithContext(ctx)
		_, err := e.p.Authenticate(r)
		e.expect(t, err, 503, "temporarily_unavailable")
	})
	t.Run("separate NonceStore at capacity", func(t *testing.T) {
		nonces := memstore.New(memstore.WithMaxBytes(1)) // too small for one nonce
		e := newFixture(t, core.Config{NonceStore: nonces}, nil)
		_, err := e.p.Authenticate(e.a1().sign(get()))
		e.expect(t, err, 503, "temporarily_unavailable")
	})
}
