package demo

import (
	"fmt"
	"testing"
	"time"
)

type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { return c.t }

// TestThrottle_Backoff: free failures cost nothing; then each attempt waits
// FirstWait after the last failure, doubling, capped at MaxWait; the wait
// ends by itself, and a key is forgotten ForgetAfter after its last failure.
func TestThrottle_Backoff(t *testing.T) {
	clock := &stepClock{t: time.Unix(1700000000, 0)}
	th := newLoginThrottle(clock)
	const free = 3
	for i := range free {
		if d := th.wait("k", free); d != 0 {
			t.Fatalf("after %d failures: wait %v, want none", i, d)
		}
		th.fail("k")
	}
	for _, want := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second} {
		if d := th.wait("k", free); d != want {
			t.Fatalf("wait %v, want %v", d, want)
		}
		clock.t = clock.t.Add(want)
		if d := th.wait("k", free); d != 0 {
			t.Fatalf("after waiting %v: wait %v, want none", want, d)
		}
		th.fail("k")
	}
	for range 20 {
		th.fail("k")
	}
	if d := th.wait("k", free); d != MaxWait {
		t.Errorf("after many failures: wait %v, want MaxWait", d)
	}
	if d := th.wait("other", free); d != 0 {
		t.Errorf("another key waits %v", d)
	}
	clock.t = clock.t.Add(ForgetAfter)
	th.fail("k")
	if d := th.wait("k", free); d != 0 {
		t.Errorf("a failure after ForgetAfter starts afresh; wait %v", d)
	}
	th.forget("k")
	if _, ok := th.keys["k"]; ok {
		t.Error("forget kept the key")
	}
}

// TestThrottle_Bounded: the keys kept never exceed MaxThrottleKeys.
func TestThrottle_Bounded(t *testing.T) {
	th := newLoginThrottle(&stepClock{t: time.Unix(1700000000, 0)})
	for i := range MaxThrottleKeys + 10 {
		th.fail(fmt.Sprint("user:", i))
	}
	if n := len(th.keys); n > MaxThrottleKeys {
		t.Errorf("%d keys kept, bound %d", n, MaxThrottleKeys)
	}
}
