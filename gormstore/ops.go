package gormstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/go-oauth1/provider/core"
)

// insert adds row to table and reports whether it did: false means a row
// with the same primary key exists. The conflict is told by the database
// (INSERT … ON CONFLICT DO NOTHING, or ON DUPLICATE KEY UPDATE pk = pk on
// MySQL) and the count of affected rows, not by parsing driver errors.
func (s *Store) insert(db *gorm.DB, table string, row any) (bool, error) {
	res := s.table(db, table).Clauses(clause.OnConflict{DoNothing: true}).Create(row)
	return res.RowsAffected == 1, res.Error
}

// find loads into dst the row of table where column equals value, and
// reports whether there was one.
func (s *Store) find(ctx context.Context, table, column string, value any, dst any) (bool, error) {
	res := s.table(s.db.WithContext(ctx), table).
		Where(clause.Eq{Column: clause.Column{Name: column}, Value: value}).
		Limit(1).Find(dst)
	return res.RowsAffected == 1, res.Error
}

// exists reports whether table has a row where column equals value.
func (s *Store) exists(db *gorm.DB, table, column string, value any) (bool, error) {
	var n int64
	err := s.table(db, table).Where(clause.Eq{Column: clause.Column{Name: column}, Value: value}).Count(&n).Error
	return n > 0, err
}

// CreateConsumer stores c. A consumer with the same key is
// core.ErrDuplicate.
func (s *Store) CreateConsumer(ctx context.Context, c *core.Consumer) error {
	m := consumerModel(c)
	ok, err := s.insert(s.db.WithContext(ctx), ConsumersTable, &m)
	if err != nil {
		return fmt.Errorf("gormstore: create consumer: %w", err)
	}
	if !ok {
		return core.ErrDuplicate
	}
	return nil
}

// GetConsumer returns the consumer with key, or core.ErrNotFound.
func (s *Store) GetConsumer(ctx context.Context, key string) (*core.Consumer, error) {
	var m ConsumerModel
	var ok bool
	var err error
	if s.hot != nil {
		ok, err = s.hot.getConsumer(ctx, key, &m)
	} else {
		ok, err = s.find(ctx, ConsumersTable, "consumer_key", key, &m)
	}
	if err != nil {
		return nil, fmt.Errorf("gormstore: get consumer: %w", err)
	}
	if !ok {
		return nil, core.ErrNotFound
	}
	return m.consumer(), nil
}

// ListConsumers returns owner's consumers, oldest first.
func (s *Store) ListConsumers(ctx context.Context, owner string) ([]core.Consumer, error) {
	var rows []ConsumerModel
	err := s.table(s.db.WithContext(ctx), ConsumersTable).
		Where(clause.Eq{Column: clause.Column{Name: "owner"}, Value: owner}).
		Order("created_at, consumer_key").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("gormstore: list consumers: %w", err)
	}
	out := make([]core.Consumer, 0, len(rows))
	for i := range rows {
		out = append(out, *rows[i].consumer())
	}
	return out, nil
}

// DeleteConsumer removes the consumer with key, or returns
// core.ErrNotFound.
func (s *Store) DeleteConsumer(ctx context.Context, key string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := s.table(tx, ConsumersTable).
			Where(clause.Eq{Column: clause.Column{Name: "consumer_key"}, Value: key}).
			Delete(&ConsumerModel{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return core.ErrNotFound
		}
		return s.bumpGeneration(tx)
	})
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("gormstore: delete consumer: %w", err)
	}
	return err
}

// CreateRequestToken stores t. A duplicate token is core.ErrDuplicate.
func (s *Store) CreateRequestToken(ctx context.Context, t *core.RequestToken) error {
	m := requestTokenModel(t)
	ok, err := s.insert(s.db.WithContext(ctx), RequestTokensTable, &m)
	if err != nil {
		return fmt.Errorf("gormstore: create request token: %w", err)
	}
	if !ok {
		return core.ErrDuplicate
	}
	return nil
}

// GetRequestToken returns the request token, or core.ErrNotFound.
func (s *Store) GetRequestToken(ctx context.Context, token string) (*core.RequestToken, error) {
	var m RequestTokenModel
	ok, err := s.find(ctx, RequestTokensTable, "token", token, &m)
	if err != nil {
		return nil, fmt.Errorf("gormstore: get request token: %w", err)
	}
	if !ok {
		return nil, core.ErrNotFound
	}
	return m.requestToken(), nil
}

// transition moves token from state from to the values of set in one
// conditional UPDATE, so that of concurrent calls the database lets exactly
// one through. When no row changed it tells core.ErrNotFound (no such
// token) from core.ErrConflict (another state) by reading the row again.
func (s *Store) transition(db *gorm.DB, token string, from core.TokenState, set map[string]any) error {
	res := s.table(db, RequestTokensTable).
		Where(clause.Eq{Column: clause.Column{Name: "token"}, Value: token}).
		Where(clause.Eq{Column: clause.Column{Name: "state"}, Value: string(from)}).
		Updates(set)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	ok, err := s.exists(db, RequestTokensTable, "token", token)
	switch {
	case err != nil:
		return err
	case !ok:
		return core.ErrNotFound
	default:
		return core.ErrConflict
	}
}

