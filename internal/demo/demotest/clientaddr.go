package demotest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo"
)

// clientAddr checks, over real connections from the loopback test client,
// that the address the service logs for a request is the connection's
// peer, whatever the forwarding headers say, unless the peer is a trusted
// proxy (TRUSTED_PROXIES=127.0.0.1/32): then it is the rightmost address
// of X-Forwarded-For, or with FORWARDED_HEADER=forwarded of the for=
// parameters of Forwarded, that is not a trusted proxy. The other family
// of headers is never read. Then forwardedOrigin.
func clientAddr(t *testing.T, newRouter func(*demo.App) http.Handler) {
	loopback := []string{"127.0.0.1/32"}
	headerAddrs := regexp.MustCompile(`[0-9]+(\.[0-9]+){3}|[0-9a-f]*:[0-9a-f:]+`) // the addresses in a header
	tests := []struct {
		name    string
		trusted []string
		mode    core.ProxyHeaders
		header  string // the header the mode reads
		value   string
		want    string
	}{
		{"no proxies: forged header ignored", nil, core.XForwardedHeaders, "X-Forwarded-For", "203.0.113.9", "127.0.0.1"},
		{"untrusted peer: forged header ignored", []string{"10.0.0.0/8"}, core.XForwardedHeaders, "X-Forwarded-For", "203.0.113.9", "127.0.0.1"},
		{"trusted peer: rightmost untrusted", loopback, core.XForwardedHeaders, "X-Forwarded-For", "198.51.100.7, 203.0.113.9", "203.0.113.9"},
		{"trusted peer: trusted hops skipped", loopback, core.XForwardedHeaders, "X-Forwarded-For", "203.0.113.9, 127.0.0.1", "203.0.113.9"},
		{"forwarded, no proxies: forged header ignored", nil, core.ForwardedHeader, "Forwarded", "for=203.0.113.9", "127.0.0.1"},
		{"forwarded, untrusted peer: forged header ignored", []string{"10.0.0.0/8"}, core.ForwardedHeader, "Forwarded", "for=203.0.113.9", "127.0.0.1"},
		{"forwarded, trusted peer: rightmost untrusted", loopback, core.ForwardedHeader, "Forwarded", `for=198.51.100.7, for="203.0.113.9:4711";proto=https`, "203.0.113.9"},
		{"forwarded, trusted peer: IPv6", loopback, core.ForwardedHeader, "Forwarded", `for="[2001:db8::7]:4711"`, "2001:db8::7"},
		{"forwarded, trusted peer: trusted hops skipped", loopback, core.ForwardedHeader, "Forwarded", "for=203.0.113.9, for=127.0.0.1", "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config("memory")
			cfg.TrustedProxies = tt.trusted
			cfg.ProxyHeaders = tt.mode
			env := Start(t, cfg, newRouter)
			c := NewClient(t, env.URL)
			req := c.NewRequest(http.MethodGet, "/healthz", nil)
			req.Header.Set(tt.header, tt.value)
			// Never read: the other family, and X-Real-IP.
			forged := []string{"192.0.2.99", "192.0.2.98"}
			if tt.mode == core.ForwardedHeader {
				req.Header.Set("X-Forwarded-For", forged[0])
			} else {
				req.Header.Set("Forwarded", "for="+forged[0])
			}
			req.Header.Set("X-Real-IP", forged[1])
			if r := c.Do(req); r.Status != http.StatusOK {
				t.Fatalf("GET /healthz: %d %s", r.Status, r.Body)
			}
			env.Stop() // the log line is written once the answer is
			logs := env.Logs.String()
			if got := LoggedClient(t, logs, "/healthz"); got != tt.want {
				t.Errorf("logged client %q, want %q", got, tt.want)
			}
			// No other address of the headers shows anywhere in the log
			// (127.0.0.1, the peer, does: in the "listening" line).
			for _, a := range append(headerAddrs.FindAllString(tt.value, -1), forged...) {
				if a != tt.want && a != "127.0.0.1" && strings.Contains(logs, a) {
					t.Errorf("log holds %s, which the service should not believe:\n%s", a, logs)
				}
			}
		})
	}
	t.Run("origin", func(t *testing.T) { forwardedOrigin(t, newRouter) })
}

