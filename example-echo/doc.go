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
// Its OAuth-facing code is Echo code to copy (oauth.go): the consent page
// on echooauth.ConsentRequest, Approve and Deny, with its CSRF check and
// c.Render, and the protected API behind echooauth.Middleware, with
// echooauth.GrantFrom and c.JSON; handlers return their errors, which the
// HTTPErrorHandler renders. What is not Echo's (users, sessions, CSRF
// tokens, the templates, loaded with echo.TemplateRenderer, the account
// pages, configuration, the store) is internal/demo, which example-gin
// shares.
package main
