package core

import (
	"net"
	"net/http"
	"strings"
)

// Origin returns the scheme ("http" or "https") and host the client used,
// as signature base strings see them: from Config.PublicURL when set, from
// the forwarding headers of Config.ProxyHeaders when the peer is a trusted
// proxy, else from r.TLS and r.Host. An application uses it, say, to mark
// cookies Secure behind a TLS-terminating proxy.
func (p *Provider) Origin(r *http.Request) (scheme, host string) {
	if p.publicURL != nil {
		return strings.ToLower(p.publicURL.Scheme), p.publicURL.Host
	}
	scheme, host = "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if len(p.proxies) == 0 || !p.trustedPeer(r.RemoteAddr) {
		return scheme, host
	}
	var proto, fwdHost string
	if p.proxyHeaders == ForwardedHeader {
		proto, fwdHost = forwardedPairs(lastElement(r.Header.Values("Forwarded")))
	} else {
		proto = lastElement(r.Header.Values("X-Forwarded-Proto"))
		fwdHost = lastElement(r.Header.Values("X-Forwarded-Host"))
	}
	if proto = strings.ToLower(proto); proto == "http" || proto == "https" {
		scheme = proto
	}
	if fwdHost != "" {
		host = fwdHost
	}
	return scheme, host
}

// lastElement returns the rightmost element of a comma-separated header
// that may come as several lines: the one the nearest proxy wrote (values
// to its left are whatever the client or farther hops sent). Commas inside
// quoted strings do not separate.
func lastElement(lines []string) string {
	if len(lines) == 0 {
		return ""
	}
	v := lines[len(lines)-1]
	quoted := false
	for i := len(v) - 1; i >= 0; i-- {
		switch v[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return strings.TrimSpace(v[i+1:])
			}
		}
	}
	return strings.TrimSpace(v)
}

// forwardedPairs reads proto and host from one element of a Forwarded
// header (RFC 7239), e.g. `for=192.0.2.60;proto=https;host="api.example"`.
func forwardedPairs(element string) (proto, host string) {
	for _, pair := range strings.Split(element, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			continue
		}
		v = strings.Trim(v, `"`)
		switch strings.ToLower(k) {
		case "proto":
			proto = v
		case "host":
			host = v
		}
	}
	return proto, host
}

func (p *Provider) trustedPeer(remoteAddr string) bool {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		host = remoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return false
	}
	for _, n := range p.proxies {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}
