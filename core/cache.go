package core

import (
	"slices"
	"sync"
	"time"
)

// DefaultLookupCacheEntries bounds each of the lookup cache's two maps
// (consumers and access tokens); a full map is emptied and refilled.
const DefaultLookupCacheEntries = 10000

// lookupCache keeps the consumers and access tokens that requests found,
// for at most ttl by the provider's clock, so that a busy token costs the
// store one lookup per ttl instead of one per request. It keeps only what
// exists (an unknown key always asks the store). A nil *lookupCache keeps
// nothing.
type lookupCache struct {
	ttl       time.Duration
	mu        sync.Mutex
	consumers map[string]cached[Consumer]
	tokens    map[string]cached[AccessToken]
}

type cached[T any] struct {
	v     T
	until time.Time
}

func newLookupCache(ttl time.Duration) *lookupCache {
	if ttl <= 0 {
		return nil
	}
	return &lookupCache{ttl: ttl, consumers: map[string]cached[Consumer]{}, tokens: map[string]cached[AccessToken]{}}
}

// consumer returns a copy of the cached consumer key, if it is still fresh.
func (c *lookupCache) consumer(now time.Time, key string) (*Consumer, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := fresh(c, c.consumers, key, now)
	if ok {
		v.Scopes = slices.Clone(v.Scopes)
	}
	return v, ok
}

// token returns a copy of the cached access token, if it is still fresh.
func (c *lookupCache) token(now time.Time, token string) (*AccessToken, bool) {
	if c == nil {
		return nil, false
	}
	v, ok := fresh(c, c.tokens, token, now)
	if ok {
		v.Scopes = slices.Clone(v.Scopes)
	}
	return v, ok
}

// fresh returns a copy of m[key] when it has not expired at now.
func fresh[T any](c *lookupCache, m map[string]cached[T], key string, now time.Time) (*T, bool) {
	c.mu.Lock()
	e, ok := m[key]
	c.mu.Unlock()
	if !ok || !now.Before(e.until) {
		return nil, false
	}
	return &e.v, true
}

// put keeps copies of consumer and token (either may be nil) until now+ttl.
func (c *lookupCache) put(now time.Time, consumer *Consumer, token *AccessToken) {
	if c == nil || (consumer == nil && token == nil) {
		return
	}
	until := now.Add(c.ttl)
	c.mu.Lock()
	defer c.mu.Unlock()
	if consumer != nil {
		if len(c.consumers) >= DefaultLookupCacheEntries {
			clear(c.consumers)
		}
		v := *consumer
		v.Scopes = slices.Clone(v.Scopes)
		c.consumers[v.Key] = cached[Consumer]{v, until}
	}
	if token != nil {
		if len(c.tokens) >= DefaultLookupCacheEntries {
			clear(c.tokens)
		}
		v := *token
		v.Scopes = slices.Clone(v.Scopes)
		c.tokens[v.Token] = cached[AccessToken]{v, until}
	}
}

// forget drops tokens, so that a revocation made through this provider
// holds at once here (other instances see it within ttl).
func (c *lookupCache) forget(tokens ...string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	for _, t := range tokens {
		delete(c.tokens, t)
	}
	c.mu.Unlock()
}
