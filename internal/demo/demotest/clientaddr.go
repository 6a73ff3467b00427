package demotest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/internal/demo"
)

// clientAddr checks, over real connections from the loopback test client,
// that the address the service logs for a request is the connection's
// peer, whatever X-Forwarded-For says, unless the peer is a trusted proxy
// (TRUSTED_PROXIES=127.0.0.1/32): then it is the header's rightmost
// address that is not a trusted proxy.
func clientAddr(t *testing.T, newRouter func(*demo.App) http.Handler) {
	tests := []struct {
		name    string
		trusted []string
		xff     string
		want    string
	}{
		{"no proxies: forged header ignored", nil, "203.0.113.9", "127.0.0.1"},
		{"untrusted peer: forged header ignored", []string{"10.0.0.0/8"}, "203.0.113.9", "127.0.0.1"},
		{"trusted peer: rightmost untrusted", []string{"127.0.0.1/32"}, "198.51.100.7, 203.0.113.9", "203.0.113.9"},
		{"trusted peer: trusted hops skipped", []string{"127.0.0.1/32"}, "203.0.113.9, 127.0.0.1", "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config("memory")
			cfg.TrustedProxies = tt.trusted
			env := Start(t, cfg, newRouter)
			c := NewClient(t, env.URL)
			req := c.NewRequest(http.MethodGet, "/healthz", nil)
			req.Header.Set("X-Forwarded-For", tt.xff)
			req.Header.Set("X-Real-IP", "192.0.2.99") // never read
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
			for _, forged := range append(strings.Split(tt.xff, ", "), "192.0.2.99") {
				if forged != tt.want && forged != "127.0.0.1" && strings.Contains(logs, forged) {
					t.Errorf("log holds %s, which the service should not believe:\n%s", forged, logs)
				}
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
// by a header the demo ignores. newRouter's router must answer GET path
// with that helper's result as plain text. The App trusts 10.0.0.0/8 and
// 2001:db8:cafe::/48; requests are served in process with RemoteAddr set.
func RunClientIP(t *testing.T, newRouter func(*demo.App) http.Handler, path string) {
	cfg := Config("memory")
	cfg.TrustedProxies = []string{"10.0.0.0/8", "2001:db8:cafe::/48"}
	app, err := demo.Open(context.Background(), cfg, nil, demo.Options{})
	must(t, err, "demo.Open")
	t.Cleanup(func() { app.Close() })
	h := newRouter(app)
	tests := []struct {
		name, peer string
		xff        []string // field lines
		realIP     string
		want       string
	}{
		{"untrusted peer, forged XFF", "198.51.100.1:5000", []string{"203.0.113.9"}, "", "198.51.100.1"},
		{"untrusted peer, forged X-Real-IP", "198.51.100.1:5000", nil, "203.0.113.9", "198.51.100.1"},
		{"trusted peer, rightmost untrusted", "10.0.0.1:5000", []string{"1.1.1.1, 203.0.113.9, 10.0.0.2"}, "", "203.0.113.9"},
		{"trusted peer, two field lines", "10.0.0.1:5000", []string{"198.51.100.66", "203.0.113.9"}, "", "203.0.113.9"},
		{"trusted peer, every hop trusted", "10.0.0.1:5000", []string{"10.0.0.3, 10.0.0.2"}, "", "10.0.0.3"},
		{"trusted peer, malformed rightmost", "10.0.0.1:5000", []string{"203.0.113.9, garbage"}, "", "10.0.0.1"},
		{"trusted peer, X-Real-IP not read", "10.0.0.1:5000", nil, "203.0.113.9", "10.0.0.1"},
		{"IPv6 trusted peer", "[2001:db8:cafe::1]:443", []string{"2001:db8:beef::7"}, "", "2001:db8:beef::7"},
		{"IPv4-mapped", "[::ffff:10.0.0.1]:5000", []string{"::ffff:203.0.113.9"}, "", "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, path, nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tt.realIP != "" {
				r.Header.Set("X-Real-IP", tt.realIP)
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
