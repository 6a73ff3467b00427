package rfc5849

import (
	"errors"
	"strings"
)

// Param is one decoded name/value pair of a request.
type Param struct {
	Key, Value string
}

// errEncoding reports a malformed percent-encoding.
var errEncoding = errors.New("oauth1: malformed percent-encoding")

// Character classes, bits of charClass.
const (
	classUnreserved = 1 << iota // RFC 3986 §2.3: ALPHA, DIGIT, "-", ".", "_", "~"
	classToken                  // RFC 9110 §5.6.2: a character of an HTTP token
)

// charClass[c] holds the classes of byte c.
const charClass = "\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x02\x00\x02\x02\x02\x02\x02\x00\x00\x02\x02\x00\x03\x03\x00" +
	"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x00\x00\x00\x00\x00\x00" +
	"\x00\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
	"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x00\x00\x00\x02\x03" +
	"\x02\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03" +
	"\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x03\x00\x02\x00\x03\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

func unreserved(c byte) bool { return charClass[c]&classUnreserved != 0 }

// tokenChar reports whether c may appear in an HTTP token.
func tokenChar(c byte) bool { return charClass[c]&classToken != 0 }

const upperHex = "0123456789ABCDEF"

// Encode encodes s as RFC 5849 §3.6 requires: every byte outside ALPHA,
// DIGIT, "-", ".", "_" and "~" becomes %XX with upper-case hex digits.
func Encode(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	b := make([]byte, 0, len(s)+2*n)
	return string(AppendEncoded(b, s))
}

// AppendEncoded appends Encode(s) to b.
func AppendEncoded[S string | []byte](b []byte, s S) []byte {
	return appendEscaped(b, s, "%")
}

// appendEncodedTwice appends Encode(Encode(s)) in one pass:
// an escaped byte becomes "%25" and its two hex digits.
func appendEncodedTwice(b []byte, s string) []byte {
	return appendEscaped(b, s, "%25")
}

// appendEscaped appends s with every byte that is not unreserved written as
// pct and two upper-case hex digits.
func appendEscaped[S string | []byte](b []byte, s S, pct string) []byte {
	for len(s) > 0 {
		i := 0
		for i < len(s) && unreserved(s[i]) {
			i++
		}
		b = append(b, s[:i]...)
		if i == len(s) {
			break
		}
		c := s[i]
		b = append(b, pct...)
		b = append(b, upperHex[c>>4], upperHex[c&15])
		s = s[i+1:]
	}
	return b
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// Decode reverses Encode. Every "%" must start a two-digit hex escape; "+"
// stays "+" (as in the Authorization header, RFC 5849 §3.5.1).
func Decode(s string) (string, error) {
	return decode(s, false)
}

// decode percent-decodes s; with plusSpace, "+" is a space
// (application/x-www-form-urlencoded). It returns s itself when there is
// nothing to decode.
func decode(s string, plusSpace bool) (string, error) {
	i := strings.IndexByte(s, '%')
	if plusSpace {
		if j := strings.IndexByte(s, '+'); j >= 0 && (i < 0 || j < i) {
			i = j
		}
	}
	if i < 0 {
		return s, nil
	}
	b := make([]byte, i, len(s))
	copy(b, s[:i])
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '%':
			if i+2 >= len(s) {
				return "", errEncoding
			}
			h, ok1 := unhex(s[i+1])
			l, ok2 := unhex(s[i+2])
			if !ok1 || !ok2 {
				return "", errEncoding
			}
			b = append(b, h<<4|l)
			i += 2
		case plusSpace && c == '+':
			b = append(b, ' ')
		default:
			b = append(b, c)
		}
	}
	return string(b), nil
}

// AppendForm appends the pairs of an application/x-www-form-urlencoded
// string (a query or a body, RFC 5849 §3.4.1.3.1) to ps, decoded, keeping
// order and repeats. A pair without "=" has an empty value; empty pairs are
// skipped. A malformed percent-encoding is errEncoding.
func AppendForm(ps []Param, s string) ([]Param, error) {
	for s != "" {
		var pair string
		pair, s, _ = strings.Cut(s, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		dk, err := decode(k, true)
		if err != nil {
			return ps, err
		}
		dv, err := decode(v, true)
		if err != nil {
			return ps, err
		}
		ps = append(ps, Param{dk, dv})
	}
	return ps, nil
}
