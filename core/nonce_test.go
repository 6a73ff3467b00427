package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/memstore"
)

// Step 5 of Authenticate (checkNonce, RFC 5849 §3.3): the nonce is
// recorded last, unused before with the same consumer, token and
// timestamp.

// TestNonce_Replay: a nonce is used once per consumer, token and
// timestamp; with another of them it is another nonce.
func TestNonce_Replay(t *testing.T) {
	e := newFixture(t, core.Config{})
	once := prm("oauth_nonce", "once")
	authenticate := func(c client, extra ...rfc5849.Param) error {
		_, err := e.p.Authenticate(e.sign(c, get(), extra...), core.TwoLegged())
		return err
	}
	e.expectAuth(t, authenticate(alice, once), http.StatusOK, "")
	e.expectAuth(t, authenticate(alice, once), http.StatusUnauthorized, core.ProblemNonceUsed)
	for _, tc := range []struct {
		name      string
		c         client
		timestamp string
	}{
		{"another timestamp", alice, ts(1)},
		{"another token", client1.withToken(fxTK1b, fxTS1b), ts(0)},
		{"no token", client1, ts(0)},
		{"another consumer", bob, ts(0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := prm("oauth_timestamp", tc.timestamp)
			e.expectAuth(t, authenticate(tc.c, once, at), http.StatusOK, "")
			e.expectAuth(t, authenticate(tc.c, once, at), http.StatusUnauthorized, core.ProblemNonceUsed)
		})
	}
}

// TestNonce_RefusedRequestsRecordNothing: a request refused for its
// signature or its token does not use up its nonce.
func TestNonce_RefusedRequestsRecordNothing(t *testing.T) {
	t.Run("bad signature", func(t *testing.T) {
		e := newFixture(t, core.Config{})
		nonce := prm("oauth_nonce", "after-bad-signature")
		wrong := client{key: fxCK, secret: "wrong"}.withToken(fxTK, fxTS)
		_, err := e.p.Authenticate(e.sign(wrong, get(), nonce))
		e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemSignatureInvalid)
		_, err = e.p.Authenticate(e.sign(alice, get(), nonce))
		e.expectAuth(t, err, http.StatusOK, "")
		_, err = e.p.Authenticate(e.sign(alice, get(), nonce))
		e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemNonceUsed)
	})
	t.Run("expired token", func(t *testing.T) {
		e := newFixture(t, core.Config{})
		e.addAccessToken(t, core.AccessToken{Token: "tk-soon", Secret: "tk-soon-secret-Yy1", ConsumerKey: fxCK, UserID: "alice",
			ExpiresAt: e.clock.Now().Add(10 * time.Second)})
		soon := client1.withToken("tk-soon", "tk-soon-secret-Yy1")
		extra := []rfc5849.Param{prm("oauth_nonce", "after-expired"), prm("oauth_timestamp", ts(20))}
		e.clock.Add(20 * time.Second)
		_, err := e.p.Authenticate(e.sign(soon, get(), extra...))
		e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemTokenExpired)
		e.clock.Add(-20 * time.Second)
		_, err = e.p.Authenticate(e.sign(soon, get(), extra...))
		e.expectAuth(t, err, http.StatusOK, "")
		_, err = e.p.Authenticate(e.sign(soon, get(), extra...))
		e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemNonceUsed)
	})
}

// TestNonce_Plaintext: a PLAINTEXT request that carries a nonce has it
// recorded too.
func TestNonce_Plaintext(t *testing.T) {
	e := newFixture(t, core.Config{})
	nonce := prm("oauth_nonce", "plain-once")
	_, err := e.p.Authenticate(e.sign(alice.using(core.PLAINTEXT), getTLS(), nonce))
	e.expectAuth(t, err, http.StatusOK, "")
	_, err = e.p.Authenticate(e.sign(alice.using(core.PLAINTEXT), getTLS(), nonce))
	e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemNonceUsed)
}

// TestNonce_Long: nonces up to the bound (256 bytes by default) are
// accepted; Canvas sends more than 32 characters.
func TestNonce_Long(t *testing.T) {
	e := newFixture(t, core.Config{})
	_, err := e.p.Authenticate(e.sign(alice, get(), prm("oauth_nonce", strings.Repeat("0123456789abcdef", 16))))
	e.expect(t, err, http.StatusOK, "")
}

// TestNonce_SeparateStore: Config.NonceStore, when set, records the
// nonces instead of Store.
func TestNonce_SeparateStore(t *testing.T) {
	nonces := memstore.New()
	e := newFixture(t, core.Config{NonceStore: nonces})
	nonce := prm("oauth_nonce", "separate")
	_, err := e.p.Authenticate(e.sign(alice, get(), nonce))
	e.expect(t, err, http.StatusOK, "")
	_, err = e.p.Authenticate(e.sign(alice, get(), nonce))
	e.expect(t, err, http.StatusUnauthorized, core.ProblemNonceUsed)
	n := core.Nonce{ConsumerKey: fxCK, Token: fxTK, Nonce: "separate", Timestamp: time.Unix(t0, 0)}
	if err := nonces.UseNonce(context.Background(), n); !errors.Is(err, core.ErrNonceUsed) {
		t.Errorf("NonceStore.UseNonce = %v, want ErrNonceUsed (the nonce belongs there)", err)
	}
	if err := e.store.UseNonce(context.Background(), n); err != nil {
		t.Errorf("Store.UseNonce = %v, want nil (Store must not have recorded it)", err)
	}
}

// TestNonce_StoreFailures: a nonce store that fails is 500 server_error,
// or 503 temporarily_unavailable at capacity; never 401, never a success.
func TestNonce_StoreFailures(t *testing.T) {
	cause := errors.New("disk on fire: password=" + fxStoreCauseSecret)
	for _, tc := range []struct {
		name    string
		err     error
		two     bool
		status  int
		problem string
	}{
		{"UseNonce fails", cause, false, 500, "server_error"},
		{"UseNonce at capacity", core.ErrCapacity, false, 503, "temporarily_unavailable"},
		{"UseNonce at capacity wrapped", fmt.Errorf("redis: %w", core.ErrCapacity), true, 503, "temporarily_unavailable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			e.failOn("UseNonce", tc.err)
			_, err := e.p.Authenticate(e.sign(alice, get()), authOptions(tc.two)...)
			e.expect(t, err, tc.status, tc.problem)
			if !errors.Is(err, tc.err) {
				t.Errorf("error %v does not keep the cause for logs", err)
			}
		})
	}
	t.Run("separate NonceStore at capacity", func(t *testing.T) {
		nonces := memstore.New(memstore.WithMaxBytes(1)) // too small for one nonce
		e := newFixture(t, core.Config{NonceStore: nonces})
		_, err := e.p.Authenticate(e.sign(alice, get()))
		e.expect(t, err, 503, "temporarily_unavailable")
	})
}
