package core

import "time"

// The state of a token a request presents, and what each state answers:
// the one mapping from token state to problem.

// requestTokenState returns nil when rt is in state want (StatePending for
// a consent page, StateAuthorized for an exchange) and has not expired at
// now, and otherwise the 401 that says why not, checked in this order:
//   - denied by the user: user_refused;
//   - past want (authorized, when a consent page wants it pending; used):
//     token_used;
//   - expired: token_expired;
//   - not yet at want (pending, when an exchange wants it authorized):
//     token_rejected.
func requestTokenState(rt *RequestToken, want TokenState, now time.Time) *Error {
	switch {
	case rt.State == StateDenied:
		return unauthorized(ProblemUserRefused, "the user refused access")
	case rt.State == StateUsed:
		return unauthorized(ProblemTokenUsed, "the request token was already exchanged")
	case rt.State == StateAuthorized && want == StatePending:
		return unauthorized(ProblemTokenUsed, "the request token was already authorized")
	case !now.Before(rt.ExpiresAt):
		return unauthorized(ProblemTokenExpired, "the request token has expired")
	case rt.State != want:
		return unauthorized(ProblemTokenRejected, "the request token is not authorized yet")
	}
	return nil
}

// accessTokenState returns nil when at, presented by consumer c, may be
// used at now, and otherwise the 401 that says why not: issued to another
// consumer (token_rejected), revoked (token_revoked), expired
// (token_expired).
func accessTokenState(at *AccessToken, c *Consumer, now time.Time) *Error {
	switch {
	case at.ConsumerKey != c.Key:
		return unauthorized(ProblemTokenRejected, "the token was not issued to this consumer")
	case at.Revoked:
		return unauthorized(ProblemTokenRevoked, "the token has been revoked")
	case at.expired(now):
		return unauthorized(ProblemTokenExpired, "the token has expired")
	}
	return nil
}
