package core

import (
	"slices"
	"sync"
)

// lookupCacheEntries bounds each of the lookup cache's two maps (consumers
// and access tokens); a full map is emptied and refilled.
const lookupCacheEntries = 10000

// lookupCache keeps the consumers and access tokens that requests found,
// as of one generation of the store (see NonceGenerationStore), so that a
// busy token costs the store no lookup at all while nothing changes. It
// keeps only what exists (an unknown key always asks the store). A nil
// *lookupCache keeps nothing.
//
// The rule that keeps it exact: every entry was read from the store after
// the store's generation was gen, and a request that used entries learns
// the store's generation from its own nonce write; when that is not the
// generation its entries were read at, they may be stale, so the request
// reads them again from the store and the cache starts over at the new
// generation. A request that its entries refuse never reaches its nonce
// write, so it reads them again from the store before it is refused: an
// entry may be stale in a way that refuses (a consumer's new secret).
type lookupCache struct {
	mu        sync.Mutex
	gen       int64
	consumers map[string]Consumer
	tokens    map[string]AccessToken
}

func newLookupCache() *lookupCache {
	return &lookupCache{consumers: map[string]Consumer{}, tokens: map[string]AccessToken{}}
}

// generation returns the generation the cache's entries belong to; an
// entry read from the store after this call may be put at it.
func (c *lookupCache) generation() int64 {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// get returns copies of the cached consumer and access token (token ""
// asks for the consumer alone) and the generation they belong to; ok is
// false unless every record asked for is cached.
func (c *lookupCache) get(consumerKey, token string) (_ *Consumer, _ *AccessToken, gen int64, ok bool) {
	if c == nil {
		return nil, nil, 0, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cv, okc := c.consumers[consumerKey]
	if !okc {
		return nil, nil, 0, false
	}
	cv.Scopes = slices.Clone(cv.Scopes)
	if token == "" {
		return &cv, nil, c.gen, true
	}
	tv, okt := c.tokens[token]
	if !okt {
		return nil, nil, 0, false
	}
	tv.Scopes = slices.Clone(tv.Scopes)
	return &cv, &tv, c.gen, true
}

// observe records the generation a nonce write returned: a new one
// empties the cache, whose entries may be stale now.
func (c *lookupCache) observe(gen int64) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		clear(c.consumers)
		clear(c.tokens)
		c.gen = gen
	}
}

// put keeps copies of consumer and token (either may be nil), read from
// the store after the cache's generation was gen, unless the cache has
// moved on to another generation since.
func (c *lookupCache) put(gen int64, consumer *Consumer, token *AccessToken) {
	if c == nil || (consumer == nil && token == nil) {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if consumer != nil {
		if len(c.consumers) >= lookupCacheEntries {
			clear(c.consumers)
		}
		v := *consumer
		v.Scopes = slices.Clone(v.Scopes)
		c.consumers[v.Key] = v
	}
	if token != nil {
		if len(c.tokens) >= lookupCacheEntries {
			clear(c.tokens)
		}
		v := *token
		v.Scopes = slices.Clone(v.Scopes)
		c.tokens[v.Token] = v
	}
}
