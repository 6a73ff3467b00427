package core_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

// TestProxies checks which scheme and host the base string URI is built
// from: forwarding headers only from trusted proxies, or Config.PublicURL.
func TestProxies(t *testing.T) {
	const (
		public   = "https://api.example.com/v1/me"
		internal = "http://internal:8080/v1/me"
		trusted  = "10.1.2.3:1234"
		outsider = "192.0.2.1:1234"
	)
	trust := []string{"10.0.0.0/8"}
	fwd := core.Config{TrustedProxies: trust, ProxyHeaders: core.ForwardedHeader}
	xf := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.com"}
	for _, tc := range []struct {
		name      string
		cfg       core.Config
		remote    string
		headers   map[string]string
		signedFor string
		method    string
		status    int
		problem   string
	}{
		{name: "X-Forwarded from a trusted proxy", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers: xf, signedFor: public, status: 200},
		{name: "X-Forwarded from a trusted proxy, signed for the internal URL", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers: xf, signedFor: internal, status: 401, problem: "signature_invalid"},
		{name: "Forwarded ignored by default", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers: map[string]string{"Forwarded": `proto=https;host="api.example.com"`}, signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "Forwarded from the client beside the proxy's X-Forwarded-Proto", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers:   map[string]string{"X-Forwarded-Proto": "http", "Forwarded": `proto=https;host=other.example`},
			signedFor: "https://other.example/v1/me", status: 401, problem: "signature_invalid"},
		{name: "Forwarded from a trusted proxy, when configured", cfg: fwd, remote: trusted,
			headers: map[string]string{"Forwarded": `proto=https;host="api.example.com"`}, signedFor: public, status: 200},
		{name: "Forwarded: the rightmost element", cfg: fwd, remote: trusted,
			headers:   map[string]string{"Forwarded": `for=192.0.2.60;proto=http;host=evil.example, for=10.0.0.1;proto=https;host=api.example.com`},
			signedFor: public, status: 200},
		{name: "Forwarded: a client-written leftmost element is not believed", cfg: fwd, remote: trusted,
			headers:   map[string]string{"Forwarded": `proto=https;host=api.example.com, for=192.0.2.60;proto=http;host=internal:8080`},
			signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "Forwarded: a quoted comma does not separate", cfg: fwd, remote: trusted,
			headers:   map[string]string{"Forwarded": `for=x, for="a,b";proto=https;host="api.example.com"`},
			signedFor: public, status: 200},
		{name: "Forwarded in mixed case with spaces", cfg: fwd, remote: trusted,
			headers: map[string]string{"Forwarded": `Proto=HTTPS; Host="api.example.com"`}, signedFor: public, status: 200},
		{name: "X-Forwarded ignored when Forwarded is configured", cfg: fwd, remote: trusted,
			headers: xf, signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "X-Forwarded ignored when Forwarded is configured: real URL", cfg: fwd, remote: trusted,
			headers: xf, signedFor: internal, status: 200},
		{name: "X-Forwarded-Proto alone", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers: map[string]string{"X-Forwarded-Proto": "https"}, signedFor: "https://internal:8080/v1/me", status: 200},
		{name: "X-Forwarded-Host with the default port", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers:   map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "API.example.com:443"},
			signedFor: public, status: 200},
		{name: "X-Forwarded lists: the rightmost value", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers:   map[string]string{"X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "evil.example, api.example.com"},
			signedFor: public, status: 200},
		{name: "X-Forwarded lists: a client-written leftmost value is not believed", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers:   map[string]string{"X-Forwarded-Proto": "https, http", "X-Forwarded-Host": "api.example.com, internal:8080"},
			signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "X-Forwarded-Proto not http(s) is ignored", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers:   map[string]string{"X-Forwarded-Proto": "ftp", "X-Forwarded-Host": "api.example.com"},
			signedFor: "http://api.example.com/v1/me", status: 200},
		{name: "single trusted IP", cfg: core.Config{TrustedProxies: []string{"10.1.2.3"}}, remote: trusted,
			headers: xf, signedFor: public, status: 200},
		{name: "single trusted IP, another peer", cfg: core.Config{TrustedProxies: []string{"10.1.2.3"}}, remote: "10.1.2.4:1234",
			headers: xf, signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "trusted IPv6 peer", cfg: core.Config{TrustedProxies: []string{"::1"}}, remote: "[::1]:5555",
			headers: xf, signedFor: public, status: 200},
		{name: "trusted IPv6 range", cfg: core.Config{TrustedProxies: []string{"fd00::/8"}}, remote: "[fd00::17]:5555",
			headers: xf, signedFor: public, status: 200},
		{name: "unparsable peer", cfg: core.Config{TrustedProxies: trust}, remote: "garbage",
			headers: xf, signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "untrusted peer: spoofed URL", cfg: core.Config{TrustedProxies: trust}, remote: outsider,
			headers: xf, signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "untrusted peer: real URL", cfg: core.Config{TrustedProxies: trust}, remote: outsider,
			headers: xf, signedFor: internal, status: 200},
		{name: "untrusted peer: spoofed Forwarded", cfg: core.Config{TrustedProxies: trust}, remote: outsider,
			headers:   map[string]string{"Forwarded": `proto=https;host="api.example.com"`},
			signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "untrusted peer: real URL despite Forwarded", cfg: core.Config{TrustedProxies: trust}, remote: outsider,
			headers:   map[string]string{"Forwarded": `proto=https;host="api.example.com"`},
			signedFor: internal, status: 200},
		{name: "no trusted proxies configured", remote: trusted,
			headers: xf, signedFor: public, status: 401, problem: "signature_invalid"},
		{name: "no trusted proxies configured: real URL", remote: trusted,
			headers: xf, signedFor: internal, status: 200},
		{name: "PLAINTEXT behind a TLS-terminating trusted proxy", cfg: core.Config{TrustedProxies: trust}, remote: trusted,
			headers: xf, signedFor: public, method: core.PLAINTEXT, status: 200},
		{name: "PLAINTEXT with a spoofed proto", cfg: core.Config{TrustedProxies: trust}, remote: outsider,
			headers: xf, signedFor: internal, method: core.PLAINTEXT, status: 400, problem: "signature_method_rejected"},
		{name: "PublicURL", cfg: core.Config{PublicURL: "https://api.example.com"}, remote: outsider,
			signedFor: public, status: 200},
		{name: "PublicURL, signed for the internal URL", cfg: core.Config{PublicURL: "https://api.example.com"}, remote: outsider,
			signedFor: internal, status: 401, problem: "signature_invalid"},
		{name: "PublicURL ignores forwarding headers", cfg: core.Config{PublicURL: "https://api.example.com", TrustedProxies: trust},
			remote:    trusted,
			headers:   map[string]string{"X-Forwarded-Proto": "http", "X-Forwarded-Host": "evil.example.com", "Forwarded": "host=evil.example.com"},
			signedFor: public, status: 200},
		{name: "PublicURL normalized", cfg: core.Config{PublicURL: "HTTPS://API.Example.com:443/"}, remote: outsider,
			signedFor: public, status: 200},
		{name: "PublicURL with a port", cfg: core.Config{PublicURL: "http://api.example.com:8080"}, remote: outsider,
			signedFor: "http://api.example.com:8080/v1/me", status: 200},
		{name: "PublicURL makes PLAINTEXT acceptable", cfg: core.Config{PublicURL: "https://api.example.com"}, remote: outsider,
			signedFor: public, method: core.PLAINTEXT, status: 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, tc.cfg)
			c := alice
			if tc.method != "" {
				c = c.using(tc.method)
			}
			r := e.sign(c, httptest.NewRequest("GET", tc.signedFor+"?x=1", nil))
			sentAs(r, "GET", "http://internal:8080/v1/me?x=1")
			r.RemoteAddr = tc.remote
			for k, v := range tc.headers {
				r.Header.Set(k, v)
			}
			g, err := e.p.Authenticate(r)
			e.expect(t, err, tc.status, tc.problem)
			if err == nil && g.UserID != "alice" {
				t.Errorf("grant %+v", g)
			}
		})
	}
}

