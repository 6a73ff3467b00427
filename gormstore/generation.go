package gormstore

import (
	"context"
	"fmt"

	"github.com/go-oauth1/provider/core"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// GenerationModel is the one row of GenerationTable, id 1, created by the
// first change that counts; no row reads as generation 0.
type GenerationModel struct {
	ID         int64 `gorm:"primaryKey;autoIncrement:false"`
	Generation int64 `gorm:"not null"`
}

// bumpGeneration moves the generation on, in tx: call it in the
// transaction of every change to a consumer or an access token that can
// make a copy read before it stale.
func (s *Store) bumpGeneration(tx *gorm.DB) error {
	id, gen := tx.NamingStrategy.ColumnName("", "ID"), tx.NamingStrategy.ColumnName("", "Generation")
	return s.table(tx, GenerationTable).Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: id}},
		DoUpdates: clause.Assignments(map[string]any{gen: gorm.Expr("? + 1",
			clause.Column{Table: s.prefix + GenerationTable, Name: gen})}),
	}).Create(&GenerationModel{ID: 1, Generation: 1}).Error
}

// UseNonceGeneration records n as UseNonce does and returns the store's
// generation (core.NonceGenerationStore), which DeleteConsumer,
// UpdateConsumerSecret and RevokeAccessToken move on in their own
// transactions. On PostgreSQL both
// are one statement; on MySQL, MariaDB and SQLite the generation is read
// right after the insert. A change made to the tables other than through
// the Store must move it too:
//
//	UPDATE oauth_generation SET generation = generation + 1 WHERE id = 1
//
// (with the store's table prefix), or the provider may keep using what it
// read before the change.
func (s *Store) UseNonceGeneration(ctx context.Context, n core.Nonce) (int64, error) {
	m := nonceModel(n)
	var inserted bool
	var gen int64
	var err error
	switch {
	case s.hot != nil:
		inserted, gen, err = s.hot.useNonceGeneration(ctx, &m)
	default:
		if inserted, err = s.useNonceGORM(ctx, &m); err == nil && inserted {
			err = s.table(s.db.WithContext(ctx), GenerationTable).
				Select("COALESCE(MAX(?), 0)", clause.Column{Name: s.db.NamingStrategy.ColumnName("", "Generation")}).
				Scan(&gen).Error
		}
	}
	if err != nil {
		return 0, fmt.Errorf("gormstore: use nonce: %w", err)
	}
	if !inserted {
		return 0, core.ErrNonceUsed
	}
	return gen, nil
}
