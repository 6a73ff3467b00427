package memstore_test

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/storetest"
)

// BenchmarkUseNonce records distinct nonces, 1024 per second of timestamp,
// purging what is older than a 5-minute window as a provider would.
func BenchmarkUseNonce(b *testing.B) {
	const perSecond = 1024
	ctx := b.Context()
	s := memstore.New()
	base := storetest.NewFixtures().Now.Truncate(time.Second)
	nonces := make([]string, perSecond)
	for i := range nonces {
		nonces[i] = fmt.Sprintf("%032x", i*2654435761)
	}
	n := core.Nonce{ConsumerKey: "dpf43f3p2l4k3l03", Token: "nnch734d00sl2jdk"}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		sec := i / perSecond
		n.Nonce, n.Timestamp = nonces[i%perSecond], base.Add(time.Duration(sec)*time.Second)
		if err := s.UseNonce(ctx, n); err != nil {
			b.Fatal(err)
		}
		if i%perSecond == 0 {
			if _, err := s.PurgeNonces(ctx, n.Timestamp.Add(-5*time.Minute)); err != nil {
				b.Fatal(err)
			}
		}
		i++
	}
}

// BenchmarkUseNonceParallel is BenchmarkUseNonce from every CPU at once,
// for one consumer: what contention on the nonce lock costs.
func BenchmarkUseNonceParallel(b *testing.B) {
	const perSecond = 1024
	ctx := b.Context()
	s := memstore.New()
	base := storetest.NewFixtures().Now.Truncate(time.Second)
	nonces := make([]string, perSecond)
	for i := range nonces {
		nonces[i] = fmt.Sprintf("%032x", i*2654435761)
	}
	var seq atomic.Int64
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		n := core.Nonce{ConsumerKey: "dpf43f3p2l4k3l03", Token: "nnch734d00sl2jdk"}
		for pb.Next() {
			i := seq.Add(1) // a value and second no other call uses
			n.Nonce, n.Timestamp = nonces[i%perSecond], base.Add(time.Duration(i/perSecond)*time.Second)
			if err := s.UseNonce(ctx, n); err != nil {
				b.Error(err)
				return
			}
			if i%(perSecond*60) == 0 {
				if _, err := s.PurgeNonces(ctx, n.Timestamp.Add(-5*time.Minute)); err != nil {
					b.Error(err)
					return
				}
			}
		}
	})
}

func BenchmarkGetAccessToken(b *testing.B) {
	ctx := b.Context()
	fx := storetest.NewFixtures()
	s := memstore.New()
	for i := range 10_000 {
		if err := s.CreateAccessToken(ctx, fx.AccessToken(fmt.Sprint("at-", i), "ck", "alice")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.GetAccessToken(ctx, "at-4242"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGetConsumer(b *testing.B) {
	ctx := b.Context()
	fx := storetest.NewFixtures()
	s := memstore.New()
	for i := range 10_000 {
		if err := s.CreateConsumer(ctx, fx.Consumer(fmt.Sprint("ck-", i), "alice")); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.GetConsumer(ctx, "ck-4242"); err != nil {
			b.Fatal(err)
		}
	}
}
