package memstore

import (
	"context"
	"encoding/binary"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
)

// nonceKey identifies a nonce within its second (the outer map's key).
type nonceKey struct {
	nsec int32  // Timestamp's nanoseconds within the second
	ids  string // see joinIDs
}

// joinIDs packs consumer key, token and nonce into one string of its own:
// one allocation, and the key pins none of the caller's memory (the
// strings may be slices of a whole request header). The lengths of the
// first two are varint prefixes, so no two triples pack alike.
func joinIDs(n *core.Nonce) string {
	var lens [2 * binary.MaxVarintLen64]byte
	p := binary.PutUvarint(lens[:], uint64(len(n.ConsumerKey)))
	p += binary.PutUvarint(lens[p:], uint64(len(n.Token)))
	var b strings.Builder
	b.Grow(p + len(n.ConsumerKey) + len(n.Token) + len(n.Nonce))
	b.Write(lens[:p])
	b.WriteString(n.ConsumerKey)
	b.WriteString(n.Token)
	b.WriteString(n.Nonce)
	return b.String()
}

// UseNonce implements core.NonceStore. A repeat is core.ErrNonceUsed even
// when the store is full; a new nonce in a full store is core.ErrCapacity.
func (s *Store) UseNonce(_ context.Context, n core.Nonce) error {
	sec := n.Timestamp.Unix()
	key := nonceKey{nsec: int32(n.Timestamp.Nanosecond()), ids: joinIDs(&n)}
	s.nmu.Lock()
	defer s.nmu.Unlock()
	bucket := s.nonces[sec]
	if _, ok := bucket[key]; ok {
		return core.ErrNonceUsed
	}
	if s.nNonces >= s.maxNonces {
		return core.ErrCapacity
	}
	if bucket == nil {
		bucket = s.newBucket()
		s.nonces[sec] = bucket
	}
	bucket[key] = struct{}{}
	s.nNonces++
	return nil
}

// PurgeNonces implements core.NonceStore. It drops whole seconds at once,
// so it costs one step per distinct second held, plus the nonces of
// before's own second.
func (s *Store) PurgeNonces(_ context.Context, before time.Time) (int64, error) {
	bsec, bnsec := before.Unix(), int32(before.Nanosecond())
	s.nmu.Lock()
	defer s.nmu.Unlock()
	var n int64
	for sec, bucket := range s.nonces {
		switch {
		case sec < bsec:
			n += int64(len(bucket))
			delete(s.nonces, sec)
			s.freeBucket(bucket)
		case sec == bsec:
			for k := range bucket {
				if k.nsec < bnsec {
					delete(bucket, k)
					n++
				}
			}
			if len(bucket) == 0 {
				delete(s.nonces, sec)
				s.freeBucket(bucket)
			}
		}
	}
	s.nNonces -= int(n)
	return n, nil
}

// maxSpareBuckets bounds how many emptied buckets a Store keeps for reuse.
// A purge every minute frees about 60; the next minute's nonces refill them
// without growing new maps.
const maxSpareBuckets = 128

// newBucket returns an empty bucket, reusing a purged one when it can. The
// caller holds s.nmu.
func (s *Store) newBucket() map[nonceKey]struct{} {
	if n := len(s.spare); n > 0 {
		b := s.spare[n-1]
		s.spare = s.spare[:n-1]
		return b
	}
	return map[nonceKey]struct{}{}
}

// freeBucket empties b, keeping its memory for newBucket. The caller holds
// s.nmu.
func (s *Store) freeBucket(b map[nonceKey]struct{}) {
	if len(s.spare) < maxSpareBuckets {
		clear(b)
		s.spare = append(s.spare, b)
	}
}
