package core_test

import (
	"context"
	"fmt"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

// failStore is a memstore whose methods fail on demand: the one named
// method returns err, and every method returns the context's error once
// the context is done (as a database driver does).
type failStore struct {
	*memstore.Store
	method string
	err    error
}

func (s *failStore) check(ctx context.Context, method string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("db: %w", err)
	}
	if s.method == method {
		return s.err
	}
	return nil
}

func (s *failStore) CreateConsumer(ctx context.Context, c *core.Consumer) error {
	if err := s.check(ctx, "CreateConsumer"); err != nil {
		return err
	}
	return s.Store.CreateConsumer(ctx, c)
}

func (s *failStore) GetConsumer(ctx context.Context, key string) (*core.Consumer, error) {
	if err := s.check(ctx, "GetConsumer"); err != nil {
		return nil, err
	}
	return s.Store.GetConsumer(ctx, key)
}

func (s *failStore) UpdateConsumerSecret(ctx context.Context, key, secret string) error {
	if err := s.check(ctx, "UpdateConsumerSecret"); err != nil {
		return err
	}
	return s.Store.UpdateConsumerSecret(ctx, key, secret)
}

func (s *failStore) ListConsumers(ctx context.Context, owner string) ([]core.Consumer, error) {
	if err := s.check(ctx, "ListConsumers"); err != nil {
		return nil, err
	}
	return s.Store.ListConsumers(ctx, owner)
}

func (s *failStore) DeleteConsumer(ctx context.Context, key string) error {
	if err := s.check(ctx, "DeleteConsumer"); err != nil {
		return err
	}
	return s.Store.DeleteConsumer(ctx, key)
}

func (s *failStore) CreateRequestToken(ctx context.Context, t *core.RequestToken) error {
	if err := s.check(ctx, "CreateRequestToken"); err != nil {
		return err
	}
	return s.Store.CreateRequestToken(ctx, t)
}

func (s *failStore) GetRequestToken(ctx context.Context, token string) (*core.RequestToken, error) {
	if err := s.check(ctx, "GetRequestToken"); err != nil {
		return nil, err
	}
	return s.Store.GetRequestToken(ctx, token)
}

func (s *failStore) AuthorizeRequestToken(ctx context.Context, token, userID, verifier string, scopes []string) error {
	if err := s.check(ctx, "AuthorizeRequestToken"); err != nil {
		return err
	}
	return s.Store.AuthorizeRequestToken(ctx, token, userID, verifier, scopes)
}

func (s *failStore) DenyRequestToken(ctx context.Context, token string) error {
	if err := s.check(ctx, "DenyRequestToken"); err != nil {
		return err
	}
	return s.Store.DenyRequestToken(ctx, token)
}

func (s *failStore) DenyAuthorizedRequestTokens(ctx context.Context, userID, consumerKey string) (int64, error) {
	if err := s.check(ctx, "DenyAuthorizedRequestTokens"); err != nil {
		return 0, err
	}
	return s.Store.DenyAuthorizedRequestTokens(ctx, userID, consumerKey)
}

func (s *failStore) ConsumeRequestToken(ctx context.Context, token string, access *core.AccessToken) error {
	if err := s.check(ctx, "ConsumeRequestToken"); err != nil {
		return err
	}
	return s.Store.ConsumeRequestToken(ctx, token, access)
}

func (s *failStore) GetAccessToken(ctx context.Context, token string) (*core.AccessToken, error) {
	if err := s.check(ctx, "GetAccessToken"); err != nil {
		return nil, err
	}
	return s.Store.GetAccessToken(ctx, token)
}

func (s *failStore) ListAccessTokens(ctx context.Context, userID string) ([]core.AccessToken, error) {
	if err := s.check(ctx, "ListAccessTokens"); err != nil {
		return nil, err
	}
	return s.Store.ListAccessTokens(ctx, userID)
}

func (s *failStore) RevokeAccessToken(ctx context.Context, token string) error {
	if err := s.check(ctx, "RevokeAccessToken"); err != nil {
		return err
	}
	return s.Store.RevokeAccessToken(ctx, token)
}

func (s *failStore) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	if err := s.check(ctx, "DeleteExpired"); err != nil {
		return 0, err
	}
	return s.Store.DeleteExpired(ctx, now)
}

func (s *failStore) UseNonce(ctx context.Context, n core.Nonce) error {
	if err := s.check(ctx, "UseNonce"); err != nil {
		return err
	}
	return s.Store.UseNonce(ctx, n)
}

func (s *failStore) PurgeNonces(ctx context.Context, before time.Time) (int64, error) {
	if err := s.check(ctx, "PurgeNonces"); err != nil {
		return 0, err
	}
	return s.Store.PurgeNonces(ctx, before)
}
