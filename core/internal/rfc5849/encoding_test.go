package rfc5849

import (
	"strings"
	"testing"
)

// TestCharClass checks the charClass table against the grammars it encodes.
func TestCharClass(t *testing.T) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		wantUnreserved := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("-._~", b) >= 0
		wantToken := wantUnreserved || strings.IndexByte("!#$%&'*+^`|", b) >= 0
		if unreserved(b) != wantUnreserved || tokenChar(b) != wantToken {
			t.Errorf("byte %#x: unreserved %v token %v, want %v %v", b, unreserved(b), tokenChar(b), wantUnreserved, wantToken)
		}
	}
}
