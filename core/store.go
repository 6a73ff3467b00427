package core

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors of the store contract. Stores return them (possibly
// wrapped); any other error is a store failure, answered 5xx by the provider.
var (
	// ErrNotFound: no record has that key.
	ErrNotFound = errors.New("oauth1: not found")
	// ErrDuplicate: a record with that key already exists.
	ErrDuplicate = errors.New("oauth1: duplicate key")
	// ErrConflict: a state transition lost, because the record is not in the
	// state it must be in (already authorized, denied, used, or revoked).
	ErrConflict = errors.New("oauth1: state conflict")
	// ErrNonceUsed: the nonce was already recorded.
	ErrNonceUsed = errors.New("oauth1: nonce already used")
	// ErrCapacity: a bounded store is full and refuses to grow.
	ErrCapacity = errors.New("oauth1: store at capacity")
)

// ConsumerStore persists consumers.
type ConsumerStore interface {
	// CreateConsumer stores c. A consumer with the same key is ErrDuplicate.
	CreateConsumer(ctx context.Context, c *Consumer) error
	// GetConsumer returns the consumer with key, or ErrNotFound.
	GetConsumer(ctx context.Context, key string) (*Consumer, error)
	// ListConsumers returns the consumers registered by owner, oldest
	// first; none is an empty slice and no error.
	ListConsumers(ctx context.Context, owner string) ([]Consumer, error)
	// DeleteConsumer removes the consumer with key, or returns ErrNotFound.
	// Its tokens are left to expire or be revoked.
	DeleteConsumer(ctx context.Context, key string) error
	// UpdateConsumerSecret sets the secret of the consumer with key and
	// changes nothing else, or returns ErrNotFound. Setting the secret it
	// already has is no error.
	UpdateConsumerSecret(ctx context.Context, key, secret string) error
}

// TokenStore persists request and access tokens. A store never reads the
// clock and never decides policy: expiry is checked by the provider.
type TokenStore interface {
	// CreateRequestToken stores t (State pending). A duplicate token is
	// ErrDuplicate.
	CreateRequestToken(ctx context.Context, t *RequestToken) error
	// GetRequestToken returns the request token, or ErrNotFound.
	GetRequestToken(ctx context.Context, token string) (*RequestToken, error)
	// AuthorizeRequestToken moves a pending token to authorized, recording
	// userID, verifier and the granted scopes, atomically: of concurrent
	// calls exactly one succeeds. A token that is not pending is
	// ErrConflict; an unknown one ErrNotFound.
	AuthorizeRequestToken(ctx context.Context, token, userID, verifier string, scopes []string) error
	// DenyRequestToken moves a pending token to denied. A token that is not
	// pending is ErrConflict; an unknown one ErrNotFound.
	DenyRequestToken(ctx context.Context, token string) error
	// DenyAuthorizedRequestTokens moves every authorized request token
	// that userID approved for consumerKey to denied, and returns how many
	// it moved. Each move is atomic with respect to ConsumeRequestToken:
	// a token is either consumed (and its access token stored) before, or
	// denied and never consumed.
	DenyAuthorizedRequestTokens(ctx context.Context, userID, consumerKey string) (int64, error)
	// ConsumeRequestToken moves an authorized request token to used and
	// stores access, in one atomic step: of concurrent calls exactly one
	// succeeds, and on failure neither change is made. A token that is not
	// authorized is ErrConflict; an unknown one ErrNotFound.
	ConsumeRequestToken(ctx context.Context, token string, access *AccessToken) error
	// CreateAccessToken stores t. A duplicate token is ErrDuplicate.
	CreateAccessToken(ctx context.Context, t *AccessToken) error
	// GetAccessToken returns the access token (revoked or not), or
	// ErrNotFound.
	GetAccessToken(ctx context.Context, token string) (*AccessToken, error)
	// ListAccessTokens returns userID's access tokens, revoked ones
	// included, oldest first; none is an empty slice and no error.
	ListAccessTokens(ctx context.Context, userID string) ([]AccessToken, error)
	// RevokeAccessToken marks the token revoked. Unknown is ErrNotFound;
	// revoking twice is not an error.
	RevokeAccessToken(ctx context.Context, token string) error
	// DeleteExpired removes request tokens whose ExpiresAt is not after
	// now, and access tokens with a non-zero ExpiresAt not after now. It
	// returns how many records it removed.
	DeleteExpired(ctx context.Context, now time.Time) (int64, error)
}

// NonceStore records nonces.
type NonceStore interface {
	// UseNonce records n atomically. If a nonce with the same consumer key,
	// token, timestamp and value was recorded before, it returns
	// ErrNonceUsed. A bounded store that is full returns ErrCapacity.
	UseNonce(ctx context.Context, n Nonce) error
	// PurgeNonces removes nonces whose Timestamp is before before, and
	// returns how many it removed.
	PurgeNonces(ctx context.Context, before time.Time) (int64, error)
}

// ConsumerAccessTokenGetter is an optional interface of a Store: it reads
// a consumer and an access token in one call, which a SQL store answers
// with one query instead of two. When its Store implements it, the
// provider uses it for every request signed with an access token
// (Authenticate, with TwoLegged or not), and GetConsumer and
// GetAccessToken otherwise.
type ConsumerAccessTokenGetter interface {
	// GetConsumerAndAccessToken returns the consumer with consumerKey and
	// the access token token (revoked or not, issued to that consumer or
	// not), each as GetConsumer and GetAccessToken would return it:
	//   - both exist: both, and no error;
	//   - one or both do not exist: ErrNotFound, with nil for each one
	//     missing and the other one returned when it exists;
	//   - the store fails: that error (not ErrNotFound), and nil for both.
	// It never returns two nils and no error.
	GetConsumerAndAccessToken(ctx context.Context, consumerKey, token string) (*Consumer, *AccessToken, error)
}

// NonceGenerationStore is an optional interface of a Store that also
// records the nonces (Config.NonceStore unset). With it the provider keeps
// the consumers and access tokens it found in memory, and asks the store
// for them again only when its generation says something changed: a busy
// token then costs one statement per request, the nonce write, and a
// revocation or a consumer deletion still holds at once on every instance
// that shares the store.
//
// The generation is a number the store changes, in the same transaction,
// with every change that can make a consumer or an access token read
// before it stale: deleting a consumer, changing its secret, revoking an
// access token, and any other change to a stored consumer or access token
// (creating one need not count). Changes made to the store other than through its methods must
// change it too.
type NonceGenerationStore interface {
	// UseNonceGeneration records n as UseNonce does (ErrNonceUsed for a
	// nonce recorded before, ErrCapacity for a full store) and returns the
	// generation as of the moment n was recorded or later: a change
	// committed before the call began is always counted in it.
	UseNonceGeneration(ctx context.Context, n Nonce) (generation int64, err error)
}

// Store is everything the provider persists.
type Store interface {
	ConsumerStore
	TokenStore
	NonceStore
}
