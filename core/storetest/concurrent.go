package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// racers is how many goroutines race for each one-time transition.
const racers = 32

// race runs call(i) for i in [0, racers) in as many goroutines, released
// together by closing a start barrier, and returns their errors by i.
func race(call func(i int) error) []error {
	errs := make([]error, racers)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range racers {
		wg.Go(func() {
			<-start
			errs[i] = call(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// oneWinner checks that exactly one call succeeded and every other failed
// with lose, and returns the winner's index (-1 if none).
func oneWinner(t *testing.T, op string, errs []error, lose error) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil && winner >= 0:
			t.Errorf("%s: racers %d and %d both succeeded", op, winner, i)
		case err == nil:
			winner = i
		case !errors.Is(err, lose):
			t.Errorf("%s: racer %d: error = %v, want %v", op, i, err, lose)
		}
	}
	if winner < 0 {
		t.Errorf("%s: no racer succeeded", op)
	}
	return winner
}

// testConcurrent races the one-time transitions. Run it with -race.
func (s suite) testConcurrent(t *testing.T) {
	t.Run("AuthorizeRequestToken", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken("rt", "ck")))
		errs := race(func(i int) error {
			return st.AuthorizeRequestToken(ctx, "rt", fmt.Sprint("user-", i), fmt.Sprint("verifier-", i), []string{"read"})
		})
		w := oneWinner(t, "AuthorizeRequestToken", errs, core.ErrConflict)
		if w < 0 {
			return
		}
		got := getRequestToken(t, st, "rt")
		if got.State != core.StateAuthorized || got.UserID != fmt.Sprint("user-", w) || got.Verifier != fmt.Sprint("verifier-", w) {
			t.Errorf("token = state %q, user %q, verifier %q; want the winner's (%d)", got.State, got.UserID, got.Verifier, w)
		}
	})
	t.Run("ConsumeRequestToken", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken("rt", "ck")))
		mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(ctx, "rt", "alice", "v", []string{"read"}))
		access := func(i int) *core.AccessToken { return s.fx.AccessToken(fmt.Sprint("at-", i), "ck", "alice") }
		errs := race(func(i int) error { return st.ConsumeRequestToken(ctx, "rt", access(i)) })
		w := oneWinner(t, "ConsumeRequestToken", errs, core.ErrConflict)
		if w < 0 {
			return
		}
		if got := getRequestToken(t, st, "rt").State; got != core.StateUsed {
			t.Errorf("State = %q, want %q", got, core.StateUsed)
		}
		sameAccessToken(t, "winner's access token", getAccessToken(t, st, access(w).Token), access(w))
		for i := range racers {
			if i != w {
				noAccessToken(t, st, access(i).Token)
			}
		}
		list, err := st.ListAccessTokens(ctx, "alice")
		mustOK(t, "ListAccessTokens", err)
		if len(list) != 1 {
			t.Errorf("ListAccessTokens returned %d tokens, want 1", len(list))
		}
	})
	t.Run("UseNonce", func(t *testing.T) {
		st := s.store(t)
		n := s.fx.Nonce("ck", "at", "nonce")
		ctx := t.Context()
		errs := race(func(int) error { return st.UseNonce(ctx, n) })
		oneWinner(t, "UseNonce", errs, core.ErrNonceUsed)
	})
	t.Run("UseNonce distinct", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		errs := race(func(i int) error {
			return st.UseNonce(ctx, s.fx.Nonce("ck", "at", fmt.Sprint("nonce-", i)))
		})
		for i, err := range errs {
			checkErr(t, fmt.Sprint("UseNonce(nonce-", i, ")"), err, nil)
		}
	})
}
