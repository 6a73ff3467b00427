package core_test

import (
	"cmp"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// Step 4 of Authenticate, the signature (checkSignature, RFC 5849 §3.4):
// checked with the secrets of the consumer and token the request names,
// or with dummy ones when they are unknown.

// TestSignature_Methods: each signature method verifies, three-legged and
// two-legged, and the grant names it.
func TestSignature_Methods(t *testing.T) {
	keys := testRSAKeys(t)
	rsaClient := client{key: fxRSA, rsaKey: keys[0]}
	carol := rsaClient.withToken(fxTKRSA, fxTSRSA)
	for _, tc := range []struct {
		name string
		c    client
		two  bool
		user string // "" for a two-legged grant
	}{
		{"HMAC-SHA1", alice, false, "alice"},
		{"HMAC-SHA256", alice.using(core.HMACSHA256), false, "alice"},
		{"HMAC-SHA512", alice.using(core.HMACSHA512), false, "alice"},
		{"RSA-SHA1", carol.using(core.RSASHA1), false, "carol"},
		{"RSA-SHA256", carol.using(core.RSASHA256), false, "carol"},
		{"RSA-SHA1 two-legged", rsaClient.using(core.RSASHA1), true, ""},
		{"RSA-SHA256 two-legged", rsaClient.using(core.RSASHA256), true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			e.addRSAConsumers(t, keys[0])
			g, err := e.p.Authenticate(e.sign(tc.c, get()), authOptions(tc.two)...)
			e.expect(t, err, http.StatusOK, "")
			checkGrant(t, g, tc.user, cmp.Or(tc.c.method, core.HMACSHA1))
		})
	}
}

// TestSignature_Refusals: a signature that does not match is 401
// signature_invalid; an unknown consumer is consumer_key_unknown and an
// unknown token token_rejected (whatever the signature); an RSA consumer
// without a key is 400 signature_method_rejected.
func TestSignature_Refusals(t *testing.T) {
	keys := testRSAKeys(t)
	for _, tc := range []struct {
		name    string
		c       client
		two     bool
		header  string // sent instead of c's signature, when set
		status  int
		problem string
	}{
		{name: "wrong consumer secret", c: client{key: fxCK, secret: "wrong"}.withToken(fxTK, fxTS), status: 401, problem: "signature_invalid"},
		{name: "wrong token secret", c: client1.withToken(fxTK, "wrong"), status: 401, problem: "signature_invalid"},
		{name: "wrong consumer secret two-legged", c: client{key: fxCK, secret: "wrong"}, two: true, status: 401, problem: "signature_invalid"},
		{name: "signature not base64", header: headerWithBadSignature(), status: 401, problem: "signature_invalid"},
		{name: "RSA signed with another key", c: client{key: fxRSA, rsaKey: keys[1]}.using(core.RSASHA1), two: true,
			status: 401, problem: "signature_invalid"},
		{name: "RSA consumer signing with HMAC and a wrong secret", c: client{key: fxRSA, secret: "guess"}, two: true,
			status: 401, problem: "signature_invalid"},
		{name: "RSA consumer without a key", c: client{key: fxNoKey, rsaKey: keys[0]}.using(core.RSASHA256), two: true,
			status: 400, problem: "signature_method_rejected"},
		{name: "unknown consumer", c: client{key: "nobody", secret: fxCS}.withToken(fxTK, fxTS), status: 401, problem: "consumer_key_unknown"},
		{name: "unknown consumer two-legged", c: nobody, two: true, status: 401, problem: "consumer_key_unknown"},
		{name: "unknown consumer RSA", c: client{key: "nobody", rsaKey: keys[0]}.using(core.RSASHA1), two: true,
			status: 401, problem: "consumer_key_unknown"},
		{name: "unknown consumer and token", c: nobody.withToken("nothing", "y"), status: 401, problem: "consumer_key_unknown"},
		{name: "unknown token", c: client1.withToken("nothing", "y"), status: 401, problem: "token_rejected"},
		{name: "unknown token two-legged", c: client1.withToken("nothing", "y"), two: true, status: 401, problem: "token_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			e.addRSAConsumers(t, keys[0])
			r := get()
			if tc.header != "" {
				r.Header.Set("Authorization", tc.header)
			} else {
				e.sign(tc.c, r)
			}
			_, err := e.p.Authenticate(r, authOptions(tc.two)...)
			e.expectAuth(t, err, tc.status, tc.problem)
		})
	}
}

// TestSignature_CoversMethodAndURI: the signature covers the method and
// the base string URI: a request changed on the way, or signed for
// another host, is signature_invalid; the host's case and a default port
// do not matter.
func TestSignature_CoversMethodAndURI(t *testing.T) {
	for _, tc := range []struct {
		name               string
		signedAs, signedAt string
		sentAs, sentAt     string
		status             int
	}{
		{"as signed", "GET", apiURL, "GET", apiURL, 200},
		{"a parameter changed", "GET", apiURL, "GET", "http://api.example.com/v1/me?x=2", 401},
		{"the method changed", "GET", apiURL, "DELETE", apiURL, 401},
		{"signed for another host", "GET", "http://other.example.com/v1/me?x=1", "GET", apiURL, 401},
		{"host in upper case with the default port", "GET", apiURL, "GET", "http://API.Example.COM:80/v1/me?x=1", 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			r := e.sign(alice, httptest.NewRequest(tc.signedAs, tc.signedAt, nil))
			g, err := e.p.Authenticate(sentAs(r, tc.sentAs, tc.sentAt))
			if tc.status == http.StatusOK {
				e.expect(t, err, http.StatusOK, "")
				checkGrant(t, g, "alice", core.HMACSHA1)
				return
			}
			e.expectAuth(t, err, tc.status, core.ProblemSignatureInvalid)
		})
	}
}