// TestProxiesOnHandlers: the token endpoints behind a trusted proxy sign
// for the public URL as well.
func TestProxiesOnHandlers(t *testing.T) {
	e := newLifecycle(t, core.Config{TrustedProxies: []string{"10.0.0.0/8"}})
	r := e.sign(lcClient, httptest.NewRequest("POST", "https://provider.example/oauth/request_token", nil), prm("oauth_callback", "oob"))
	sentAs(r, "POST", "http://internal:8080/oauth/request_token")
	r.RemoteAddr = "10.9.9.9:443"
	r.Header.Set("X-Forwarded-Proto", "https")
	r.Header.Set("X-Forwarded-Host", "provider.example")
	w := serve(e.p.RequestTokenHandler(), r)
	e.expectResponse(t, w, http.StatusOK, "")
}

func TestNewRejectsProxyConfig(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  core.Config
	}{
		{"CIDR mask too long", core.Config{TrustedProxies: []string{"10.0.0.0/33"}}},
		{"not an IP", core.Config{TrustedProxies: []string{"proxy.internal"}}},
		{"garbage after the mask", core.Config{TrustedProxies: []string{"10.0.0.0/8x"}}},
		{"empty", core.Config{TrustedProxies: []string{""}}},
		{"one bad among good", core.Config{TrustedProxies: []string{"10.0.0.0/8", "300.1.1.1"}}},
		{"PublicURL with another scheme", core.Config{PublicURL: "ftp://api.example.com"}},
		{"PublicURL without a scheme", core.Config{PublicURL: "api.example.com"}},
		{"PublicURL without a host", core.Config{PublicURL: "https://"}},
		{"PublicURL relative", core.Config{PublicURL: "/api"}},
		{"PublicURL unparsable", core.Config{PublicURL: "https://api.example.com:port/"}},
		{"unknown ProxyHeaders", core.Config{ProxyHeaders: core.ProxyHeaders(7)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.cfg.Store = newEnv(t, core.Config{}).store
			if p, err := core.New(tc.cfg); err == nil || p != nil {
				t.Errorf("New = %v, %v; want an error", p, err)
			}
		})
	}
}

