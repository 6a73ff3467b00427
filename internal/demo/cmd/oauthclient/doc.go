// Command oauthclient walks through the three legs of OAuth 1.0a against a
// running example service (example-gin or example-echo), as a consumer
// would:
//
//	go run ./internal/demo/cmd/oauthclient
//
// It registers a consumer as a demo user (HTTP Basic; or uses -key and
// -secret), obtains a request token with oauth_callback=oob, prints the
// authorize URL for your browser, reads the verifier the consent page shows
// from standard input, and exchanges it for an access token. A mistyped
// verifier is asked for again (three attempts in all); an empty line, or
// the server's user_refused, means you clicked Deny: it says "access was
// denied" and exits with status 1.
//
// With the token it calls every endpoint of the API and prints each
// status and body, whatever the token may do: GET /api/me (needs read),
// POST /api/notes (needs write; a read-only token shows 403
// permission_denied) and the two-legged GET /api/ping. Last it prints a
// command line that calls the API again with that token (-key, -secret,
// -token, -token-secret), skipping the three legs: run it after revoking
// the app at /account/apps to see 401 token_revoked. Every request is
// signed with core/oauthtest's Signer (HMAC-SHA1 unless -method says
// otherwise).
//
// Flags (-h lists them):
//
//	-server URL          the service (default http://127.0.0.1:8080)
//	-user, -password     the demo user that registers the consumer (alice, wonderland)
//	-key, -secret        use this consumer instead of registering one
//	-token, -token-secret call the API with this access token (with -key and -secret)
//	-scope S             the scope parameter ("read", "write" or "read write"; default both)
//	-method M            HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 or PLAINTEXT
//	-note TEXT           the note to post
//
// It prints token credentials, and takes secrets as flags, because it is
// a local demo: flags are visible to other users (ps) and stay in the
// shell's history, and a real client keeps its credentials secret.
package main
