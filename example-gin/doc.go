// Command example-gin is the demo OAuth 1.0a service provider on Gin: a
// consumer registry, the three-legged flow with a login and consent page,
// an account page to revoke apps, a page and a JSON API to manage one's
// own consumers, and a small protected API
// (docs/EXAMPLE_API.md).
//
//	go run ./example-gin
//
// It listens on ADDR (default 127.0.0.1:8080) and keeps its data in the
// SQLite file oauth-example.db unless DATABASE_URL names another store
// (postgres://…, mysql://…, a SQLite path or file: URI, or memory). Demo
// users come from DEMO_USERS (default alice:wonderland,bob:builder).
// OAUTH_REALM, ALLOW_PLAINTEXT=1, TRUSTED_PROXIES, SESSION_KEY and
// LOG_FORMAT=json are read too.
//
// Its OAuth-facing code is Gin code to copy (oauth.go): the consent page
// on ginoauth.ConsentRequest, Approve and Deny, with its CSRF check and
// c.HTML, and the protected API behind ginoauth.Middleware, with
// ginoauth.GrantFrom and c.JSON. What is not Gin's (users, sessions, CSRF
// tokens, the templates, loaded with SetHTMLTemplate, the account pages,
// configuration, the store) is internal/demo, which example-echo shares.
package main
