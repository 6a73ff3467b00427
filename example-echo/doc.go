// Command example-echo is the demo OAuth 1.0a service provider on Echo
// (v4): a consumer registry, the three-legged flow with a login and consent
// page, an account page to revoke apps, a page and a JSON API to manage
// one's own consumers, and a small protected API (docs/EXAMPLE_API.md).
//
//	go run ./example-echo
//
// It listens on ADDR (default 127.0.0.1:8080) and keeps its data in the
// SQLite file oauth-example.db unless DATABASE_URL names another store
// (postgres://…, mysql://…, a SQLite path or file: URI, or memory). Demo
// users come from DEMO_USERS (default alice:wonderland,bob:builder).
// OAUTH_REALM, ALLOW_PLAINTEXT=1, TRUSTED_PROXIES, SESSION_KEY and
// LOG_FORMAT=json are read too.
//
// This package holds only the Echo wiring: the routes, the echooauth adapter
// for the OAuth endpoints and middleware, and handlers that call
// internal/demo, which example-gin shares.
package main
