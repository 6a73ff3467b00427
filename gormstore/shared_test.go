package gormstore

import (
	"errors"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/storetest"
)

// sharedStores returns n migrated stores on d, each on its own connection
// pool, as n provider processes sharing one database would have.
func sharedStores(tb testing.TB, d *testDatabase, n int, opts ...Option) []*Store {
	tb.Helper()
	stores := []*Store{newTestStore(tb, d, opts...)}
	for len(stores) < n {
		stores = append(stores, New(d.open(tb), opts...))
	}
	return stores
}

// Two stores on one database keep every guarantee between them: nothing
// rests on in-process locking.
func TestTwoStoresShareOneDatabase(t *testing.T) {
	forEachBackend(t, func(t *testing.T, d *testDatabase) {
		stores := sharedStores(t, d, 2)
		a, b := stores[0], stores[1]
		ctx := t.Context()
		on := func(i int) *Store { return stores[i%2] }

		must(t, "UseNonce(a)", a.UseNonce(ctx, testNonce("n")))
		if err := b.UseNonce(ctx, testNonce("n")); !errors.Is(err, core.ErrNonceUsed) {
			t.Errorf("nonce used through a, UseNonce(b) = %v, want ErrNonceUsed", err)
		}
		errs := storetest.Race(racers, func(i int) error { return on(i).UseNonce(ctx, testNonce("race")) })
		storetest.OneWinner(t, "UseNonce", errs, core.ErrNonceUsed)

		must(t, "CreateConsumer(a)", a.CreateConsumer(ctx, testConsumer("ck")))
		if err := b.CreateConsumer(ctx, testConsumer("ck")); !errors.Is(err, core.ErrDuplicate) {
			t.Errorf("CreateConsumer(b) of a's key = %v, want ErrDuplicate", err)
		}

		must(t, "CreateRequestToken(a)", a.CreateRequestToken(ctx, testRequestToken("rt")))
		errs = storetest.Race(racers, func(i int) error {
			return on(i).AuthorizeRequestToken(ctx, "rt", "alice", "verifier", []string{"read"})
		})
		storetest.OneWinner(t, "AuthorizeRequestToken", errs, core.ErrConflict)

		errs = storetest.Race(racers, func(i int) error {
			return on(i).ConsumeRequestToken(ctx, "rt", testAccessToken("at"+string(rune('A'+i))))
		})
		storetest.OneWinner(t, "ConsumeRequestToken", errs, core.ErrConflict)
		for i, s := range stores {
			tokens, err := s.ListAccessTokens(ctx, "alice")
			must(t, "ListAccessTokens", err)
			if len(tokens) != 1 {
				t.Errorf("store %d sees %d access tokens, want 1", i, len(tokens))
			}
		}
	})
}
