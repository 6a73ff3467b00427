// Package tcpproxy is a TCP proxy for fault tests: it forwards connections
// from a port on 127.0.0.1 to a database server and fails on demand. Cut
// drops every connection and refuses new ones (a database that went away);
// Stall keeps connections open but forwards nothing, so that every read
// waits (a host that stopped answering); Restore ends either.
package tcpproxy

import (
	"net"
	"sync"
	"testing"
)

// Proxy is a running proxy. Its methods are safe for concurrent use.
type Proxy struct {
	target string

	mu      sync.Mutex
	flowing *sync.Cond // broadcast when stalled turns false
	addr    string
	ln      net.Listener
	conns   map[net.Conn]struct{}
	stalled bool
	wg      sync.WaitGroup
}

// Start starts a proxy to target (host:port), cut when tb ends.
func Start(tb testing.TB, target string) *Proxy {
	tb.Helper()
	p := &Proxy{target: target, addr: "127.0.0.1:0", conns: map[net.Conn]struct{}{}}
	p.flowing = sync.NewCond(&p.mu)
	if err := p.Restore(); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(p.Cut)
	return p
}

// Addr is the proxy's address, the same after a Cut and a Restore.
func (p *Proxy) Addr() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.addr
}

// Restore forwards again: after Stall, the connections go on where they
// stopped; after Cut, the proxy listens again on the same port.
func (p *Proxy) Restore() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = false
	p.flowing.Broadcast()
	if p.ln != nil {
		return nil
	}
	ln, err := net.Listen("tcp", p.addr)
	if err != nil {
		return err
	}
	p.ln, p.addr = ln, ln.Addr().String()
	p.wg.Add(1)
	go p.accept(ln)
	return nil
}

// Stall stops forwarding: connections, old and new, stay open, and what
// either side sends waits in the proxy until Restore or Cut.
func (p *Proxy) Stall() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.stalled = true
}

// Cut closes the listener and every connection, and waits for the copying
// to end.
func (p *Proxy) Cut() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
		delete(p.conns, c)
	}
	p.stalled = false
	p.flowing.Broadcast()
	p.mu.Unlock()
	p.wg.Wait()
}

func (p *Proxy) accept(ln net.Listener) {
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
		p.wg.Add(2) // the accept loop's own count keeps the group above zero
		go p.pipe(client, server)
		go p.pipe(server, client)
	}
}

// track records a pair of connections, unless the proxy was cut meanwhile.
func (p *Proxy) track(a, b net.Conn) bool {
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

// pipe copies src to dst, holding what it read while the proxy is stalled.
func (p *Proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	defer src.Close()
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			p.mu.Lock()
			for p.stalled {
				p.flowing.Wait()
			}
			p.mu.Unlock()
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}
