// Command oauthclient walks through the three legs of OAuth 1.0a against a
// running example service (example-gin or example-echo), as a consumer
// would:
//
//	go run ./internal/demo/cmd/oauthclient
//
// It registers a consumer as a demo user (HTTP Basic; or uses -key and
// -secret), obtains a request token with oauth_callback=oob, prints the
// authorize URL for your browser, reads the verifier the consent page shows
// from standard input, exchanges it for an access token, and calls the API:
// GET /api/me, POST /api/notes (when the token holds write) and the
// two-legged GET /api/ping. Every request is signed with core/oauthtest's
// Signer (HMAC-SHA1 unless -method says otherwise).
//
// Flags:
//
//	-server URL      the service (default http://127.0.0.1:8080)
//	-user, -password the demo user that registers the consumer (alice, wonderland)
//	-key, -secret    use this consumer instead of registering one
//	-scope S         the scope parameter ("read", "write" or "read write"; default both)
//	-method M        HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 or PLAINTEXT
//	-note TEXT       the note to post
//
// It prints token credentials because it is a demo: a real client keeps
// them secret.
package main
