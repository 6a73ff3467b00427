package memstore

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/go-oauth1/provider/core"
)

// DefaultMaxBytes is the bound on nonce memory unless WithMaxBytes says
// otherwise: 128 MiB.
const DefaultMaxBytes = 128 << 20

// Option configures a Store.
type Option func(*Store)

// WithMaxBytes bounds the memory the store spends on nonces, in bytes.
// Values below 1 keep DefaultMaxBytes.
//
// Each nonce is charged 42 bytes, whatever its length: a 16-byte digest and
// its share of the hash table around it (each Timestamp's bucket, and each
// consumer's count in it, cost a few hundred bytes more). A nonce is held
// until PurgeNonces passes its Timestamp: up to TimestampPast +
// TimestampFuture (10 minutes by default) plus the time between purges. So
// n bytes hold n / (42 × 600) signed requests per second over a 10-minute
// window: the default about 5,300 per second, one consumer alone 7/8 of
// that (about 4,600).
//
// No consumer may take all that is left: a new nonce is refused with
// core.ErrCapacity when, with it, its consumer would hold more than seven
// times the bytes still free. So the consumers that hold the most are
// refused first: one consumer alone stops at 7/8 of the bound, the last
// eighth staying open to the others, and n consumers pressing together stop
// at 7/(7n+1) of it each, leaving 1/(7n+1) free. A consumer that holds
// little is refused only once the free bytes are down to a seventh of what
// it holds.
func WithMaxBytes(n int64) Option {
	return func(s *Store) {
		if n > 0 {
			s.maxBytes = n
		}
	}
}

// Store is an in-memory core.Store. Create it with New; the zero value is
// not usable.
type Store struct {
	mu        sync.RWMutex // guards consumers, requests, access
	consumers map[string]*core.Consumer
	requests  map[string]*core.RequestToken
	access    map[string]*core.AccessToken

	// Nonces have their own lock: they are written on every request, and
	// must not wait for readers of the records.
	nmu      sync.Mutex
	buckets  map[instant]*bucket // by Timestamp
	shares   map[string]*share   // by consumer key, while it holds a nonce
	used     int64               // bytes charged, the sum of shares
	maxBytes int64
}

var _ core.Store = (*Store)(nil)

// New returns an empty Store.
func New(opts ...Option) *Store {
	s := &Store{
		consumers: map[string]*core.Consumer{},
		requests:  map[string]*core.RequestToken{},
		access:    map[string]*core.AccessToken{},
		buckets:   map[instant]*bucket{},
		shares:    map[string]*share{},
		maxBytes:  DefaultMaxBytes,
	}
	for _, o := range opts {
		o(s)
	}
	return s
}

// cloneScopes copies s, allocating only when there is something to copy.
func cloneScopes(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return slices.Clone(s)
}

func copyConsumer(c *core.Consumer) *core.Consumer {
	cp := *c
	cp.Scopes = cloneScopes(c.Scopes)
	return &cp
}

func copyRequestToken(t *core.RequestToken) *core.RequestToken {
	cp := *t
	cp.Scopes = cloneScopes(t.Scopes)
	return &cp
}

func copyAccessToken(t *core.AccessToken) *core.AccessToken {
	cp := *t
	cp.Scopes = cloneScopes(t.Scopes)
	return &cp
}

// CreateConsumer implements core.ConsumerStore.
func (s *Store) CreateConsumer(_ context.Context, c *core.Consumer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.consumers[c.Key]; ok {
		return core.ErrDuplicate
	}
	s.consumers[c.Key] = copyConsumer(c)
	return nil
}

// GetConsumer implements core.ConsumerStore.
func (s *Store) GetConsumer(_ context.Context, key string) (*core.Consumer, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok := s.consumers[key]
	if !ok {
		return nil, core.ErrNotFound
	}
	return copyConsumer(c), nil
}

// ListConsumers implements core.ConsumerStore.
func (s *Store) ListConsumers(_ context.Context, owner string) ([]core.Consumer, error) {
	s.mu.RLock()
	list := []core.Consumer{}
	for _, c := range s.consumers {
		if c.Owner == owner {
			list = append(list, *copyConsumer(c))
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(list, func(a, b core.Consumer) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.Key, b.Key))
	})
	return list, nil
}

// DeleteConsumer implements core.ConsumerStore.
func (s *Store) DeleteConsumer(_ context.Context, key string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.consumers[key]; !ok {
		return core.ErrNotFound
	}
	delete(s.consumers, key)
	return nil
}