// AuthorizeRequestToken moves a pending token to authorized, recording
// userID, verifier and scopes; of concurrent calls exactly one succeeds.
func (s *Store) AuthorizeRequestToken(ctx context.Context, token, userID, verifier string, scopes []string) error {
	err := s.transition(s.db.WithContext(ctx), token, core.StatePending, map[string]any{
		"state":    string(core.StateAuthorized),
		"user_id":  userID,
		"verifier": verifier,
		"scopes":   joinScopes(scopes),
	})
	if err != nil {
		return fmt.Errorf("gormstore: authorize request token: %w", err)
	}
	return nil
}

// DenyRequestToken moves a pending token to denied.
func (s *Store) DenyRequestToken(ctx context.Context, token string) error {
	err := s.transition(s.db.WithContext(ctx), token, core.StatePending, map[string]any{
		"state": string(core.StateDenied),
	})
	if err != nil {
		return fmt.Errorf("gormstore: deny request token: %w", err)
	}
	return nil
}

// DenyAuthorizedRequestTokens moves userID's authorized request tokens of
// consumerKey to denied in one conditional UPDATE: a token a concurrent
// ConsumeRequestToken has moved to used (in its transaction, with its
// access token) no longer matches, and one denied here no longer
// consumes.
func (s *Store) DenyAuthorizedRequestTokens(ctx context.Context, userID, consumerKey string) (int64, error) {
	res := s.table(s.db.WithContext(ctx), RequestTokensTable).
		Where(clause.Eq{Column: clause.Column{Name: "user_id"}, Value: userID}).
		Where(clause.Eq{Column: clause.Column{Name: "consumer_key"}, Value: consumerKey}).
		Where(clause.Eq{Column: clause.Column{Name: "state"}, Value: string(core.StateAuthorized)}).
		Update("state", string(core.StateDenied))
	if res.Error != nil {
		return 0, fmt.Errorf("gormstore: deny authorized request tokens: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// ConsumeRequestToken moves an authorized token to used and stores access
// in one transaction: of concurrent calls exactly one succeeds, and when
// storing access fails (a duplicate is core.ErrDuplicate) the token stays
// authorized.
func (s *Store) ConsumeRequestToken(ctx context.Context, token string, access *core.AccessToken) error {
	m := accessTokenModel(access)
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		err := s.transition(tx, token, core.StateAuthorized, map[string]any{"state": string(core.StateUsed)})
		if err != nil {
			return err
		}
		ok, err := s.insert(tx, AccessTokensTable, &m)
		if err != nil {
			return err
		}
		if !ok {
			return core.ErrDuplicate
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("gormstore: consume request token: %w", err)
	}
	return nil
}

// CreateAccessToken stores t. A duplicate token is core.ErrDuplicate.
func (s *Store) CreateAccessToken(ctx context.Context, t *core.AccessToken) error {
	m := accessTokenModel(t)
	ok, err := s.insert(s.db.WithContext(ctx), AccessTokensTable, &m)
	if err != nil {
		return fmt.Errorf("gormstore: create access token: %w", err)
	}
	if !ok {
		return core.ErrDuplicate
	}
	return nil
}

// GetAccessToken returns the access token, revoked or not, or
// core.ErrNotFound.
func (s *Store) GetAccessToken(ctx context.Context, token string) (*core.AccessToken, error) {
	var m AccessTokenModel
	var ok bool
	var err error
	if s.hot != nil {
		ok, err = s.hot.getAccessToken(ctx, token, &m)
	} else {
		ok, err = s.find(ctx, AccessTokensTable, "token", token, &m)
	}
	if err != nil {
		return nil, fmt.Errorf("gormstore: get access token: %w", err)
	}
	if !ok {
		return nil, core.ErrNotFound
	}
	return m.accessToken(), nil
}

// GetConsumerAndAccessToken returns the consumer with consumerKey and the
// access token (revoked or not) in one query (two on SQLite, see the
// package doc); a missing one is nil, with core.ErrNotFound (see
// core.ConsumerAccessTokenGetter).
func (s *Store) GetConsumerAndAccessToken(ctx context.Context, consumerKey, token string) (*core.Consumer, *core.AccessToken, error) {
	if s.hot == nil {
		return s.getConsumerThenAccessToken(ctx, consumerKey, token)
	}
	var cm ConsumerModel
	var tm AccessTokenModel
	foundC, foundT, err := s.hot.getBoth(ctx, consumerKey, token, &cm, &tm)
	if err != nil {
		return nil, nil, fmt.Errorf("gormstore: get consumer and access token: %w", err)
	}
	var c *core.Consumer
	var t *core.AccessToken
	if foundC {
		c = cm.consumer()
	}
	if foundT {
		t = tm.accessToken()
	}
	if c == nil || t == nil {
		return c, t, core.ErrNotFound
	}
	return c, t, nil
}

// getConsumerThenAccessToken is GetConsumerAndAccessToken in two queries,
// through GORM.
func (s *Store) getConsumerThenAccessToken(ctx context.Context, consumerKey, token string) (*core.Consumer, *core.AccessToken, error) {
	c, err := s.GetConsumer(ctx, consumerKey)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return nil, nil, err
	}
	t, err := s.GetAccessToken(ctx, token)
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return nil, nil, err
	}
	if c == nil || t == nil {
		return c, t, core.ErrNotFound
	}
	return c, t, nil
}

// ListAccessTokens returns userID's access tokens, revoked ones included,
// oldest first.
func (s *Store) ListAccessTokens(ctx context.Context, userID string) ([]core.AccessToken, error) {
	var rows []AccessTokenModel
	err := s.table(s.db.WithContext(ctx), AccessTokensTable).
		Where(clause.Eq{Column: clause.Column{Name: "user_id"}, Value: userID}).
		Order("created_at, token").Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("gormstore: list access tokens: %w", err)
	}
	out := make([]core.AccessToken, 0, len(rows))
	for i := range rows {
		out = append(out, *rows[i].accessToken())
	}
	return out, nil
}

