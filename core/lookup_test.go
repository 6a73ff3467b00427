package core_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// Step 3 of Authenticate (lookup): the consumer and the token the request
// names, from the store (or the lookup cache, cache_test.go).

// pairStore is a failStore that also implements
// core.ConsumerAccessTokenGetter, and counts the lookups the provider
// makes: pairs of GetConsumerAndAccessToken, singles of GetConsumer and
// GetAccessToken.
type pairStore struct {
	*failStore
	pairs, singles atomic.Int32
}

var _ core.ConsumerAccessTokenGetter = (*pairStore)(nil)

func (s *pairStore) GetConsumerAndAccessToken(ctx context.Context, consumerKey, token string) (*core.Consumer, *core.AccessToken, error) {
	s.pairs.Add(1)
	if err := s.check(ctx, "GetConsumerAndAccessToken"); err != nil {
		return nil, nil, err
	}
	c, errC := s.Store.GetConsumer(ctx, consumerKey)
	a, errA := s.Store.GetAccessToken(ctx, token)
	return c, a, errors.Join(errC, errA) // ErrNotFound, or nil
}

func (s *pairStore) GetConsumer(ctx context.Context, key string) (*core.Consumer, error) {
	s.singles.Add(1)
	return s.failStore.GetConsumer(ctx, key)
}

func (s *pairStore) GetAccessToken(ctx context.Context, token string) (*core.AccessToken, error) {
	s.singles.Add(1)
	return s.failStore.GetAccessToken(ctx, token)
}

// TestLookup_ConsumerAndAccessTokenInOneCall: a store that implements
// core.ConsumerAccessTokenGetter serves every request signed with an
// access token in one call, with the answers of the two getters: unknown
// consumer or token, a token of another consumer, and store failures
// answer as in TestSignature_Refusals and TestLookup_StoreFailures. A
// two-legged request without a token reads the consumer alone.
func TestLookup_ConsumerAndAccessTokenInOneCall(t *testing.T) {
	cause := errors.New("disk on fire: password=" + fxStoreCauseSecret)
	unknown := client{key: "fx-unknown-consumer", secret: "fx-unknown-secret-Yy7"}
	for _, tc := range []struct {
		name    string
		c       client
		two     bool  // TwoLegged
		fail    error // returned by GetConsumerAndAccessToken
		status  int
		problem string
		pairs   int32 // calls of GetConsumerAndAccessToken
		singles int32 // calls of GetConsumer and GetAccessToken
	}{
		{name: "both known", c: alice, status: 200, pairs: 1},
		{name: "unknown consumer", c: unknown.withToken(fxTK, fxTS), status: 401, problem: "consumer_key_unknown", pairs: 1},
		{name: "unknown token", c: client1.withToken("fx-unknown-token", "fx-unknown-token-secret-Jj3"),
			status: 401, problem: "token_rejected", pairs: 1},
		{name: "both unknown", c: unknown.withToken("fx-unknown-token", "fx-unknown-token-secret-Jj3"),
			status: 401, problem: "consumer_key_unknown", pairs: 1},
		{name: "token of another consumer", c: client1.withToken(fxTK2, fxTS2), status: 401, problem: "token_rejected", pairs: 1},
		{name: "revoked token", c: client1.withToken(fxTKRev, fxTSRev), status: 401, problem: "token_revoked", pairs: 1},
		{name: "wrong token secret", c: client1.withToken(fxTK, "fx-wrong-token-secret-Gg1"),
			status: 401, problem: "signature_invalid", pairs: 1},
		{name: "store fails", c: alice, fail: cause, status: 500, problem: "server_error", pairs: 1},
		{name: "store deadline", c: alice, fail: fmt.Errorf("pg: %w", context.DeadlineExceeded),
			status: 503, problem: "temporarily_unavailable", pairs: 1},
		{name: "two-legged with a token", c: alice, two: true, status: 200, pairs: 1},
		{name: "two-legged without a token", c: client1, two: true, status: 200, singles: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			ps := &pairStore{failStore: e.fs}
			p, err := core.New(core.Config{Store: ps, Clock: e.clock})
			if err != nil {
				t.Fatal(err)
			}
			e.p = p
			if tc.fail != nil {
				e.failOn("GetConsumerAndAccessToken", tc.fail)
			}
			_, err = p.Authenticate(e.sign(tc.c, get()), authOptions(tc.two)...)
			e.expectAuth(t, err, tc.status, tc.problem)
			if tc.fail != nil && !errors.Is(err, tc.fail) {
				t.Errorf("error %v does not keep the cause for logs", err)
			}
			if got := ps.pairs.Load(); got != tc.pairs {
				t.Errorf("GetConsumerAndAccessToken called %d times, want %d", got, tc.pairs)
			}
			if got := ps.singles.Load(); got != tc.singles {
				t.Errorf("GetConsumer and GetAccessToken called %d times, want %d", got, tc.singles)
			}
		})
	}
}

// TestLookup_StoreFailures: a lookup that fails is 500 server_error, or
// 503 temporarily_unavailable when out of time; never 401, never a
// success, and the error keeps the cause for the logs.
func TestLookup_StoreFailures(t *testing.T) {
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
		{"GetConsumer deadline", "GetConsumer", fmt.Errorf("pg: %w", context.DeadlineExceeded), false, 503, "temporarily_unavailable"},
		{"GetAccessToken canceled", "GetAccessToken", context.Canceled, false, 503, "temporarily_unavailable"},
		{"GetConsumer says ErrNonceUsed", "GetConsumer", core.ErrNonceUsed, false, 500, "server_error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			e.failOn(tc.method, tc.err)
			_, err := e.p.Authenticate(e.sign(alice, get()), authOptions(tc.two)...)
			e.expect(t, err, tc.status, tc.problem)
			if !errors.Is(err, tc.err) {
				t.Errorf("error %v does not keep the cause for logs", err)
			}
		})
	}
	t.Run("request deadline passed", func(t *testing.T) {
		e := newFixture(t, core.Config{})
		ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
		defer cancel()
		_, err := e.p.Authenticate(e.sign(alice, get()).WithContext(ctx))
		e.expect(t, err, 503, "temporarily_unavailable")
	})
}
