package storetest

import (
	"strconv"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// testNonceGeneration: a store that implements core.NonceGenerationStore
// records nonces through UseNonceGeneration as UseNonce does, and its
// generation moves with every revocation, consumer deletion and change of
// a consumer's secret, so that a
// cache of what it returned before can tell it may be stale. Skipped for
// a store without it.
func (s suite) testNonceGeneration(t *testing.T) {
	if _, ok := s.store(t).(core.NonceGenerationStore); !ok {
		t.Skip("the store does not implement core.NonceGenerationStore")
	}
	fx := s.fx
	// use records a fresh nonce and returns the generation it saw.
	use := func(t *testing.T, st core.Store, nonce string) int64 {
		t.Helper()
		gen, err := st.(core.NonceGenerationStore).UseNonceGeneration(t.Context(), fx.Nonce("ck", "at", nonce))
		checkErr(t, "UseNonceGeneration("+nonce+")", err, nil)
		return gen
	}
	t.Run("records nonces", func(t *testing.T) {
		st := s.store(t)
		g := st.(core.NonceGenerationStore)
		n := fx.Nonce("ck", "at", "n1")
		_, err := g.UseNonceGeneration(t.Context(), n)
		checkErr(t, "UseNonceGeneration(n1)", err, nil)
		_, err = g.UseNonceGeneration(t.Context(), n)
		checkErr(t, "UseNonceGeneration(n1 again)", err, core.ErrNonceUsed)
		checkErr(t, "UseNonce(n1 again)", st.UseNonce(t.Context(), n), core.ErrNonceUsed)
		checkErr(t, "UseNonce(n2)", st.UseNonce(t.Context(), fx.Nonce("ck", "at", "n2")), nil)
		_, err = g.UseNonceGeneration(t.Context(), fx.Nonce("ck", "at", "n2"))
		checkErr(t, "UseNonceGeneration(n2, recorded by UseNonce)", err, core.ErrNonceUsed)
	})
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, st core.Store) error
	}{
		{"revoke an access token", func(t *testing.T, st core.Store) error {
			return st.RevokeAccessToken(t.Context(), "at")
		}},
		{"delete a consumer", func(t *testing.T, st core.Store) error {
			return st.DeleteConsumer(t.Context(), "ck")
		}},
		{"change a consumer's secret", func(t *testing.T, st core.Store) error {
			return st.UpdateConsumerSecret(t.Context(), "ck", "ck-new-secret")
		}},
	} {
		t.Run("moves on "+tc.name, func(t *testing.T) {
			st := s.store(t)
			mustOK(t, "CreateConsumer", st.CreateConsumer(t.Context(), fx.Consumer("ck", "alice")))
			mustOK(t, "CreateAccessToken", st.CreateAccessToken(t.Context(), fx.AccessToken("at", "ck", "alice")))
			before := use(t, st, "before")
			if again := use(t, st, "unchanged"); again != before {
				t.Errorf("generation %d, then %d with no change between", before, again)
			}
			mustOK(t, tc.name, tc.change(t, st))
			if after := use(t, st, "after"); after == before {
				t.Errorf("generation %d before and after: %s must change it", before, tc.name)
			}
		})
	}
}

// testNonceGenerationRace: of racers recording one nonce through
// UseNonceGeneration, exactly one succeeds; distinct nonces all do.
func (s suite) testNonceGenerationRace(t *testing.T) {
	st := s.store(t)
	g, ok := st.(core.NonceGenerationStore)
	if !ok {
		t.Skip("the store does not implement core.NonceGenerationStore")
	}
	ctx := t.Context()
	n := s.fx.Nonce("ck", "at", "raced")
	errs := Race(racers, func(int) error { _, err := g.UseNonceGeneration(ctx, n); return err })
	OneWinner(t, "UseNonceGeneration", errs, core.ErrNonceUsed)
	errs = Race(racers, func(i int) error {
		_, err := g.UseNonceGeneration(ctx, s.fx.Nonce("ck", "at", "distinct-"+strconv.Itoa(i)))
		return err
	})
	for i, err := range errs {
		checkErr(t, "UseNonceGeneration(distinct-"+strconv.Itoa(i)+")", err, nil)
	}
}
