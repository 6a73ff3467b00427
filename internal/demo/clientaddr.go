package demo

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/go-oauth1/provider/core"
)

// ClientAddr returns the address of the client that sent r: the one place
// the demo learns it, for request logs and per-client limits such as login
// throttling.
//
// It is the connection's peer (r.RemoteAddr), unless that peer is one of
// Config.TrustedProxies (TRUSTED_PROXIES, the CIDRs core trusts too). Then
// it is read from the forwarding header of Config.ProxyHeaders
// (FORWARDED_HEADER), all its field lines read as one list of hops:
//
//   - X-Forwarded-For (the default): each hop a bare IP address;
//   - Forwarded (RFC 7239): each hop an element whose one for= parameter
//     is an IPv4 address or a bracketed IPv6 one, quoted or not, with or
//     without a port ("192.0.2.7", "\"192.0.2.7:4711\"",
//     "\"[2001:db8::7]:4711\""); ports are dropped.
//
// The address is the rightmost hop that is not itself a trusted proxy: the
// address the outermost trusted proxy saw. Hops left of it are whatever
// the client wrote and are never read. When every hop is a trusted proxy,
// it is the leftmost; when the header is absent, or the walk from the
// right meets a hop it cannot read (a port in X-Forwarded-For, a zone,
// "unknown" or an obfuscated identifier, a Forwarded element without one
// for=, an empty element), it is the peer. So a header counts only when a
// trusted proxy sent it, and no client can choose its address. The other
// family of headers is never read.
//
// IPv4-mapped IPv6 addresses are returned as IPv4, and the zone of the
// peer's address is dropped, so equal clients compare equal (netip.Addr is
// comparable and can key a map). The zero Addr (IsValid false) means
// r.RemoteAddr is not an IP address and port, as when a test builds r by
// hand; callers treat it as one unknown client.
//
// The frameworks' helpers agree with it: example-echo sets Echo's
// IPExtractor to it, and example-gin configures Gin's trusted proxies and
// header so that c.ClientIP() gives the same answer (for Forwarded, which
// Gin cannot read, through ClientAddrHeader). The demo itself calls only
// this method.
func (a *App) ClientAddr(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() || !a.trusted(peer) {
		return peer
	}
	var hops []string
	hop := xffHop
	if a.Config.ProxyHeaders == core.ForwardedHeader {
		hops, hop = headerList(r.Header.Values("Forwarded"), true), forwardedHop
	} else {
		hops = headerList(r.Header.Values("X-Forwarded-For"), false)
	}
	if hops == nil {
		return peer
	}
	for i := len(hops) - 1; i >= 0; i-- {
		addr, ok := hop(hops[i])
		if !ok {
			return peer // not written by a proxy we trust: believe none of it
		}
		if i == 0 || !a.trusted(addr) {
			return addr
		}
	}
	return peer // not reached: the loop returns at i == 0
}

// ClientAddrHeader is the request header through which example-gin hands
// ClientAddr's answer to Gin (as its TrustedPlatform) when Gin cannot
// compute it itself: with FORWARDED_HEADER=forwarded. SetClientAddrHeader
// sets it on every request, so a client's own value is never read.
const ClientAddrHeader = "X-Demo-Client-Addr"

// SetClientAddrHeader sets r's ClientAddrHeader to ClientAddr(r), replacing
// whatever the client sent, or removes it when the address is unknown.
func (a *App) SetClientAddrHeader(r *http.Request) {
	r.Header.Del(ClientAddrHeader)
	if addr := a.ClientAddr(r); addr.IsValid() {
		r.Header.Set(ClientAddrHeader, addr.String())
	}
}

// headerList returns the elements of a comma-separated header's field
// lines, read as one list, or nil when there is none. With quoted, commas
// inside quoted-strings do not separate (Forwarded); X-Forwarded-For is
// split at every comma, as Gin splits it.
func headerList(lines []string, quoted bool) []string {
	list := strings.Join(lines, ",")
	switch {
	case list == "":
		return nil
	case quoted:
		return splitUnquoted(list, ',')
	default:
		return strings.Split(list, ",")
	}
}

// xffHop reads one hop of X-Forwarded-For: a bare IP address, no zone.
func xffHop(s string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}

