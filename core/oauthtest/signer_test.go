package oauthtest_test

import (
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/oauthtest"
)

func fixed(ts int64, nonce string) (func() time.Time, func() string) {
	return func() time.Time { return time.Unix(ts, 0) }, func() string { return nonce }
}

// headerParams parses r's Authorization header into a map; it fails the test
// on a repeated name.
func headerParams(t *testing.T, r *http.Request) (map[string]string, string) {
	t.Helper()
	ps, realm, err := rfc5849.ParseAuthorizationHeader(r.Header.Get("Authorization"))
	if err != nil {
		t.Fatalf("Authorization %q: %v", r.Header.Get("Authorization"), err)
	}
	m := map[string]string{}
	for _, p := range ps {
		if _, dup := m[p.Key]; dup {
			t.Fatalf("repeated %s in %q", p.Key, r.Header.Get("Authorization"))
		}
		m[p.Key] = p.Value
	}
	return m, realm
}

// TestSignWalkThrough signs the three requests of RFC 5849 §1.2.
func TestSignWalkThrough(t *testing.T) {
	tests := []struct {
		name, method, url  string
		token, tokenSecret string
		ts                 int64
		nonce              string
		extra              []rfc5849.Param
		want               string
		wantHeader         string
	}{
		{
			name: "initiate", method: "POST", url: "https://photos.example.net/initiate",
			ts: 137131200, nonce: "wIjqoS",
			extra: []rfc5849.Param{{Key: "oauth_callback", Value: "http://printer.example.com/ready"}},
			want:  "74KNZJeDHnMBp0EMJ9ZHt/XKycU=",
			wantHeader: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_signature_method="HMAC-SHA1", ` +
				`oauth_timestamp="137131200", oauth_nonce="wIjqoS", oauth_callback="http%3A%2F%2Fprinter.example.com%2Fready", ` +
				`oauth_signature="74KNZJeDHnMBp0EMJ9ZHt%2FXKycU%3D"`,
		},
		{
			name: "token", method: "POST", url: "https://photos.example.net/token",
			token: "hh5s93j4hdidpola", tokenSecret: "hdhd0244k9j7ao03",
			ts: 137131201, nonce: "walatlh",
			extra: []rfc5849.Param{{Key: "oauth_verifier", Value: "hfdp7dh39dks9884"}},
			want:  "gKgrFCywp7rO0OXSjdot/IHF7IU=",
			wantHeader: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="hh5s93j4hdidpola", ` +
				`oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="walatlh", ` +
				`oauth_verifier="hfdp7dh39dks9884", oauth_signature="gKgrFCywp7rO0OXSjdot%2FIHF7IU%3D"`,
		},
		{
			name: "photos", method: "GET", url: "http://photos.example.net/photos?file=vacation.jpg&size=original",
			token: "nnch734d00sl2jdk", tokenSecret: "pfkkdhi9sl3r4s00",
			ts: 137131202, nonce: "chapoH",
			want: "MdpQcU8iPSUjWoN/UDMsK2sui9I=",
			wantHeader: `OAuth realm="Photos", oauth_consumer_key="dpf43f3p2l4k3l03", oauth_token="nnch734d00sl2jdk", ` +
				`oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131202", oauth_nonce="chapoH", ` +
				`oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			now, nonce := fixed(tc.ts, tc.nonce)
			s := &oauthtest.Signer{
				ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
				Token: tc.token, TokenSecret: tc.tokenSecret,
				Realm: "Photos", OmitVersion: true, Now: now, Nonce: nonce,
			}
			r, err := http.NewRequest(tc.method, tc.url, nil)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Sign(r, tc.extra...); err != nil {
				t.Fatal(err)
			}
			if got := r.Header.Get("Authorization"); got != tc.wantHeader {
				t.Errorf("Authorization:\n got %s\nwant %s", got, tc.wantHeader)
			}
			ps, realm := headerParams(t, r)
			if ps["oauth_signature"] != tc.want || realm != "Photos" {
				t.Errorf("oauth_signature = %q, realm %q; want %q, Photos", ps["oauth_signature"], realm, tc.want)
			}
		})
	}
}

// TestSignServerSideRequest signs a request as a server sees it (no scheme
// or host in r.URL).
func TestSignServerSideRequest(t *testing.T) {
	now, nonce := fixed(137131202, "chapoH")
	s := &oauthtest.Signer{
		ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
		Token: "nnch734d00sl2jdk", TokenSecret: "pfkkdhi9sl3r4s00",
		OmitVersion: true, Now: now, Nonce: nonce,
	}
	r := httptest.NewRequest("GET", "/photos?file=vacation.jpg&size=original", nil)
	r.Host = "photos.example.net"
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	ps, _ := headerParams(t, r)
	if want := "MdpQcU8iPSUjWoN/UDMsK2sui9I="; ps["oauth_signature"] != want {
		t.Errorf("oauth_signature = %q, want %q", ps["oauth_signature"], want)
	}
}

// TestSignAppendixA signs OAuth Core 1.0 Appendix A's request, which has
// oauth_version.
func TestSignAppendixA(t *testing.T) {
	now, nonce := fixed(1191242096, "kllo9940pd9333jh")
	s := &oauthtest.Signer{
		ConsumerKey: "dpf43f3p2l4k3l03", ConsumerSecret: "kd94hf93k423kf44",
		Token: "nnch734d00sl2jdk", TokenSecret: "pfkkdhi9sl3r4s00",
		Now: now, Nonce: nonce,
	}
	r, err := http.NewRequest("GET", "http://photos.example.net/photos?file=vacation.jpg&size=original", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	ps, _ := headerParams(t, r)
	if ps["oauth_version"] != "1.0" {
		t.Errorf("oauth_version = %q", ps["oauth_version"])
	}
	if want := "tR3+Ty81lMeYAr/Fid0kMTYa/WM="; ps["oauth_signature"] != want {
		t.Errorf("oauth_signature = %q, want %q", ps["oauth_signature"], want)
	}
}

// TestSignFormBody signs the RFC 5849 §3.4.1.1 request: query and form body
// are signed, and the body stays readable.
func TestSignFormBody(t *testing.T) {
	now, nonce := fixed(137131201, "7d8f3e4a")
	s := &oauthtest.Signer{
		ConsumerKey: "9djdj82h48djs9d2", ConsumerSecret: "j49sk3j29djd",
		Token: "kkk9d7dh3k39sjv7", TokenSecret: "dh893hdasih9",
		Realm: "Example", OmitVersion: true, Now: now, Nonce: nonce,
	}
	const body = "c2&a3=2+q"
	r, err := http.NewRequest("POST", "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	ps, _ := headerParams(t, r)
	if want := "r6/TJjbCOr97/+UU0NsvSne7s5g="; ps["oauth_signature"] != want {
		t.Errorf("oauth_signature = %q, want %q", ps["oauth_signature"], want)
	}
	got, err := io.ReadAll(r.Body)
	if err != nil || string(got) != body {
		t.Errorf("body after Sign = %q, %v; want %q", got, err, body)
	}
	if r.ContentLength != int64(len(body)) {
		t.Errorf("ContentLength = %d", r.ContentLength)
	}
	rc, err := r.GetBody()
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := io.ReadAll(rc); string(got) != body {
		t.Errorf("GetBody = %q", got)
	}
}

// verify is an independent server-side check: it gathers the parameters
// from the header, the query and a form body, rebuilds the base string and
// verifies oauth_signature. It reports where the oauth_* parameters were.
func verify(r *http.Request, keys rfc5849.Keys) (where string, err error) {
	var ps []rfc5849.Param
	if h := r.Header.Get("Authorization"); h != "" {
		hp, _, err := rfc5849.ParseAuthorizationHeader(h)
		if err != nil {
			return "", err
		}
		ps = append(ps, hp...)
		where = "header"
	}
	add := func(raw, from string) error {
		vs, err := url.ParseQuery(raw)
		if err != nil {
			return err
		}
		for k, list := range vs {
			for _, v := range list {
				ps = append(ps, rfc5849.Param{Key: k, Value: v})
			}
			if strings.HasPrefix(k, "oauth_") {
				where += from
			}
		}
		return nil
	}
	if err := add(r.URL.RawQuery, "query"); err != nil {
		return "", err
	}
	if r.Header.Get("Content-Type") == "application/x-www-form-urlencoded" {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			return "", err
		}
		if err := add(string(b), "body"); err != nil {
			return "", err
		}
	}
	var sig, method string
	for _, p := range ps {
		switch p.Key {
		case "oauth_signature":
			sig = p.Value
		case "oauth_signature_method":
			method = p.Value
		}
	}
	// Collapse "queryqueryquery" and the like: one place per request.
	for _, w := range []string{"header", "query", "body"} {
		if strings.HasPrefix(where, w) && strings.ReplaceAll(where, w, "") == "" {
			where = w
		}
	}
	m, ok := rfc5849.Method(method)
	if !ok {
		return where, fmt.Errorf("unknown method %q", method)
	}
	uri, err := rfc5849.BaseStringURI("http://" + r.Host + r.URL.EscapedPath())
	if err != nil {
		return where, err
	}
	return where, m.Verify([]byte(rfc5849.BaseString(r.Method, uri, ps)), sig, keys)
}

var (
	keyOnce sync.Once
	rsaKey  *rsa.PrivateKey
	keyErr  error
)

func testKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() { rsaKey, keyErr = rsa.GenerateKey(rand.Reader, 2048) })
	if keyErr != nil {
		t.Fatal(keyErr)
	}
	return rsaKey
}

// TestClientPlacementsAndMethods sends signed requests through Client to a
// server that verifies them independently, for every placement and method.
func TestClientPlacementsAndMethods(t *testing.T) {
	key := testKey(t)
	keys := rfc5849.Keys{ConsumerSecret: "c s&%", TokenSecret: "t~s=", PublicKey: &key.PublicKey}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		where, err := verify(r, keys)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, where)
	}))
	defer srv.Close()

	placements := []struct {
		p    oauthtest.Placement
		name string
	}{{oauthtest.Header, "header"}, {oauthtest.Query, "query"}, {oauthtest.Body, "body"}}
	methods := []string{core.HMACSHA1, core.HMACSHA256, core.HMACSHA512, core.RSASHA1, core.RSASHA256, core.RSASHA512, core.PLAINTEXT}
	for _, pl := range placements {
		for _, m := range methods {
			for _, withForm := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%s/form=%v", pl.name, m, withForm), func(t *testing.T) {
					s := &oauthtest.Signer{
						ConsumerKey: "ck", ConsumerSecret: keys.ConsumerSecret,
						Token: "tok", TokenSecret: keys.TokenSecret,
						Method: m, PrivateKey: key, Placement: pl.p, Realm: "r",
					}
					var body io.Reader
					if withForm {
						body = strings.NewReader("b=x+y&b=%21&c")
					}
					req, err := http.NewRequest("POST", srv.URL+"/p%20ath/x?q=1&q=+2&e=", body)
					if err != nil {
						t.Fatal(err)
					}
					if withForm {
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
					}
					resp, err := s.Client().Do(req)
					if err != nil {
						t.Fatal(err)
					}
					got, _ := io.ReadAll(resp.Body)
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK || string(got) != pl.name {
						t.Errorf("status %d, body %q; want 200, %q", resp.StatusCode, got, pl.name)
					}
					if req.Header.Get("Authorization") != "" || strings.Contains(req.URL.RawQuery, "oauth_") {
						t.Error("Client changed the caller's request")
					}
				})
			}
		}
	}
}

// TestSignDetectsTampering checks that the independent verifier refuses a
// request changed after signing (so the placement tests above mean
// something).
func TestSignDetectsTampering(t *testing.T) {
	s := &oauthtest.Signer{ConsumerKey: "ck", ConsumerSecret: "cs", Placement: oauthtest.Query}
	r := httptest.NewRequest("GET", "http://example.com/x?a=1", nil)
	if err := s.Sign(r); err != nil {
		t.Fatal(err)
	}
	if _, err := verify(r, rfc5849.Keys{ConsumerSecret: "cs"}); err != nil {
		t.Fatalf("untouched request: %v", err)
	}
	r.URL.RawQuery = strings.Replace(r.URL.RawQuery, "a=1", "a=2", 1)
	if _, err := verify(r, rfc5849.Keys{ConsumerSecret: "cs"}); err == nil {
		t.Error("changed query verified")
	}
}

func TestSignDefaults(t *testing.T) {
	s := &oauthtest.Signer{ConsumerKey: "ck", ConsumerSecret: "cs"}
	seen := map[string]bool{}
	for range 3 {
		r := httptest.NewRequest("GET", "http://example.com/", nil)
		before := time.Now().Unix()
		if err := s.Sign(r); err != nil {
			t.Fatal(err)
		}
		after := time.Now().Unix()
		ps, realm := headerParams(t, r)
		if realm != "" {
			t.Errorf("realm = %q", realm)
		}
		if _, ok := ps["oauth_token"]; ok {
			t.Error("oauth_token sent without a Token")
		}
		if ps["oauth_signature_method"] != core.HMACSHA1 || ps["oauth_version"] != "1.0" || ps["oauth_consumer_key"] != "ck" {
			t.Errorf("params %q", ps)
		}
		ts, err := strconv.ParseInt(ps["oauth_timestamp"], 10, 64)
		if err != nil || ts < before || ts > after {
			t.Errorf("oauth_timestamp %q not in [%d, %d]", ps["oauth_timestamp"], before, after)
		}
		n := ps["oauth_nonce"]
		if len(n) != 32 || strings.Trim(n, "0123456789abcdef") != "" || seen[n] {
			t.Errorf("oauth_nonce %q: want 32 fresh hex digits", n)
		}
		seen[n] = true
	}
}

func TestSignExtraReplacesDefaults(t *testing.T) {
	now, nonce := fixed(100, "n")
	s := &oauthtest.Signer{ConsumerKey: "ck", ConsumerSecret: "cs", Now: now, Nonce: nonce}
	r := httptest.NewRequest("GET", "http://example.com/", nil)
	err := s.Sign(r,
		rfc5849.Param{Key: "oauth_timestamp", Value: "12303202302"},
		rfc5849.Param{Key: "oauth_version", Value: "2.0"},
		rfc5849.Param{Key: "oauth_body_hash", Value: oauthtest.BodyHash(core.HMACSHA1, nil)},
	)
	if err != nil {
		t.Fatal(err)
	}
	want := `OAuth oauth_consumer_key="ck", oauth_signature_method="HMAC-SHA1", oauth_timestamp="12303202302", ` +
		`oauth_nonce="n", oauth_version="2.0", oauth_body_hash="2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D", oauth_signature=`
	if got := r.Header.Get("Authorization"); !strings.HasPrefix(got, want) {
		t.Errorf("Authorization:\n got %s\nwant %s...", got, want)
	}
	if _, err := verify(r, rfc5849.Keys{ConsumerSecret: "cs"}); err != nil {
		t.Error(err)
	}
}

func TestSignErrors(t *testing.T) {
	tests := []struct {
		name   string
		s      oauthtest.Signer
		ct     string
		body   string
		target string
	}{
		{name: "unknown method", s: oauthtest.Signer{Method: "HMAC-MD5"}},
		{name: "RSA without a key", s: oauthtest.Signer{Method: core.RSASHA1}},
		{name: "Body placement with a JSON body", s: oauthtest.Signer{Placement: oauthtest.Body}, ct: "application/json", body: "{}"},
		{name: "unknown placement", s: oauthtest.Signer{Placement: oauthtest.Placement(9)}},
		{name: "bad Content-Type", ct: "application/x-www-form-urlencoded; =", body: "a=1"},
		{name: "bad form body", ct: "application/x-www-form-urlencoded", body: "a=%zz"},
		{name: "bad query", target: "http://example.com/?a=%zz"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := tc.target
			if target == "" {
				target = "http://example.com/"
			}
			r := httptest.NewRequest("POST", target, strings.NewReader(tc.body))
			if tc.ct != "" {
				r.Header.Set("Content-Type", tc.ct)
			}
			if err := tc.s.Sign(r); err == nil {
				t.Error("Sign: want an error")
			}
		})
	}
}

func TestBodyHash(t *testing.T) {
	tests := []struct{ method, want string }{
		{core.HMACSHA1, "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
		{core.RSASHA1, "2jmj7l5rSw0yVb/vlWAYkK/YBwk="},
		{core.HMACSHA256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{core.RSASHA256, "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="},
		{core.HMACSHA512, "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="},
		{core.RSASHA512, "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg=="},
		{core.PLAINTEXT, ""},
		{"HMAC-MD5", ""},
	}
	for _, tc := range tests {
		if got := oauthtest.BodyHash(tc.method, nil); got != tc.want {
			t.Errorf("BodyHash(%s, empty) = %q, want %q", tc.method, got, tc.want)
		}
	}
}

// TestClientConcurrent sends requests from many goroutines through one
// Client, released together by a start barrier.
func TestClientConcurrent(t *testing.T) {
	var mu sync.Mutex
	nonces := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := verify(r, rfc5849.Keys{ConsumerSecret: "cs"}); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		ps, _, _ := rfc5849.ParseAuthorizationHeader(r.Header.Get("Authorization"))
		mu.Lock()
		defer mu.Unlock()
		for _, p := range ps {
			if p.Key == "oauth_nonce" {
				nonces[p.Value] = true
			}
		}
	}))
	defer srv.Close()

	c := (&oauthtest.Signer{ConsumerKey: "ck", ConsumerSecret: "cs"}).Client()
	const n = 16
	start := make(chan struct{})
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			resp, err := c.Post(srv.URL+"/x", "application/x-www-form-urlencoded", strings.NewReader("i="+strconv.Itoa(i)))
			if err != nil {
				errs <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				errs <- fmt.Errorf("status %d", resp.StatusCode)
			}
		})
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(nonces) != n {
		t.Errorf("%d distinct nonces, want %d", len(nonces), n)
	}
}