// UpdateConsumerSecret implements core.ConsumerStore.
func (s *Store) UpdateConsumerSecret(_ context.Context, key, secret string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.consumers[key]
	if !ok {
		return core.ErrNotFound
	}
	c.Secret = secret
	return nil
}

// CreateRequestToken implements core.TokenStore. It stores t as given;
// the caller sets State to core.StatePending.
func (s *Store) CreateRequestToken(_ context.Context, t *core.RequestToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.requests[t.Token]; ok {
		return core.ErrDuplicate
	}
	s.requests[t.Token] = copyRequestToken(t)
	return nil
}

// GetRequestToken implements core.TokenStore.
func (s *Store) GetRequestToken(_ context.Context, token string) (*core.RequestToken, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.requests[token]
	if !ok {
		return nil, core.ErrNotFound
	}
	return copyRequestToken(t), nil
}

// requestIn returns the request token if it is in state. The caller holds
// s.mu for writing.
func (s *Store) requestIn(token string, state core.TokenState) (*core.RequestToken, error) {
	t, ok := s.requests[token]
	if !ok {
		return nil, core.ErrNotFound
	}
	if t.State != state {
		return nil, core.ErrConflict
	}
	return t, nil
}

// AuthorizeRequestToken implements core.TokenStore.
func (s *Store) AuthorizeRequestToken(_ context.Context, token, userID, verifier string, scopes []string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.requestIn(token, core.StatePending)
	if err != nil {
		return err
	}
	t.State, t.UserID, t.Verifier, t.Scopes = core.StateAuthorized, userID, verifier, cloneScopes(scopes)
	return nil
}

// DenyRequestToken implements core.TokenStore.
func (s *Store) DenyRequestToken(_ context.Context, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.requestIn(token, core.StatePending)
	if err != nil {
		return err
	}
	t.State = core.StateDenied
	return nil
}

// DenyAuthorizedRequestTokens implements core.TokenStore.
func (s *Store) DenyAuthorizedRequestTokens(_ context.Context, userID, consumerKey string) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for _, t := range s.requests {
		if t.State == core.StateAuthorized && t.UserID == userID && t.ConsumerKey == consumerKey {
			t.State = core.StateDenied
			n++
		}
	}
	return n, nil
}

// ConsumeRequestToken implements core.TokenStore. An access token that
// already exists is core.ErrDuplicate, and then the request token stays
// authorized.
func (s *Store) ConsumeRequestToken(_ context.Context, token string, access *core.AccessToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.requestIn(token, core.StateAuthorized)
	if err != nil {
		return err
	}
	if _, ok := s.access[access.Token]; ok {
		return core.ErrDuplicate
	}
	t.State = core.StateUsed
	s.access[access.Token] = copyAccessToken(access)
	return nil
}

// CreateAccessToken implements core.TokenStore.
func (s *Store) CreateAccessToken(_ context.Context, t *core.AccessToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.access[t.Token]; ok {
		return core.ErrDuplicate
	}
	s.access[t.Token] = copyAccessToken(t)
	return nil
}

// GetAccessToken implements core.TokenStore.
func (s *Store) GetAccessToken(_ context.Context, token string) (*core.AccessToken, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t, ok := s.access[token]
	if !ok {
		return nil, core.ErrNotFound
	}
	return copyAccessToken(t), nil
}

// ListAccessTokens implements core.TokenStore.
func (s *Store) ListAccessTokens(_ context.Context, userID string) ([]core.AccessToken, error) {
	s.mu.RLock()
	list := []core.AccessToken{}
	for _, t := range s.access {
		if t.UserID == userID {
			list = append(list, *copyAccessToken(t))
		}
	}
	s.mu.RUnlock()
	slices.SortFunc(list, func(a, b core.AccessToken) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), strings.Compare(a.Token, b.Token))
	})
	return list, nil
}

// RevokeAccessToken implements core.TokenStore.
func (s *Store) RevokeAccessToken(_ context.Context, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.access[token]
	if !ok {
		return core.ErrNotFound
	}
	t.Revoked = true
	return nil
}

// DeleteExpired implements core.TokenStore. It walks every token.
func (s *Store) DeleteExpired(_ context.Context, now time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	for k, t := range s.requests {
		if !t.ExpiresAt.After(now) {
			delete(s.requests, k)
			n++
		}
	}
	for k, t := range s.access {
		if !t.ExpiresAt.IsZero() && !t.ExpiresAt.After(now) {
			delete(s.access, k)
			n++
		}
	}
	return n, nil
}
