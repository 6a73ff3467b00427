package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// The operability rules: every 5xx reaches Config.OnServerError once, with
// its request and cause (TestOnServerError), never a 4xx
// (TestOnServerErrorNotFor4xx); store calls run under Config.StoreTimeout
// (TestStoreTimeout).

// hookCall is one call of Config.OnServerError.
type hookCall struct {
	r   *http.Request
	err error
}

// hookRecorder records the calls of Config.OnServerError.
type hookRecorder struct {
	mu    sync.Mutex
	calls []hookCall
}

func (h *hookRecorder) hook(r *http.Request, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls = append(h.calls, hookCall{r, err})
}

func (h *hookRecorder) got() []hookCall {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]hookCall(nil), h.calls...)
}

// entry points of the provider, as answerEntry calls them.
const (
	epRequestToken      = "RequestTokenHandler"
	epAccessToken       = "AccessTokenHandler"
	epMiddleware        = "Middleware"
	epMiddlewareTwo     = "Middleware TwoLegged"
	epAuthenticate      = "Authenticate"
	epAuthenticateTwo   = "Authenticate TwoLegged"
	epConsentRequest    = "ConsentRequest"
	epLoadConsent       = "LoadConsent"
	epApprove           = "Approve"
	epDeny              = "Deny"
	epRegisterConsumer  = "RegisterConsumer"
	epAuthorizedApps    = "AuthorizedApps"
	epRevokeApp         = "RevokeApp"
	epRevokeAccessToken = "RevokeAccessToken"
)

// answerEntry prepares what entry needs (a pending or approved request
// token), calls fail, then answers one request through entry: the
// handlers and Middleware serve it, the other entry points are called
// (with core.RequestContext for those that take a context) and their
// error rendered with WriteError. It returns the request and the answer.
func answerEntry(t *testing.T, e *env, entry string, fail func()) (*http.Request, *httptest.ResponseRecorder) {
	t.Helper()
	rt, rs := e.requestToken(t, client1, lcCB)
	var verifier string
	if entry == epAccessToken {
		verifier = e.approve(t, rt, "alice", nil).Verifier
	}
	fail()

	w := httptest.NewRecorder()
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	consent := httptest.NewRequest("POST", "http://provider.example/authorize", nil)
	answer := func(err error) {
		if err != nil {
			e.p.WriteError(w, err)
		} else {
			w.WriteHeader(http.StatusOK)
		}
	}
	switch entry {
	case epRequestToken:
		r := e.initiateRequest(client1, "oob")
		e.p.RequestTokenHandler().ServeHTTP(w, r)
		return r, w
	case epAccessToken:
		r := e.exchangeRequest(client1, rt, rs, verifier)
		e.p.AccessTokenHandler().ServeHTTP(w, r)
		return r, w
	case epMiddleware:
		r := e.sign(alice, get())
		e.p.Middleware()(ok).ServeHTTP(w, r)
		return r, w
	case epMiddlewareTwo:
		r := e.sign(client1, get())
		e.p.Middleware(core.TwoLegged())(ok).ServeHTTP(w, r)
		return r, w
	case epAuthenticate:
		r := e.sign(alice, get())
		_, err := e.p.Authenticate(r)
		answer(err)
		return r, w
	case epAuthenticateTwo:
		r := e.sign(client1, get())
		_, err := e.p.Authenticate(r, core.TwoLegged())
		answer(err)
		return r, w
	case epConsentRequest:
		r := httptest.NewRequest("GET", "http://provider.example/authorize?oauth_token="+rt, nil)
		_, err := e.p.ConsentRequest(r)
		answer(err)
		return r, w
	}
	ctx := core.RequestContext(consent)
	var err error
	switch entry {
	case epLoadConsent:
		_, err = e.p.LoadConsent(ctx, rt)
	case epApprove:
		_, err = e.p.Approve(ctx, rt, "alice", nil)
	case epDeny:
		_, err = e.p.Deny(ctx, rt)
	case epRegisterConsumer:
		_, err = e.p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: "New"})
	case epAuthorizedApps:
		_, err = e.p.AuthorizedApps(ctx, "alice")
	case epRevokeApp:
		err = e.p.RevokeApp(ctx, "alice", fxCK)
	case epRevokeAccessToken:
		err = e.p.RevokeAccessToken(ctx, fxTK)
	default:
		t.Fatalf("unknown entry point %q", entry)
	}
	answer(err)
	return consent, w
}

