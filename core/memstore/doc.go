// Package memstore is an in-memory core.Store, for tests, demos and
// single-process applications. Its records live as long as the process.
//
// A Store is safe for concurrent use. It copies every record on the way in
// and on the way out, so callers can never change what it holds. It never
// reads the clock: expired tokens stay until DeleteExpired, and nonces until
// PurgeNonces, which the application calls on its own schedule. Nonce
// memory is bounded (WithMaxNonces): a full store answers UseNonce with
// core.ErrCapacity, which the provider renders as 503
// temporarily_unavailable, rather than grow without limit.
//
// UseNonce, GetConsumer and GetAccessToken run on every verified request.
// UseNonce costs one allocation (the nonce's key, which owns its memory
// instead of pinning the caller's request strings); the getters cost one
// allocation for the record and one for its scopes, when it has any.
package memstore
