package gormstore

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
)

// benchmarkVerify measures a whole three-legged HMAC-SHA1 Verify on a
// store of d: a GET with two query parameters, a fresh nonce per
// operation, every header signed before the timer starts. Each operation
// reads the consumer and the access token and records the nonce.
func benchmarkVerify(b *testing.B, d *testDatabase) {
	s := newTestStore(b, d)
	seedProvider(b, s)
	p := newTestProvider(b, s)
	r := httptest.NewRequest(http.MethodGet, protectedURL, nil)
	signer := accessSigner()
	headers := make([]string, b.N)
	for i := range headers {
		nonce := "bench-" + strconv.Itoa(i)
		signer.Nonce = func() string { return nonce }
		if err := signer.Sign(r); err != nil {
			b.Fatal(err)
		}
		headers[i] = r.Header.Get("Authorization")
	}
	auth := r.Header["Authorization"]
	runtime.GC()
	b.ReportAllocs()
	b.ResetTimer()
	for _, h := range headers {
		auth[0] = h
		if _, err := p.Verify(r); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSecond(b)
}

func BenchmarkVerify_SQLite(b *testing.B)     { benchmarkVerify(b, newSQLite(b)) }
func BenchmarkVerify_PostgreSQL(b *testing.B) { benchmarkVerify(b, newPostgres(b)) }
func BenchmarkVerify_MariaDB(b *testing.B)    { benchmarkVerify(b, newMariaDB(b)) }
