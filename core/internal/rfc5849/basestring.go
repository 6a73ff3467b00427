package rfc5849

import (
	"errors"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// errBaseStringURI reports a URL that has no base string URI: not http or
// https, no host, or an invalid host or port.
var errBaseStringURI = errors.New("oauth1: invalid base string URI")

// BaseStringURI normalizes an absolute http or https URL as RFC 5849
// §3.4.1.2 requires: scheme and host lower-cased, the default port dropped,
// an empty path made "/", query and fragment removed. A missing host or an
// invalid port is errBaseStringURI.
func BaseStringURI(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", errBaseStringURI
	}
	b, err := AppendBaseStringURI(nil, strings.ToLower(u.Scheme), u.Host, u.EscapedPath())
	return string(b), err
}

// AppendBaseStringURI appends the base string URI of a lower-case scheme,
// a host (with optional port) and an escaped path to dst (see
// BaseStringURI).
func AppendBaseStringURI(dst []byte, scheme, host, path string) ([]byte, error) {
	if scheme != "http" && scheme != "https" {
		return dst, errBaseStringURI
	}
	name, port, err := splitHostPort(host)
	if err != nil {
		return dst, err
	}
	if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") {
		port = ""
	}
	if path == "" {
		path = "/"
	}
	dst = append(dst, scheme...)
	dst = append(dst, "://"...)
	for i := 0; i < len(name); i++ {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	if port != "" {
		dst = append(dst, ':')
		dst = append(dst, port...)
	}
	return append(dst, path...), nil
}

// splitHostPort splits "host", "host:port", "[v6]" or "[v6]:port" and
// checks the port is 1..65535 in decimal.
func splitHostPort(host string) (name, port string, err error) {
	if host == "" {
		return "", "", errBaseStringURI
	}
	if host[0] == '[' {
		end := strings.IndexByte(host, ']')
		if end < 0 {
			return "", "", errBaseStringURI
		}
		name, rest := host[:end+1], host[end+1:]
		if net.ParseIP(name[1:end]) == nil {
			return "", "", errBaseStringURI
		}
		if rest == "" {
			return name, "", nil
		}
		if rest[0] != ':' {
			return "", "", errBaseStringURI
		}
		port = rest[1:]
		if !validPort(port) {
			return "", "", errBaseStringURI
		}
		return name, port, nil
	}
	name, port, hasPort := strings.Cut(host, ":")
	if name == "" || !validHostName(name) {
		return "", "", errBaseStringURI
	}
	if hasPort && !validPort(port) {
		return "", "", errBaseStringURI
	}
	return name, port, nil
}

// validHostName refuses what cannot be in a host name: "/", "?", "#", "@",
// spaces and "%" (an escape url.Parse has already decoded once).
func validHostName(name string) bool {
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '/', '?', '#', '@', ' ', '%':
			return false
		}
	}
	return true
}

func validPort(p string) bool {
	if p == "" || len(p) > 5 {
		return false
	}
	n, err := strconv.Atoi(p)
	return err == nil && n >= 1 && n <= 65535 && p[0] != '+' && p[0] != '-'
}

// NormalizeParameters returns the normalized parameter string of RFC 5849
// §3.4.1.3.2: names and values encoded, pairs sorted by name then value,
// joined with "=" and "&". Every pair is kept, oauth_signature included if
// present (the base string leaves it out).
func NormalizeParameters(params []Param) string {
	var b []byte
	for i, p := range sortEncoded(nil, params, false) {
		if i > 0 {
			b = append(b, '&')
		}
		b = AppendEncoded(b, p.Key)
		b = append(b, '=')
		b = AppendEncoded(b, p.Value)
	}
	return string(b)
}

