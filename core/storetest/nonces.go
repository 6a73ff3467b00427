package storetest

import (
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// testNonces: a nonce is scoped to consumer key, token, timestamp and
// value. Repeating all four is ErrNonceUsed; changing any one is a new
// nonce.
func (s suite) testNonces(t *testing.T) {
	base := s.fx.Nonce("consumer", "token", "nonce")
	with := func(change func(n *core.Nonce)) core.Nonce {
		n := base
		change(&n)
		return n
	}
	for _, tc := range []struct {
		name string
		n    core.Nonce
	}{
		{"other consumer", with(func(n *core.Nonce) { n.ConsumerKey = "consumex" })},
		{"other token", with(func(n *core.Nonce) { n.Token = "tokex" })},
		{"no token", with(func(n *core.Nonce) { n.Token = "" })},
		{"other nonce", with(func(n *core.Nonce) { n.Nonce = "noncx" })},
		{"other timestamp", with(func(n *core.Nonce) { n.Timestamp = n.Timestamp.Add(time.Second) })},
		// Same concatenation, different fields.
		{"consumer+token boundary", with(func(n *core.Nonce) { n.ConsumerKey, n.Token = "consumert", "oken" })},
		{"token+nonce boundary", with(func(n *core.Nonce) { n.Token, n.Nonce = "tokenn", "once" })},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := s.store(t)
			ctx := t.Context()
			checkErr(t, "UseNonce(base)", st.UseNonce(ctx, base), nil)
			checkErr(t, "UseNonce(base again)", st.UseNonce(ctx, base), core.ErrNonceUsed)
			checkErr(t, "UseNonce("+tc.name+")", st.UseNonce(ctx, tc.n), nil)
			checkErr(t, "UseNonce("+tc.name+" again)", st.UseNonce(ctx, tc.n), core.ErrNonceUsed)
			checkErr(t, "UseNonce(base third time)", st.UseNonce(ctx, base), core.ErrNonceUsed)
		})
	}
	t.Run("same instant in another zone", func(t *testing.T) {
		st := s.store(t)
		checkErr(t, "UseNonce(UTC)", st.UseNonce(t.Context(), base), nil)
		other := with(func(n *core.Nonce) { n.Timestamp = n.Timestamp.In(elsewhere) })
		checkErr(t, "UseNonce(same instant, other zone)", st.UseNonce(t.Context(), other), core.ErrNonceUsed)
	})
}

// testPurgeNonces: PurgeNonces(before) removes exactly the nonces with
// Timestamp < before, which may then be used again.
func (s suite) testPurgeNonces(t *testing.T) {
	before := s.fx.Now.Truncate(time.Second)
	t.Run("empty store", func(t *testing.T) {
		n, err := s.store(t).PurgeNonces(t.Context(), before)
		checkErr(t, "PurgeNonces", err, nil)
		if n != 0 {
			t.Errorf("PurgeNonces = %d, want 0", n)
		}
	})
	// before may come in any location: the instant counts.
	for _, at := range []time.Time{before, before.In(elsewhere)} {
		t.Run("exactly the older, before in "+at.Location().String(), func(t *testing.T) {
			st := s.store(t)
			ctx := t.Context()
			nonces := []struct {
				n    core.Nonce
				gone bool
			}{
				{core.Nonce{ConsumerKey: "ck", Token: "at", Nonce: "n1", Timestamp: before.Add(-time.Hour)}, true},
				{core.Nonce{ConsumerKey: "ck", Nonce: "n2", Timestamp: before.Add(-time.Second)}, true},
				{core.Nonce{ConsumerKey: "ck2", Token: "at", Nonce: "n3", Timestamp: before.Add(-time.Second)}, true},
				{core.Nonce{ConsumerKey: "ck", Token: "at", Nonce: "n4", Timestamp: before}, false},
				{core.Nonce{ConsumerKey: "ck", Nonce: "n5", Timestamp: before.Add(time.Second)}, false},
				{core.Nonce{ConsumerKey: "ck", Token: "at", Nonce: "n6", Timestamp: before.Add(time.Hour)}, false},
			}
			for _, n := range nonces {
				mustOK(t, "UseNonce", st.UseNonce(ctx, n.n))
			}
			purged, err := st.PurgeNonces(ctx, at)
			checkErr(t, "PurgeNonces", err, nil)
			if purged != 3 {
				t.Errorf("PurgeNonces = %d, want 3", purged)
			}
			for _, n := range nonces {
				if n.gone {
					checkErr(t, "UseNonce(purged "+n.n.Nonce+")", st.UseNonce(ctx, n.n), nil)
				} else {
					checkErr(t, "UseNonce(kept "+n.n.Nonce+")", st.UseNonce(ctx, n.n), core.ErrNonceUsed)
				}
			}
			purged, err = st.PurgeNonces(ctx, at)
			checkErr(t, "PurgeNonces(again)", err, nil)
			if purged != 3 {
				t.Errorf("PurgeNonces(again) = %d, want 3 (the purged ones, used again)", purged)
			}
		})
	}
}
