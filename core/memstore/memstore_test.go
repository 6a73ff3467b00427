package memstore_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return memstore.New() })
}

func TestMaxNonces(t *testing.T) {
	ctx := t.Context()
	fx := storetest.NewFixtures()
	at := func(nonce string, age time.Duration) core.Nonce {
		n := fx.Nonce("ck", "at", nonce)
		n.Timestamp = n.Timestamp.Add(age)
		return n
	}
	s := memstore.New(memstore.WithMaxNonces(3))
	steps := []struct {
		name string
		do   func() error
		want error
	}{
		{"first", func() error { return s.UseNonce(ctx, at("n1", -time.Minute)) }, nil},
		{"second", func() error { return s.UseNonce(ctx, at("n2", 0)) }, nil},
		{"third", func() error { return s.UseNonce(ctx, at("n3", 0)) }, nil},
		{"full", func() error { return s.UseNonce(ctx, at("n4", 0)) }, core.ErrCapacity},
		{"repeat when full", func() error { return s.UseNonce(ctx, at("n2", 0)) }, core.ErrNonceUsed},
		{"purge one", func() error {
			n, err := s.PurgeNonces(ctx, fx.Now.Add(-time.Second))
			if err == nil && n != 1 {
				err = fmt.Errorf("purged %d, want 1", n)
			}
			return err
		}, nil},
		{"room again", func() error { return s.UseNonce(ctx, at("n4", 0)) }, nil},
		{"full again", func() error { return s.UseNonce(ctx, at("n5", 0)) }, core.ErrCapacity},
	}
	for _, st := range steps {
		if err := st.do(); !errors.Is(err, st.want) || (st.want == nil && err != nil) {
			t.Fatalf("%s: error = %v, want %v", st.name, err, st.want)
		}
	}
}

func TestMaxNoncesDefault(t *testing.T) {
	for _, n := range []int{0, -1} {
		s := memstore.New(memstore.WithMaxNonces(n))
		if err := s.UseNonce(t.Context(), storetest.NewFixtures().Nonce("ck", "", "n")); err != nil {
			t.Errorf("WithMaxNonces(%d): UseNonce: %v", n, err)
		}
	}
}

// TestAllocs pins the hot-path costs the package documents.
func TestAllocs(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are not meaningful in -short runs")
	}
	ctx := t.Context()
	fx := storetest.NewFixtures()
	s := memstore.New()
	if err := s.CreateConsumer(ctx, fx.Consumer("ck", "alice")); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateAccessToken(ctx, fx.AccessToken("at", "ck", "alice")); err != nil {
		t.Fatal(err)
	}
	n := fx.Nonce("ck", "at", "nonce")
	for _, tc := range []struct {
		name string
		max  float64
		f    func()
	}{
		{"UseNonce", 1, func() {
			n.Timestamp = n.Timestamp.Add(time.Nanosecond) // same second, new nonce
			if err := s.UseNonce(ctx, n); err != nil {
				t.Fatal(err)
			}
		}},
		{"UseNonce repeat", 1, func() { _ = s.UseNonce(ctx, n) }},
		{"GetConsumer", 2, func() { _, _ = s.GetConsumer(ctx, "ck") }},
		{"GetAccessToken", 2, func() { _, _ = s.GetAccessToken(ctx, "at") }},
	} {
		if got := testing.AllocsPerRun(100, tc.f); got > tc.max {
			t.Errorf("%s: %v allocations, want at most %v", tc.name, got, tc.max)
		}
	}
}
