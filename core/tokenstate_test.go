package core_test

import (
	"net/http"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// Step 4 of Authenticate, the token's state (tokenstate.go): an access
// token must be the consumer's, unrevoked and unexpired. (The request
// token's states are TestRequestTokenState's, in internal_test.go, and
// the exchange's, in TestExchange_Refusals.)

// TestTokenState_AccessToken: another consumer's token is token_rejected,
// a revoked one token_revoked (two-legged too), an expired one
// token_expired.
func TestTokenState_AccessToken(t *testing.T) {
	for _, tc := range []struct {
		name    string
		c       client
		two     bool
		problem string
	}{
		{"token of another consumer", client2.withToken(fxTK, fxTS), false, core.ProblemTokenRejected},
		{"revoked token", client1.withToken(fxTKRev, fxTSRev), false, core.ProblemTokenRevoked},
		{"revoked token two-legged", client1.withToken(fxTKRev, fxTSRev), true, core.ProblemTokenRevoked},
		{"expired token", client1.withToken(fxTKExp, fxTSExp), false, core.ProblemTokenExpired},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			_, err := e.p.Authenticate(e.sign(tc.c, get()), authOptions(tc.two)...)
			e.expectAuth(t, err, http.StatusUnauthorized, tc.problem)
		})
	}
}
