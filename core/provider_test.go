package core_test

import (
	"context"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

// The provider (provider.go): New validates Config and fills its
// defaults; every credential comes from Config.Rand, whose failure is an
// error, never a weak credential.

// TestNew checks Config validation and defaults.
func TestNew(t *testing.T) {
	store := memstore.New()
	for _, tc := range []struct {
		name string
		cfg  core.Config
	}{
		{"no store", core.Config{}},
		{"negative TimestampPast", core.Config{Store: store, TimestampPast: -time.Second}},
		{"negative TimestampFuture", core.Config{Store: store, TimestampFuture: -time.Second}},
		{"negative RequestTokenTTL", core.Config{Store: store, RequestTokenTTL: -time.Second}},
		{"negative AccessTokenTTL", core.Config{Store: store, AccessTokenTTL: -time.Second}},
		{"negative MaxBodyBytes", core.Config{Store: store, MaxBodyBytes: -1}},
		{"unknown method", core.Config{Store: store, SignatureMethods: []string{core.HMACSHA1, "HMAC-MD5"}}},
		{"method in lower case", core.Config{Store: store, SignatureMethods: []string{"hmac-sha1"}}},
		{"blank method", core.Config{Store: store, SignatureMethods: []string{""}}},
		{"blank scope", core.Config{Store: store, Scopes: []core.Scope{{Name: ""}}}},
		{"scope with a space", core.Config{Store: store, Scopes: []core.Scope{{Name: "read all"}}}},
		{"scope with a tab", core.Config{Store: store, Scopes: []core.Scope{{Name: "read\t"}}}},
		{"repeated scope", core.Config{Store: store, Scopes: []core.Scope{{Name: "read"}, {Name: "write"}, {Name: "read"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := core.New(tc.cfg)
			if err == nil || p != nil {
				t.Errorf("New = %v, %v; want an error", p, err)
			}
		})
	}

	t.Run("default realm", func(t *testing.T) {
		p, err := core.New(core.Config{Store: store})
		if err != nil {
			t.Fatal(err)
		}
		w := httptest.NewRecorder()
		p.WriteError(w, &core.Error{Status: http.StatusUnauthorized, Problem: core.ProblemTokenRejected})
		if got, want := w.Header().Get("WWW-Authenticate"), `OAuth realm="`+core.DefaultRealm+`"`; got != want || core.DefaultRealm != "oauth" {
			t.Errorf("WWW-Authenticate %q, want %q (DefaultRealm oauth)", got, want)
		}
	})
	t.Run("default MaxBodyBytes", func(t *testing.T) {
		e := newFixture(t, core.Config{})
		body := func(n int) string { return "a=" + strings.Repeat("b", n-2) }
		_, err := e.p.Authenticate(e.sign(alice, postForm(body(core.DefaultMaxBodyBytes))))
		e.expect(t, err, 200, "")
		_, err = e.p.Authenticate(e.sign(alice, postForm(body(core.DefaultMaxBodyBytes+1))))
		e.expect(t, err, 400, "parameter_rejected")
	})
	t.Run("default methods", func(t *testing.T) {
		e := newFixture(t, core.Config{})
		for _, m := range []string{core.HMACSHA1, core.HMACSHA256, core.HMACSHA512, core.PLAINTEXT} {
			_, err := e.p.Authenticate(e.sign(alice.using(m), getTLS()))
			e.expect(t, err, 200, "")
		}
	})
	t.Run("a zero duration is the default", func(t *testing.T) {
		e := newFixture(t, core.Config{TimestampPast: 0, TimestampFuture: 0})
		_, err := e.p.Authenticate(e.sign(alice, get(), prm("oauth_timestamp", ts(-300))))
		e.expect(t, err, 200, "")
	})
}

// shortRand yields n bytes in all, then io errors.
type shortRand struct{ n int }

func (r *shortRand) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errors.New("entropy exhausted")
	}
	k := min(len(p), r.n)
	r.n -= k
	return rand.Read(p[:k])
}

// TestRandFailure: a failing Config.Rand is an error wherever randomness
// is needed, never a panic and never a weak credential.
func TestRandFailure(t *testing.T) {
	ctx := context.Background()
	for _, n := range []int{0, 10, 31} {
		if _, err := core.New(core.Config{Store: memstore.New(), Rand: &shortRand{n: n}}); err == nil {
			t.Errorf("New with %d bytes of randomness: want an error", n)
		}
	}
	for _, n := range []int{32, 32 + 15, 32 + 16, 32 + 16 + 31} {
		e := newEnv(t, core.Config{Rand: &shortRand{n: n}})
		c, err := e.p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: "x"})
		if c != nil {
			t.Errorf("RegisterConsumer with %d bytes: got %+v", n, c)
		}
		e.expect(t, err, 500, "server_error")
	}

	rnd := &switchRand{}
	e := newLifecycle(t, core.Config{Rand: rnd})
	rnd.fail.Store(true)
	w := serve(e.p.RequestTokenHandler(), e.initiateRequest(lcClient, "oob"))
	e.expectResponse(t, w, 500, "server_error")
	rnd.fail.Store(false)
	tok, sec := e.requestToken(t, lcClient, "oob")
	rnd.fail.Store(true)
	_, err := e.p.Approve(ctx, tok, "alice", nil)
	e.expect(t, err, 500, "server_error")
	rnd.fail.Store(false)
	a := e.approve(t, tok, "alice", nil)
	rnd.fail.Store(true)
	w = serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, tok, sec, a.Verifier))
	e.expectResponse(t, w, 500, "server_error")
	rnd.fail.Store(false)
	w = serve(e.p.AccessTokenHandler(), e.exchangeRequest(lcClient, tok, sec, a.Verifier))
	e.expectResponse(t, w, 200, "")
}
