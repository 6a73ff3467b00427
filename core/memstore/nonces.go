package memstore

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
)

// What a nonce costs against the bound (WithMaxBytes). They are upper
// bounds of what the Go runtime spends, checked by TestNonceMemory.
const (
	// nonceBytes: one digest in a Go map of 16-byte keys. Such a map spends
	// 18 bytes a slot (17, rounded up to the allocator's size class) and is
	// 7/16 to 7/8 full: 21 to 41 bytes an entry.
	nonceBytes = 42
	// bucketBytes: a bucket's two maps, before their first entries.
	bucketBytes = 512
	// holderBytes: one consumer's entry in a bucket's charged map, and its
	// share (plus the consumer key's length, charged with it).
	holderBytes = 128
)

// shareFactor: a consumer may hold at most this many times the bytes still
// free (see WithMaxBytes).
const shareFactor = 7

// digest identifies a nonce: the first 128 bits of SHA-256 over its consumer
// key, token, timestamp and value, framed so that no two nonces encode alike
// (see digestOf). Equal nonces always have equal digests, so a replay is
// always caught; two different nonces could only share one by a SHA-256
// collision, which at 128 bits costs about 2^64 hashes for a pair an
// attacker chooses both halves of (then only its own second request fails,
// nonce_used) and about 2^128 to match someone else's nonce. It needs no key,
// so the store needs no randomness.
type digest [16]byte

// digestOf frames n as uvarint(len(ConsumerKey)) ConsumerKey
// uvarint(len(Token)) Token, Unix seconds (8 bytes) and nanoseconds (4
// bytes) of Timestamp, then Nonce to the end, and hashes it. A nonce of any
// length costs the same digest; the frame stays on the stack unless the
// fields are long.
func digestOf(n *core.Nonce) digest {
	var buf [192]byte
	b := binary.AppendUvarint(buf[:0], uint64(len(n.ConsumerKey)))
	b = append(b, n.ConsumerKey...)
	b = binary.AppendUvarint(b, uint64(len(n.Token)))
	b = append(b, n.Token...)
	b = binary.BigEndian.AppendUint64(b, uint64(n.Timestamp.Unix()))
	b = binary.BigEndian.AppendUint32(b, uint32(n.Timestamp.Nanosecond()))
	b = append(b, n.Nonce...)
	sum := sha256.Sum256(b)
	return digest(sum[:16])
}

// instant is a Timestamp as a bucket key: exact, and the same in every
// time zone. Core's timestamps are whole seconds, so a bucket holds one
// second of nonces.
type instant struct {
	sec  int64
	nsec int32
}

func instantOf(t time.Time) instant { return instant{t.Unix(), int32(t.Nanosecond())} }

func (a instant) before(b instant) bool {
	return a.sec < b.sec || a.sec == b.sec && a.nsec < b.nsec
}

// bucket holds the nonces of one Timestamp, dropped together by
// PurgeNonces.
type bucket struct {
	digests map[digest]struct{}
	charged map[*share]int64 // bytes charged to each consumer for this bucket
}

// share is what one consumer holds, for the rule of WithMaxBytes.
type share struct {
	key   string // the consumer key, a copy that pins no request memory
	bytes int64
}

// UseNonce implements core.NonceStore. A repeat is core.ErrNonceUsed even
// when the store is full; a new nonce that the bound refuses (see
// WithMaxBytes) is core.ErrCapacity.
func (s *Store) UseNonce(_ context.Context, n core.Nonce) error {
	d, at := digestOf(&n), instantOf(n.Timestamp)
	s.nmu.Lock()
	defer s.nmu.Unlock()
	b := s.buckets[at]
	if b != nil {
		if _, ok := b.digests[d]; ok {
			return core.ErrNonceUsed
		}
	}
	sh := s.shares[n.ConsumerKey]
	cost := int64(nonceBytes)
	if b == nil {
		cost += bucketBytes
	}
	if b == nil || sh == nil || b.charged[sh] == 0 {
		cost += holderBytes + int64(len(n.ConsumerKey))
	}
	var held int64
	if sh != nil {
		held = sh.bytes
	}
	free := s.maxBytes - s.used - cost
	if free < 0 || held+cost > shareFactor*free {
		return core.ErrCapacity
	}
	if b == nil {
		b = &bucket{digests: map[digest]struct{}{}, charged: map[*share]int64{}}
		s.buckets[at] = b
	}
	if sh == nil {
		sh = &share{key: strings.Clone(n.ConsumerKey)}
		s.shares[sh.key] = sh
	}
	b.digests[d] = struct{}{}
	b.charged[sh] += cost
	sh.bytes += cost
	s.used += cost
	return nil
}

// PurgeNonces implements core.NonceStore. It drops whole buckets: one step
// per Timestamp held and per consumer in a dropped bucket, never one per
// nonce.
func (s *Store) PurgeNonces(_ context.Context, before time.Time) (int64, error) {
	limit := instantOf(before)
	s.nmu.Lock()
	defer s.nmu.Unlock()
	var n int64
	for at, b := range s.buckets {
		if !at.before(limit) {
			continue
		}
		n += int64(len(b.digests))
		for sh, bytes := range b.charged {
			sh.bytes -= bytes
			s.used -= bytes
			if sh.bytes == 0 {
				delete(s.shares, sh.key)
			}
		}
		delete(s.buckets, at)
	}
	return n, nil
}
