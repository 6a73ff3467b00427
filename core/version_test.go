package core_test

import (
	"net/http"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// TestVerify_Version: oauth_version is optional; when sent it is 1.0, or
// 1.0a in any case (the same protocol, as popular clients name it), and it
// stays in the base string as sent.
func TestVerify_Version(t *testing.T) {
	for _, tc := range []struct {
		version string
		status  int
	}{
		{"1.0", http.StatusOK},
		{"1.0a", http.StatusOK},
		{"1.0A", http.StatusOK},
		{"1.0b", http.StatusBadRequest},
		{"1.1", http.StatusBadRequest},
		{"2.0", http.StatusBadRequest},
		{"1.0 ", http.StatusBadRequest},
		{"", http.StatusBadRequest},
	} {
		t.Run(tc.version, func(t *testing.T) {
			e := newFixture(t, core.Config{}, nil)
			_, err := e.p.Authenticate(e.a1().sign(get(), prm("oauth_version", tc.version)))
			prob := ""
			if tc.status != http.StatusOK {
				prob = core.ProblemVersionRejected
			}
			e.expect(t, err, tc.status, prob)
		})
	}
}
