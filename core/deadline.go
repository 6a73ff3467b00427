package core

import (
	"context"
	"sync"
	"time"
)

// storeContext is the context of one entry point's store calls: the
// caller's context with the store deadline (Config.StoreTimeout). Its
// timer starts the first time a store asks how to wait (Done or Value):
// then it is an ordinary context.WithDeadline, created once and
// shared by the entry point's calls. A store that never waits, like
// memstore, costs no timer (a timer per request was about a sixth of
// what Authenticate cost on memstore). Value starts it too, so that contexts
// derived from this one find its cancellation as they find any other's.
type storeContext struct {
	parent   context.Context
	deadline time.Time

	mu     sync.Mutex
	timed  context.Context // nil until a store asks
	cancel context.CancelFunc
	ended  bool // stop was called
}

func (c *storeContext) Deadline() (time.Time, bool) { return c.deadline, true }
func (c *storeContext) Done() <-chan struct{}       { return c.started().Done() }
func (c *storeContext) Value(key any) any           { return c.started().Value(key) }

// Err answers as the deadline context would, without starting its timer
// when no store has asked for it yet: the parent's error, Canceled after
// stop, DeadlineExceeded once the deadline has passed.
func (c *storeContext) Err() error {
	c.mu.Lock()
	timed, ended := c.timed, c.ended
	c.mu.Unlock()
	switch {
	case timed != nil:
		return timed.Err()
	case ended:
		return context.Canceled
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if !time.Now().Before(c.deadline) {
		return context.DeadlineExceeded
	}
	return nil
}

// started returns the deadline context, creating it on first use; after
// stop it is one already canceled.
func (c *storeContext) started() context.Context {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.timed == nil {
		c.timed, c.cancel = context.WithDeadline(c.parent, c.deadline)
		if c.ended {
			c.cancel()
		}
	}
	return c.timed
}

// stop cancels the context, as the CancelFunc of context.WithDeadline
// would: the entry point's store calls are over.
func (c *storeContext) stop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ended = true
	if c.cancel != nil {
		c.cancel()
	}
}
