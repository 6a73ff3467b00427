package gormstore

import (
	"testing"

	"gorm.io/gorm/clause"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/storetest"
)

// TestConformance runs the core.Store conformance suite on every backend:
// one database per backend, emptied before each subtest (the suite runs
// its subtests one at a time).
func TestConformance(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			s := newTestStore(t, b.new(t))
			storetest.Run(t, func(t *testing.T) core.Store {
				emptyStore(t, s)
				return s
			})
		})
	}
}

// emptyStore deletes every row of s's tables.
func emptyStore(tb testing.TB, s *Store) {
	tb.Helper()
	for _, table := range []string{ConsumersTable, RequestTokensTable, AccessTokensTable, NoncesTable} {
		if err := s.db.Exec("DELETE FROM ?", clause.Table{Name: s.TableName(table)}).Error; err != nil {
			tb.Fatalf("empty %s: %v", table, err)
		}
	}
}
