package rfc5849

import (
	"errors"
	"strings"
)

// Errors of AppendHeaderParams.
var (
	// errNotOAuth: the Authorization header is of another scheme (Basic,
	// Bearer), which carries no OAuth parameters.
	errNotOAuth = errors.New("oauth1: not an OAuth Authorization header")
	// ErrHeaderSyntax: an OAuth Authorization header that is malformed.
	ErrHeaderSyntax = errors.New("oauth1: malformed OAuth Authorization header")
)

// ParseAuthorizationHeader parses an "Authorization: OAuth ..." value (RFC
// 5849 §3.5.1): comma-separated name="value" pairs, both percent-decoded.
// The realm is returned on its own and left out of params. A header of
// another scheme is errNotOAuth, a malformed one ErrHeaderSyntax.
func ParseAuthorizationHeader(h string) (params []Param, realm string, err error) {
	return AppendHeaderParams(nil, h)
}

// AppendHeaderParams is ParseAuthorizationHeader appending to ps.
func AppendHeaderParams(ps []Param, h string) ([]Param, string, error) {
	h = skipSpace(h)
	if len(h) < 5 || !strings.EqualFold(h[:5], "OAuth") || (len(h) > 5 && h[5] != ' ' && h[5] != '\t') {
		return ps, "", errNotOAuth
	}
	s := h[5:]
	realm := ""
	for {
		// Skip whitespace and empty list elements (RFC 9110 §5.6.1).
		for len(s) > 0 && (s[0] == ' ' || s[0] == '\t' || s[0] == ',') {
			s = s[1:]
		}
		if s == "" {
			return ps, realm, nil
		}
		n, escaped := 0, false
		for ; n < len(s); n++ {
			c := s[n]
			if !tokenChar(c) {
				break
			}
			if c == '%' {
				escaped = true
			}
		}
		if n == 0 {
			return ps, "", ErrHeaderSyntax
		}
		name := s[:n]
		s = skipSpace(s[n:])
		if len(s) == 0 || s[0] != '=' {
			return ps, "", ErrHeaderSyntax
		}
		s = skipSpace(s[1:])
		if len(s) == 0 || s[0] != '"' {
			return ps, "", ErrHeaderSyntax
		}
		end := strings.IndexByte(s[1:], '"')
		if end < 0 {
			return ps, "", ErrHeaderSyntax
		}
		raw := s[1 : 1+end]
		s = skipSpace(s[2+end:])
		if s != "" && s[0] != ',' {
			return ps, "", ErrHeaderSyntax
		}
		k := name
		if escaped {
			var err error
			if k, err = decode(name, false); err != nil {
				return ps, "", ErrHeaderSyntax
			}
		}
		if k == "realm" {
			realm = raw
			continue
		}
		v, err := decode(raw, false)
		if err != nil {
			return ps, "", ErrHeaderSyntax
		}
		ps = append(ps, Param{k, v})
	}
}

// skipSpace drops leading spaces and tabs.
func skipSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	return s
}
