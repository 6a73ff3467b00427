package rfc5849_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// Fuzz targets of the header parser, percent-encoding and base strings.
// Run one with, for example:
//
//	go test -run='^$' -fuzz='^FuzzParseAuthorizationHeader$' -fuzztime=40000x ./core/internal/rfc5849/
//
// The package is rfc5849_test, so it may import oauthtest (which imports
// core, which imports rfc5849): FuzzParseAuthorizationHeader renders what
// it parsed with the test client's own header writer.

func FuzzParseAuthorizationHeader(f *testing.F) {
	for _, s := range []string{
		// RFC 5849 §3.4.1.1, on one line.
		`OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D"`,
		`OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`,
		`oauth a="1"`,
		"  OAuth   a = \"1\" ,\tb=\"2\"  ,  c =\"3\"  ",
		`OAuth oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", a%20b="c%2Fd"`,
		`OAuth a="x+y"`,
		`OAuth a="x,y", b=""`,
		`OAuth`,
		`Basic x`,
		`OAuth a=1`,
		`OAuth a="1`,
		`OAuth a="%zz"`,
		`OAuth a`,
		`OAuth a="1"x`,
		`OAuth a="1" b="2"`,
		`OAuth realm="", a="%E3%80%81"`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		params, realm, err := rfc5849.ParseAuthorizationHeader(h)
		if err != nil {
			return
		}
		if strings.Contains(realm, `"`) {
			t.Fatalf("realm %q holds a quote", realm)
		}
		for _, p := range params {
			if p.Key == "" {
				t.Fatalf("%q: empty parameter name", h)
			}
			if p.Key == "realm" {
				// A percent-encoded name such as %72ealm decodes to
				// "realm"; written back as realm="..." it would be the
				// realm, so the round trip below does not hold.
				return
			}
		}
		again := oauthtest.AuthorizationHeader(realm, params)
		params2, realm2, err := rfc5849.ParseAuthorizationHeader(again)
		if err != nil {
			t.Fatalf("%q parsed, but its rendering %q does not: %v", h, again, err)
		}
		if !slices.Equal(params, params2) || realm != realm2 {
			t.Fatalf("%q: params %q realm %q; rendered %q: params %q realm %q", h, params, realm, again, params2, realm2)
		}
	})
}

func FuzzPercentDecode(f *testing.F) {
	for _, s := range []string{
		"abcABC123", "-._~", "%", "%25", "+", "%2B", "&=*", "%26%3D%2A", "\n", "%0A", " ", "%20",
		"\x7f", "%7F", "\u0080", "%C2%80", "\u3001", "%E3%80%81", "%e3%80%81", "%4", "%G1", "a+b",
		"=%3D", "r%20b", "taken with a 30% orange filter", "\x00\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		enc := rfc5849.Encode(s)
		for i := 0; i < len(enc); i++ {
			c := enc[i]
			switch {
			case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			case c == '%' && i+2 < len(enc) && strings.IndexByte("0123456789ABCDEF", enc[i+1]) >= 0 && strings.IndexByte("0123456789ABCDEF", enc[i+2]) >= 0:
				i += 2
			default:
				t.Fatalf("PercentEncode(%q) = %q: byte %q at %d is not unreserved or %%XX", s, enc, c, i)
			}
		}
		if got, err := rfc5849.Decode(enc); err != nil || got != s {
			t.Fatalf("PercentDecode(PercentEncode(%q)) = %q, %v", s, got, err)
		}
		d, err := rfc5849.Decode(s)
		if err != nil {
			return
		}
		if len(d) > len(s) {
			t.Fatalf("PercentDecode(%q) = %q is longer than its input", s, d)
		}
		if got, err := rfc5849.Decode(rfc5849.Encode(d)); err != nil || got != d {
			t.Fatalf("PercentDecode(PercentEncode(%q)) = %q, %v", d, got, err)
		}
		if !strings.Contains(s, "%") && d != s {
			t.Fatalf("PercentDecode(%q) = %q changed a string without escapes", s, d)
		}
	})
}

// fuzzSplitParams reads s as name=value pairs joined with "&", without decoding,
// so names and values may hold any byte but "&" (and "=" in names).
func fuzzSplitParams(s string) []rfc5849.Param {
	if s == "" {
		return nil
	}
	var ps []rfc5849.Param
	for pair := range strings.SplitSeq(s, "&") {
		k, v, _ := strings.Cut(pair, "=")
		ps = append(ps, rfc5849.Param{Key: k, Value: v})
	}
	return ps
}

