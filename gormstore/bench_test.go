package gormstore

import (
	"context"
	"strconv"
	"sync/atomic"
	"testing"
)

// benchStores lists the stores benchmarked: every backend, and PostgreSQL
// also with a logged nonce table.
var benchStores = []struct {
	name    string
	backend func(tb testing.TB) *testDatabase
	opts    []Option
}{
	{"sqlite", newSQLite, nil},
	{"postgres", newPostgres, nil}, // unlogged nonce table
	{"postgres-logged", newPostgres, []Option{WithUnloggedNonces(false)}},
	{"mariadb", newMariaDB, nil},
}

func reportOpsPerSecond(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkUseNonce records a new nonce per operation, one at a time.
func BenchmarkUseNonce(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			s := newTestStore(b, bs.backend(b), bs.opts...)
			ctx := context.Background()
			n := testNonce("")
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				n.Nonce = strconv.Itoa(i)
				if err := s.UseNonce(ctx, n); err != nil {
					b.Fatal(err)
				}
			}
			reportOpsPerSecond(b)
		})
	}
}

// BenchmarkUseNonceParallel records new nonces from GOMAXPROCS goroutines.
func BenchmarkUseNonceParallel(b *testing.B) {
	for _, bs := range benchStores {
		b.Run(bs.name, func(b *testing.B) {
			s := newTestStore(b, bs.backend(b), bs.opts...)
			ctx := context.Background()
			var next atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				n := testNonce("")
				for pb.Next() {
					n.Nonce = strconv.FormatInt(next.Add(1), 10)
					if err := s.UseNonce(ctx, n); err != nil {
						b.Error(err)
						return
					}
				}
			})
			reportOpsPerSecond(b)
		})
	}
}

// BenchmarkGetAccessToken reads one of 1000 access tokens per operation.
func BenchmarkGetAccessToken(b *testing.B) {
	for _, bs := range benchStores {
		if bs.opts != nil {
			continue // the nonce table plays no part
		}
		b.Run(bs.name, func(b *testing.B) {
			s := newTestStore(b, bs.backend(b))
			ctx := context.Background()
			const tokens = 1000
			for i := range tokens {
				must(b, "CreateAccessToken", s.CreateAccessToken(ctx, testAccessToken("at"+strconv.Itoa(i))))
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := s.GetAccessToken(ctx, "at"+strconv.Itoa(i%tokens)); err != nil {
					b.Fatal(err)
				}
			}
			reportOpsPerSecond(b)
		})
	}
}
