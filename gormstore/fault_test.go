package gormstore

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/tcpproxy"
)

// With the connection cut, calls fail with wrapped errors; a consume cut
// between its UPDATE and its INSERT leaves nothing half-written; once the
// connection is back, calls work again.
func TestConnectionCut(t *testing.T) {
	for _, b := range backends {
		if b.name == "sqlite" {
			continue // no connection to cut; see TestDatabaseErrorsAreWrapped
		}
		t.Run(b.name, func(t *testing.T) {
			d := b.new(t)
			direct := newTestStore(t, d)
			proxy := tcpproxy.Start(t, d.addr)
			db := d.connect(t, proxy.Addr())
			s := New(db)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()

			must(t, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("ck")))
			authorizedToken(t, s, "rt")

			proxy.Cut()
			for _, c := range allCalls() {
				err := c.call(ctx, s)
				if err == nil || isSentinel(err) || !strings.HasPrefix(err.Error(), "gormstore: ") {
					t.Errorf("%s (connection cut) = %v, want a wrapped database error", c.name, err)
				}
			}

			// Cut the connection when the consume is about to insert the
			// access token: its UPDATE has run in the transaction.
			must(t, "restore", proxy.Restore())
			var armed atomic.Bool
			must(t, "register callback", db.Callback().Create().Before("gorm:create").Register("test:cut", func(tx *gorm.DB) {
				if armed.Load() && tx.Statement.Table == s.TableName(AccessTokensTable) {
					proxy.Cut()
				}
			}))
			armed.Store(true)
			err := s.ConsumeRequestToken(ctx, "rt", testAccessToken("at"))
			armed.Store(false)
			t.Logf("consume cut mid-transaction: %v", err)
			if err == nil || isSentinel(err) || !strings.HasPrefix(err.Error(), "gormstore: ") {
				t.Errorf("ConsumeRequestToken (cut mid-transaction) = %v, want a wrapped database error", err)
			}
			if _, err := direct.GetAccessToken(ctx, "at"); !errors.Is(err, core.ErrNotFound) {
				t.Errorf("access token of the failed consume: %v, want ErrNotFound", err)
			}
			if rt, err := direct.GetRequestToken(ctx, "rt"); err != nil || rt.State != core.StateAuthorized {
				t.Errorf("request token after the failed consume: %+v, %v; want authorized", rt, err)
			}

			must(t, "restore", proxy.Restore())
			if _, err := s.GetConsumer(ctx, "ck"); err != nil {
				t.Errorf("GetConsumer after restore: %v", err)
			}
			must(t, "UseNonce after restore", s.UseNonce(ctx, testNonce("after")))
			must(t, "ConsumeRequestToken after restore", s.ConsumeRequestToken(ctx, "rt", testAccessToken("at")))
			if _, err := direct.GetAccessToken(ctx, "at"); err != nil {
				t.Errorf("GetAccessToken after restore: %v", err)
			}
		})
	}
}
