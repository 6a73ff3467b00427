package core_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// The golden vectors of shared/spec/VECTORS.md, verbatim.

// rfc3541Header is the Authorization header of RFC 5849 §3.4.1.1, on one line.
const rfc3541Header = `OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", ` +
	`oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", ` +
	`oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", ` +
	`oauth_signature="r6%2FTJjbCOr97%2F%2BUU0NsvSne7s5g%3D"`

const (
	rfc3541Normalized = "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token=kkk9d7dh3k39sjv7"
	rfc3541Base       = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
)

// vecRFC3541Params returns the parameters of the §3.4.1.1 request: the header's
// (parsed with ParseAuthorizationHeader, oauth_signature included), the
// query's and the form body's "c2&a3=2+q" (decoded by hand).
func vecRFC3541Params(t *testing.T) []rfc5849.Param {
	t.Helper()
	ps, realm, err := rfc5849.ParseAuthorizationHeader(rfc3541Header)
	if err != nil {
		t.Fatalf("ParseAuthorizationHeader: %v", err)
	}
	if realm != "Example" {
		t.Fatalf("realm = %q, want %q", realm, "Example")
	}
	// Query: b5=%3D%253D&a3=a&c%40=&a2=r%20b
	ps = append(ps,
		rfc5849.Param{Key: "b5", Value: "=%3D"},
		rfc5849.Param{Key: "a3", Value: "a"},
		rfc5849.Param{Key: "c@", Value: ""},
		rfc5849.Param{Key: "a2", Value: "r b"},
	)
	// Body: c2&a3=2+q ("c2" has no "=", "+" is a space).
	ps = append(ps,
		rfc5849.Param{Key: "c2", Value: ""},
		rfc5849.Param{Key: "a3", Value: "2 q"},
	)
	return ps
}

func vecWithoutSignature(ps []rfc5849.Param) []rfc5849.Param {
	return slices.DeleteFunc(slices.Clone(ps), func(p rfc5849.Param) bool { return p.Key == "oauth_signature" })
}

func vecMethod(t *testing.T, name string) rfc5849.SignatureMethod {
	t.Helper()
	m, ok := rfc5849.Method(name)
	if !ok {
		t.Fatalf("Method(%q) not found", name)
	}
	return m
}

// vecCheckSign signs base with method name and keys, compares with want, and
// verifies want.
func vecCheckSign(t *testing.T, name, base string, k rfc5849.Keys, want string) {
	t.Helper()
	m := vecMethod(t, name)
	got, err := m.Sign([]byte(base), k)
	if err != nil {
		t.Fatalf("%s Sign: %v", name, err)
	}
	if got != want {
		t.Errorf("%s Sign = %q, want %q", name, got, want)
	}
	if err := m.Verify([]byte(base), want, k); err != nil {
		t.Errorf("%s Verify(%q) = %v, want nil", name, want, err)
	}
}

func TestRFC5849Section341(t *testing.T) {
	ps := vecRFC3541Params(t)

	var sig string
	for _, p := range ps {
		if p.Key == "oauth_signature" {
			sig = p.Value
		}
	}
	if sig != "r6/TJjbCOr97/+UU0NsvSne7s5g=" {
		t.Errorf("header oauth_signature decoded to %q", sig)
	}

	if got := rfc5849.NormalizeParameters(vecWithoutSignature(ps)); got != rfc3541Normalized {
		t.Errorf("NormalizeParameters:\n got %s\nwant %s", got, rfc3541Normalized)
	}

	uri, err := rfc5849.BaseStringURI("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b")
	if err != nil {
		t.Fatalf("BaseStringURI: %v", err)
	}
	if uri != "http://example.com/request" {
		t.Errorf("BaseStringURI = %q", uri)
	}

	// oauth_signature is in ps: SignatureBaseString must leave it out.
	for _, method := range []string{"POST", "post"} {
		if got := rfc5849.BaseString(method, uri, ps); got != rfc3541Base {
			t.Errorf("SignatureBaseString(%q):\n got %s\nwant %s", method, got, rfc3541Base)
		}
	}

	// Erratum 2550: the RFC prints bYT5CMsGcbgUdFHObYMEfcx6bsw=.
	k := rfc5849.Keys{ConsumerSecret: "j49sk3j29djd", TokenSecret: "dh893hdasih9"}
	vecCheckSign(t, core.HMACSHA1, rfc3541Base, k, "r6/TJjbCOr97/+UU0NsvSne7s5g=")
	m := vecMethod(t, core.HMACSHA1)
	if err := m.Verify([]byte(rfc3541Base), "bYT5CMsGcbgUdFHObYMEfcx6bsw=", k); !errors.Is(err, rfc5849.ErrSignature) {
		t.Errorf("Verify(RFC's misprinted signature) = %v, want ErrSignature", err)
	}

	k = rfc5849.Keys{ConsumerSecret: "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ", TokenSecret: "just-a-string    asdasd"}
	pt, err := vecMethod(t, core.PLAINTEXT).Sign(nil, k)
	if err != nil || pt != "ECrDNoq1VYzzzzzzzzzyAK7TwZNtPnkqatqZZZZ&just-a-string%20%20%20%20asdasd" {
		t.Errorf("signing key = %q, %v", pt, err)
	}
	for _, tc := range []struct{ method, want string }{
		{core.HMACSHA1, "wsdNmjGB7lvis0UJuPAmjvX/PXw="},
		{core.HMACSHA256, "wdfdHUKXHbOnOGZP8WFAWMSAmWzN3EVBWWgXGlC/Eo4="},
		{core.HMACSHA512, "u/vlyZFDxOWOZ9UUXwRBJHvq8/T4jCA74ocRmn2ECnjUBTAeJiZIRU8hDTjS88Tz1fGONffMpdZxUkUTW3k1kg=="},
	} {
		t.Run(tc.method, func(t *testing.T) { vecCheckSign(t, tc.method, rfc3541Base, k, tc.want) })
	}
}

