package demo

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientAddr returns the address of the client that sent r: the one place
// the demo learns it, for request logs and per-client limits such as login
// throttling.
//
// It is the connection's peer (r.RemoteAddr), unless that peer is one of
// Config.TrustedProxies (TRUSTED_PROXIES, the CIDRs core trusts too). Then
// it is the rightmost address of X-Forwarded-For (all its field lines,
// read as one list) that is not itself a trusted proxy: the address the
// outermost trusted proxy saw. Addresses left of it are whatever the client
// wrote and are never read. When every listed address is a trusted proxy,
// it is the leftmost; when the header is absent, or the walk from the right
// meets an entry that is not a bare IP address (a port, brackets, a zone,
// "unknown", an empty element), it is the peer. So a header counts only
// when a trusted proxy sent it, and no client can choose its address.
//
// IPv4-mapped IPv6 addresses are returned as IPv4, and the zone of the
// peer's address is dropped, so equal clients compare equal (netip.Addr is
// comparable and can key a map). The zero Addr (IsValid false) means
// r.RemoteAddr is not an IP address and port, as when a test builds r by
// hand; callers treat it as one unknown client.
//
// The frameworks' helpers agree with it: example-echo sets Echo's
// IPExtractor to it, and example-gin configures Gin's trusted proxies and
// header so that c.ClientIP() gives the same answer. The demo itself calls
// only this method.
func (a *App) ClientAddr(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !peer.IsValid() || !a.trusted(peer) {
		return peer
	}
	xff := strings.Join(r.Header.Values("X-Forwarded-For"), ",")
	if xff == "" {
		return peer
	}
	hops := strings.Split(xff, ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil || addr.Zone() != "" {
			return peer // not written by a proxy we trust: believe none of it
		}
		addr = addr.Unmap()
		if i == 0 || !a.trusted(addr) {
			return addr
		}
	}
	return peer // not reached: the loop returns at i == 0
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
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR or an IP address", s)
		}
		if p.Addr().Is4In6() && p.Bits() >= 96 {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}