// TestOrigin checks the scheme and host Origin reports, the ones base
// strings are built from.
func TestOrigin(t *testing.T) {
	trusted, err := core.New(core.Config{Store: memstore.New(), TrustedProxies: []string{"10.0.0.0/8"}})
	if err != nil {
		t.Fatal(err)
	}
	forwarded, err := core.New(core.Config{Store: memstore.New(), TrustedProxies: []string{"10.0.0.0/8"}, ProxyHeaders: core.ForwardedHeader})
	if err != nil {
		t.Fatal(err)
	}
	fixed, err := core.New(core.Config{Store: memstore.New(), PublicURL: "https://API.example.com"})
	if err != nil {
		t.Fatal(err)
	}
	req := func(target, remote string, hdr ...string) *http.Request {
		r := httptest.NewRequest("GET", target, nil)
		r.RemoteAddr = remote
		for i := 0; i+1 < len(hdr); i += 2 {
			r.Header.Add(hdr[i], hdr[i+1])
		}
		return r
	}
	tests := []struct {
		name         string
		p            *core.Provider
		r            *http.Request
		scheme, host string
	}{
		{"direct http", trusted, req("http://a.example/x", "192.0.2.1:1"), "http", "a.example"},
		{"direct TLS", trusted, req("https://a.example/x", "192.0.2.1:1"), "https", "a.example"},
		{"trusted proxy", trusted, req("http://a.example/x", "10.1.2.3:1", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "b.example"), "https", "b.example"},
		{"trusted proxy, Forwarded not configured", trusted, req("http://a.example/x", "10.1.2.3:1", "Forwarded", `proto=https;host="c.example"`), "http", "a.example"},
		{"trusted proxy, Forwarded", forwarded, req("http://a.example/x", "10.1.2.3:1", "Forwarded", `proto=https;host="c.example"`), "https", "c.example"},
		{"trusted proxy, header lines: the last", trusted, req("http://a.example/x", "10.1.2.3:1", "X-Forwarded-Host", "evil.example", "X-Forwarded-Host", "d.example"), "http", "d.example"},
		{"untrusted peer", trusted, req("http://a.example/x", "192.0.2.1:1", "X-Forwarded-Proto", "https", "X-Forwarded-Host", "b.example"), "http", "a.example"},
		{"public URL", fixed, req("http://a.example/x", "10.1.2.3:1", "X-Forwarded-Proto", "http"), "https", "API.example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if scheme, host := tt.p.Origin(tt.r); scheme != tt.scheme || host != tt.host {
				t.Errorf("Origin = %s %s, want %s %s", scheme, host, tt.scheme, tt.host)
			}
		})
	}
}
