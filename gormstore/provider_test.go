package gormstore

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/core/storetest"
	"github.com/go-oauth1/provider/internal/tcpproxy"
)

// Provider-level tests: core.Provider on gormstore, as a deployment runs it.

const (
	protectedURL    = "http://api.example.com/photos?file=vacation.jpg&size=original"
	requestTokenURL = "http://api.example.com/oauth/request_token"
	accessTokenURL  = "http://api.example.com/oauth/access_token"
)

// fixedClock is a core.Clock that always answers the same time.
type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// newTestProvider returns a provider on s whose clock stands at now.
func newTestProvider(tb testing.TB, s core.Store) *core.Provider {
	tb.Helper()
	p, err := core.New(core.Config{Store: s, Clock: fixedClock(now)})
	if err != nil {
		tb.Fatalf("core.New: %v", err)
	}
	return p
}

// seedProvider stores consumer "ck" and access token "at" of user "bob".
func seedProvider(tb testing.TB, s core.Store) {
	tb.Helper()
	ctx := context.Background()
	must(tb, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("ck")))
	at := testAccessToken("at")
	at.UserID = "bob"
	must(tb, "CreateAccessToken", s.CreateAccessToken(ctx, at))
}

// consumerSigner signs as consumer "ck" alone; accessSigner with access
// token "at" too. Both sign at now.
func consumerSigner() oauthtest.Signer {
	return oauthtest.Signer{ConsumerKey: "ck", ConsumerSecret: "ck-secret", Now: func() time.Time { return now }}
}

func accessSigner() oauthtest.Signer {
	s := consumerSigner()
	s.Token, s.TokenSecret = "at", "at-secret"
	return s
}

// signedRequest returns a request to target signed by s with nonce, whose
// context is ctx.
func signedRequest(tb testing.TB, ctx context.Context, s oauthtest.Signer, method, target, nonce string, extra ...oauthtest.Param) *http.Request {
	tb.Helper()
	r := httptest.NewRequestWithContext(ctx, method, target, nil)
	s.Nonce = func() string { return nonce }
	if err := s.Sign(r, extra...); err != nil {
		tb.Fatalf("sign: %v", err)
	}
	return r
}

// exchangeRequest returns an access token request for request token
// token (secret secret) with verifier.
func exchangeRequest(tb testing.TB, ctx context.Context, token, secret, verifier, nonce string) *http.Request {
	tb.Helper()
	s := consumerSigner()
	s.Token, s.TokenSecret = token, secret
	return signedRequest(tb, ctx, s, http.MethodPost, accessTokenURL, nonce, oauthtest.Param{Key: "oauth_verifier", Value: verifier})
}

// serve runs h on r and returns the status and the form-encoded body.
func serve(tb testing.TB, h http.Handler, r *http.Request) (int, url.Values) {
	tb.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	body, err := url.ParseQuery(rec.Body.String())
	if err != nil {
		tb.Errorf("%s %s answered %d with a body that is no form: %q", r.Method, r.URL, rec.Code, rec.Body.String())
	}
	return rec.Code, body
}

// wantProblem checks that err is a *core.Error with status and problem.
func wantProblem(t *testing.T, what string, err error, status int, problem string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s succeeded, want %d %s", what, status, problem)
		return
	}
	if e := core.AsError(err); e.Status != status || e.Problem != problem {
		t.Errorf("%s = %d %s (%v), want %d %s", what, e.Status, e.Problem, err, status, problem)
	}
}

