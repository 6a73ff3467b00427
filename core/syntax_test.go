package core_test

import (
	"cmp"
	"net/http"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// Step 1 of Authenticate (checkSyntax, RFC 5849 §3.1): the parameters a
// request needs, the version, the signature method.

const allAbsent = "oauth_consumer_key&oauth_signature_method&oauth_signature&oauth_timestamp&oauth_nonce"

// TestSyntax_ParametersAbsent: a request lacking protocol parameters is
// 400 parameter_absent, naming them all in a fixed order; PLAINTEXT may
// leave out timestamp and nonce together, but not one alone.
func TestSyntax_ParametersAbsent(t *testing.T) {
	for _, tc := range []struct {
		name   string
		c      client // the signer; unsigned when empty
		header string // the Authorization header of an unsigned request
		extra  []rfc5849.Param
		drop   string // a parameter left out of the signed header
		tls    bool
		two    bool
		absent string
	}{
		{name: "no parameters", absent: allAbsent + "&oauth_token"},
		{name: "no parameters two-legged", two: true, absent: allAbsent},
		{name: "another auth scheme", header: "Basic YWxhZGRpbjpvcGVuc2VzYW1l", absent: allAbsent + "&oauth_token"},
		{name: "bare OAuth header", header: "OAuth", absent: allAbsent + "&oauth_token"},
		{name: "missing oauth_token", c: client1, absent: "oauth_token"},
		{name: "empty oauth_token three-legged", c: client1, extra: []rfc5849.Param{prm("oauth_token", "")}, absent: "oauth_token"},
		{name: "missing nonce", c: alice, drop: "oauth_nonce", absent: "oauth_nonce"},
		{name: "missing timestamp", c: alice, drop: "oauth_timestamp", absent: "oauth_timestamp"},
		{name: "missing signature", c: alice, drop: "oauth_signature", absent: "oauth_signature"},
		{name: "PLAINTEXT with a nonce but no timestamp", c: alice.using(core.PLAINTEXT), tls: true,
			drop: "oauth_timestamp", absent: "oauth_timestamp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			r := get()
			if tc.tls {
				r = getTLS()
			}
			switch {
			case tc.c.key != "":
				e.sign(tc.c, r, tc.extra...)
			case tc.header != "":
				r.Header.Set("Authorization", tc.header)
			}
			if tc.drop != "" {
				dropHeaderParam(r, tc.drop)
			}
			_, err := e.p.Authenticate(r, authOptions(tc.two)...)
			v := e.expectAuth(t, err, http.StatusBadRequest, core.ProblemParameterAbsent)
			if got := v.Get("oauth_parameters_absent"); got != tc.absent {
				t.Errorf("oauth_parameters_absent = %q, want %q", got, tc.absent)
			}
		})
	}
}

// TestSyntax_Version: oauth_version is optional; when sent it is 1.0, or
// 1.0a in any case (the same protocol, as popular clients name it), and it
// stays in the base string as sent.
func TestSyntax_Version(t *testing.T) {
	for _, tc := range []struct {
		version string
		status  int
	}{
		{"1.0", http.StatusOK},
		{"1.0a", http.StatusOK},
		{"1.0A", http.StatusOK},
		{"1.0b", http.StatusBadRequest},
		{"1.1", http.StatusBadRequest},
		{"2.0", http.StatusBadRequest},
		{"1.0 ", http.StatusBadRequest},
		{"", http.StatusBadRequest},
	} {
		t.Run(tc.version, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			g, err := e.p.Authenticate(e.sign(alice, get(), prm("oauth_version", tc.version)))
			if tc.status == http.StatusOK {
				e.expect(t, err, http.StatusOK, "")
				checkGrant(t, g, "alice", core.HMACSHA1)
				return
			}
			e.expectAuth(t, err, tc.status, core.ProblemVersionRejected)
		})
	}
}

// TestSyntax_SignatureMethod: the method must be one the provider allows,
// spelled exactly; PLAINTEXT only over TLS unless
// Config.AllowPlaintextOverHTTP.
func TestSyntax_SignatureMethod(t *testing.T) {
	onlySHA1 := core.Config{SignatureMethods: []string{core.HMACSHA1}}
	for _, tc := range []struct {
		name   string
		cfg    core.Config
		c      client
		sent   string // the oauth_signature_method sent, if not c's
		tls    bool
		two    bool
		status int
	}{
		{name: "unknown method", c: alice, sent: "HMAC-MD5", status: 400},
		{name: "method in lower case", c: alice, sent: "hmac-sha1", status: 400},
		{name: "method outside the allow-list", cfg: onlySHA1, c: alice.using(core.HMACSHA256), status: 400},
		{name: "PLAINTEXT outside the allow-list over TLS", cfg: onlySHA1, c: alice.using(core.PLAINTEXT), tls: true, status: 400},
		{name: "PLAINTEXT over http", c: alice.using(core.PLAINTEXT), status: 400},
		{name: "PLAINTEXT over http two-legged", c: client1.using(core.PLAINTEXT), two: true, status: 400},
		{name: "PLAINTEXT over TLS", c: alice.using(core.PLAINTEXT), tls: true, status: 200},
		{name: "PLAINTEXT over http when allowed", cfg: core.Config{AllowPlaintextOverHTTP: true},
			c: alice.using(core.PLAINTEXT), status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, tc.cfg)
			r := get()
			if tc.tls {
				r = getTLS()
			}
			var extra []rfc5849.Param
			if tc.sent != "" {
				extra = append(extra, prm("oauth_signature_method", tc.sent))
			}
			g, err := e.p.Authenticate(e.sign(tc.c, r, extra...), authOptions(tc.two)...)
			if tc.status == http.StatusOK {
				e.expect(t, err, http.StatusOK, "")
				checkGrant(t, g, "alice", cmp.Or(tc.c.method, core.HMACSHA1))
				return
			}
			e.expectAuth(t, err, tc.status, core.ProblemSignatureMethodRejected)
		})
	}
}
