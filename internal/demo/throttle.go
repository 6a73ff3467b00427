package demo

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/go-oauth1/provider/core"
)

// Login throttling: the numbers the demo uses.
const (
	// FreeUserFailures and FreeAddrFailures are how many wrong passwords a
	// user name, and a client address, may have before each further
	// attempt must wait.
	FreeUserFailures = 5
	FreeAddrFailures = 20
	// FirstWait doubles with each further failure, up to MaxWait.
	FirstWait = time.Second
	MaxWait   = time.Minute
	// ForgetAfter: a key with no failure for this long starts afresh.
	ForgetAfter = 15 * time.Minute
	// MaxThrottleKeys bounds the memory of the login throttle.
	MaxThrottleKeys = 100000
)

// errThrottled is what a *throttledError unwraps to: a login attempt that
// must wait.
var errThrottled = errors.New("demo: too many failed logins; wait")

// throttledError says how long a throttled login attempt must wait.
type throttledError struct{ RetryAfter time.Duration }

func (e *throttledError) Error() string { return errThrottled.Error() }

func (e *throttledError) Unwrap() error { return errThrottled }

// loginThrottle slows down password guessing per key (a user name, or a client
// address): after a key's free failures, each attempt must wait FirstWait
// after its last failure, doubling per further failure up to MaxWait. The
// wait ends by itself; a key is forgotten ForgetAfter after its last
// failure, and at most MaxThrottleKeys keys are kept (when full, forgotten
// ones are dropped, and if none are, all are). The state is per process.
type loginThrottle struct {
	clock core.Clock
	mu    sync.Mutex
	keys  map[string]strikes
}

type strikes struct {
	fails int
	last  time.Time
}

// newLoginThrottle returns an empty loginThrottle on clock.
func newLoginThrottle(clock core.Clock) *loginThrottle {
	return &loginThrottle{clock: clock, keys: map[string]strikes{}}
}

// wait returns how long key must still wait (0: it may try now).
func (t *loginThrottle) wait(key string, free int) time.Duration {
	t.mu.Lock()
	s, ok := t.keys[key]
	t.mu.Unlock()
	now := t.clock.Now()
	if !ok || s.fails < free || now.Sub(s.last) >= ForgetAfter {
		return 0
	}
	d := MaxWait
	if n := s.fails - free; n < 16 {
		d = min(MaxWait, FirstWait*time.Duration(math.Pow(2, float64(n))))
	}
	return max(0, s.last.Add(d).Sub(now))
}

// fail records a failure of key.
func (t *loginThrottle) fail(key string) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.keys[key]
	if !ok && len(t.keys) >= MaxThrottleKeys {
		for k, v := range t.keys {
			if now.Sub(v.last) >= ForgetAfter {
				delete(t.keys, k)
			}
		}
		if len(t.keys) >= MaxThrottleKeys {
			clear(t.keys)
		}
	}
	if ok && now.Sub(s.last) >= ForgetAfter {
		s.fails = 0
	}
	t.keys[key] = strikes{fails: s.fails + 1, last: now}
}

// forget clears key (a user who logged in).
func (t *loginThrottle) forget(key string) {
	t.mu.Lock()
	delete(t.keys, key)
	t.mu.Unlock()
}

// authenticate checks name and password, throttled per user name and per
// client address (App.ClientAddr, never a header from an untrusted peer):
// ErrBadCredentials, a *throttledError, or a store failure.
func (a *App) authenticate(ctx context.Context, r *http.Request, name, password string) error {
	userKey, addrKey := "user:"+name, "addr:"+a.ClientAddr(r).String()
	if d := max(a.throttle.wait(userKey, FreeUserFailures), a.throttle.wait(addrKey, FreeAddrFailures)); d > 0 {
		return &throttledError{RetryAfter: d}
	}
	err := a.Users.Authenticate(ctx, name, password)
	switch {
	case errors.Is(err, ErrBadCredentials):
		a.throttle.fail(userKey)
		a.throttle.fail(addrKey)
	case err == nil:
		a.throttle.forget(userKey)
	}
	return err
}

// tooManyAttempts answers 429 with Retry-After (whole seconds, at least 1).
func tooManyAttempts(w http.ResponseWriter, e *throttledError) {
	secs := int(math.Ceil(e.RetryAfter.Seconds()))
	w.Header().Set("Retry-After", strconv.Itoa(max(1, secs)))
}