func TestBaseStringURI(t *testing.T) {
	tests := []struct{ in, want string }{
		// GET /r%20v/X?id=123, Host: EXAMPLE.COM:80
		{"http://EXAMPLE.COM:80/r%20v/X?id=123", "http://example.com/r%20v/X"},
		// GET /?q=1 over TLS, Host: www.example.net:8080
		{"https://www.example.net:8080/?q=1", "https://www.example.net:8080/"},
		{"http://www.example.com:80/", "http://www.example.com/"},
		{"https://www.example.com:443/", "https://www.example.com/"},
		{"HTTP://www.example.com:443/", "http://www.example.com:443/"},
		{"HTTPS://www.example.com:80/", "https://www.example.com:80/"},
		{"http://www.example.com", "http://www.example.com/"},
		{"https://www.example.com/path?foo=bar", "https://www.example.com/path"},
		{"https://[123:db8:fd00:1000::5]:13000", "https://[123:db8:fd00:1000::5]:13000/"},
		// Beyond the vectors.
		{"http://example.com/a#frag", "http://example.com/a"},
		{"http://example.com?n=v", "http://example.com/"},
		{"http://[::1]:80/x", "http://[::1]/x"},
		{"http://example.com:65535/", "http://example.com:65535/"},
	}
	for _, tc := range tests {
		got, err := rfc5849.BaseStringURI(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("BaseStringURI(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	invalid := []string{
		"http://eg.com:0",
		"http://eg.com:65536",
		"http://eg.com:BAD",
		"http://eg.com:42:42",
		"http:///path",
		"http://",
		"/relative/path",
		"ftp://eg.com/",
		"",
	}
	for _, in := range invalid {
		if got, err := rfc5849.BaseStringURI(in); err == nil {
			t.Errorf("BaseStringURI(%q) = %q, nil; want an error", in, got)
		}
	}
}

// TestWalkThrough checks the three requests of RFC 5849 §1.2.
func TestWalkThrough(t *testing.T) {
	const ck, cs = "dpf43f3p2l4k3l03", "kd94hf93k423kf44"
	tests := []struct {
		name, method, url string
		params            []rfc5849.Param
		tokenSecret       string
		want              string
	}{
		{
			name: "initiate", method: "POST", url: "https://photos.example.net/initiate",
			params: []rfc5849.Param{
				{Key: "oauth_consumer_key", Value: ck},
				{Key: "oauth_signature_method", Value: "HMAC-SHA1"},
				{Key: "oauth_timestamp", Value: "137131200"},
				{Key: "oauth_nonce", Value: "wIjqoS"},
				{Key: "oauth_callback", Value: "http://printer.example.com/ready"},
			},
			want: "74KNZJeDHnMBp0EMJ9ZHt/XKycU=",
		},
		{
			name: "token", method: "POST", url: "https://photos.example.net/token",
			params: []rfc5849.Param{
				{Key: "oauth_consumer_key", Value: ck},
				{Key: "oauth_token", Value: "hh5s93j4hdidpola"},
				{Key: "oauth_signature_method", Value: "HMAC-SHA1"},
				{Key: "oauth_timestamp", Value: "137131201"},
				{Key: "oauth_nonce", Value: "walatlh"},
				{Key: "oauth_verifier", Value: "hfdp7dh39dks9884"},
			},
			tokenSecret: "hdhd0244k9j7ao03",
			want:        "gKgrFCywp7rO0OXSjdot/IHF7IU=",
		},
		{
			name: "photos", method: "GET", url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
			params: []rfc5849.Param{
				{Key: "file", Value: "vacation.jpg"},
				{Key: "size", Value: "original"},
				{Key: "oauth_consumer_key", Value: ck},
				{Key: "oauth_token", Value: "nnch734d00sl2jdk"},
				{Key: "oauth_signature_method", Value: "HMAC-SHA1"},
				{Key: "oauth_timestamp", Value: "137131202"},
				{Key: "oauth_nonce", Value: "chapoH"},
			},
			tokenSecret: "pfkkdhi9sl3r4s00",
			want:        "MdpQcU8iPSUjWoN/UDMsK2sui9I=",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			uri, err := rfc5849.BaseStringURI(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			base := rfc5849.BaseString(tc.method, uri, tc.params)
			vecCheckSign(t, core.HMACSHA1, base, rfc5849.Keys{ConsumerSecret: cs, TokenSecret: tc.tokenSecret}, tc.want)
		})
	}
}

func TestPlaintext(t *testing.T) {
	tests := []struct {
		k    rfc5849.Keys
		want string
	}{
		{rfc5849.Keys{ConsumerSecret: "ja893SD9"}, "ja893SD9&"},
		{rfc5849.Keys{ConsumerSecret: "ja893SD9", TokenSecret: "xyz4992k83j47x0b"}, "ja893SD9&xyz4992k83j47x0b"},
		{rfc5849.Keys{ConsumerSecret: "a b", TokenSecret: "c&d"}, "a%20b&c%26d"},
	}
	for _, tc := range tests {
		vecCheckSign(t, core.PLAINTEXT, "ignored base string", tc.k, tc.want)
	}
}

func TestAppendixA(t *testing.T) {
	params := []rfc5849.Param{
		{Key: "file", Value: "vacation.jpg"},
		{Key: "size", Value: "original"},
		{Key: "oauth_version", Value: "1.0"},
		{Key: "oauth_consumer_key", Value: "dpf43f3p2l4k3l03"},
		{Key: "oauth_token", Value: "nnch734d00sl2jdk"},
		{Key: "oauth_timestamp", Value: "1191242096"},
		{Key: "oauth_nonce", Value: "kllo9940pd9333jh"},
		{Key: "oauth_signature_method", Value: "HMAC-SHA1"},
	}
	const wantBase = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal"
	uri, err := rfc5849.BaseStringURI("http://photos.example.net/photos?file=vacation.jpg&size=original")
	if err != nil {
		t.Fatal(err)
	}
	base := rfc5849.BaseString("GET", uri, params)
	if base != wantBase {
		t.Errorf("base string:\n got %s\nwant %s", base, wantBase)
	}
	vecCheckSign(t, core.HMACSHA1, wantBase, rfc5849.Keys{ConsumerSecret: "kd94hf93k423kf44", TokenSecret: "pfkkdhi9sl3r4s00"}, "tR3+Ty81lMeYAr/Fid0kMTYa/WM=")
}

func TestNVBaseString(t *testing.T) {
	for _, u := range []string{"http://example.com/?n=v", "http://example.com?n=v"} {
		uri, err := rfc5849.BaseStringURI(u)
		if err != nil {
			t.Fatalf("BaseStringURI(%q): %v", u, err)
		}
		got := rfc5849.BaseString("GET", uri, []rfc5849.Param{{Key: "n", Value: "v"}})
		if want := "GET&http%3A%2F%2Fexample.com%2F&n%3Dv"; got != want {
			t.Errorf("%s: base = %q, want %q", u, got, want)
		}
	}
}

func TestHMACBS(t *testing.T) {
	vecCheckSign(t, core.HMACSHA1, "bs", rfc5849.Keys{ConsumerSecret: "cs"}, "egQqG5AJep5sJ7anhXju1unge2I=")
	vecCheckSign(t, core.HMACSHA1, "bs", rfc5849.Keys{ConsumerSecret: "cs", TokenSecret: "ts"}, "VZVjXceV7JgPq/dOTnNmEfO0Fv8=")
}

func TestPercentEncode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"abcABC123", "abcABC123"},
		{"-._~", "-._~"},
		{"%", "%25"},
		{"+", "%2B"},
		{"&=*", "%26%3D%2A"},
		{"\u000A", "%0A"},
		{"\u0020", "%20"},
		{"\u007F", "%7F"},
		{"\u0080", "%C2%80"},
		{"\u3001", "%E3%80%81"},
		// Beyond the vectors.
		{"", ""},
		{"\x00\xff", "%00%FF"},
		{"!*'();:@&=+$,/?#[]", "%21%2A%27%28%29%3B%3A%40%26%3D%2B%24%2C%2F%3F%23%5B%5D"},
	}
	for _, tc := range tests {
		if got := rfc5849.Encode(tc.in); got != tc.want {
			t.Errorf("PercentEncode(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got, err := rfc5849.Decode(tc.want); err != nil || got != tc.in {
			t.Errorf("PercentDecode(%q) = %q, %v; want %q", tc.want, got, err, tc.in)
		}
	}
}

