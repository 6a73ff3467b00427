package core_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/go-oauth1/provider/core"
)

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

// A store that implements core.ConsumerAccessTokenGetter serves every
// request signed with an access token in one call, with the answers of the
// two getters: unknown consumer or token, a token of another consumer, and
// store failures answer as in TestVerifyErrors and TestVerifyStoreFailures.
// A two-legged request without a token reads the consumer alone.
func TestVerify_ConsumerAndAccessTokenInOneCall(t *testing.T) {
	cause := errors.New("disk on fire: password=" + fxStoreCauseSecret)
	unknown := signer{key: "fx-unknown-consumer", secret: "fx-unknown-secret-Yy7"}
	for _, tc := range []struct {
		name    string
		req     func(e *tenv) signer
		two     bool  // VerifyTwoLegged
		fail    error // returned by GetConsumerAndAccessToken
		status  int
		problem string
		pairs   int32 // calls of GetConsumerAndAccessToken
		singles int32 // calls of GetConsumer and GetAccessToken
	}{
		{name: "both known", req: (*tenv).a1, status: 200, pairs: 1},
		{name: "unknown consumer", req: func(e *tenv) signer {
			s := unknown
			s.clock = e.clock
			return s.withToken(fxTK, fxTS)
		}, status: 401, problem: "consumer_key_unknown", pairs: 1},
		{name: "unknown token", req: func(e *tenv) signer {
			return e.c1().withToken("fx-unknown-token", "fx-unknown-token-secret-Jj3")
		}, status: 401, problem: "token_rejected", pairs: 1},
		{name: "both unknown", req: func(e *tenv) signer {
			s := unknown
			s.clock = e.clock
			return s.withToken("fx-unknown-token", "fx-unknown-token-secret-Jj3")
		}, status: 401, problem: "consumer_key_unknown", pairs: 1},
		{name: "token of another consumer", req: func(e *tenv) signer {
			return e.c1().withToken(fxTK2, fxTS2)
		}, status: 401, problem: "token_rejected", pairs: 1},
		{name: "revoked token", req: func(e *tenv) signer {
			return e.c1().withToken(fxTKRev, fxTSRev)
		}, status: 401, problem: "token_revoked", pairs: 1},
		{name: "wrong token secret", req: func(e *tenv) signer {
			return e.c1().withToken(fxTK, "fx-wrong-token-secret-Gg1")
		}, status: 401, problem: "signature_invalid", pairs: 1},
		{name: "store fails", req: (*tenv).a1, fail: cause,
			status: 500, problem: "server_error", pairs: 1},
		{name: "store deadline", req: (*tenv).a1, fail: fmt.Errorf("pg: %w", context.DeadlineExceeded),
			status: 503, problem: "temporarily_unavailable", pairs: 1},
		{name: "two-legged with a token", req: (*tenv).a1, two: true, status: 200, pairs: 1},
		{name: "two-legged without a token", req: (*tenv).c1, two: true, status: 200, singles: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{}, nil)
			ps := &pairStore{failStore: e.fs}
			p, err := core.New(core.Config{Store: ps, Clock: e.clock})
			if err != nil {
				t.Fatal(err)
			}
			e.p = p
			if tc.fail != nil {
				e.failOn("GetConsumerAndAccessToken", tc.fail)
			}
			var opts []core.AuthOption
			if tc.two {
				opts = append(opts, core.TwoLegged())
			}
			_, err = p.Authenticate(tc.req(e).sign(get()), opts...)
			e.expect(t, err, tc.status, tc.problem)
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