// TestOnServerError: every entry point reports a 5xx to OnServerError
// once, with the request it answers and an error that keeps the cause,
// and answers with nothing of the cause in the body.
func TestOnServerError(t *testing.T) {
	cause := errors.New("connection refused: password=" + fxStoreCauseSecret)
	for _, tc := range []struct {
		entry, fail string // fail: the store method that fails, or "Rand"
		cause       error
		status      int
		problem     string
	}{
		{epRequestToken, "GetConsumer", cause, 500, "server_error"},
		{epRequestToken, "CreateRequestToken", cause, 500, "server_error"},
		{epRequestToken, "Rand", nil, 500, "server_error"},
		{epAccessToken, "GetRequestToken", cause, 500, "server_error"},
		{epAccessToken, "ConsumeRequestToken", cause, 500, "server_error"},
		{epMiddleware, "GetAccessToken", cause, 500, "server_error"},
		{epMiddleware, "UseNonce", core.ErrCapacity, 503, "temporarily_unavailable"},
		{epMiddlewareTwo, "GetConsumer", cause, 500, "server_error"},
		{epAuthenticate, "UseNonce", cause, 500, "server_error"},
		{epAuthenticate, "GetAccessToken", fmt.Errorf("pg: %w", context.DeadlineExceeded), 503, "temporarily_unavailable"},
		{epAuthenticateTwo, "UseNonce", cause, 500, "server_error"},
		{epConsentRequest, "GetRequestToken", cause, 500, "server_error"},
		{epLoadConsent, "GetConsumer", cause, 500, "server_error"},
		{epApprove, "AuthorizeRequestToken", cause, 500, "server_error"},
		{epApprove, "Rand", nil, 500, "server_error"},
		{epDeny, "DenyRequestToken", cause, 500, "server_error"},
		{epRegisterConsumer, "CreateConsumer", cause, 500, "server_error"},
		{epAuthorizedApps, "ListAccessTokens", cause, 500, "server_error"},
		{epRevokeApp, "RevokeAccessToken", cause, 500, "server_error"},
		{epRevokeAccessToken, "RevokeAccessToken", cause, 500, "server_error"},
	} {
		t.Run(tc.entry+" "+tc.fail, func(t *testing.T) {
			var hooks hookRecorder
			rnd := &switchRand{}
			e := newFixture(t, core.Config{OnServerError: hooks.hook, Rand: rnd})
			r, w := answerEntry(t, e, tc.entry, func() {
				if tc.fail == "Rand" {
					rnd.fail.Store(true)
				} else {
					e.failOn(tc.fail, tc.cause)
				}
			})
			e.expectResponse(t, w, tc.status, tc.problem)
			calls := hooks.got()
			if len(calls) != 1 {
				t.Fatalf("OnServerError called %d times, want once: %v", len(calls), calls)
			}
			if calls[0].r != r {
				t.Errorf("OnServerError got request %s %s, want the one answered", calls[0].r.Method, calls[0].r.URL)
			}
			switch {
			case tc.fail == "Rand" && !strings.Contains(fmt.Sprint(calls[0].err), "entropy exhausted"):
				t.Errorf("OnServerError got %v, want the randomness failure", calls[0].err)
			case tc.fail != "Rand" && !errors.Is(calls[0].err, tc.cause):
				t.Errorf("OnServerError got %v, want an error wrapping %v", calls[0].err, tc.cause)
			}
		})
	}
}

