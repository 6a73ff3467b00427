package core

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// MinRSAKeyBits is the smallest RSA public key RegisterConsumer accepts:
// smaller keys are breakable, and crypto/rsa refuses to verify with keys
// under 1024 bits, so every request would fail.
const MinRSAKeyBits = 2048

// ConsumerRegistration is what RegisterConsumer needs.
type ConsumerRegistration struct {
	// Name is shown on consent pages. Required, at most 200 characters.
	Name string
	// Owner is the registering user (optional).
	Owner string
	// CallbackURL, when set, is the only callback the consumer may use.
	CallbackURL string
	// RSAPublicKey is an optional PEM public key or certificate, needed for
	// RSA-SHA1, RSA-SHA256 and RSA-SHA512.
	RSAPublicKey string
	// Scopes limits the consumer to these scopes; empty means all.
	Scopes []string
}

// RegisterConsumer validates reg, generates a key (128 bits) and a secret
// (256 bits) from the provider's randomness, and stores the consumer. The
// returned consumer holds the secret: show it once. Bad input is a 400
// *Error (parameter_absent or parameter_rejected) whose advice says what
// is wrong.
func (p *Provider) RegisterConsumer(ctx context.Context, reg ConsumerRegistration) (_ *Consumer, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	name := strings.TrimSpace(reg.Name)
	if name == "" {
		e := badRequest(ProblemParameterAbsent, "name is required")
		e.ParametersAbsent = []string{"name"}
		return nil, e
	}
	if utf8.RuneCountInString(name) > 200 || !wellFormed(name) {
		return nil, badRequest(ProblemParameterRejected, "name must be valid UTF-8 of at most 200 characters, without control characters")
	}
	if reg.CallbackURL != "" {
		if _, err := parseCallback(reg.CallbackURL); err != nil || reg.CallbackURL == OOB ||
			len(reg.CallbackURL) > p.maxCallback || !wellFormed(reg.CallbackURL) {
			return nil, badRequest(ProblemParameterRejected, "callback_url must be an absolute URL")
		}
	}
	if strings.TrimSpace(reg.RSAPublicKey) != "" {
		k, err := rfc5849.ParseRSAPublicKey(reg.RSAPublicKey)
		if err != nil {
			return nil, badRequest(ProblemParameterRejected, "rsa_public_key must be a PEM RSA public key or certificate")
		}
		if k.N.BitLen() < MinRSAKeyBits {
			return nil, badRequest(ProblemParameterRejected, "rsa_public_key must have at least "+strconv.Itoa(MinRSAKeyBits)+" bits")
		}
	}
	if err := p.checkRegisteredScopes(reg.Scopes); err != nil {
		return nil, err
	}
	key, secret, err := p.credentials()
	if err != nil {
		return nil, err
	}
	c := &Consumer{
		Key: key, Secret: secret, Name: name, Owner: reg.Owner, CallbackURL: reg.CallbackURL,
		RSAPublicKey: strings.TrimSpace(reg.RSAPublicKey), Scopes: slices.Clone(reg.Scopes), CreatedAt: p.now(),
	}
	if err := p.store.CreateConsumer(ctx, c); err != nil {
		return nil, storeError(err)
	}
	return c, nil
}

// AuthorizedApp is a consumer that a user has authorized.
type AuthorizedApp struct {
	Consumer *Consumer
	// Scopes is the union of the scopes of the active tokens.
	Scopes []string
	// Tokens are the user's active (unrevoked, unexpired) tokens for it.
	Tokens []AccessToken
}

// AuthorizedApps lists the consumers userID holds active access tokens
// for, in the order of their first token.
func (p *Provider) AuthorizedApps(ctx context.Context, userID string) (_ []AuthorizedApp, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	tokens, err := p.store.ListAccessTokens(ctx, userID)
	if err != nil {
		return nil, storeError(err)
	}
	now := p.now()
	var apps []AuthorizedApp
	index := map[string]int{}
	for _, t := range tokens {
		if t.Revoked || t.expired(now) {
			continue
		}
		i, ok := index[t.ConsumerKey]
		if !ok {
			c, err := p.store.GetConsumer(ctx, t.ConsumerKey)
			if errors.Is(err, ErrNotFound) {
				continue // the consumer was deleted: its tokens no longer verify
			}
			if err != nil {
				return nil, storeError(err)
			}
			i = len(apps)
			index[t.ConsumerKey] = i
			apps = append(apps, AuthorizedApp{Consumer: c})
		}
		a := &apps[i]
		a.Tokens = append(a.Tokens, t)
		a.Scopes = addScopes(a.Scopes, t.Scopes)
	}
	return apps, nil
}

// RevokeApp revokes every access token userID holds for consumerKey; they
// stop verifying at once, on every instance that shares the store.
// Request tokens userID approved for it but the consumer has not exchanged
// yet are denied, atomically with respect to a concurrent exchange: either
// the exchange fails, or its access token is revoked too. With none to
// revoke it is 404 token_rejected, an *Error wrapping ErrNotFound; so is a
// consumer key that no consumer can have (too long, not UTF-8, a control
// character), without asking the store.
func (p *Provider) RevokeApp(ctx context.Context, userID, consumerKey string) (err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	if checkProtocolValue("oauth_consumer_key", consumerKey, p.maxParam) != nil {
		// No consumer has such a key; a database might fail on its bytes.
		return notFound("the user holds no token of this consumer", ErrNotFound)
	}
	// Request tokens first: one approved but not yet exchanged is denied
	// here, or was consumed before, and then its access token is listed
	// below and revoked.
	denied, err := p.store.DenyAuthorizedRequestTokens(ctx, userID, consumerKey)
	if err != nil {
		return storeError(err)
	}
	tokens, err := p.store.ListAccessTokens(ctx, userID)
	if err != nil {
		return storeError(err)
	}
	n := int(denied)
	for _, t := range tokens {
		if t.ConsumerKey != consumerKey || t.Revoked {
			continue
		}
		switch err := p.store.RevokeAccessToken(ctx, t.Token); {
		case errors.Is(err, ErrNotFound):
			continue // deleted since it was listed (Cleanup): it verifies no more
		case err != nil:
			return storeError(err)
		}
		n++
	}
	if n == 0 {
		return notFound("the user holds no token of this consumer", ErrNotFound)
	}
	return nil
}

// RevokeAccessToken revokes one access token. An unknown one is 404
// token_rejected, an *Error wrapping ErrNotFound; so is one that no token
// can be (too long, not UTF-8, a control character), without asking the
// store. Revoking twice is not an error.
func (p *Provider) RevokeAccessToken(ctx context.Context, token string) (err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	if checkProtocolValue("oauth_token", token, p.maxParam) != nil {
		// No token is like that; a database might fail on its bytes.
		return notFound("the token is not known", ErrNotFound)
	}
	switch err := p.store.RevokeAccessToken(ctx, token); {
	case errors.Is(err, ErrNotFound):
		return notFound("the token is not known", err)
	case err != nil:
		return storeError(err)
	}
	return nil
}