// forwardedOrigin checks the contract's proxy rule for signatures: behind
// a trusted proxy, the signature base string uses the scheme and host the
// nearest proxy reports (the rightmost value) in X-Forwarded-Proto and
// X-Forwarded-Host, or with FORWARDED_HEADER=forwarded in Forwarded's
// proto= and host=; the other family changes nothing.
func forwardedOrigin(t *testing.T, newRouter func(*demo.App) http.Handler) {
	const public = "https://api.example"
	xf := http.Header{"X-Forwarded-Proto": {"http, https"}, "X-Forwarded-Host": {"evil.example, api.example"}}
	fwd := http.Header{"Forwarded": {`proto=http;host=evil.example, for=203.0.113.9;proto=https;host="api.example"`}}
	tests := []struct {
		name    string
		trusted []string
		mode    core.ProxyHeaders
		headers http.Header
		ok      bool // the request signed for public verifies
	}{
		{"x-forwarded, trusted", []string{"127.0.0.1/32"}, core.XForwardedHeaders, xf, true},
		{"x-forwarded, untrusted peer", []string{"10.0.0.0/8"}, core.XForwardedHeaders, xf, false},
		{"x-forwarded mode ignores Forwarded", []string{"127.0.0.1/32"}, core.XForwardedHeaders, fwd, false},
		{"forwarded, trusted", []string{"127.0.0.1/32"}, core.ForwardedHeader, fwd, true},
		{"forwarded, untrusted peer", []string{"10.0.0.0/8"}, core.ForwardedHeader, fwd, false},
		{"forwarded mode ignores X-Forwarded-*", []string{"127.0.0.1/32"}, core.ForwardedHeader, xf, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config("memory")
			cfg.TrustedProxies = tt.trusted
			cfg.ProxyHeaders = tt.mode
			env := Start(t, cfg, newRouter)
			c := NewClient(t, env.URL)
			cons := c.RegisterConsumer(Alice, url.Values{"name": {"Behind a proxy"}})
			req, err := http.NewRequest(http.MethodGet, public+"/api/ping", nil)
			must(t, err, "new request")
			must(t, Signer(cons, "", "").Sign(req), "sign")
			server, err := url.Parse(env.URL)
			must(t, err, "server URL")
			req.URL.Scheme, req.URL.Host = server.Scheme, server.Host
			for k, v := range tt.headers {
				req.Header[k] = v
			}
			r := c.Do(req)
			if tt.ok && r.Status != http.StatusOK {
				t.Errorf("signed for %s: %d %s, want 200", public, r.Status, r.Body)
			}
			if !tt.ok && (r.Status != http.StatusUnauthorized || r.Problem() != core.ProblemSignatureInvalid) {
				t.Errorf("signed for %s: %d %s, want 401 signature_invalid", public, r.Status, r.Body)
			}
		})
	}
}

