// Package core is a complete OAuth 1.0a service provider (RFC 5849) on the
// standard library alone: signature base strings and seven signature
// methods (HMAC-SHA1, HMAC-SHA256, HMAC-SHA512, RSA-SHA1, RSA-SHA256,
// RSA-SHA512, PLAINTEXT), timestamp and nonce checks, the token lifecycle (request token,
// user approval with verifier, one-time exchange, access token, expiry,
// revocation), two-legged requests, body hashes, problem reporting,
// consumer registration, scopes, and net/http handlers and middleware.
//
// A Provider is built from a Config whose only required field is a Store;
// core/memstore is an in-memory one and the gormstore package a SQL one.
// Everything the provider decides goes through three small store
// interfaces (ConsumerStore, TokenStore, NonceStore) whose contracts are in
// their doc comments and checked by core/storetest. A store may also
// implement ConsumerAccessTokenGetter, to serve the consumer and the access
// token of a request in one call (one query on a SQL database).
//
// # Verification
//
// Authenticate (and Middleware, built on it) checks a request in a fixed
// order: syntax (parameters from the Authorization header, the query and
// a form body; a repeated protocol parameter is refused), the timestamp
// window, the
// consumer and token lookup (an unknown key still costs a signature check
// with a dummy secret), the signature (compared in constant time), the
// token's state, the body hash, and last the nonce, so that unsigned junk
// never writes to the nonce store.
//
// # Reading the code
//
// provider.go holds Config and New; request.go reads a request's
// parameters and origin.go the scheme and host it was sent to; verify.go
// is the checklist above, one function a step; tokenstate.go says what
// each state of a token answers, and scopes.go every scope rule;
// authenticate.go is Authenticate and Middleware, endpoints.go the two
// token endpoints and routes.go their routes (TokenRoutes, which every
// adapter's Register mounts), consent.go the user's approval; consumers.go registers
// consumers and revokes their tokens; errors.go is the one error type and
// its renderer; report.go and deadline.go bound and report the store
// calls of one request. The encoding, base string and signature methods of RFC
// 5849, which decide nothing, are in core/internal/rfc5849.
//
// # Errors
//
// Every failure is an *Error carrying an HTTP status and an oauth_problem
// code; WriteError is the one renderer, so the net/http, Gin and Echo
// adapters answer byte for byte alike. A store's sentinel errors become the
// answer their call means (an unknown token is 401 token_rejected, or 404
// for a revocation; see AsError for the rule) and stay reachable with
// errors.Is. Store failures become 500 or 503 with a generic body: never a
// 401, never a success.
//
// # Operations
//
// Every 5xx answer is handed, with its request and its cause, to
// Config.OnServerError, for the operator's log. The store calls made for
// one request run under one deadline, Config.StoreTimeout
// (DefaultStoreTimeout, 5 s): a store that does not answer in time is
// answered 503 temporarily_unavailable, so no request waits on a dead
// database.
//
// # Proxies
//
// The base string URI comes from r.TLS and r.Host. Behind a reverse proxy,
// set Config.TrustedProxies (then Forwarded, X-Forwarded-Proto and
// X-Forwarded-Host are believed from those peers only) or Config.PublicURL.
package core
