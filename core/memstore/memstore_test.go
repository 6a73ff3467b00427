package memstore_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return memstore.New() })
}

// nonceCharge is what WithMaxBytes documents each nonce costs.
const nonceCharge = 42

// flood records distinct nonces of consumer ck at ts (prefix makes them
// distinct from other floods) until the store refuses one with ErrCapacity,
// and returns how many it recorded. It stops the test after limit nonces.
func flood(t *testing.T, s *memstore.Store, ck, prefix string, ts time.Time, limit int) int {
	t.Helper()
	for i := range limit {
		n := core.Nonce{ConsumerKey: ck, Token: "at", Nonce: fmt.Sprint(prefix, i), Timestamp: ts}
		switch err := s.UseNonce(t.Context(), n); {
		case errors.Is(err, core.ErrCapacity):
			return i
		case err != nil:
			t.Fatalf("UseNonce(%s, %s): %v", ck, n.Nonce, err)
		}
	}
	t.Fatalf("%s recorded %d nonces and was never refused", ck, limit)
	return limit
}

// TestMaxBytes_Shares: at the bound the consumers that hold the most are
// refused first. n consumers pressing together stop at 7/(7n+1) of the
// bound each, and a modest consumer still gets in.
func TestMaxBytes_Shares(t *testing.T) {
	const bound = 1 << 20
	ts := storetest.NewFixtures().Now.Truncate(time.Second)
	for _, tc := range []struct {
		flooders int
		share    float64 // of the bound, each
	}{
		{1, 7.0 / 8},
		{2, 7.0 / 15},
		{3, 7.0 / 22},
	} {
		t.Run(fmt.Sprint(tc.flooders, " flooders"), func(t *testing.T) {
			s := memstore.New(memstore.WithMaxBytes(bound))
			ctx := t.Context()
			// Round robin, one nonce each, until every flooder is refused.
			counts := make([]int, tc.flooders)
			refused := 0
			for i := 0; refused < tc.flooders; i++ {
				f := i % tc.flooders
				if counts[f] < 0 {
					continue
				}
				n := core.Nonce{ConsumerKey: fmt.Sprint("flood-", f), Token: "at", Nonce: fmt.Sprint("n", counts[f]), Timestamp: ts}
				switch err := s.UseNonce(ctx, n); {
				case errors.Is(err, core.ErrCapacity):
					t.Logf("flood-%d refused after %d nonces (%d bytes charged)", f, counts[f], counts[f]*nonceCharge)
					if got, want := float64(counts[f]*nonceCharge)/bound, tc.share; got < want*0.99 || got > want*1.01 {
						t.Errorf("flood-%d holds %.4f of the bound, want %.4f", f, got, want)
					}
					counts[f] = -1
					refused++
				case err != nil:
					t.Fatalf("UseNonce(flood-%d): %v", f, err)
				default:
					counts[f]++
				}
			}
			// A modest consumer, at this second and the next ones, still gets in.
			for i := range 300 {
				n := core.Nonce{ConsumerKey: "modest", Nonce: fmt.Sprint("m", i), Timestamp: ts.Add(time.Duration(i%3) * time.Second)}
				if err := s.UseNonce(ctx, n); err != nil {
					t.Fatalf("modest consumer, nonce %d: %v", i, err)
				}
			}
			for f := range tc.flooders {
				n := core.Nonce{ConsumerKey: fmt.Sprint("flood-", f), Token: "at", Nonce: "again", Timestamp: ts}
				if err := s.UseNonce(ctx, n); !errors.Is(err, core.ErrCapacity) {
					t.Errorf("flood-%d after the modest consumer: error = %v, want ErrCapacity", f, err)
				}
			}
		})
	}
}

// TestMaxBytes_ConcurrentFlood: flooders racing a modest consumer never
// make it answer ErrCapacity. Run it with -race.
func TestMaxBytes_ConcurrentFlood(t *testing.T) {
	const flooders, modest = 3, 500
	s := memstore.New(memstore.WithMaxBytes(1 << 20))
	ctx := t.Context()
	ts := storetest.NewFixtures().Now.Truncate(time.Second)
	start := make(chan struct{})
	var wg sync.WaitGroup
	floodErrs := make([]error, flooders)
	for f := range flooders {
		wg.Go(func() {
			<-start
			for i := 0; ; i++ {
				n := core.Nonce{ConsumerKey: "flood", Nonce: fmt.Sprint(f, "-", i), Timestamp: ts.Add(time.Duration(i%50) * time.Second)}
				if err := s.UseNonce(ctx, n); err != nil {
					floodErrs[f] = err
					return
				}
			}
		})
	}
	modestErrs := make([]error, modest)
	wg.Go(func() {
		<-start
		for i := range modest {
			modestErrs[i] = s.UseNonce(ctx, core.Nonce{ConsumerKey: "modest", Nonce: fmt.Sprint(i), Timestamp: ts.Add(time.Duration(i%50) * time.Second)})
		}
	})
	close(start)
	wg.Wait()
	for f, err := range floodErrs {
		if !errors.Is(err, core.ErrCapacity) {
			t.Errorf("flooder %d stopped with %v, want ErrCapacity", f, err)
		}
	}
	for i, err := range modestErrs {
		if err != nil {
			t.Errorf("modest nonce %d: %v", i, err)
		}
	}
	// And once the flood is refused, the modest consumer still gets in.
	for i := range 100 {
		if err := s.UseNonce(ctx, core.Nonce{ConsumerKey: "modest", Nonce: fmt.Sprint("after-", i), Timestamp: ts}); err != nil {
			t.Fatalf("modest nonce after the flood %d: %v", i, err)
		}
	}
}