// LoggedClient returns the client address of the first request log line
// (demo.App.LogRequest, JSON) for path in logs; it fails t when there is
// none.
func LoggedClient(t testing.TB, logs, path string) string {
	t.Helper()
	for _, line := range strings.Split(logs, "\n") {
		var rec struct{ Msg, Path, Client string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "request" && rec.Path == path {
			return rec.Client
		}
	}
	t.Fatalf("no request log line for %s in:\n%s", path, logs)
	return ""
}

// RunClientIP checks that a framework's own client-address helper (Gin's
// c.ClientIP(), Echo's c.RealIP()) agrees with demo.App.ClientAddr, the one
// the demo uses, so that code written the framework's way cannot be fooled
// by a header the demo ignores: with X-Forwarded-For (the default) and
// with FORWARDED_HEADER=forwarded. newRouter's router must answer GET path
// with that helper's result as plain text. The App trusts 10.0.0.0/8 and
// 2001:db8:cafe::/48; requests are served in process with RemoteAddr set.
func RunClientIP(t *testing.T, newRouter func(*demo.App) http.Handler, path string) {
	xForwarded := []clientIPCase{
		{"untrusted peer, forged XFF", "198.51.100.1:5000", []fieldLine{xff("203.0.113.9")}, "198.51.100.1"},
		{"untrusted peer, forged X-Real-IP", "198.51.100.1:5000", []fieldLine{realIP("203.0.113.9")}, "198.51.100.1"},
		{"trusted peer, rightmost untrusted", "10.0.0.1:5000", []fieldLine{xff("1.1.1.1, 203.0.113.9, 10.0.0.2")}, "203.0.113.9"},
		{"trusted peer, two field lines", "10.0.0.1:5000", []fieldLine{xff("198.51.100.66"), xff("203.0.113.9")}, "203.0.113.9"},
		{"trusted peer, every hop trusted", "10.0.0.1:5000", []fieldLine{xff("10.0.0.3, 10.0.0.2")}, "10.0.0.3"},
		{"trusted peer, malformed rightmost", "10.0.0.1:5000", []fieldLine{xff("203.0.113.9, garbage")}, "10.0.0.1"},
		{"trusted peer, X-Real-IP not read", "10.0.0.1:5000", []fieldLine{realIP("203.0.113.9")}, "10.0.0.1"},
		{"trusted peer, Forwarded not read", "10.0.0.1:5000", []fieldLine{fwd("for=203.0.113.9")}, "10.0.0.1"},
		{"IPv6 trusted peer", "[2001:db8:cafe::1]:443", []fieldLine{xff("2001:db8:beef::7")}, "2001:db8:beef::7"},
		{"IPv4-mapped", "[::ffff:10.0.0.1]:5000", []fieldLine{xff("::ffff:203.0.113.9")}, "203.0.113.9"},
	}
	forwarded := []clientIPCase{
		{"untrusted peer, forged Forwarded", "198.51.100.1:5000", []fieldLine{fwd("for=203.0.113.9")}, "198.51.100.1"},
		{"trusted peer, rightmost untrusted", "10.0.0.1:5000", []fieldLine{fwd(`for=1.1.1.1, for="203.0.113.9:4711";proto=https, for=10.0.0.2`)}, "203.0.113.9"},
		{"trusted peer, two field lines", "10.0.0.1:5000", []fieldLine{fwd("for=198.51.100.66"), fwd("for=203.0.113.9")}, "203.0.113.9"},
		{"trusted peer, every hop trusted", "10.0.0.1:5000", []fieldLine{fwd("for=10.0.0.3, for=10.0.0.2")}, "10.0.0.3"},
		{"trusted peer, IPv6", "10.0.0.1:5000", []fieldLine{fwd(`for="[2001:db8:beef::7]:443"`)}, "2001:db8:beef::7"},
		{"trusted peer, unknown", "10.0.0.1:5000", []fieldLine{fwd("for=unknown")}, "10.0.0.1"},
		{"trusted peer, XFF not read", "10.0.0.1:5000", []fieldLine{xff("203.0.113.9")}, "10.0.0.1"},
		{"trusted peer, X-Real-IP not read", "10.0.0.1:5000", []fieldLine{realIP("203.0.113.9")}, "10.0.0.1"},
		{"trusted peer, forged ClientAddrHeader", "10.0.0.1:5000", []fieldLine{{demo.ClientAddrHeader, "203.0.113.9"}}, "10.0.0.1"},
		{"untrusted peer, forged ClientAddrHeader", "198.51.100.1:5000", []fieldLine{{demo.ClientAddrHeader, "203.0.113.9"}}, "198.51.100.1"},
		{"IPv6 trusted peer", "[2001:db8:cafe::1]:443", []fieldLine{fwd(`for="[2001:db8:beef::7]"`)}, "2001:db8:beef::7"},
		{"IPv4-mapped", "[::ffff:10.0.0.1]:5000", []fieldLine{fwd(`for="[::ffff:203.0.113.9]"`)}, "203.0.113.9"},
	}
	t.Run("x-forwarded", func(t *testing.T) { clientIP(t, newRouter, path, core.XForwardedHeaders, xForwarded) })
	t.Run("forwarded", func(t *testing.T) { clientIP(t, newRouter, path, core.ForwardedHeader, forwarded) })
}

// fieldLine is one header field line of a request.
type fieldLine struct{ name, value string }

func xff(v string) fieldLine    { return fieldLine{"X-Forwarded-For", v} }
func fwd(v string) fieldLine    { return fieldLine{"Forwarded", v} }
func realIP(v string) fieldLine { return fieldLine{"X-Real-IP", v} }

// clientIPCase is a request from peer with headers, and the client address
// it comes from.
type clientIPCase struct {
	name, peer string
	headers    []fieldLine
	want       string
}

// clientIP runs RunClientIP's cases for one setting of FORWARDED_HEADER.
func clientIP(t *testing.T, newRouter func(*demo.App) http.Handler, path string, mode core.ProxyHeaders, cases []clientIPCase) {
	cfg := Config("memory")
	cfg.TrustedProxies = []string{"10.0.0.0/8", "2001:db8:cafe::/48"}
	cfg.ProxyHeaders = mode
	app, err := demo.Open(context.Background(), cfg, nil, demo.Options{})
	must(t, err, "demo.Open")
	t.Cleanup(func() { app.Close() })
	h := newRouter(app)
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.RemoteAddr = tt.peer
			for _, l := range tt.headers {
				r.Header.Add(l.name, l.value)
			}
			if got := app.ClientAddr(r).String(); got != tt.want {
				t.Fatalf("demo.App.ClientAddr = %s, want %s", got, tt.want)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			text := strings.TrimSpace(w.Body.String())
			got, err := netip.ParseAddr(text)
			if w.Code != http.StatusOK || err != nil || got.Unmap().String() != tt.want {
				t.Errorf("the framework's helper says %d %q, want %s", w.Code, text, tt.want)
			}
		})
	}
}