// sortEncoded appends the pairs to dst, sorted by encoded name, then
// encoded value (compared without encoding them); with dropSignature it
// leaves out oauth_signature.
func sortEncoded(dst, params []Param, dropSignature bool) []Param {
	for _, p := range params {
		if !dropSignature || p.Key != "oauth_signature" {
			dst = append(dst, p)
		}
	}
	if len(dst) > 16 {
		slices.SortFunc(dst, compareParams)
		return dst
	}
	// Insertion sort: requests have few parameters. Each name's first
	// eight encoded bytes, as a number, settle most comparisons.
	var prefix [16]uint64
	for i, p := range dst {
		prefix[i] = encodedPrefix(p.Key)
	}
	for i := 1; i < len(dst); i++ {
		for j := i; j > 0; j-- {
			a, b := prefix[j-1], prefix[j]
			if a < b || a == b && compareParams(dst[j-1], dst[j]) <= 0 {
				break
			}
			dst[j-1], dst[j] = dst[j], dst[j-1]
			prefix[j-1], prefix[j] = b, a
		}
	}
	return dst
}

// encodedPrefix returns the first eight bytes of Encode(s), padded
// with zero bytes, as a big-endian number: numbers compare as the encoded
// strings' first eight bytes do.
func encodedPrefix(s string) uint64 {
	var x uint64
	n := 0
	for i := 0; i < len(s) && n < 8; i++ {
		c := s[i]
		if unreserved(c) {
			x = x<<8 | uint64(c)
			n++
			continue
		}
		for _, e := range [3]byte{'%', upperHex[c>>4], upperHex[c&15]} {
			if n < 8 {
				x = x<<8 | uint64(e)
				n++
			}
		}
	}
	return x << (8 * (8 - n))
}

func compareParams(a, b Param) int {
	if c := compareEncoded(a.Key, b.Key); c != 0 {
		return c
	}
	return compareEncoded(a.Value, b.Value)
}

// compareEncoded compares Encode(a) with Encode(b) without
// building either.
func compareEncoded(a, b string) int {
	// Up to the first difference the encodings are the same; from there
	// they compare as the encodings of the two differing bytes do.
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	switch {
	case i == len(a) && i == len(b):
		return 0
	case i == len(a):
		return -1
	case i == len(b):
		return 1
	}
	x, y := a[i], b[i]
	// An escaped byte starts with '%', which sorts before every unreserved
	// character; two escaped bytes compare as their hex digits, that is as
	// the bytes themselves.
	switch ux, uy := unreserved(x), unreserved(y); {
	case ux && uy, !ux && !uy:
		return cmpByte(x, y)
	case ux:
		return cmpByte(x, '%')
	default:
		return cmpByte('%', y)
	}
}

func cmpByte(x, y byte) int {
	if x < y {
		return -1
	}
	if x > y {
		return 1
	}
	return 0
}

// BaseString returns the signature base string of RFC 5849 §3.4.1.1: the
// upper-case method, the base string URI (see BaseStringURI) and the
// normalized parameters (see NormalizeParameters), each encoded and joined
// with "&". oauth_signature is left out; realm must not be among params.
func BaseString(method, baseURI string, params []Param) string {
	return string(AppendBaseString(nil, method, baseURI, params))
}

// AppendBaseString appends BaseString(method, baseURI, params) to b, in
// one pass: it allocates only when b has too little room.
func AppendBaseString[URI string | []byte](b []byte, method string, baseURI URI, params []Param) []byte {
	var buf [24]Param // most requests have fewer parameters: no allocation
	sorted := sortEncoded(buf[:0], params, true)
	n := len(method) + 3*len(baseURI) + 2
	for _, p := range sorted {
		n += 5*(len(p.Key)+len(p.Value)) + 6
	}
	if cap(b)-len(b) < n {
		nb := make([]byte, len(b), len(b)+n)
		copy(nb, b)
		b = nb
	}
	for i := 0; i < len(method); i++ {
		c := method[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		b = append(b, c)
	}
	b = append(b, '&')
	b = AppendEncoded(b, baseURI)
	b = append(b, '&')
	for i, p := range sorted {
		if i > 0 {
			b = append(b, "%26"...)
		}
		b = appendEncodedTwice(b, p.Key)
		b = append(b, "%3D"...)
		b = appendEncodedTwice(b, p.Value)
	}
	return b
}