func TestPercentDecode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"abc", "abc"},
		{"a+b", "a+b"}, // "+" stays "+"
		{"a%20b", "a b"},
		{"%e3%80%81", "\u3001"}, // lower-case hex is accepted
		{"%2b", "+"},
		{"%25%32%30", "%20"}, // decoded once only
	}
	for _, tc := range tests {
		if got, err := rfc5849.Decode(tc.in); err != nil || got != tc.want {
			t.Errorf("PercentDecode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"%", "%4", "abc%", "%G1", "%1G", "%%41", "a%2", "%zz"} {
		if got, err := rfc5849.Decode(in); err == nil {
			t.Errorf("PercentDecode(%q) = %q, nil; want an error", in, got)
		}
	}
}

func TestNormalizeParameters(t *testing.T) {
	p := func(kv ...string) []rfc5849.Param {
		var ps []rfc5849.Param
		for i := 0; i < len(kv); i += 2 {
			ps = append(ps, rfc5849.Param{Key: kv[i], Value: kv[i+1]})
		}
		return ps
	}
	tests := []struct {
		form   string // the vector's form input, for the failure message
		params []rfc5849.Param
		want   string
	}{
		{"name", p("name", ""), "name="},
		{"a=b", p("a", "b"), "a=b"},
		{"a=b&c=d", p("a", "b", "c", "d"), "a=b&c=d"},
		{"a=x!y&a=x+y", p("a", "x!y", "a", "x y"), "a=x%20y&a=x%21y"},
		{"x!y=a&x=a", p("x!y", "a", "x", "a"), "x=a&x%21y=a"},
		// Beyond the vectors.
		{"(none)", nil, ""},
		{"b=1&a=2&a=1", p("b", "1", "a", "2", "a", "1"), "a=1&a=2&b=1"},
		{"oauth_signature kept", p("oauth_signature", "s", "a", "b"), "a=b&oauth_signature=s"},
	}
	for _, tc := range tests {
		if got := rfc5849.NormalizeParameters(tc.params); got != tc.want {
			t.Errorf("NormalizeParameters(%s) = %q, want %q", tc.form, got, tc.want)
		}
	}
}

const appendixARSABase = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA1%26oauth_timestamp%3D1196666512%26oauth_version%3D1.0%26size%3Doriginal"

const appendixARSASig = "jvTp/wX1TYtByB1m+Pbyo0lnCOLIsyGCH7wke8AUs3BpnwZJtAuEJkvQL2/9n4s5wUmUl4aCI4BwpraNx4RtEXMe5qg5T1LVTGliMRpKasKsW//e+RinhejgCuzoH26dyF8iY2ZZ/5D1ilgeijhV/vBka5twt399mXwaYdCwFYE="

const appendixACert = `-----BEGIN CERTIFICATE-----
MIIBpjCCAQ+gAwIBAgIBATANBgkqhkiG9w0BAQUFADAZMRcwFQYDVQQDDA5UZXN0
IFByaW5jaXBhbDAeFw03MDAxMDEwODAwMDBaFw0zODEyMzEwODAwMDBaMBkxFzAV
BgNVBAMMDlRlc3QgUHJpbmNpcGFsMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKB
gQC0YjCwIfYoprq/FQO6lb3asXrxLlJFuCvtinTF5p0GxvQGu5O3gYytUvtC2JlY
zypSRjVxwxrsuRcP3e641SdASwfrmzyvIgP08N4S0IFzEURkV1wp/IpH7kH41Etb
mUmrXSwfNZsnQRE5SYSOhh+LcK2wyQkdgcMv11l4KoBkcwIDAQABMA0GCSqGSIb3
DQEBBQUAA4GBAGZLPEuJ5SiJ2ryq+CmEGOXfvlTtEL2nuGtr9PewxkgnOjZpUy+d
4TvuXJbNQc8f4AMWL/tO9w0Fk80rWKp9ea8/df4qMq5qlFWlx6yOLQxumNOmECKb
WpkUQDIDJEoFUzKMVuJf4KO/FJ345+BNLGgbJ6WujreoM1X/gYfdnJ/J
-----END CERTIFICATE-----
`

func TestRSASHA1AppendixA(t *testing.T) {
	pub, err := rfc5849.ParseRSAPublicKey(appendixACert)
	if err != nil {
		t.Fatalf("ParseRSAPublicKey: %v", err)
	}
	// The base string is the one the parameters give.
	uri, err := rfc5849.BaseStringURI("http://photos.example.net/photos?file=vacaction.jpg&size=original")
	if err != nil {
		t.Fatal(err)
	}
	params := []rfc5849.Param{
		{Key: "file", Value: "vacaction.jpg"},
		{Key: "size", Value: "original"},
		{Key: "oauth_consumer_key", Value: "dpf43f3p2l4k3l03"},
		{Key: "oauth_nonce", Value: "13917289812797014437"},
		{Key: "oauth_signature_method", Value: "RSA-SHA1"},
		{Key: "oauth_timestamp", Value: "1196666512"},
		{Key: "oauth_version", Value: "1.0"},
	}
	if got := rfc5849.BaseString("GET", uri, params); got != appendixARSABase {
		t.Errorf("base string:\n got %s\nwant %s", got, appendixARSABase)
	}

	m := vecMethod(t, core.RSASHA1)
	k := rfc5849.Keys{PublicKey: pub}
	if err := m.Verify([]byte(appendixARSABase), appendixARSASig, k); err != nil {
		t.Errorf("Verify = %v, want nil", err)
	}
	// One changed byte of the base string fails.
	bad := []byte(appendixARSABase)
	bad[len(bad)-1] ^= 1
	if err := m.Verify(bad, appendixARSASig, k); !errors.Is(err, rfc5849.ErrSignature) {
		t.Errorf("Verify(changed base) = %v, want ErrSignature", err)
	}
	// The same signature under RSA-SHA256 fails.
	if err := vecMethod(t, core.RSASHA256).Verify([]byte(appendixARSABase), appendixARSASig, k); !errors.Is(err, rfc5849.ErrSignature) {
		t.Errorf("RSA-SHA256 Verify(RSA-SHA1 signature) = %v, want ErrSignature", err)
	}
}

// RSA-SHA512 has no published vector: this one was made with OpenSSL
// (openssl dgst -sha512 -sign key.pem over the base string), an
// implementation independent of crypto/rsa.
const (
	rsaSHA512Base = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacaction.jpg%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3D13917289812797014437%26oauth_signature_method%3DRSA-SHA512%26oauth_timestamp%3D1196666512%26oauth_version%3D1.0%26size%3Doriginal"
	rsaSHA512Sig  = "M3sDV1bp9S9MHkmCKWdlVQYwEupVUQ8093Nj2SSEHUIdp7nC3cdztA01vRSIPsX9o4aK6RqUDTAbLPnJ9o9F3EbS3mn25/lHEhG6viAAbl6Fy1SacNt41KkNxa3BGUTfEAPcFp4XI/Xne4s8NvXGxdTXqej9NeaoFs2adgvamDAnQ4Y4I3CV9wKhOsHYJt9CEHOIrkC8/gkeHXsfW9KHnzKkMlufr9fdFZUvUnjtB5aQY4ksDoYFe/RAi/8Uvhj3moSNvT8Tx/rwpfi21K1xF/wGCPGKROkOnS3GL6mmOAdys2MohrcqywcF8xbtl1ugzOGQA4Zvd4U+VpUK6s/dPQ=="
	rsaSHA512Key  = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmVcL8kOYuFSKN9y3I9rO
W1s2puvjRo1tsOTpTVBL8Z111fHSorn28LNXnPcjSoq3o5Hjv81p37XopfjKJkYy
NKBZZbiZepMoa9g9h0SoDOmR6Xw1/nrVEDXPIhZVewB8o0lrXWKg+DrGbtdUKNlY
rjKqhP+UwP5n+vxZIoJ4ERwt/no8xhSJi4oKLC3QxEn9stocmfPGvQr6H+j195cP
lGwdx1WmiyG/4O07OSr8uzXlkeUgSG4HN0r1rHalWH2SQN42jYGbX0UW5hUJ/sXK
xiv+McarzHzSSWI/FdCNXzq068rLrq7xv1Vd0dgSonUKse8MZzBOgMWXb+LJfXhx
uQIDAQAB
-----END PUBLIC KEY-----
`
)

func TestRSASHA512OpenSSL(t *testing.T) {
	pub, err := rfc5849.ParseRSAPublicKey(rsaSHA512Key)
	if err != nil {
		t.Fatal(err)
	}
	k := rfc5849.Keys{PublicKey: pub}
	if err := vecMethod(t, core.RSASHA512).Verify([]byte(rsaSHA512Base), rsaSHA512Sig, k); err != nil {
		t.Errorf("Verify = %v, want nil", err)
	}
	bad := []byte(rsaSHA512Base)
	bad[0] = 'P'
	if err := vecMethod(t, core.RSASHA512).Verify(bad, rsaSHA512Sig, k); !errors.Is(err, rfc5849.ErrSignature) {
		t.Errorf("Verify(changed base) = %v, want ErrSignature", err)
	}
	if err := vecMethod(t, core.RSASHA256).Verify([]byte(rsaSHA512Base), rsaSHA512Sig, k); !errors.Is(err, rfc5849.ErrSignature) {
		t.Errorf("RSA-SHA256 Verify(RSA-SHA512 signature) = %v, want ErrSignature", err)
	}
}

func TestParseRSAPublicKeyErrors(t *testing.T) {
	for _, in := range []string{
		"",
		"not pem",
		"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
		"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
	} {
		if _, err := rfc5849.ParseRSAPublicKey(in); err == nil {
			t.Errorf("ParseRSAPublicKey(%q): want an error", in)
		}
	}
}

var (
	vecRSAOnce    sync.Once
	vecRSAKeyPair [2]*rsa.PrivateKey
	vecRSAErr     error
)

// testRSAKeys returns two generated 2048-bit keys, made once per test binary.
func testRSAKeys(t *testing.T) [2]*rsa.PrivateKey {
	t.Helper()
	vecRSAOnce.Do(func() {
		for i := range vecRSAKeyPair {
			if vecRSAKeyPair[i], vecRSAErr = rsa.GenerateKey(rand.Reader, 2048); vecRSAErr != nil {
				return
			}
		}
	})
	if vecRSAErr != nil {
		t.Fatal(vecRSAErr)
	}
	return vecRSAKeyPair
}

func TestRSARoundTrip(t *testing.T) {
	keys := testRSAKeys(t)
	for _, name := range []string{core.RSASHA1, core.RSASHA256, core.RSASHA512} {
		t.Run(name, func(t *testing.T) {
			m := vecMethod(t, name)
			sig, err := m.Sign([]byte(rfc3541Base), rfc5849.Keys{PrivateKey: keys[0]})
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Verify([]byte(rfc3541Base), sig, rfc5849.Keys{PublicKey: &keys[0].PublicKey}); err != nil {
				t.Errorf("Verify = %v", err)
			}
			if _, err := m.Sign([]byte("x"), rfc5849.Keys{ConsumerSecret: "s"}); err == nil {
				t.Error("Sign without a private key: want an error")
			}
			err = m.Verify([]byte("x"), sig, rfc5849.Keys{ConsumerSecret: "s"})
			if err == nil || errors.Is(err, rfc5849.ErrSignature) {
				t.Errorf("Verify without a public key = %v, want a key error", err)
			}
		})
	}
}

// TestVerifyNegative checks that every method refuses bad signatures with
// ErrSignature.
func TestVerifyNegative(t *testing.T) {
	keys := testRSAKeys(t)
	base := []byte(rfc3541Base)
	good := rfc5849.Keys{ConsumerSecret: "j49sk3j29djd", TokenSecret: "dh893hdasih9", PrivateKey: keys[0], PublicKey: &keys[0].PublicKey}
	other := rfc5849.Keys{ConsumerSecret: "j49sk3j29djd", TokenSecret: "dh893hdasih8", PrivateKey: keys[1], PublicKey: &keys[1].PublicKey}
	for _, name := range []string{core.HMACSHA1, core.HMACSHA256, core.HMACSHA512, core.RSASHA1, core.RSASHA256, core.RSASHA512, core.PLAINTEXT} {
		t.Run(name, func(t *testing.T) {
			m := vecMethod(t, name)
			if m.Name() != name {
				t.Errorf("Name() = %q", m.Name())
			}
			sig, err := m.Sign(base, good)
			if err != nil {
				t.Fatal(err)
			}
			if err := m.Verify(base, sig, good); err != nil {
				t.Fatalf("Verify(good) = %v", err)
			}
			wrongSig, err := m.Sign([]byte("another base string"), good)
			if err != nil {
				t.Fatal(err)
			}
			otherSig, err := m.Sign(base, other)
			if err != nil {
				t.Fatal(err)
			}
			// Another base64 character in the first place: still decodes.
			flipped := []byte(sig)
			if flipped[0] == 'A' {
				flipped[0] = 'B'
			} else {
				flipped[0] = 'A'
			}
			long := strings.Repeat(sig, 20)
			cases := []struct {
				name, sig string
				k         rfc5849.Keys
			}{
				{"wrong signature", wrongSig, good},
				{"changed character", string(flipped), good},
				{"wrong secret", sig, other},
				{"signed with other secret", otherSig, good},
				{"garbage base64", "!!!not base64!!!", good},
				{"empty", "", good},
				{"over-long", long, good},
				{"signature plus data", sig + "AAAA", good},
				{"truncated", sig[:len(sig)-4], good},
			}
			if name == core.PLAINTEXT {
				// The base string does not matter for PLAINTEXT.
				cases = slices.DeleteFunc(cases, func(c struct {
					name, sig string
					k         rfc5849.Keys
				}) bool {
					return c.name == "wrong signature"
				})
			}
			for _, c := range cases {
				if err := m.Verify(base, c.sig, c.k); !errors.Is(err, rfc5849.ErrSignature) {
					t.Errorf("%s: Verify = %v, want ErrSignature", c.name, err)
				}
			}
		})
	}
	if _, ok := rfc5849.Method("HMAC-MD5"); ok {
		t.Error(`Method("HMAC-MD5") found`)
	}
	if _, ok := rfc5849.Method("hmac-sha1"); ok {
		t.Error(`Method("hmac-sha1") found: method names are case-sensitive`)
	}
}

// TestHardEncodings checks §5 of the vectors.
func TestHardEncodings(t *testing.T) {
	params := []rfc5849.Param{
		{Key: "file", Value: "mountain & water view"},
		{Key: "format", Value: "jpeg"},
		{Key: "include", Value: "date"},
		{Key: "include", Value: "aperture"},
		{Key: "title", Value: "taken with a 30% orange filter"},
		{Key: "oauth_consumer_key", Value: "1234=asdf=4567"},
		{Key: "oauth_token", Value: "asdf-4354=asew-5698"},
		{Key: "oauth_nonce", Value: "3jd834jd9"},
		{Key: "oauth_timestamp", Value: "12303202302"},
		{Key: "oauth_version", Value: "1.0"},
		{Key: "oauth_signature_method", Value: "HMAC-SHA1"},
	}
	const wantBase = "GET&http%3A%2F%2Fexample.com%2Fphoto&file%3Dmountain%2520%2526%2520water%2520view%26format%3Djpeg%26include%3Daperture%26include%3Ddate%26oauth_consumer_key%3D1234%253Dasdf%253D4567%26oauth_nonce%3D3jd834jd9%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D12303202302%26oauth_token%3Dasdf-4354%253Dasew-5698%26oauth_version%3D1.0%26title%3Dtaken%2520with%2520a%252030%2525%2520orange%2520filter"
	uri, err := rfc5849.BaseStringURI("http://example.com:80/photo")
	if err != nil {
		t.Fatal(err)
	}
	if got := rfc5849.BaseString("GET", uri, params); got != wantBase {
		t.Errorf("base string:\n got %s\nwant %s", got, wantBase)
	}
	k := rfc5849.Keys{ConsumerSecret: "erks823*43=asd&123ls%23", TokenSecret: "dis9$#$Js009%=="}
	// PLAINTEXT's signature is the signing key.
	vecCheckSign(t, core.PLAINTEXT, wantBase, k, "erks823%2A43%3Dasd%26123ls%2523&dis9%24%23%24Js009%25%3D%3D")
	vecCheckSign(t, core.HMACSHA1, wantBase, k, "jMdUSR1vOr3SzNv3gZ5DDDuGirA=")
}

// TestBodyHash checks §6: the unkeyed hash of the empty body.
func TestBodyHash(t *testing.T) {
	sha1Empty := sha1.Sum(nil)
	sha256Empty := sha256.Sum256(nil)
	tests := []struct {
		method string
		hash   crypto.Hash
		direct []byte
		want   string
	}{
		{core.HMACSHA1, crypto.SHA1, sha1Empty[:], "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
		{core.RSASHA1, crypto.SHA1, sha1Empty[:], "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
		{core.HMACSHA256, crypto.SHA256, sha256Empty[:], "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{core.RSASHA256, crypto.SHA256, sha256Empty[:], "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
	}
	for _, tc := range tests {
		if got := base64.StdEncoding.EncodeToString(tc.direct); got != tc.want {
			t.Errorf("%s: direct digest = %q, want %q", tc.method, got, tc.want)
		}
		h := vecMethod(t, tc.method).Hash()
		if h != tc.hash {
			t.Errorf("%s: Hash() = %v, want %v", tc.method, h, tc.hash)
			continue
		}
		if got := base64.StdEncoding.EncodeToString(h.New().Sum(nil)); got != tc.want {
			t.Errorf("%s: body hash of the empty body = %q, want %q", tc.method, got, tc.want)
		}
	}
	if h := vecMethod(t, core.HMACSHA512).Hash(); h != crypto.SHA512 {
		t.Errorf("HMAC-SHA512 Hash() = %v", h)
	}
	if h := vecMethod(t, core.PLAINTEXT).Hash(); h != 0 {
		t.Errorf("PLAINTEXT Hash() = %v, want 0", h)
	}
}

func TestParseAuthorizationHeader(t *testing.T) {
	type P = rfc5849.Param
	tests := []struct {
		name, in  string
		want      []rfc5849.Param
		wantRealm string
	}{
		{"realm excluded", `OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2"`,
			[]P{{Key: "oauth_consumer_key", Value: "9djdj82h48djs9d2"}}, "Example"},
		{"realm last", `OAuth a="1", realm="R"`, []P{{Key: "a", Value: "1"}}, "R"},
		{"lower-case scheme", `oauth a="1"`, []P{{Key: "a", Value: "1"}}, ""},
		{"upper-case scheme", `OAUTH a="1"`, []P{{Key: "a", Value: "1"}}, ""},
		{"tab after scheme", "OAuth\ta=\"1\"", []P{{Key: "a", Value: "1"}}, ""},
		{"whitespace", "  OAuth   a = \"1\" ,\tb=\"2\"  ,  c =\"3\"  ",
			[]P{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}, {Key: "c", Value: "3"}}, ""},
		{"no spaces", `OAuth a="1",b="2"`, []P{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}, ""},
		{"percent-decoded", `OAuth oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", a%20b="c%2Fd"`,
			[]P{{Key: "oauth_callback", Value: "http://printer.example.com/ready"}, {Key: "a b", Value: "c/d"}}, ""},
		{"plus stays plus", `OAuth a="x+y"`, []P{{Key: "a", Value: "x+y"}}, ""},
		{"empty value", `OAuth oauth_token=""`, []P{{Key: "oauth_token", Value: ""}}, ""},
		{"comma in value", `OAuth a="x,y"`, []P{{Key: "a", Value: "x,y"}}, ""},
		{"repeats kept in order", `OAuth b="2", a="1", b="3"`,
			[]P{{Key: "b", Value: "2"}, {Key: "a", Value: "1"}, {Key: "b", Value: "3"}}, ""},
		{"scheme only", `OAuth`, nil, ""},
		{"RFC 5849 §3.4.1.1", rfc3541Header, []P{
			{Key: "oauth_consumer_key", Value: "9djdj82h48djs9d2"},
			{Key: "oauth_token", Value: "kkk9d7dh3k39sjv7"},
			{Key: "oauth_signature_method", Value: "HMAC-SHA1"},
			{Key: "oauth_timestamp", Value: "137131201"},
			{Key: "oauth_nonce", Value: "7d8f3e4a"},
			{Key: "oauth_signature", Value: "r6/TJjbCOr97/+UU0NsvSne7s5g="},
		}, "Example"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, realm, err := rfc5849.ParseAuthorizationHeader(tc.in)
			if err != nil {
				t.Fatalf("ParseAuthorizationHeader(%q): %v", tc.in, err)
			}
			if !slices.Equal(got, tc.want) || realm != tc.wantRealm {
				t.Errorf("ParseAuthorizationHeader(%q) = %q, realm %q; want %q, realm %q", tc.in, got, realm, tc.want, tc.wantRealm)
			}
		})
	}

	bad := []struct{ name, in string }{
		{"empty", ""},
		{"other scheme", `Basic x`},
		{"other scheme with params", `Digest a="1"`},
		{"scheme prefix", `OAuthX a="1"`},
		{"unquoted value", `OAuth a=1`},
		{"unquoted value after good", `OAuth a="1", b=2`},
		{"unterminated quote", `OAuth a="1`},
		{"bad percent-escape in value", `OAuth a="%zz"`},
		{"short percent-escape", `OAuth a="x%4"`},
		{"bad percent-escape in name", `OAuth a%="1"`},
		{"missing =", `OAuth a`},
		{"missing = after good", `OAuth a="1", b`},
		{"empty name", `OAuth ="1"`},
		{"trailing garbage", `OAuth a="1"x`},
		{"missing comma", `OAuth a="1" b="2"`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			if got, realm, err := rfc5849.ParseAuthorizationHeader(tc.in); err == nil {
				t.Errorf("ParseAuthorizationHeader(%q) = %q, %q, nil; want an error", tc.in, got, realm)
			}
		})
	}
}

