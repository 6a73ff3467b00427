// Package flowtest is the test support that every mount of the provider
// shares: net/http (NetHTTP), Gin (Gin, with ginoauth) and Echo (Echo,
// with echooauth).
//
// Run is the one OAuth 1.0a flow scenario: it drives a provider through
// request token, approval, access token, protected and two-legged calls
// and the usual failures (replay, bad signature, unknown token, missing
// parameters, missing scope), with HMAC-SHA1 and HMAC-SHA256, signing with
// an independent client (github.com/dghubble/oauth1) and with
// core/oauthtest. It returns a transcript of every answer; with a fixed
// clock and seeded randomness the transcripts of all mounts must be
// identical, byte for byte.
//
// Adapter is the adapter suite: ginoauth's, echooauth's and echov5's tests
// describe their adapter in one Adapter value (how to build a router with
// it) and run its Test methods, which hold the cases, written once:
// Middleware's options, errors byte for byte core's, the grant in the
// context, the form body kept, Register's routes (also run on net/http,
// with core.Provider.TokenRoutes on an http.ServeMux) and the consent
// helpers, each on a NewFixture.
package flowtest