// TestMaxBytes_RepeatAndPurge: a repeat is ErrNonceUsed even when refused,
// and PurgeNonces gives back exactly what the purged nonces held.
func TestMaxBytes_RepeatAndPurge(t *testing.T) {
	ctx := t.Context()
	ts := storetest.NewFixtures().Now.Truncate(time.Second)
	s := memstore.New(memstore.WithMaxBytes(64 << 10))
	first := flood(t, s, "ck", "a", ts, 1<<20)
	if err := s.UseNonce(ctx, core.Nonce{ConsumerKey: "ck", Token: "at", Nonce: "a0", Timestamp: ts}); !errors.Is(err, core.ErrNonceUsed) {
		t.Errorf("repeat when refused: error = %v, want ErrNonceUsed", err)
	}
	if n, err := s.PurgeNonces(ctx, ts); n != 0 || err != nil {
		t.Errorf("PurgeNonces(ts) = %d, %v; want 0 (nothing is older)", n, err)
	}
	if n, err := s.PurgeNonces(ctx, ts.Add(time.Second)); n != int64(first) || err != nil {
		t.Errorf("PurgeNonces(ts+1s) = %d, %v; want %d", n, err, first)
	}
	if again := flood(t, s, "ck", "b", ts, 1<<20); again != first {
		t.Errorf("after the purge %d nonces fit, want %d as before", again, first)
	}
}

// TestMaxBytes_LongNonce: a nonce costs the same whatever its length (issue:
// 900 kB nonces filled the store), and stays exact.
func TestMaxBytes_LongNonce(t *testing.T) {
	ts := storetest.NewFixtures().Now.Truncate(time.Second)
	long := strings.Repeat("n", 100_000)
	short := flood(t, memstore.New(memstore.WithMaxBytes(8<<10)), "ck", "", ts, 1<<20)
	s := memstore.New(memstore.WithMaxBytes(8 << 10))
	if got := flood(t, s, "ck", long, ts, 1<<20); got != short {
		t.Errorf("%d nonces of 100 kB fit, want %d as of short ones", got, short)
	}
	ctx := t.Context()
	if _, err := s.PurgeNonces(ctx, ts.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	n := core.Nonce{ConsumerKey: "ck", Token: "at", Nonce: long, Timestamp: ts}
	if err := s.UseNonce(ctx, n); err != nil {
		t.Fatalf("UseNonce(long): %v", err)
	}
	if err := s.UseNonce(ctx, n); !errors.Is(err, core.ErrNonceUsed) {
		t.Errorf("repeat of the long nonce: error = %v, want ErrNonceUsed", err)
	}
	n.Nonce = long[:len(long)-1] + "m"
	if err := s.UseNonce(ctx, n); err != nil {
		t.Errorf("long nonce differing in its last byte: %v", err)
	}
}

// TestMaxBytes_Default: values below 1 keep the default bound.
func TestMaxBytes_Default(t *testing.T) {
	for _, n := range []int64{0, -1} {
		s := memstore.New(memstore.WithMaxBytes(n))
		if err := s.UseNonce(t.Context(), storetest.NewFixtures().Nonce("ck", "", "n")); err != nil {
			t.Errorf("WithMaxBytes(%d): UseNonce: %v", n, err)
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
	nonces := make([]string, 200)
	for i := range nonces {
		nonces[i] = fmt.Sprintf("%032x", i)
	}
	n := fx.Nonce("ck", "at", "first") // opens the bucket and the share
	if err := s.UseNonce(ctx, n); err != nil {
		t.Fatal(err)
	}
	i := 0
	for _, tc := range []struct {
		name string
		max  float64
		f    func()
	}{
		{"UseNonce", 0, func() {
			n.Nonce = nonces[i] // same bucket, new nonce
			i++
			if err := s.UseNonce(ctx, n); err != nil {
				t.Fatal(err)
			}
		}},
		{"UseNonce repeat", 0, func() { _ = s.UseNonce(ctx, n) }},
		{"GetConsumer", 2, func() { _, _ = s.GetConsumer(ctx, "ck") }},
		{"GetAccessToken", 2, func() { _, _ = s.GetAccessToken(ctx, "at") }},
	} {
		// UseNonce's map grows now and then: an average, not every call.
		if got := testing.AllocsPerRun(100, tc.f); got > tc.max+0.1 {
			t.Errorf("%s: %v allocations, want at most %v", tc.name, got, tc.max)
		}
	}
}