func FuzzNormalizeParameters(f *testing.F) {
	for _, s := range []string{
		"b5==%3D&a3=a&c@=&a2=r b&c2=&a3=2 q&oauth_consumer_key=9djdj82h48djs9d2&oauth_token=kkk9d7dh3k39sjv7&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_nonce=7d8f3e4a&oauth_signature=r6/TJjbCOr97/+UU0NsvSne7s5g=",
		"name", "a=b", "a=b&c=d", "a=x!y&a=x y", "x!y=a&x=a", "n=v", "",
		"file=mountain & water view&format=jpeg&include=date&include=aperture&title=taken with a 30% orange filter",
		"a=1&a=1&a=&=a&=", "\x00=\xff&\xff=\x00", "a-=1&a.=2&a%=3&a=4",
	} {
		f.Add(s, uint64(1))
	}
	f.Fuzz(func(t *testing.T, s string, seed uint64) {
		ps := fuzzSplitParams(s)
		want := rfc5849.NormalizeParameters(ps)
		wantBase := rfc5849.BaseString("GET", "http://example.com/", ps)

		reversed := slices.Clone(ps)
		slices.Reverse(reversed)
		shuffled := slices.Clone(ps)
		r := rand.New(rand.NewPCG(seed, seed>>32))
		r.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		for _, other := range [][]rfc5849.Param{reversed, shuffled} {
			if got := rfc5849.NormalizeParameters(other); got != want {
				t.Fatalf("NormalizeParameters depends on order:\n%q -> %q\n%q -> %q", ps, want, other, got)
			}
			if got := rfc5849.BaseString("GET", "http://example.com/", other); got != wantBase {
				t.Fatalf("SignatureBaseString depends on order:\n%q -> %q\n%q -> %q", ps, wantBase, other, got)
			}
		}
		if got := rfc5849.NormalizeParameters(ps); got != want {
			t.Fatalf("NormalizeParameters(%q) changed its input", ps)
		}

		// The result is the sorted encoded pairs joined; pairs are
		// recoverable because encoded names and values hold no "&" or "=".
		if len(ps) == 0 {
			if want != "" {
				t.Fatalf("NormalizeParameters(nil) = %q", want)
			}
			return
		}
		pairs := strings.Split(want, "&")
		if len(pairs) != len(ps) {
			t.Fatalf("NormalizeParameters(%q) = %q: %d pairs, want %d", ps, want, len(pairs), len(ps))
		}
		var decoded []rfc5849.Param
		for i, pair := range pairs {
			if i > 0 && !fuzzPairLessEq(pairs[i-1], pair) {
				t.Fatalf("NormalizeParameters(%q) = %q: not sorted at %q, %q", ps, want, pairs[i-1], pair)
			}
			k, v, ok := strings.Cut(pair, "=")
			if !ok || rfc5849.Encode(fuzzDecode(t, k)) != k || rfc5849.Encode(fuzzDecode(t, v)) != v {
				t.Fatalf("NormalizeParameters(%q) = %q: bad pair %q", ps, want, pair)
			}
			decoded = append(decoded, rfc5849.Param{Key: fuzzDecode(t, k), Value: fuzzDecode(t, v)})
		}
		cmp := func(a, b rfc5849.Param) int {
			if c := strings.Compare(a.Key, b.Key); c != 0 {
				return c
			}
			return strings.Compare(a.Value, b.Value)
		}
		sorted := slices.Clone(ps)
		slices.SortFunc(sorted, cmp)
		slices.SortFunc(decoded, cmp)
		if !slices.Equal(sorted, decoded) {
			t.Fatalf("NormalizeParameters(%q) = %q lost or changed pairs", ps, want)
		}

		// The base string's third part is the normalized string without
		// oauth_signature, encoded.
		noSig := slices.DeleteFunc(slices.Clone(ps), func(p rfc5849.Param) bool { return p.Key == "oauth_signature" })
		if w := "GET&http%3A%2F%2Fexample.com%2F&" + rfc5849.Encode(rfc5849.NormalizeParameters(noSig)); wantBase != w {
			t.Fatalf("SignatureBaseString(%q) = %q, want %q", ps, wantBase, w)
		}
	})
}

// fuzzPairLessEq reports whether encoded pair a sorts before b or equals it:
// by name, then by value.
func fuzzPairLessEq(a, b string) bool {
	ak, av, _ := strings.Cut(a, "=")
	bk, bv, _ := strings.Cut(b, "=")
	if ak != bk {
		return ak < bk
	}
	return av <= bv
}

func fuzzDecode(t *testing.T, s string) string {
	t.Helper()
	d, err := rfc5849.Decode(s)
	if err != nil {
		t.Fatalf("PercentDecode(%q): %v", s, err)
	}
	return d
}

func FuzzBaseStringURI(f *testing.F) {
	for _, s := range []string{
		"http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
		"http://EXAMPLE.COM:80/r%20v/X?id=123",
		"https://www.example.net:8080/?q=1",
		"http://www.example.com:80/", "https://www.example.com:443/",
		"HTTP://www.example.com:443/", "HTTPS://www.example.com:80/",
		"http://www.example.com", "https://www.example.com/path?foo=bar",
		"https://[123:db8:fd00:1000::5]:13000",
		"http://eg.com:0", "http://eg.com:65536", "http://eg.com:BAD", "http://eg.com:42:42", "http:///path",
		"http://example.com?n=v", "http://photos.example.net/photos?file=vacation.jpg&size=original",
		"http://user:pw@h/x", "http://h/a b", "http://h/%7e", "http://h/a%2fb#frag", "http://%c3%bc/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := rfc5849.BaseStringURI(s)
		if err != nil {
			return
		}
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			t.Fatalf("BaseStringURI(%q) = %q: not http or https", s, u)
		}
		if strings.ContainsAny(u, "?#") {
			t.Fatalf("BaseStringURI(%q) = %q keeps a query or fragment", s, u)
		}
		again, err := rfc5849.BaseStringURI(u)
		if err != nil {
			t.Fatalf("BaseStringURI(%q) = %q, which is refused: %v", s, u, err)
		}
		if again != u {
			t.Fatalf("BaseStringURI(%q) = %q, which normalizes to %q", s, u, again)
		}
	})
}
