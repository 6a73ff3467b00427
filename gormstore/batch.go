package gormstore

import (
	"context"
	"sync"
	"time"
)

// nonceBatch writes the nonces of concurrent requests together: one
// statement, one transaction and one commit for all the nonces that
// arrived while the previous write ran, instead of one each. On
// PostgreSQL a commit costs far more than a row, so under load this is
// most of the difference between a nonce write per request and one per
// batch (see the package doc, "Speed").
//
// There is no goroutine of its own: the first caller writes; callers that
// arrive while it writes queue up, and when it is done the first of them
// writes the whole queue, and so on. A caller waits for at most one write
// before its own, and each write is bounded by its writer's context
// deadline; a write for others too is not cancelled with the writer's
// context (they rely on it), a write of the writer's nonce alone is.
type nonceBatch struct {
	// write records the nonces of calls, in one statement, and sets each
	// call's inserted and gen; or returns the error of them all.
	write func(ctx context.Context, calls []*nonceCall) error

	mu      sync.Mutex
	writing bool         // a caller is writing
	queue   []*nonceCall // arrived since that write began
}

// nonceCall is one caller's nonce, and then its result.
type nonceCall struct {
	m        *NonceModel
	inserted bool
	gen      int64
	err      error
	done     chan bool // true: written, read the result; false: write the queue
}

// use records m with the nonces of concurrent callers and reports
// whether it was new, and the generation as of the write.
func (b *nonceBatch) use(ctx context.Context, m *NonceModel) (inserted bool, gen int64, err error) {
	if err := ctx.Err(); err != nil {
		return false, 0, err
	}
	c := &nonceCall{m: m, done: make(chan bool, 1)}
	b.mu.Lock()
	if b.writing {
		b.queue = append(b.queue, c)
		b.mu.Unlock()
		if written := <-c.done; written {
			return c.inserted, c.gen, c.err
		}
		// Our turn: the queue is ours to write, c first.
	} else {
		b.writing = true
		b.mu.Unlock()
	}
	b.lead(ctx, c)
	return c.inserted, c.gen, c.err
}

// lead writes c and the queue, hands the next queue to its first caller
// (or ends the writing), and tells every caller of this batch it is done.
func (b *nonceBatch) lead(ctx context.Context, c *nonceCall) {
	b.mu.Lock()
	calls := append([]*nonceCall{c}, b.queue...)
	b.queue = nil
	b.mu.Unlock()

	wctx := ctx
	if len(calls) > 1 {
		// The others rely on this write: it keeps c's deadline but is
		// not cancelled with c's context.
		var cancel context.CancelFunc
		if deadline, ok := ctx.Deadline(); ok {
			wctx, cancel = context.WithDeadline(context.WithoutCancel(ctx), deadline)
		} else {
			wctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		}
		defer cancel()
	}
	if err := b.write(wctx, calls); err != nil {
		for _, c := range calls {
			c.err = err
		}
	}

	b.mu.Lock()
	if len(b.queue) > 0 {
		next := b.queue[0]
		b.queue = b.queue[1:]
		next.done <- false
	} else {
		b.writing = false
	}
	b.mu.Unlock()
	for _, c := range calls[1:] {
		c.done <- true
	}
}
