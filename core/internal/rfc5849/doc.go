// Package rfc5849 is the text and the cryptography of RFC 5849 that a
// client and a provider compute alike, and nothing else: percent-encoding
// (§3.6), the Authorization header's syntax (§3.5.1), the signature base
// string (§3.4.1) and the seven signature methods (§3.4.2–3.4.4, with the
// SHA-256 and SHA-512 variants). It decides nothing: which parameters a
// request carries, in what order they are checked and what a failure
// answers are core's. Each function is named for its step of the RFC and
// checked by the RFC's golden vectors (core/vectors_test.go) and by the
// fuzz targets beside it (fuzz_test.go).
//
// It is internal: core verifies with it, and core/oauthtest signs with it,
// so a test client and the provider cannot drift apart.
package rfc5849
