package core_test

import (
	"crypto/hmac"
	"crypto/sha1"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/memstore"
)

const (
	benchConsumer, benchConsumerSecret = "dpf43f3p2l4k3l03", "kd94hf93k423kf44"
	benchToken, benchTokenSecret       = "nnch734d00sl2jdk", "pfkkdhi9sl3r4s00"
	benchURL                           = "http://photos.example.net/photos?file=vacation.jpg&size=original"
	benchTime                          = 1191242096
)

// benchParams are the protocol parameters of the benchmark request with
// nonce n.
func benchParams(n int) []rfc5849.Param {
	return []rfc5849.Param{
		{Key: "oauth_consumer_key", Value: benchConsumer},
		{Key: "oauth_token", Value: benchToken},
		{Key: "oauth_signature_method", Value: core.HMACSHA1},
		{Key: "oauth_timestamp", Value: strconv.Itoa(benchTime)},
		{Key: "oauth_nonce", Value: "n" + strconv.Itoa(n)},
		{Key: "oauth_version", Value: "1.0"},
	}
}

func benchBase(n int) string {
	params := append(benchParams(n),
		rfc5849.Param{Key: "file", Value: "vacation.jpg"}, rfc5849.Param{Key: "size", Value: "original"})
	return rfc5849.BaseString("GET", "http://photos.example.net/photos", params)
}

var benchKeys = rfc5849.Keys{ConsumerSecret: benchConsumerSecret, TokenSecret: benchTokenSecret}

// benchHeaders signs count Authorization headers with nonces from first on.
func benchHeaders(b *testing.B, first, count int) []string {
	hmacSHA1, _ := rfc5849.Method(core.HMACSHA1)
	hs := make([]string, count)
	for i := range hs {
		sig, err := hmacSHA1.Sign([]byte(benchBase(first+i)), benchKeys)
		if err != nil {
			b.Fatal(err)
		}
		var pairs []string
		for _, p := range benchParams(first + i) {
			pairs = append(pairs, p.Key, p.Value)
		}
		hs[i] = authHeader(append(pairs, "oauth_signature", sig)...)
	}
	return hs
}

// BenchmarkAuthenticate measures a whole three-legged HMAC-SHA1 verification on
// memstore: a GET with two query parameters. It cycles through a ring of
// headers signed before the timer starts, each with its own nonce, and
// purges the nonces (timed) each time round, as a service purges the nonces
// that have left its timestamp window.
func BenchmarkAuthenticate(b *testing.B) {
	store := memstore.New()
	p, err := core.New(core.Config{Store: store, Clock: &testClock{t: time.Unix(benchTime, 0)}})
	if err != nil {
		b.Fatal(err)
	}
	if err := store.CreateConsumer(b.Context(), &core.Consumer{Key: benchConsumer, Secret: benchConsumerSecret, Name: "Bench", CreatedAt: time.Unix(benchTime, 0)}); err != nil {
		b.Fatal(err)
	}
	at := &core.AccessToken{Token: benchToken, Secret: benchTokenSecret, ConsumerKey: benchConsumer, UserID: "jane", Scopes: []string{"read"}}
	if err := store.CreateAccessToken(b.Context(), at); err != nil {
		b.Fatal(err)
	}
	r := httptest.NewRequest("GET", benchURL, nil)
	r.Header.Set("Authorization", "")
	auth := r.Header["Authorization"]
	hs := benchHeaders(b, 0, 1024)
	after := time.Unix(benchTime+1, 0)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if i == len(hs) {
			if _, err := store.PurgeNonces(b.Context(), after); err != nil {
				b.Fatal(err)
			}
			i = 0
		}
		auth[0] = hs[i]
		i++
		if _, err := p.Authenticate(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHMACSHA1 is the bare HMAC-SHA1 over the same base string: the
// floor that BenchmarkAuthenticate is compared with.
func BenchmarkHMACSHA1(b *testing.B) {
	base := []byte(benchBase(0))
	key := []byte(rfc5849.Encode(benchConsumerSecret) + "&" + rfc5849.Encode(benchTokenSecret))
	b.ReportAllocs()
	for b.Loop() {
		mac := hmac.New(sha1.New, key)
		mac.Write(base)
		_ = mac.Sum(nil)
	}
}
