package core_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// A fuzz target of core's own request handling; the parsers' targets are
// in core/internal/rfc5849. Run it with, for example:
//
//	go test -run='^$' -fuzz='^FuzzProtocolValues$' -fuzztime=40000x ./core/

// FuzzProtocolValues sends arbitrary bytes as oauth_nonce and as an
// extension parameter of a signed request. A value over its bound, not
// valid UTF-8 or with a control character is 400 parameter_rejected; any
// other is judged by the signature and nonce as usual (the request is
// signed, so it verifies; an empty nonce makes the client pick one).
// Never a 5xx.
func FuzzProtocolValues(f *testing.F) {
	for _, s := range []string{"abc", "", "\xff", "a\x00b", "é", strings.Repeat("n", 256), strings.Repeat("n", 257), "\u0085", "\t"} {
		f.Add(s, s)
	}
	e := newFixture(f, core.Config{})
	f.Fuzz(func(t *testing.T, nonce, ext string) {
		extra := []rfc5849.Param{prm("oauth_ext", ext)}
		if nonce != "" {
			extra = append(extra, prm("oauth_nonce", nonce))
		}
		_, err := e.p.Authenticate(e.sign(alice, get(), extra...))
		status, prob := statusOf(err)
		valid := func(v string, max int) bool {
			if len(v) > max || !utf8.ValidString(v) {
				return false
			}
			return !strings.ContainsFunc(v, unicode.IsControl)
		}
		switch {
		case !valid(nonce, core.DefaultMaxNonceBytes) || !valid(ext, core.DefaultMaxParamBytes):
			if status != 400 || prob != core.ProblemParameterRejected {
				t.Fatalf("nonce %q ext %q: %d %s, want 400 parameter_rejected", nonce, ext, status, prob)
			}
		case status != 200 && !(status == 401 && prob == core.ProblemNonceUsed):
			t.Fatalf("nonce %q ext %q: %d %s, want success or nonce_used", nonce, ext, status, prob)
		}
	})
}
