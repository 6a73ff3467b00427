package core

import (
	"context"
	"time"
)

// Consumer is a registered client application (RFC 5849 §1.1 "client").
type Consumer struct {
	// Key is the public client identifier (oauth_consumer_key).
	Key string
	// Secret is the client shared secret. It is never logged or rendered.
	Secret string
	// Name is shown to users on the consent page.
	Name string
	// Owner is the user that registered the consumer (may be empty).
	Owner string
	// CallbackURL, when set, is the only callback the consumer may use:
	// oauth_callback must match its scheme, host, port and path.
	CallbackURL string
	// RSAPublicKey is a PEM public key or certificate, required for RSA-SHA1,
	// RSA-SHA256 and RSA-SHA512 requests.
	RSAPublicKey string
	// Scopes limits what the consumer may ask for; empty means every scope
	// the provider knows.
	Scopes []string
	// CreatedAt is when the consumer was registered.
	CreatedAt time.Time
}

// TokenState is the life-cycle state of a request token.
type TokenState string

// Request token states. A token moves pending → authorized → used, or
// pending → denied, and never back.
const (
	StatePending    TokenState = "pending"
	StateAuthorized TokenState = "authorized"
	StateDenied     TokenState = "denied"
	StateUsed       TokenState = "used"
)

// RequestToken is a temporary credential (RFC 5849 §2.1).
type RequestToken struct {
	Token       string
	Secret      string
	ConsumerKey string
	// Callback is the oauth_callback given at issue, or "oob".
	Callback string
	// Scopes are the requested scopes; once authorized, the granted ones.
	Scopes []string
	State  TokenState
	// Verifier is set when the user approves.
	Verifier string
	// UserID is set when the user approves.
	UserID    string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// AccessToken is a token credential (RFC 5849 §2.3) bound to a consumer and
// a user.
type AccessToken struct {
	Token       string
	Secret      string
	ConsumerKey string
	UserID      string
	// Scopes are the scopes the user granted.
	Scopes    []string
	CreatedAt time.Time
	// ExpiresAt is zero for a token that does not expire.
	ExpiresAt time.Time
	Revoked   bool
}

// expired reports whether the token has expired at now.
func (t *AccessToken) expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Nonce is one use of oauth_nonce, scoped to consumer, token and timestamp
// (RFC 5849 §3.3).
type Nonce struct {
	ConsumerKey string
	Token       string // empty for requests without a token
	Nonce       string
	Timestamp   time.Time // the request's oauth_timestamp
}

// Scope is a permission a consent page asks the user to grant.
type Scope struct {
	Name        string // e.g. "read"
	Description string // e.g. "Read your profile"
}

// Grant is what a verified request proves: which consumer signed it and, for
// three-legged requests, which access token and user.
type Grant struct {
	Consumer *Consumer
	// Token is nil for two-legged requests.
	Token *AccessToken
	// UserID is empty for two-legged requests.
	UserID string
	// Scopes are the token's granted scopes; for two-legged requests the
	// scopes the consumer may use.
	Scopes          []string
	SignatureMethod string
}

type grantKey struct{}

// NewContext returns a copy of ctx carrying g.
func NewContext(ctx context.Context, g *Grant) context.Context {
	return context.WithValue(ctx, grantKey{}, g)
}

// FromContext returns the grant stored by NewContext (as the middleware
// does), and whether there was one.
func FromContext(ctx context.Context) (*Grant, bool) {
	g, ok := ctx.Value(grantKey{}).(*Grant)
	return g, ok && g != nil
}

// Clock is the provider's only source of time.
type Clock interface {
	Now() time.Time
}

// SystemClock is the wall clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }
