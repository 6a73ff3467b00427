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

// Race calls call(0) … call(n-1), each in its own goroutine, all released
// together by closing a start barrier, and returns their errors by i. A
// store's own race tests (two Stores sharing one database, say) use it
// with OneWinner; run them with go test -race.
func Race(n int, call func(i int) error) []error {
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			errs[i] = call(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

// OneWinner reports an error on t unless exactly one of errs is nil and
// every other one wraps lose (the sentinel of the lost transition, such as
// core.ErrConflict), and returns the winner's index (-1 if none). op names
// the call in the report.
func OneWinner(t testing.TB, op string, errs []error, lose error) int {
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
	t.Run("DenyAuthorizedRequestTokens against ConsumeRequestToken", func(t *testing.T) {
		// Half the racers exchange a token each, half revoke: a token is
		// either denied and never consumed, or consumed with its access
		// token visible to a revoker that lists after denying.
		st := s.store(t)
		ctx := t.Context()
		for i := range racers / 2 {
			rt := fmt.Sprint("rt-", i)
			mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken(rt, "ck")))
			mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(ctx, rt, "alice", "v", nil))
		}
		listed := make([]map[string]bool, racers)
		errs := Race(racers, func(i int) error {
			if i%2 == 0 {
				return st.ConsumeRequestToken(ctx, fmt.Sprint("rt-", i/2), s.fx.AccessToken(fmt.Sprint("at-", i/2), "ck", "alice"))
			}
			if _, err := st.DenyAuthorizedRequestTokens(ctx, "alice", "ck"); err != nil {
				return err
			}
			ats, err := st.ListAccessTokens(ctx, "alice")
			listed[i] = map[string]bool{}
			for _, at := range ats {
				listed[i][at.Token] = true
			}
			return err
		})
		for i, err := range errs {
			if i%2 == 1 {
				mustOK(t, "deny and list", err)
				continue
			}
			rt, at := fmt.Sprint("rt-", i/2), fmt.Sprint("at-", i/2)
			switch state := getRequestToken(t, st, rt).State; {
			case err == nil && state == core.StateUsed:
				for j := 1; j < racers; j += 2 {
					if !listed[j][at] {
						t.Errorf("%s was consumed, but revoker %d, which denied after it, did not list %s", rt, j, at)
					}
				}
			case errors.Is(err, core.ErrConflict) && state == core.StateDenied:
			default:
				t.Errorf("%s: consume error %v with state %s", rt, err, state)
			}
		}
	})
	t.Run("AuthorizeRequestToken", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken("rt", "ck")))
		errs := Race(racers, func(i int) error {
			return st.AuthorizeRequestToken(ctx, "rt", fmt.Sprint("user-", i), fmt.Sprint("verifier-", i), []string{"read"})
		})
		w := OneWinner(t, "AuthorizeRequestToken", errs, core.ErrConflict)
		if w < 0 {
			return
		}
		got := getRequestToken(t, st, "rt")
		if got.State != core.StateAuthorized || got.UserID != fmt.Sprint("user-", w) || got.Verifier != fmt.Sprint("verifier-", w) {
			t.Errorf("token = state %q, user %q, verifier %q; want the winner's (%d)", got.State, got.UserID, got.Verifier, w)
		}
	})
	t.Run("DenyRequestToken against AuthorizeRequestToken", func(t *testing.T) {
		// Half the racers deny, half authorize: one of them decides, and
		// the token is in the winner's state.
		st := s.store(t)
		ctx := t.Context()
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken("rt", "ck")))
		errs := Race(racers, func(i int) error {
			if i%2 == 0 {
				return st.DenyRequestToken(ctx, "rt")
			}
			return st.AuthorizeRequestToken(ctx, "rt", fmt.Sprint("user-", i), "v", nil)
		})
		w := OneWinner(t, "DenyRequestToken/AuthorizeRequestToken", errs, core.ErrConflict)
		if w < 0 {
			return
		}
		want, user := core.StateDenied, ""
		if w%2 == 1 {
			want, user = core.StateAuthorized, fmt.Sprint("user-", w)
		}
		if got := getRequestToken(t, st, "rt"); got.State != want || got.UserID != user {
			t.Errorf("token = state %q, user %q; want the winner's (%d): %q, %q", got.State, got.UserID, w, want, user)
		}
	})
	t.Run("ConsumeRequestToken", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken("rt", "ck")))
		mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(ctx, "rt", "alice", "v", []string{"read"}))
		access := func(i int) *core.AccessToken { return s.fx.AccessToken(fmt.Sprint("at-", i), "ck", "alice") }
		errs := Race(racers, func(i int) error { return st.ConsumeRequestToken(ctx, "rt", access(i)) })
		w := OneWinner(t, "ConsumeRequestToken", errs, core.ErrConflict)
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
		errs := Race(racers, func(int) error { return st.UseNonce(ctx, n) })
		OneWinner(t, "UseNonce", errs, core.ErrNonceUsed)
	})
	t.Run("UseNonce distinct", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		errs := Race(racers, func(i int) error {
			return st.UseNonce(ctx, s.fx.Nonce("ck", "at", fmt.Sprint("nonce-", i)))
		})
		for i, err := range errs {
			checkErr(t, fmt.Sprint("UseNonce(nonce-", i, ")"), err, nil)
		}
	})
}