// Two providers, each on its own store and connection pool, share one
// database: a nonce used through one is refused by the other, and of 32
// concurrent exchanges of one verifier through both, exactly one wins.
func TestProviderSharedDatabase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		stores := sharedStores(t, d, 2)
		ps := []*core.Provider{newTestProvider(t, stores[0]), newTestProvider(t, stores[1])}
		seedProvider(t, stores[0])
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
		defer cancel()

		// A nonce used through one provider is refused by the other, both
		// ways round.
		for i, p := range ps {
			other := ps[1-i]
			nonce := "once-" + strconv.Itoa(i)
			g, err := p.Authenticate(signedRequest(t, ctx, accessSigner(), http.MethodGet, protectedURL, nonce))
			if err != nil {
				t.Fatalf("provider %d: Authenticate: %v", i, err)
			}
			if g.UserID != "bob" || g.Consumer.Key != "ck" || g.Token.Token != "at" {
				t.Errorf("provider %d: grant of user %q, consumer %q, token %q; want bob, ck, at", i, g.UserID, g.Consumer.Key, g.Token.Token)
			}
			_, err = other.Authenticate(signedRequest(t, ctx, accessSigner(), http.MethodGet, protectedURL, nonce))
			wantProblem(t, "Authenticate of a nonce used through the other provider", err, http.StatusUnauthorized, core.ProblemNonceUsed)
		}

		// One nonce raced through both providers: accepted once.
		reqs := make([]*http.Request, racers)
		for i := range reqs {
			reqs[i] = signedRequest(t, ctx, accessSigner(), http.MethodGet, protectedURL, "race")
		}
		errs := storetest.Race(racers, func(i int) error { _, err := ps[i%2].Authenticate(reqs[i]); return err })
		wins := 0
		for i, err := range errs {
			if err == nil {
				wins++
				continue
			}
			wantProblem(t, "Authenticate "+strconv.Itoa(i)+" of a raced nonce", err, http.StatusUnauthorized, core.ProblemNonceUsed)
		}
		if wins != 1 {
			t.Errorf("%d of %d Authenticate calls with one nonce succeeded, want 1", wins, racers)
		}

		// The whole flow: request token through p1, approval through p2,
		// then the exchange raced through both.
		status, body := serve(t, ps[0].RequestTokenHandler(), signedRequest(t, ctx, consumerSigner(),
			http.MethodPost, requestTokenURL, "initiate", oauthtest.Param{Key: "oauth_callback", Value: core.OOB}))
		if status != http.StatusOK {
			t.Fatalf("request token: %d %v", status, body)
		}
		rt, rtSecret := body.Get("oauth_token"), body.Get("oauth_token_secret")
		approval, err := ps[1].Approve(ctx, rt, "alice", nil)
		if err != nil {
			t.Fatalf("Approve through the other provider: %v", err)
		}
		for i := range reqs {
			reqs[i] = exchangeRequest(t, ctx, rt, rtSecret, approval.Verifier, "exchange-"+strconv.Itoa(i))
		}
		statuses := make([]int, racers)
		bodies := make([]url.Values, racers)
		storetest.Race(racers, func(i int) error {
			statuses[i], bodies[i] = serve(t, ps[i%2].AccessTokenHandler(), reqs[i])
			return nil
		})
		winner := -1
		for i := range statuses {
			switch {
			case statuses[i] == http.StatusOK && winner >= 0:
				t.Errorf("exchanges %d and %d both succeeded", winner, i)
			case statuses[i] == http.StatusOK:
				winner = i
			case statuses[i] != http.StatusUnauthorized || bodies[i].Get("oauth_problem") != core.ProblemTokenUsed:
				t.Errorf("exchange %d: %d %v, want 401 token_used", i, statuses[i], bodies[i])
			}
		}
		if winner < 0 {
			t.Fatalf("no exchange succeeded")
		}
		at, atSecret := bodies[winner].Get("oauth_token"), bodies[winner].Get("oauth_token_secret")
		for i, s := range stores {
			tokens, err := s.ListAccessTokens(ctx, "alice")
			must(t, "ListAccessTokens", err)
			if len(tokens) != 1 || tokens[0].Token != at {
				t.Errorf("store %d: alice holds %d access tokens, want exactly the one issued", i, len(tokens))
			}
		}

		// The access token works through both providers.
		signer := consumerSigner()
		signer.Token, signer.TokenSecret = at, atSecret
		for i, p := range ps {
			g, err := p.Authenticate(signedRequest(t, ctx, signer, http.MethodGet, protectedURL, "new-token-"+strconv.Itoa(i)))
			if err != nil {
				t.Errorf("provider %d: Authenticate with the new access token: %v", i, err)
			} else if g.UserID != "alice" {
				t.Errorf("provider %d: new access token is of user %q, want alice", i, g.UserID)
			}
		}
	})
}

// cutPoint is where a cutter cuts the connection: before a statement run
// through GORM (op and table), or before a call of a Store method that
// runs its statement without GORM (method).
type cutPoint struct {
	op     string // "query", "create" or "update"
	table  string // the table, without prefix
	method string // "UseNonce"
}

func (pt *cutPoint) String() string {
	switch {
	case pt == nil:
		return "before the request"
	case pt.method != "":
		return "before " + pt.method
	default:
		return "before the " + pt.op + " of " + pt.table
	}
}

// cutter cuts a proxy right before the point it is armed for, once.
type cutter struct {
	proxy *tcpproxy.Proxy
	armed atomic.Pointer[cutPoint]
}

// newCutter registers cutter callbacks on db, which s runs on.
func newCutter(tb testing.TB, db *gorm.DB, s *Store, proxy *tcpproxy.Proxy) *cutter {
	tb.Helper()
	c := &cutter{proxy: proxy}
	hook := func(op string) func(*gorm.DB) {
		return func(tx *gorm.DB) {
			c.reached(cutPoint{op: op, table: strings.TrimPrefix(tx.Statement.Table, s.prefix)})
		}
	}
	cb := db.Callback()
	must(tb, "register query hook", cb.Query().Before("gorm:query").Register("test:cut-query", hook("query")))
	must(tb, "register create hook", cb.Create().Before("gorm:create").Register("test:cut-create", hook("create")))
	must(tb, "register update hook", cb.Update().Before("gorm:update").Register("test:cut-update", hook("update")))
	return c
}

// reached cuts when the cutter is armed for pt.
func (c *cutter) reached(pt cutPoint) {
	armed := c.armed.Load()
	if armed != nil && *armed == pt && c.armed.CompareAndSwap(armed, nil) {
		c.proxy.Cut()
	}
}

