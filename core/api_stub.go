package core

import (
	"context"
	"errors"
	"net/http"
)

var errTODO = errors.New("oauth1: not implemented yet")

// AuthOption configures Authenticate and Middleware.
type AuthOption func(*authOptions)

type authOptions struct {
	twoLegged bool
	optional  bool
	scopes    []string
}

// TwoLegged accepts requests signed by a consumer alone (no oauth_token, RFC
// 5849 §3.1 with empty token credentials). The grant then has no Token.
func TwoLegged() AuthOption { return func(o *authOptions) { o.twoLegged = true } }

// Optional lets requests without any OAuth parameters through with no grant;
// a request that carries OAuth parameters must still verify.
func Optional() AuthOption { return func(o *authOptions) { o.optional = true } }

// RequireScopes refuses, 403 permission_denied, a grant lacking any of scopes.
func RequireScopes(scopes ...string) AuthOption {
	return func(o *authOptions) { o.scopes = append(o.scopes, scopes...) }
}

// Verify checks a three-legged request (signed with consumer and access
// token) and returns its grant, or an *Error (or a store failure).
func (p *Provider) Verify(r *http.Request) (*Grant, error) { return nil, errTODO }

// VerifyTwoLegged checks a request signed by a consumer alone.
func (p *Provider) VerifyTwoLegged(r *http.Request) (*Grant, error) { return nil, errTODO }

// Authenticate verifies r as opts say. With Optional and no OAuth
// parameters in r it returns nil, nil.
func (p *Provider) Authenticate(r *http.Request, opts ...AuthOption) (*Grant, error) {
	return nil, errTODO
}

// Middleware returns net/http middleware that authenticates each request
// (see Authenticate), answers failures with WriteError, and otherwise calls
// next with the grant in the request's context (FromContext).
func (p *Provider) Middleware(opts ...AuthOption) func(http.Handler) http.Handler {
	return nil
}

// RequestTokenHandler answers temporary credential requests (RFC 5849 §2.1).
func (p *Provider) RequestTokenHandler() http.Handler { return nil }

// AccessTokenHandler answers token credential requests (RFC 5849 §2.3).
func (p *Provider) AccessTokenHandler() http.Handler { return nil }

// AuthorizationRequest is what a consent page shows.
type AuthorizationRequest struct {
	Token    string
	Consumer *Consumer
	// Callback is the consumer's callback, or "oob".
	Callback string
	OOB      bool
	// Scopes are the requested scopes with their descriptions.
	Scopes []Scope
}

// ParseAuthorization reads oauth_token from r's query or form and returns
// the pending authorization it names.
func (p *Provider) ParseAuthorization(r *http.Request) (*AuthorizationRequest, error) {
	return nil, errTODO
}

// Authorization returns the pending authorization of a request token.
func (p *Provider) Authorization(ctx context.Context, token string) (*AuthorizationRequest, error) {
	return nil, errTODO
}

// Approval is the result of Approve.
type Approval struct {
	Verifier string
	// RedirectURL is the callback with oauth_token and oauth_verifier
	// added; empty for oob, where the application shows Verifier instead.
	RedirectURL string
	OOB         bool
}

// Approve records userID's consent for the request token; scopes narrows
// the requested scopes (nil grants all requested).
func (p *Provider) Approve(ctx context.Context, token, userID string, scopes []string) (*Approval, error) {
	return nil, errTODO
}

// Deny records the user's refusal. It returns the callback URL with
// denied=TOKEN added, or "" for oob.
func (p *Provider) Deny(ctx context.Context, token string) (redirectURL string, err error) {
	return "", errTODO
}

// ConsumerRegistration is what RegisterConsumer needs.
type ConsumerRegistration struct {
	Name         string
	Owner        string
	CallbackURL  string
	RSAPublicKey string
	Scopes       []string
}

// RegisterConsumer validates reg, generates a key and secret from the
// provider's randomness, and stores the consumer. Bad input is a 400 *Error
// with problem parameter_rejected or parameter_absent.
func (p *Provider) RegisterConsumer(ctx context.Context, reg ConsumerRegistration) (*Consumer, error) {
	return nil, errTODO
}

// AuthorizedApp is a consumer that a user has authorized.
type AuthorizedApp struct {
	Consumer *Consumer
	// Scopes is the union of the scopes of the active tokens.
	Scopes []string
	// Tokens are the user's active (unrevoked, unexpired) tokens for it.
	Tokens []AccessToken
}

// AuthorizedApps lists the consumers userID holds active access tokens for.
func (p *Provider) AuthorizedApps(ctx context.Context, userID string) ([]AuthorizedApp, error) {
	return nil, errTODO
}

// RevokeApp revokes every access token userID holds for consumerKey.
// With none to revoke it returns ErrNotFound.
func (p *Provider) RevokeApp(ctx context.Context, userID, consumerKey string) error {
	return errTODO
}

// RevokeAccessToken revokes one access token.
func (p *Provider) RevokeAccessToken(ctx context.Context, token string) error { return errTODO }

// Cleanup deletes expired tokens and nonces older than the timestamp window,
// and returns how many records it removed. Call it periodically.
func (p *Provider) Cleanup(ctx context.Context) (int64, error) { return 0, errTODO }
