package gormstore

import (
	"context"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/go-oauth1/provider/core"
)

// UpdateConsumerSecret sets the secret of the consumer with key, or
// returns core.ErrNotFound. It moves the store's generation in the same
// transaction, so that no instance keeps verifying with the old secret
// (see UseNonceGeneration).
func (s *Store) UpdateConsumerSecret(ctx context.Context, key, secret string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := s.table(tx, ConsumersTable).
			Where(clause.Eq{Column: clause.Column{Name: "consumer_key"}, Value: key}).
			Update("secret", secret)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			// MySQL counts changed rows only: a consumer given the secret
			// it has is found here.
			ok, err := s.exists(tx, ConsumersTable, "consumer_key", key)
			if err != nil {
				return err
			}
			if !ok {
				return core.ErrNotFound
			}
		}
		return s.bumpGeneration(tx)
	})
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return fmt.Errorf("gormstore: update consumer secret: %w", err)
	}
	return err
}
