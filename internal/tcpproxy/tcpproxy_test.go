package tcpproxy_test

import (
	"bufio"
	"errors"
	"io"
	"net"
	"os"
	"testing"
	"time"

	"github.com/go-oauth1/provider/internal/tcpproxy"
)

// echoServer answers every line with itself, until tb ends.
func echoServer(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				io.Copy(c, c)
			}()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends line on c and reads what comes back, waiting at most
// wait (a stalled proxy forwards nothing: then the read times out).
func roundTrip(c net.Conn, r *bufio.Reader, line string, wait time.Duration) (string, error) {
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		return "", err
	}
	c.SetReadDeadline(time.Now().Add(wait))
	return r.ReadString('\n')
}

// TestProxy: the proxy forwards; Stall holds what is sent until Restore;
// Cut drops the connection and refuses new ones until Restore.
func TestProxy(t *testing.T) {
	p := tcpproxy.Start(t, echoServer(t))
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if got, err := roundTrip(c, r, "one", time.Minute); got != "one\n" || err != nil {
		t.Fatalf("through the proxy: %q, %v", got, err)
	}

	p.Stall()
	if got, err := roundTrip(c, r, "two", 50*time.Millisecond); !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("stalled: %q, %v; want nothing", got, err)
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(time.Minute))
	if got, err := r.ReadString('\n'); got != "two\n" || err != nil {
		t.Fatalf("after the stall: %q, %v; want what was held", got, err)
	}

	p.Cut()
	if got, err := roundTrip(c, r, "three", time.Minute); err == nil {
		t.Fatalf("cut: %q, want an error", got)
	}
	if c2, err := net.Dial("tcp", p.Addr()); err == nil {
		c2.Close()
		t.Fatal("cut: a new connection was accepted")
	}
	if err := p.Restore(); err != nil {
		t.Fatal(err)
	}
	c3, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c3.Close()
	if got, err := roundTrip(c3, bufio.NewReader(c3), "four", time.Minute); got != "four\n" || err != nil {
		t.Fatalf("after the cut: %q, %v", got, err)
	}
}
