package demo

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/go-oauth1/provider/core"
)

func TestClientAddr(t *testing.T) {
	var (
		private = []string{"10.0.0.0/8"}
		v6      = []string{"2001:db8:cafe::/48"}
	)
	tests := []struct {
		name    string
		proxies []string // Config.TrustedProxies
		peer    string   // r.RemoteAddr
		xff     []string // X-Forwarded-For field lines
		want    string   // "" for the zero Addr
	}{
		// No trusted proxy: the peer, whatever the headers say.
		{"no proxies", nil, "198.51.100.1:5000", nil, "198.51.100.1"},
		{"no proxies, forged XFF", nil, "198.51.100.1:5000", []string{"203.0.113.9"}, "198.51.100.1"},
		// A peer that is not a trusted proxy: its headers are not read.
		{"untrusted peer, forged XFF", private, "198.51.100.1:5000", []string{"203.0.113.9, 10.0.0.1"}, "198.51.100.1"},
		{"single-address proxy is a /32", []string{"10.0.0.1"}, "10.0.0.2:5000", []string{"203.0.113.9"}, "10.0.0.2"},
		// A trusted peer: the rightmost address that is not a trusted proxy.
		{"trusted peer, no XFF", private, "10.0.0.1:5000", nil, "10.0.0.1"},
		{"trusted peer, empty XFF", private, "10.0.0.1:5000", []string{""}, "10.0.0.1"},
		{"trusted peer, one value", private, "10.0.0.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		{"trusted peer, forged values left of the client", private, "10.0.0.1:5000", []string{"1.1.1.1, 198.51.100.7,203.0.113.9"}, "203.0.113.9"},
		{"trusted peer, two field lines are one list", private, "10.0.0.1:5000", []string{"198.51.100.66", "203.0.113.9"}, "203.0.113.9"},
		{"trusted single address", []string{"10.0.0.1"}, "10.0.0.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},
		// A chain of trusted proxies is skipped.
		{"trusted chain", []string{"10.0.0.0/8", "192.0.2.1"}, "10.0.0.1:5000", []string{"198.51.100.7, 203.0.113.9, 192.0.2.1, 10.0.0.2"}, "203.0.113.9"},
		{"every hop trusted: leftmost", private, "10.0.0.1:5000", []string{"10.0.0.3, 10.0.0.2"}, "10.0.0.3"},
		// Malformed values: the walk stops at them and falls back to the
		// peer; left of the client they are never read.
		{"malformed rightmost", private, "10.0.0.1:5000", []string{"203.0.113.9, garbage"}, "10.0.0.1"},
		{"malformed behind a trusted hop", private, "10.0.0.1:5000", []string{"garbage, 10.0.0.2"}, "10.0.0.1"},
		{"malformed left of the client", private, "10.0.0.1:5000", []string{"garbage, 203.0.113.9"}, "203.0.113.9"},
		{"port in a value", private, "10.0.0.1:5000", []string{"203.0.113.9:4711"}, "10.0.0.1"},
		{"empty element", private, "10.0.0.1:5000", []string{"203.0.113.9,"}, "10.0.0.1"},
		{"unknown", private, "10.0.0.1:5000", []string{"unknown"}, "10.0.0.1"},
		{"peer without port", private, "10.0.0.1", []string{"203.0.113.9"}, ""},
		{"peer not an address", nil, "@", nil, ""},
		// IPv6.
		{"IPv6 peer", nil, "[2001:db8::1]:5000", []string{"203.0.113.9"}, "2001:db8::1"},
		{"IPv6 trusted chain", v6, "[2001:db8:cafe::1]:443", []string{"2001:db8:beef::7, 2001:db8:cafe::2"}, "2001:db8:beef::7"},
		{"IPv6 client behind an IPv4 proxy", private, "10.0.0.1:5000", []string{"2001:DB8::7"}, "2001:db8::7"},
		{"IPv6 untrusted peer, forged XFF", v6, "[2001:db8::1]:443", []string{"2001:db8:beef::7"}, "2001:db8::1"},
		{"bracketed IPv6 value", private, "10.0.0.1:5000", []string{"[2001:db8::7]"}, "10.0.0.1"},
		{"zone in a value", private, "10.0.0.1:5000", []string{"fe80::1%eth0"}, "10.0.0.1"},
		{"zone of the peer dropped", nil, "[fe80::1%eth0]:5000", nil, "fe80::1"},
		{"IPv4-mapped peer and value", private, "[::ffff:10.0.0.1]:5000", []string{"::ffff:203.0.113.9"}, "203.0.113.9"},
		{"IPv4-mapped proxy", []string{"::ffff:10.0.0.1"}, "10.0.0.1:5000", []string{"203.0.113.9"}, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxies, err := parseTrustedProxies(tt.proxies)
			if err != nil {
				t.Fatal(err)
			}
			a := &App{proxies: proxies}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			// Headers the demo never reads, from a client that would like to choose.
			r.Header.Set("X-Real-IP", "192.0.2.99")
			r.Header.Set("Forwarded", "for=192.0.2.99")
			got := a.ClientAddr(r)
			if tt.want == "" {
				if got.IsValid() {
					t.Errorf("ClientAddr = %v, want the zero Addr", got)
				}
				return
			}
			if got.String() != tt.want {
				t.Errorf("ClientAddr = %v, want %s", got, tt.want)
			}
		})
	}
}

// With FORWARDED_HEADER=forwarded, the client address behind a trusted
// proxy comes from the for= parameters of RFC 7239's Forwarded header (all
// its field lines, read as one list of elements), with the rule
// X-Forwarded-For follows otherwise: the rightmost address that is not a
// trusted proxy. X-Forwarded-For is then never read.
func TestClientAddr_Forwarded(t *testing.T) {
	var (
		private = []string{"10.0.0.0/8"}
		v6      = []string{"2001:db8:cafe::/48"}
	)
	tests := []struct {
		name    string
		proxies []string // Config.TrustedProxies
		peer    string   // r.RemoteAddr
		fwd     []string // Forwarded field lines
		want    string   // "" for the zero Addr
	}{
		// Only a trusted peer's header is read.
		{"no proxies, forged header", nil, "198.51.100.1:5000", []string{"for=203.0.113.9"}, "198.51.100.1"},
		{"untrusted peer, forged header", private, "198.51.100.1:5000", []string{"for=203.0.113.9, for=10.0.0.1"}, "198.51.100.1"},
		{"trusted peer, no header", private, "10.0.0.1:5000", nil, "10.0.0.1"},
		{"trusted peer, empty header", private, "10.0.0.1:5000", []string{""}, "10.0.0.1"},
		// The rightmost element that is not a trusted proxy.
		{"one element", private, "10.0.0.1:5000", []string{"for=203.0.113.9"}, "203.0.113.9"},
		{"other parameters", private, "10.0.0.1:5000", []string{"by=10.0.0.1;FOR=203.0.113.9;proto=https;host=api.example"}, "203.0.113.9"},
		{"empty pairs", private, "10.0.0.1:5000", []string{";for=203.0.113.9;"}, "203.0.113.9"},
		{"forged elements left of the client", private, "10.0.0.1:5000", []string{"for=1.1.1.1, for=198.51.100.7,for=203.0.113.9"}, "203.0.113.9"},
		{"two field lines are one list", private, "10.0.0.1:5000", []string{"for=198.51.100.66", "for=203.0.113.9"}, "203.0.113.9"},
		{"trusted hops skipped", private, "10.0.0.1:5000", []string{"for=198.51.100.7, for=203.0.113.9, for=10.0.0.2"}, "203.0.113.9"},
		{"every hop trusted: leftmost", private, "10.0.0.1:5000", []string{"for=10.0.0.3, for=10.0.0.2"}, "10.0.0.3"},
		{"comma in a quoted value", private, "10.0.0.1:5000", []string{`for=198.51.100.7;host="a,b", for=203.0.113.9;host="c,d"`}, "203.0.113.9"},
		// Quoted values, ports and IPv6 in brackets.
		{"quoted IPv4", private, "10.0.0.1:5000", []string{`for="203.0.113.9"`}, "203.0.113.9"},
		{"IPv4 with port", private, "10.0.0.1:5000", []string{`for="203.0.113.9:4711"`}, "203.0.113.9"},
		{"IPv4 with obfuscated port", private, "10.0.0.1:5000", []string{`for="203.0.113.9:_p1"`}, "203.0.113.9"},
		{"IPv6 in brackets", private, "10.0.0.1:5000", []string{`for="[2001:DB8::7]"`}, "2001:db8::7"},
		{"IPv6 with port", private, "10.0.0.1:5000", []string{`for="[2001:db8::7]:4711"`}, "2001:db8::7"},
		{"IPv6 unquoted", private, "10.0.0.1:5000", []string{`for=[2001:db8::7]:4711`}, "2001:db8::7"},
		{"escaped quoted value", private, "10.0.0.1:5000", []string{`for="\[2001:db8::7\]"`}, "2001:db8::7"},
		{"IPv6 trusted chain", v6, "[2001:db8:cafe::1]:443", []string{`for="[2001:db8:beef::7]", for="[2001:db8:cafe::2]:80"`}, "2001:db8:beef::7"},
		{"IPv4-mapped", private, "[::ffff:10.0.0.1]:5000", []string{`for="[::ffff:203.0.113.9]"`}, "203.0.113.9"},
		// Anything else stops the walk at the peer; left of the client it
		// is never read.
		{"unknown", private, "10.0.0.1:5000", []string{"for=unknown"}, "10.0.0.1"},
		{"obfuscated node", private, "10.0.0.1:5000", []string{"for=_hidden"}, "10.0.0.1"},
		{"no for", private, "10.0.0.1:5000", []string{"proto=https"}, "10.0.0.1"},
		{"for twice", private, "10.0.0.1:5000", []string{"for=203.0.113.9;for=198.51.100.7"}, "10.0.0.1"},
		{"empty for", private, "10.0.0.1:5000", []string{`for=""`}, "10.0.0.1"},
		{"pair without =", private, "10.0.0.1:5000", []string{"for=203.0.113.9;secure"}, "10.0.0.1"},
		{"empty element", private, "10.0.0.1:5000", []string{"for=203.0.113.9,"}, "10.0.0.1"},
		{"unterminated quote", private, "10.0.0.1:5000", []string{`for="203.0.113.9`}, "10.0.0.1"},
		{"IPv6 without brackets", private, "10.0.0.1:5000", []string{`for="2001:db8::7"`}, "10.0.0.1"},
		{"IPv4 in brackets", private, "10.0.0.1:5000", []string{`for="[203.0.113.9]"`}, "10.0.0.1"},
		{"bad port", private, "10.0.0.1:5000", []string{`for="203.0.113.9:"`}, "10.0.0.1"},
		{"zone", private, "10.0.0.1:5000", []string{`for="[fe80::1%eth0]"`}, "10.0.0.1"},
		{"malformed behind a trusted hop", private, "10.0.0.1:5000", []string{"for=garbage, for=10.0.0.2"}, "10.0.0.1"},
		{"malformed left of the client", private, "10.0.0.1:5000", []string{"for=garbage, for=203.0.113.9"}, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			proxies, err := parseTrustedProxies(tt.proxies)
			if err != nil {
				t.Fatal(err)
			}
			a := &App{Config: Config{ProxyHeaders: core.ForwardedHeader}, proxies: proxies}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.fwd {
				r.Header.Add("Forwarded", v)
			}
			// Headers this mode never reads.
			r.Header.Set("X-Forwarded-For", "192.0.2.99")
			r.Header.Set("X-Real-IP", "192.0.2.99")
			got := a.ClientAddr(r)
			if tt.want == "" {
				if got.IsValid() {
					t.Errorf("ClientAddr = %v, want the zero Addr", got)
				}
				return
			}
			if got.String() != tt.want {
				t.Errorf("ClientAddr = %v, want %s", got, tt.want)
			}
		})
	}
}

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		in   string
		want string // the prefix, or "" for an error
	}{
		{"10.0.0.0/8", "10.0.0.0/8"},
		{"10.1.2.3/8", "10.0.0.0/8"},
		{"10.0.0.1", "10.0.0.1/32"},
		{"2001:db8::/32", "2001:db8::/32"},
		{"2001:db8::1", "2001:db8::1/128"},
		{"::ffff:10.0.0.1", "10.0.0.1/32"},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8"},
		{"not-a-cidr", ""},
		{"10.0.0.0/33", ""},
		{"fe80::1%eth0", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := parseTrustedProxies([]string{tt.in})
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("parseTrustedProxies(%q) = %v, want an error", tt.in, got)
		case tt.want != "" && (err != nil || len(got) != 1 || got[0].String() != tt.want):
			t.Errorf("parseTrustedProxies(%q) = %v, %v; want %s", tt.in, got, err, tt.want)
		}
	}
}
