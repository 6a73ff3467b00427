package core_test

import (
	"cmp"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// Step 4 of Authenticate, the body hash (checkBodyHash, OAuth Request Body
// Hash): oauth_body_hash is the base64 of the signature method's hash of
// a body that is not a form.

func sha1Of(s string) string {
	h := sha1.Sum([]byte(s))
	return base64.StdEncoding.EncodeToString(h[:])
}

func sha256Of(s string) string {
	h := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(h[:])
}

// TestBodyHash_Request: the hash of the body with the method's algorithm verifies
// (an empty body's too); another hash is 401 signature_invalid; a hash on
// a form body or with PLAINTEXT, which has no hash, is 400
// parameter_rejected.
func TestBodyHash_Request(t *testing.T) {
	keys := testRSAKeys(t)
	for _, tc := range []struct {
		name    string
		c       client
		two     bool
		r       *http.Request
		hash    string
		status  int
		problem string
	}{
		{name: "SHA-1 on JSON", c: alice, r: postJSON(`{"a":1}`), hash: sha1Of(`{"a":1}`), status: 200},
		{name: "SHA-256 on JSON", c: alice.using(core.HMACSHA256), r: postJSON(`{"a":1}`), hash: sha256Of(`{"a":1}`), status: 200},
		{name: "SHA-1 of an empty body (vector)", c: alice, r: get(), hash: "2jmj7l5rSw0yVb/vlWAYkK/YBwk=", status: 200},
		{name: "SHA-256 of an empty body (vector)", c: alice.using(core.HMACSHA256), r: get(),
			hash: "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", status: 200},
		{name: "RSA-SHA256", c: client{key: fxRSA, rsaKey: keys[0]}.using(core.RSASHA256), two: true,
			r: postJSON(`[1,2]`), hash: sha256Of(`[1,2]`), status: 200},
		{name: "wrong body hash", c: alice, r: postJSON(`{"a":1}`), hash: sha1Of(`{"a":2}`),
			status: 401, problem: "signature_invalid"},
		{name: "hash of the wrong algorithm", c: alice, r: postJSON(`{"a":1}`), hash: sha256Of(`{"a":1}`),
			status: 401, problem: "signature_invalid"},
		{name: "on a form body", c: alice, r: postForm("a=1"), hash: sha1Of("a=1"), status: 400, problem: "parameter_rejected"},
		{name: "with PLAINTEXT", c: alice.using(core.PLAINTEXT), r: postJSONTLS(`{}`), hash: sha1Of(`{}`),
			status: 400, problem: "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			e.addRSAConsumers(t, keys[0])
			g, err := e.p.Authenticate(e.sign(tc.c, tc.r, prm("oauth_body_hash", tc.hash)), authOptions(tc.two)...)
			if tc.status == http.StatusOK {
				e.expect(t, err, http.StatusOK, "")
				user := ""
				if !tc.two {
					user = "alice"
				}
				checkGrant(t, g, user, cmp.Or(tc.c.method, core.HMACSHA1))
				return
			}
			e.expectAuth(t, err, tc.status, tc.problem)
		})
	}
}

func postJSONTLS(body string) *http.Request {
	r := httptest.NewRequest("POST", "https://api.example.com/v1/items", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}
