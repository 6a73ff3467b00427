// Package memstore is an in-memory core.Store, for tests, demos and
// single-process applications. Its records live as long as the process.
//
// A Store is safe for concurrent use. It copies every record on the way in
// and on the way out, so callers can never change what it holds. It never
// reads the clock: expired tokens stay until DeleteExpired, and nonces until
// PurgeNonces, which the provider's janitor calls
// (core.Provider.RunJanitor).
//
// A nonce is kept as a 16-byte digest in a bucket of its Timestamp (one
// bucket a second, as core's timestamps are whole seconds), and PurgeNonces
// drops whole buckets. Nonce memory is bounded in bytes, with a share per
// consumer (WithMaxBytes): a nonce the bound refuses is core.ErrCapacity,
// which the provider renders as 503 temporarily_unavailable, and the
// consumers that hold the most are refused first, so one consumer cannot
// fill the store for the others.
//
// UseNonce, GetConsumer and GetAccessToken run on every verified request.
// UseNonce allocates only when it opens a bucket or a consumer's share, or
// when a bucket's table grows (its digest is computed on the stack, outside
// the lock); the getters cost one allocation for the record and one for its
// scopes, when it has any.
package memstore
