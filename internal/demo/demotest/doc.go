// Package demotest is the contract scenario of the example services
// (docs/EXAMPLE_API.md), written once and run against both of them:
//
//	func TestContract(t *testing.T) { demotest.Run(t, NewRouter) }
//	func TestBrowser(t *testing.T)  { demotest.RunBrowser(t, NewRouter) }
//
// Run drives the whole surface over HTTP, against an httptest.Server on
// 127.0.0.1 serving newRouter(app): every endpoint and its error cases, on
// SQLite (including a second start on the same file, and two instances on
// it: a logout on one ends the session, and every copy of its cookie, on
// the other), on the in-memory store, and on PostgreSQL and MySQL/MariaDB
// (each run in a schema or database of its own, dropped after): at their
// local defaults (DefaultPostgresDSN, DefaultMySQLURL) unless
// EXAMPLE_POSTGRES_DSN or EXAMPLE_MYSQL_URL names another; a server that
// does not answer skips its subtests, saying which variable to set, or
// fails them when CI or that variable is set. OAuth requests are signed by
// core/oauthtest's Signer. The service's log is captured and checked to
// hold no secret, token, password or query string, and to name the
// connection's peer as the client unless it is a trusted proxy (a forged
// X-Forwarded-For ignored). On PostgreSQL and MySQL/MariaDB, Run also runs
// Outage: the database, reached through a proxy (internal/tcpproxy), stops
// answering and then goes away while the service runs; requests get 5xx
// within the store deadline, their causes are logged, /readyz turns 503
// and back to 200, and nothing exchanged before is lost.
//
// RunClientIP holds a framework's own client-address helper (Gin's
// c.ClientIP(), Echo's c.RealIP()) to demo.App.ClientAddr, the one the demo
// uses, on forged and forwarded headers.
//
// RunBrowser drives Chromium (github.com/chromedp/chromedp) through a
// failed and a good login, the consent page's details, Approve, Deny, "Not
// you?", revocation on the account page with its confirmation, and a new
// secret and a deletion on "Your consumers", saving a screenshot of each
// page (in $BROWSER_SCREENSHOTS/<package> when set, else the test's
// artifact directory). It skips where Chromium is absent, unless CI is
// set, where it fails.
package demotest