// RevokeAccessToken marks the token revoked; unknown is core.ErrNotFound,
// revoking twice is no error.
func (s *Store) RevokeAccessToken(ctx context.Context, token string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := s.table(tx, AccessTokensTable).
			Where(clause.Eq{Column: clause.Column{Name: "token"}, Value: token}).
			Update("revoked", true)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			// MySQL counts changed rows only: a token revoked before is
			// found here.
			ok, err := s.exists(tx, AccessTokensTable, "token", token)
			if err != nil {
				return err
			}
			if !ok {
				return core.ErrNotFound
			}
			return nil
		}
		return s.bumpGeneration(tx)
	})
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("gormstore: revoke access token: %w", err)
	}
	return err
}

// DeleteExpired removes request tokens whose ExpiresAt is not after now and
// access tokens with an ExpiresAt not after now, and returns how many.
func (s *Store) DeleteExpired(ctx context.Context, now time.Time) (int64, error) {
	db := s.db.WithContext(ctx)
	now = utc(now)
	res := s.table(db, RequestTokensTable).
		Where(clause.Lte{Column: clause.Column{Name: "expires_at"}, Value: now}).
		Delete(&RequestTokenModel{})
	if res.Error != nil {
		return 0, fmt.Errorf("gormstore: delete expired request tokens: %w", res.Error)
	}
	n := res.RowsAffected
	// NULL (no expiry) is never <= now.
	res = s.table(db, AccessTokensTable).
		Where(clause.Lte{Column: clause.Column{Name: "expires_at"}, Value: now}).
		Delete(&AccessTokenModel{})
	if res.Error != nil {
		return n, fmt.Errorf("gormstore: delete expired access tokens: %w", res.Error)
	}
	return n + res.RowsAffected, nil
}

// UseNonce records n; a nonce recorded before, with the same consumer key,
// token, timestamp and value, is core.ErrNonceUsed. The primary key of the
// nonce table decides, so concurrent calls in any number of processes
// record a nonce once.
func (s *Store) UseNonce(ctx context.Context, n core.Nonce) error {
	m := nonceModel(n)
	var inserted bool
	var err error
	switch {
	case s.hot != nil && s.hot.batch != nil:
		inserted, _, err = s.hot.batch.use(ctx, &m)
	case s.hot != nil:
		inserted, err = s.hot.useNonce(ctx, &m)
	default:
		inserted, err = s.useNonceGORM(ctx, &m)
	}
	if err != nil {
		return fmt.Errorf("gormstore: use nonce: %w", err)
	}
	if !inserted {
		return core.ErrNonceUsed
	}
	return nil
}

// useNonceGORM inserts m through GORM unless a nonce with its key is
// recorded, and reports whether it did.
func (s *Store) useNonceGORM(ctx context.Context, m *NonceModel) (bool, error) {
	db := s.table(s.db.WithContext(ctx), NoncesTable)
	if db.Dialector.Name() == "mysql" {
		// INSERT IGNORE affects 0 rows on a duplicate whatever the
		// connection's clientFoundRows flag (with which ON DUPLICATE KEY
		// UPDATE would count the duplicate as 1). The values always fit
		// their columns (see NonceModel), so IGNORE hides nothing else.
		db = db.Clauses(clause.Insert{Modifier: "IGNORE"})
	} else {
		db = db.Clauses(clause.OnConflict{DoNothing: true})
	}
	res := db.Create(m)
	return res.RowsAffected == 1, res.Error
}

// PurgeNonces removes nonces whose timestamp is before before, and returns
// how many.
func (s *Store) PurgeNonces(ctx context.Context, before time.Time) (int64, error) {
	res := s.table(s.db.WithContext(ctx), NoncesTable).
		Where(clause.Lt{Column: clause.Column{Name: "timestamp"}, Value: utc(before)}).
		Delete(&NonceModel{})
	if res.Error != nil {
		return 0, fmt.Errorf("gormstore: purge nonces: %w", res.Error)
	}
	return res.RowsAffected, nil
}
