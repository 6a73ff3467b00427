package gormstore

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/go-oauth1/provider/core"
)

// tcpProxy forwards connections from a port on 127.0.0.1 to a database
// server. cut drops every connection and refuses new ones; restore listens
// again on the same port.
type tcpProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

// newTCPProxy starts a proxy to target, stopped when tb ends.
func newTCPProxy(tb testing.TB, target string) *tcpProxy {
	tb.Helper()
	p := &tcpProxy{target: target, addr: "127.0.0.1:0", conns: map[net.Conn]struct{}{}}
	if err := p.restore(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.cut)
	return p
}

// restore starts listening (again).
func (p *tcpProxy) restore() error {
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	p.wg.Add(1)
	go p.accept(ln)
	return nil
}

func (p *tcpProxy) accept(ln net.Listener) {
	defer p.wg.Done()
	for {
		client, err := ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		if !p.track(client, server) {
			return
		}
		p.wg.Add(2)
		go p.pipe(client, server)
		go p.pipe(server, client)
	}
}

// track records a pair of connections, unless the proxy was cut meanwhile.
func (p *tcpProxy) track(a, b net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		a.Close()
		b.Close()
		return false
	}
	p.conns[a], p.conns[b] = struct{}{}, struct{}{}
	return true
}

func (p *tcpProxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	io.Copy(dst, src)
	dst.Close()
	src.Close()
}

// cut closes the listener and every connection, and waits for the copying
// to end.
func (p *tcpProxy) cut() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
	p.mu.Unlock()
	p.wg.Wait()
}

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
			proxy := newTCPProxy(t, d.addr)
			db := d.connect(t, proxy.addr)
			s := New(db)
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()

			must(t, "CreateConsumer", s.CreateConsumer(ctx, testConsumer("ck")))
			authorizedToken(t, s, "rt")

			proxy.cut()
			for _, c := range allCalls() {
				err := c.call(ctx, s)
				if err == nil || isSentinel(err) || !strings.HasPrefix(err.Error(), "gormstore: ") {
					t.Errorf("%s (connection cut) = %v, want a wrapped database error", c.name, err)
				}
			}

			// Cut the connection when the consume is about to insert the
			// access token: its UPDATE has run in the transaction.
			must(t, "restore", proxy.restore())
			var armed atomic.Bool
			must(t, "register callback", db.Callback().Create().Before("gorm:create").Register("test:cut", func(tx *gorm.DB) {
				if armed.Load() && tx.Statement.Table == s.TableName(AccessTokensTable) {
					proxy.cut()
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

			must(t, "restore", proxy.restore())
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
