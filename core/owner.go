package core

import (
	"context"
	"errors"
	"net/http"
)

// The methods below let the user who registered a consumer (its Owner)
// manage it: list, read, delete, and give it a new secret. Each takes the
// owner and answers a consumer that another user registered exactly as one
// that does not exist, so that nobody learns which keys others hold.

// OwnedConsumers returns the consumers owner registered, oldest first
// (none: an empty slice). Their secrets are set: never show them.
func (p *Provider) OwnedConsumers(ctx context.Context, owner string) (_ []Consumer, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	if owner == "" {
		return []Consumer{}, nil
	}
	list, err := p.store.ListConsumers(ctx, owner)
	if err != nil {
		return nil, storeError(err)
	}
	return list, nil
}

// OwnedConsumer returns the consumer with key when owner registered it.
// Otherwise, when no consumer has key, another user registered it, owner
// is empty, or key is one no consumer can have (too long, not UTF-8, a
// control character; the store is not asked), it is 404
// consumer_key_unknown, an *Error wrapping ErrNotFound. The secret is set:
// never show it.
func (p *Provider) OwnedConsumer(ctx context.Context, owner, key string) (_ *Consumer, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	return p.ownedConsumer(ctx, owner, key)
}

func (p *Provider) ownedConsumer(ctx context.Context, owner, key string) (*Consumer, error) {
	if owner == "" || key == "" || checkProtocolValue("oauth_consumer_key", key, p.maxParam) != nil {
		return nil, consumerNotFound(ErrNotFound)
	}
	c, err := p.store.GetConsumer(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		return nil, consumerNotFound(err)
	case err != nil:
		return nil, storeError(err)
	case c.Owner != owner:
		return nil, consumerNotFound(ErrNotFound)
	}
	return c, nil
}

// DeleteConsumer deletes the consumer with key when owner registered it
// (otherwise 404 consumer_key_unknown, as OwnedConsumer). From then on a
// request signed with its key is 401 consumer_key_unknown, with any of its
// tokens, at once on every instance that shares the store; its tokens are
// left in the store to expire.
func (p *Provider) DeleteConsumer(ctx context.Context, owner, key string) (err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	if _, err := p.ownedConsumer(ctx, owner, key); err != nil {
		return err
	}
	switch err := p.store.DeleteConsumer(ctx, key); {
	case errors.Is(err, ErrNotFound): // deleted meanwhile
		return consumerNotFound(err)
	case err != nil:
		return storeError(err)
	}
	return nil
}

// RotateConsumerSecret gives the consumer with key a new secret (256 bits
// from the provider's randomness) when owner registered it (otherwise 404
// consumer_key_unknown, as OwnedConsumer), and returns the consumer with
// it: show it once. From then on a request signed with the old secret is
// 401 signature_invalid, at once on every instance that shares the store.
// The key, the access tokens and everything else stay as they were.
func (p *Provider) RotateConsumerSecret(ctx context.Context, owner, key string) (_ *Consumer, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	c, err := p.ownedConsumer(ctx, owner, key)
	if err != nil {
		return nil, err
	}
	secret, err := p.randomString(32)
	if err != nil {
		return nil, storeError(err)
	}
	switch err := p.store.UpdateConsumerSecret(ctx, key, secret); {
	case errors.Is(err, ErrNotFound): // deleted meanwhile
		return nil, consumerNotFound(err)
	case err != nil:
		return nil, storeError(err)
	}
	c.Secret = secret
	return c, nil
}

// consumerNotFound answers an application's call that names a consumer
// the caller does not own: 404 consumer_key_unknown, keeping err (which
// wraps ErrNotFound) as the cause.
func consumerNotFound(err error) *Error {
	return &Error{Status: http.StatusNotFound, Problem: ProblemConsumerKeyUnknown, Advice: "no such consumer", Err: err}
}
