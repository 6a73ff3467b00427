package core

import (
	"strconv"
	"unicode"
	"unicode/utf8"
)

// Documented bounds of protocol parameter values, in bytes (see
// Config.MaxNonceBytes, MaxCallbackBytes and MaxParamBytes).
const (
	DefaultMaxNonceBytes    = 256
	DefaultMaxCallbackBytes = 2048
	DefaultMaxParamBytes    = 1024
)

// checkProtocolValue refuses a protocol parameter value (decoded) that is
// longer than max bytes, is not valid UTF-8 or holds a control character,
// before any store sees it: 400 parameter_rejected, naming the parameter.
func checkProtocolValue(name, v string, max int) *Error {
	if len(v) > max {
		return badRequest(ProblemParameterRejected, name+" is longer than "+strconv.Itoa(max)+" bytes")
	}
	if !wellFormed(v) {
		return badRequest(ProblemParameterRejected, name+" must be valid UTF-8 without control characters")
	}
	return nil
}

// wellFormed reports whether s is valid UTF-8 without control characters
// (C0, DEL or C1).
func wellFormed(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf {
			return wellFormedUnicode(s[i:])
		} else if c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

func wellFormedUnicode(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// maxValueBytes returns the bound of the protocol parameter name.
func (p *Provider) maxValueBytes(name string) int {
	switch name {
	case "oauth_nonce":
		return p.maxNonce
	case "oauth_callback":
		return p.maxCallback
	}
	return p.maxParam
}
