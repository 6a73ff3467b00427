// Package oauthtest is a small OAuth 1.0a (RFC 5849) client-side signer for
// tests: it signs an *http.Request with HMAC-SHA1, HMAC-SHA256, HMAC-SHA512,
// RSA-SHA1, RSA-SHA256, RSA-SHA512 or PLAINTEXT and puts the protocol parameters in the
// Authorization header, the query or a form body.
//
// It builds the signature base string and signs with the engine the
// provider verifies with (core/internal/rfc5849), so it checks the
// provider's request parsing and decisions, not that engine; the engine
// has its own golden vectors, and the project's flow tests use an
// independent client as well.
//
// The signer reads the wall clock (time.Now) and crypto/rand unless
// Signer.Now and Signer.Nonce are set: it is a test helper, not library code.
package oauthtest
