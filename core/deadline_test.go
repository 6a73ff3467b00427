package core

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestStoreContext: the store calls' context behaves as one from
// context.WithDeadline, whether or not a store has asked for its timer.
func TestStoreContext(t *testing.T) {
	type key struct{}
	parentOf := func(t *testing.T) (context.Context, context.CancelFunc) {
		return context.WithCancel(context.WithValue(t.Context(), key{}, "v"))
	}
	for _, tc := range []struct {
		name string
		// run uses c (whose deadline is in d) and cancels its parent
		// with cancel; it returns c's error at the end.
		run     func(c *storeContext, cancel context.CancelFunc) error
		wantErr error
	}{
		{"deadline passes", func(c *storeContext, _ context.CancelFunc) error {
			<-c.Done()
			return c.Err()
		}, context.DeadlineExceeded},
		{"parent canceled", func(c *storeContext, cancel context.CancelFunc) error {
			cancel()
			<-c.Done()
			return c.Err()
		}, context.Canceled},
		{"stopped before any use", func(c *storeContext, _ context.CancelFunc) error {
			c.stop()
			<-c.Done()
			return c.Err()
		}, context.Canceled},
		{"stopped while waited on", func(c *storeContext, _ context.CancelFunc) error {
			done := c.Done()
			c.stop()
			<-done
			return c.Err()
		}, context.Canceled},
		{"derived context ends with it", func(c *storeContext, _ context.CancelFunc) error {
			child, cancel := context.WithCancel(c)
			defer cancel()
			c.stop()
			<-child.Done()
			return child.Err()
		}, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent, cancel := parentOf(t)
			defer cancel()
			deadline := time.Now().Add(20 * time.Millisecond)
			c := &storeContext{parent: parent, deadline: deadline}
			if d, ok := c.Deadline(); !ok || !d.Equal(deadline) {
				t.Errorf("Deadline = %v, %v; want %v, true", d, ok, deadline)
			}
			if c.timed != nil {
				t.Error("Deadline started the timer")
			}
			if err := tc.run(c, cancel); !errors.Is(err, tc.wantErr) {
				t.Errorf("Err = %v, want %v", err, tc.wantErr)
			}
			if got := c.Value(key{}); got != "v" {
				t.Errorf("Value = %v, want the parent's", got)
			}
		})
	}
}

// TestStoreContextErr: Err answers without starting the timer, as the
// deadline context would.
func TestStoreContextErr(t *testing.T) {
	for _, tc := range []struct {
		name    string
		use     func(c *storeContext, cancel context.CancelFunc)
		wantErr error
	}{
		{"running", func(*storeContext, context.CancelFunc) {}, nil},
		{"parent canceled", func(_ *storeContext, cancel context.CancelFunc) { cancel() }, context.Canceled},
		{"stopped", func(c *storeContext, _ context.CancelFunc) { c.stop() }, context.Canceled},
		{"deadline passed", func(c *storeContext, _ context.CancelFunc) { c.deadline = time.Now().Add(-time.Millisecond) }, context.DeadlineExceeded},
	} {
		t.Run(tc.name, func(t *testing.T) {
			parent, cancel := context.WithCancel(t.Context())
			defer cancel()
			c := &storeContext{parent: parent, deadline: time.Now().Add(time.Minute)}
			tc.use(c, cancel)
			if err := c.Err(); !errors.Is(err, tc.wantErr) {
				t.Errorf("Err = %v, want %v", err, tc.wantErr)
			}
			if c.timed != nil {
				t.Error("Err started the timer")
			}
			select { // the context that Done starts now agrees
			case <-c.Done():
				if tc.wantErr == nil {
					t.Error("Done is closed, want open")
				}
			default:
				if tc.wantErr != nil {
					t.Error("Done is open, want closed")
				}
			}
		})
	}
}