// TestParseAuthorizationHeaderNames checks that parameter names are tokens
// (RFC 7235 auth-param) and that empty list elements are skipped or refused,
// never folded into a name.
func TestParseAuthorizationHeaderNames(t *testing.T) {
	type P = rfc5849.Param
	tests := []struct {
		in string
		ok []rfc5849.Param // the one accepted parse; nil: the header must be refused
	}{
		{`OAuth a="1",,b="2"`, []P{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}},
		{`OAuth , a="1"`, []P{{Key: "a", Value: "1"}}},
		{"OAuth a=\"1\",\r\n b=\"2\"", []P{{Key: "a", Value: "1"}, {Key: "b", Value: "2"}}},
		{`OAuth a b="1"`, nil},
		{`OAuth a"b="1"`, nil},
		{`OAuth a="1", b c="2"`, nil},
		{`OAuth a;b="1"`, nil},
	}
	for _, tc := range tests {
		got, _, err := rfc5849.ParseAuthorizationHeader(tc.in)
		if err == nil && (tc.ok == nil || !slices.Equal(got, tc.ok)) {
			want := "an error"
			if tc.ok != nil {
				want = fmt.Sprintf("%q or an error", tc.ok)
			}
			t.Errorf("ParseAuthorizationHeader(%q) = %q, nil; want %s", tc.in, got, want)
		}
	}
}

