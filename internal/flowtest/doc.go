// Package flowtest is the one OAuth 1.0a flow scenario that every mount of
// the provider runs: net/http (NetHTTP, here), Gin (ginoauth's tests) and
// Echo (echooauth's tests). Run drives a provider through request token,
// approval, access token, protected and two-legged calls and the usual
// failures (replay, bad signature, unknown token, missing parameters,
// missing scope), with HMAC-SHA1 and HMAC-SHA256, signing with an
// independent client (github.com/dghubble/oauth1) and with
// core/oauthtest. It returns a transcript of every answer; with a fixed
// clock and seeded randomness the transcripts of all mounts must be
// identical, byte for byte.
package flowtest