// TestOnServerErrorNotFor4xx: refusals are the client's business, and a
// method given a context without a request only returns its error.
func TestOnServerErrorNotFor4xx(t *testing.T) {
	var hooks hookRecorder
	e := newFixture(t, core.Config{OnServerError: hooks.hook, Scopes: lcScopes})
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {})
	for _, tc := range []struct {
		name   string
		r      *http.Request
		status int
	}{
		{"unsigned", get(), 400},
		{"bad signature", e.sign(client1.withToken(fxTK, "wrong"), get()), 401},
		{"unknown token", e.sign(client1.withToken("no-such-token", "x"), get()), 401},
		{"revoked", e.sign(client1.withToken(fxTKRev, fxTSRev), get()), 401},
		{"missing scope", e.sign(alice, get()), 403},
	} {
		w := serve(e.p.Middleware(core.RequireScopes("write"))(ok), tc.r)
		if w.Code != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, w.Code, tc.status)
		}
	}
	ctx := core.RequestContext(get())
	if err := e.p.RevokeApp(ctx, "nobody", fxCK); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("RevokeApp with nothing to revoke = %v, want ErrNotFound", err)
	}
	if _, err := e.p.Approve(ctx, "no-such-token", "alice", nil); err == nil {
		t.Error("Approve of an unknown token succeeded")
	}
	e.failOn("ListAccessTokens", errors.New("boom"))
	if _, err := e.p.AuthorizedApps(context.Background(), "alice"); err == nil {
		t.Error("AuthorizedApps on a failing store succeeded")
	}
	if calls := hooks.got(); len(calls) != 0 {
		t.Errorf("OnServerError called for a 4xx or without a request: %v", calls)
	}
}

// blockStore is a store whose one named method blocks until its context
// is done, as a database that stopped answering, and then fails with the
// context's error, as a driver does.
type blockStore struct {
	core.Store
	method string
}

func (s *blockStore) block(ctx context.Context, method string) error {
	if s.method != method {
		return nil
	}
	<-ctx.Done()
	return fmt.Errorf("db: %w", ctx.Err())
}

func (s *blockStore) GetConsumer(ctx context.Context, key string) (*core.Consumer, error) {
	if err := s.block(ctx, "GetConsumer"); err != nil {
		return nil, err
	}
	return s.Store.GetConsumer(ctx, key)
}

func (s *blockStore) CreateRequestToken(ctx context.Context, t *core.RequestToken) error {
	if err := s.block(ctx, "CreateRequestToken"); err != nil {
		return err
	}
	return s.Store.CreateRequestToken(ctx, t)
}

func (s *blockStore) AuthorizeRequestToken(ctx context.Context, token, userID, verifier string, scopes []string) error {
	if err := s.block(ctx, "AuthorizeRequestToken"); err != nil {
		return err
	}
	return s.Store.AuthorizeRequestToken(ctx, token, userID, verifier, scopes)
}

func (s *blockStore) UseNonce(ctx context.Context, n core.Nonce) error {
	if err := s.block(ctx, "UseNonce"); err != nil {
		return err
	}
	return s.Store.UseNonce(ctx, n)
}

// TestStoreTimeout: a store that never answers makes the request 503
// temporarily_unavailable once StoreTimeout has passed, although the
// request's own context has no deadline; OnServerError gets the deadline.
func TestStoreTimeout(t *testing.T) {
	for _, tc := range []struct{ entry, block string }{
		{epAuthenticate, "GetConsumer"},
		{epMiddleware, "UseNonce"},
		{epRequestToken, "CreateRequestToken"},
		{epApprove, "AuthorizeRequestToken"},
	} {
		t.Run(tc.entry+" "+tc.block, func(t *testing.T) {
			var hooks hookRecorder
			e := newFixture(t, core.Config{})
			bs := &blockStore{Store: e.fs}
			p, err := core.New(core.Config{Store: bs, Clock: e.clock, StoreTimeout: 20 * time.Millisecond, OnServerError: hooks.hook})
			if err != nil {
				t.Fatal(err)
			}
			e.p = p
			// Without the deadline this would hang until go test's -timeout.
			_, w := answerEntry(t, e, tc.entry, func() { bs.method = tc.block })
			e.expectResponse(t, w, 503, "temporarily_unavailable")
			calls := hooks.got()
			if len(calls) != 1 || !errors.Is(calls[0].err, context.DeadlineExceeded) {
				t.Errorf("OnServerError calls %v, want one with context.DeadlineExceeded", calls)
			}
		})
	}
}

func TestStoreTimeoutConfig(t *testing.T) {
	if _, err := core.New(core.Config{Store: newEnv(t, core.Config{}).store, StoreTimeout: -time.Second}); err == nil {
		t.Error("New with a negative StoreTimeout: want an error")
	}
}