// forwardedHop reads the address of one element of a Forwarded header
// (RFC 7239 §4): its one for= parameter (names are case-insensitive; empty
// pairs are allowed, pairs without "=" are not), unquoted.
func forwardedHop(element string) (netip.Addr, bool) {
	var node string
	found := false
	for _, pair := range splitUnquoted(element, ';') {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		k, v, ok := strings.Cut(pair, "=")
		if !ok {
			return netip.Addr{}, false
		}
		if strings.EqualFold(strings.TrimSpace(k), "for") {
			if found {
				return netip.Addr{}, false
			}
			if node, ok = unquote(strings.TrimSpace(v)); !ok {
				return netip.Addr{}, false
			}
			found = true
		}
	}
	if !found {
		return netip.Addr{}, false
	}
	return forwardedNode(node)
}

// forwardedNode reads a node of RFC 7239 §6: an IPv4 address, or an IPv6
// address in brackets, either with an optional ":port" (digits, or an
// obfuscated "_…"), which is dropped. "unknown", obfuscated identifiers,
// bare IPv6 and zones are not addresses.
func forwardedNode(node string) (netip.Addr, bool) {
	if node == "" {
		return netip.Addr{}, false
	}
	host, port, hasPort := node, "", false
	if rest, ok := strings.CutPrefix(node, "["); ok {
		var tail string
		if host, tail, ok = strings.Cut(rest, "]"); !ok {
			return netip.Addr{}, false
		}
		if tail != "" {
			if port, hasPort = strings.CutPrefix(tail, ":"); !hasPort {
				return netip.Addr{}, false
			}
		}
	} else {
		host, port, hasPort = strings.Cut(node, ":")
	}
	if hasPort && !validNodePort(port) {
		return netip.Addr{}, false
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || addr.Zone() != "" || addr.Is4() == (node[0] == '[') {
		return netip.Addr{}, false
	}
	return addr.Unmap(), true
}

// validNodePort reports whether s is a node-port of RFC 7239 §6: 1 to 5
// digits, or "_" and then letters, digits, ".", "_" and "-".
func validNodePort(s string) bool {
	if obf, ok := strings.CutPrefix(s, "_"); ok {
		return obf != "" && strings.Trim(strings.ToLower(obf), "abcdefghijklmnopqrstuvwxyz0123456789._-") == ""
	}
	return len(s) >= 1 && len(s) <= 5 && strings.Trim(s, "0123456789") == ""
}

// unquote returns a token as it is and a quoted-string (RFC 9110 §5.6.4)
// without its quotes and backslashes.
func unquote(s string) (string, bool) {
	inner, ok := strings.CutPrefix(s, `"`)
	if !ok {
		return s, !strings.Contains(s, `"`)
	}
	var b strings.Builder
	for i := 0; i < len(inner); i++ {
		switch c := inner[i]; c {
		case '\\':
			if i++; i == len(inner) {
				return "", false
			}
			b.WriteByte(inner[i])
		case '"':
			return b.String(), i == len(inner)-1
		default:
			b.WriteByte(c)
		}
	}
	return "", false // no closing quote
}

// splitUnquoted splits s at each sep outside a quoted-string.
func splitUnquoted(s string, sep byte) []string {
	var parts []string
	quoted, start := false, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if quoted {
				i++
			}
		case '"':
			quoted = !quoted
		case sep:
			if !quoted {
				parts = append(parts, s[start:i])
				start = i + 1
			}
		}
	}
	return append(parts, s[start:])
}

// trusted reports whether addr is in one of Config.TrustedProxies.
func (a *App) trusted(addr netip.Addr) bool {
	for _, p := range a.proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// peerAddr returns the IP address of RemoteAddr ("host:port"), unmapped and
// without zone, or the zero Addr.
func peerAddr(remoteAddr string) netip.Addr {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap().WithZone("")
}

// parseTrustedProxies reads Config.TrustedProxies as core.New does: CIDRs,
// or single addresses (a /32 or /128). IPv4 given in IPv4-mapped IPv6 form
// is kept as IPv4, as ClientAddr compares addresses that way.
func parseTrustedProxies(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		var p netip.Prefix
		var err error
		if strings.Contains(s, "/") {
			p, err = netip.ParsePrefix(s)
		} else {
			var addr netip.Addr
			if addr, err = netip.ParseAddr(s); err == nil && addr.Zone() == "" {
				p = netip.PrefixFrom(addr, addr.BitLen())
			}
		}
		if err != nil || !p.IsValid() {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR or an IP address (entries are separated by commas)", s)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