// TestBaseStringURIPercentHost checks that a host holding "%25" does not give
// a base string URI that is not a URI (found by FuzzBaseStringURI; corpus
// internal/rfc5849/testdata/fuzz/FuzzBaseStringURI/percent_in_host).
func TestBaseStringURIPercentHost(t *testing.T) {
	for _, in := range []string{"http://%25", "http://a%25b/", "http://a%250/x"} {
		u, err := rfc5849.BaseStringURI(in)
		if err != nil {
			continue // refusing it is fine
		}
		if again, err := rfc5849.BaseStringURI(u); err != nil || again != u {
			t.Errorf("BaseStringURI(%q) = %q, which normalizes to %q, %v", in, u, again, err)
		}
	}
}

// TestVerifyCanonicalSignature checks that only the exact base64 text of the
// signature verifies: not one with line breaks in it or with the unused low
// bits of its last character set (Go's base64 decoder accepts both).
func TestVerifyCanonicalSignature(t *testing.T) {
	keys := testRSAKeys(t)
	k := rfc5849.Keys{ConsumerSecret: "cs", TokenSecret: "ts", PrivateKey: keys[0], PublicKey: &keys[0].PublicKey}
	base := []byte("bs")
	for _, name := range []string{core.HMACSHA1, core.HMACSHA256, core.HMACSHA512, core.RSASHA1, core.RSASHA256, core.RSASHA512} {
		m := vecMethod(t, name)
		sig, err := m.Sign(base, k)
		if err != nil {
			t.Fatal(err)
		}
		variants := []struct{ what, sig string }{
			{"with a trailing LF", sig + "\n"},
			{"with CR LF inside", sig[:4] + "\r\n" + sig[4:]},
			{"with a leading LF", "\n" + sig},
		}
		// Set an unused low bit of the last data character, if it has any.
		if pad := strings.Count(sig, "="); pad > 0 {
			last := len(sig) - pad - 1
			const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
			v := strings.IndexByte(alphabet, sig[last])
			variants = append(variants, struct{ what, sig string }{"with an unused bit set", sig[:last] + string(alphabet[v^1]) + sig[last+1:]})
		}
		for _, v := range variants {
			if err := m.Verify(base, v.sig, k); !errors.Is(err, rfc5849.ErrSignature) {
				t.Errorf("%s: Verify(signature %s) = %v, want ErrSignature", name, v.what, err)
			}
		}
	}
}