// TestSignature_PlaintextVectors checks the PLAINTEXT signatures of RFC
// 5849 §2.1 and §2.3 (VECTORS.md §3), and that PLAINTEXT may omit
// timestamp and nonce.
func TestSignature_PlaintextVectors(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		cfg       core.Config
		pairs     []string
		status    int
		problem   string
	}{
		{"client secret only", "https://photos.example.net/initiate", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 200, ""},
		{"with token secret", "https://photos.example.net/photos", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_token", "pt-tk", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&xyz4992k83j47x0b"}, 200, ""},
		{"with timestamp and nonce", "https://photos.example.net/photos", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_token", "pt-tk", "oauth_signature_method", "PLAINTEXT",
				"oauth_timestamp", ts(0), "oauth_nonce", "pt", "oauth_signature", "ja893SD9&xyz4992k83j47x0b"}, 200, ""},
		{"token secret missing", "https://photos.example.net/photos", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_token", "pt-tk", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 401, "signature_invalid"},
		{"no ampersand", "https://photos.example.net/initiate", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9"}, 401, "signature_invalid"},
		{"over http", "http://photos.example.net/initiate", core.Config{},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 400, "signature_method_rejected"},
		{"over http allowed", "http://photos.example.net/initiate", core.Config{AllowPlaintextOverHTTP: true},
			[]string{"oauth_consumer_key", "pt-ck", "oauth_signature_method", "PLAINTEXT", "oauth_signature", "ja893SD9&"}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.cfg)
			e.addConsumer(t, core.Consumer{Key: "pt-ck", Secret: "ja893SD9"})
			e.addAccessToken(t, core.AccessToken{Token: "pt-tk", Secret: "xyz4992k83j47x0b", ConsumerKey: "pt-ck", UserID: "u"})
			r := httptest.NewRequest("GET", tc.url, nil)
			r.Header.Set("Authorization", authHeader(tc.pairs...))
			_, err := e.p.Authenticate(r, core.TwoLegged())
			// A failure may echo nothing of the secrets; here the
			// signature itself holds them.
			e.expect(t, err, tc.status, tc.problem)
		})
	}
}

// TestSignature_EmptyTokenIsSigned: oauth_token="" (as Postman sends it)
// is a two-legged request, and the empty parameter stays in the base
// string as sent: a client that signed it verifies, one that signed
// without it does not.
func TestSignature_EmptyTokenIsSigned(t *testing.T) {
	e := newFixture(t, core.Config{})
	g, err := e.p.Authenticate(e.sign(client1, get(), prm("oauth_token", "")), core.TwoLegged())
	e.expect(t, err, http.StatusOK, "")
	if g.Token != nil || g.UserID != "" {
		t.Errorf("grant %+v, want a two-legged one", g)
	}

	// The same request signed without the empty parameter, sent with it.
	r := e.sign(client1, get())
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "OAuth ", `OAuth oauth_token="", `, 1))
	_, err = e.p.Authenticate(r, core.TwoLegged())
	e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemSignatureInvalid)
}

// TestSignature_ExposeBaseString: with Config.ExposeBaseString, a
// signature_invalid answer carries the base string the provider computed
// (as Jira-style debugging wants), and never a secret; without it, it
// carries none; other problems never carry it.
func TestSignature_ExposeBaseString(t *testing.T) {
	wrong := client{key: fxCK, secret: "wrong"}.withToken(fxTK, fxTS)
	for _, tc := range []struct {
		name    string
		expose  bool
		c       client
		problem string
	}{
		{"on, wrong signature", true, wrong, core.ProblemSignatureInvalid},
		{"off, wrong signature", false, wrong, core.ProblemSignatureInvalid},
		{"on, right signature", true, alice, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{ExposeBaseString: tc.expose})
			_, err := e.p.Authenticate(e.sign(tc.c, get()))
			if tc.problem == "" {
				e.expect(t, err, http.StatusOK, "")
				return
			}
			v := e.expect(t, err, http.StatusUnauthorized, tc.problem) // also checks no secret is rendered
			base := v.Get("oauth_signature_base_string")
			if !tc.expose {
				if base != "" {
					t.Errorf("base string %q exposed while off", base)
				}
				return
			}
			if !strings.HasPrefix(base, "GET&http%3A%2F%2Fapi.example.com%2Fv1%2Fme&") ||
				!strings.Contains(base, "oauth_consumer_key%3D"+fxCK) || !strings.Contains(base, "x%3D1") ||
				strings.Contains(base, "oauth_signature%3D") {
				t.Errorf("base string %q", base)
			}
		})
	}
	t.Run("not on other problems", func(t *testing.T) {
		e := newFixture(t, core.Config{ExposeBaseString: true})
		_, err := e.p.Authenticate(e.sign(alice, get(), prm("oauth_timestamp", "1")))
		v := e.expect(t, err, http.StatusUnauthorized, core.ProblemTimestampRefused)
		if v.Has("oauth_signature_base_string") {
			t.Errorf("timestamp_refused answer %v carries a base string", v)
		}
	})
}