// store returns s for a provider, with the cut points of its methods.
func (c *cutter) store(s *Store) core.Store { return cutStore{s, c} }

type cutStore struct {
	*Store
	c *cutter
}

func (s cutStore) UseNonce(ctx context.Context, n core.Nonce) error {
	s.c.reached(cutPoint{method: "UseNonce"})
	return s.Store.UseNonce(ctx, n)
}

func (s cutStore) UseNonceGeneration(ctx context.Context, n core.Nonce) (int64, error) {
	s.c.reached(cutPoint{method: "UseNonce"})
	return s.Store.UseNonceGeneration(ctx, n)
}

// arm makes the cutter cut before the statement pt; nil cuts at once.
func (c *cutter) arm(pt *cutPoint) {
	if pt == nil {
		c.proxy.Cut()
		return
	}
	c.armed.Store(pt)
}

// fired reports whether the armed cut happened, and disarms.
func (c *cutter) fired() bool { return c.armed.Swap(nil) == nil }

// With the connection to the database cut before or in the middle of a
// request, Authenticate and the token exchange answer 5xx (never 401, never
// success), and an exchange leaves no access token and its request token
// authorized; once the connection is back, both succeed.
func TestProviderConnectionCut(t *testing.T) {
	for _, b := range backends {
		if b.name == "sqlite" {
			continue // no connection to cut
		}
		t.Run(b.name, func(t *testing.T) {
			d := b.new(t)
			direct := newTestStore(t, d)
			seedProvider(t, direct)
			authorizedToken(t, direct, "rt") // of alice, verifier "verifier"
			proxy := tcpproxy.Start(t, d.addr)
			db := d.connect(t, proxy.Addr())
			s := New(db)
			cut := newCutter(t, db, s, proxy)
			p := newTestProvider(t, cut.store(s))
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()

			n := 0
			nonce := func() string { n++; return "n" + strconv.Itoa(n) }
			verify := func() error {
				_, err := p.Authenticate(signedRequest(t, ctx, accessSigner(), http.MethodGet, protectedURL, nonce()))
				return err
			}
			exchange := func() (int, url.Values) {
				return serve(t, p.AccessTokenHandler(), exchangeRequest(t, ctx, "rt", "rt-secret", "verifier", nonce()))
			}
			is5xx := func(status int) bool {
				return status == http.StatusInternalServerError || status == http.StatusServiceUnavailable
			}
			restore := func() {
				t.Helper()
				must(t, "restore", proxy.Restore())
				if err := verify(); err != nil {
					t.Errorf("Authenticate after restore: %v", err)
				}
			}

			// Authenticate reads consumer and access token in one query, then
			// records the nonce.
			for _, pt := range []*cutPoint{nil, {method: "UseNonce"}} {
				name := pt.String()
				cut.arm(pt)
				err := verify()
				if !cut.fired() {
					t.Errorf("Authenticate, cut %s: the cut did not happen", name)
				}
				if err == nil {
					t.Errorf("Authenticate, cut %s: succeeded", name)
				} else if e := core.AsError(err); !is5xx(e.Status) {
					t.Errorf("Authenticate, cut %s = %d %s (%v), want 500 or 503", name, e.Status, e.Problem, err)
				}
				restore()
			}

			for _, pt := range []*cutPoint{
				nil,
				{op: "query", table: RequestTokensTable},
				{method: "UseNonce"},
				{op: "update", table: RequestTokensTable}, // the consume's UPDATE
				{op: "create", table: AccessTokensTable},  // after the UPDATE, in its transaction
			} {
				name := pt.String()
				cut.arm(pt)
				status, body := exchange()
				if !cut.fired() {
					t.Errorf("exchange, cut %s: the cut did not happen", name)
				}
				if !is5xx(status) {
					t.Errorf("exchange, cut %s = %d %v, want 500 or 503", name, status, body)
				}
				if tokens, err := direct.ListAccessTokens(ctx, "alice"); err != nil || len(tokens) != 0 {
					t.Errorf("exchange, cut %s: alice holds %d access tokens (%v), want none", name, len(tokens), err)
				}
				if rt, err := direct.GetRequestToken(ctx, "rt"); err != nil || rt.State != core.StateAuthorized {
					t.Errorf("exchange, cut %s: request token %+v, %v; want authorized", name, rt, err)
				}
				restore()
			}

			status, body := exchange()
			if status != http.StatusOK {
				t.Fatalf("exchange after restore: %d %v", status, body)
			}
			tokens, err := direct.ListAccessTokens(ctx, "alice")
			must(t, "ListAccessTokens", err)
			if len(tokens) != 1 || tokens[0].Token != body.Get("oauth_token") {
				t.Errorf("after the exchange alice holds %d access tokens, want the one issued", len(tokens))
			}
			if rt, err := direct.GetRequestToken(ctx, "rt"); err != nil || rt.State != core.StateUsed {
				t.Errorf("request token after the exchange: %+v, %v; want used", rt, err)
			}
		})
	}
}
