package gormstore

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"testing"
)

// benchmarkAuthenticate measures a whole three-legged HMAC-SHA1 Authenticate on a
// store of d: a GET with two query parameters, a fresh nonce per
// operation, every header signed before the timer starts. Each operation
// reads the consumer and the access token and records the nonce.
func benchmarkAuthenticate(b *testing.B, d *testDatabase) {
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
		if _, err := p.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
	reportOpsPerSecond(b)
}

func BenchmarkAuthenticate_SQLite(b *testing.B)     { benchmarkAuthenticate(b, newSQLite(b)) }
func BenchmarkAuthenticate_PostgreSQL(b *testing.B) { benchmarkAuthenticate(b, newPostgres(b)) }
func BenchmarkAuthenticate_MariaDB(b *testing.B)    { benchmarkAuthenticate(b, newMariaDB(b)) }
