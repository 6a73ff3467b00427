// Package demo is the code shared by the two example services, example-gin
// and example-echo: configuration from the environment, opening the store
// (SQLite, PostgreSQL, MySQL/MariaDB through gormstore, or memstore), the
// demo's users (bcrypt-hashed), signed cookie sessions with CSRF tokens,
// the embedded HTML pages (login, consent, verifier, authorized apps, your
// consumers) with their one-time confirmations (flash cookies), the
// management of a user's own consumers (list, new secret, delete; as JSON
// and as a page), JSON helpers, client addresses (App.ClientAddr, which follows TRUSTED_PROXIES),
// request logging, and the run loop (janitor and graceful shutdown).
//
// The two examples hold their framework's code: the routes, and the
// OAuth-facing handlers (the consent page and the protected API) written
// in the framework's idiom on its adapter (ginoauth or echooauth). They
// call the framework-neutral helpers here: CurrentSession, LoginForm,
// ConsentSession and Sessions.CheckCSRF, the pages' data (ConsentPage,
// VerifierPage, DeniedPage), the error pages (PageError,
// AuthorizationError), NoteText and the API's JSON types, and Templates,
// one html/template set for both frameworks' renderers. The other pages
// and endpoints are the App's net/http-style methods, which the examples
// mount as they are; AuthorizePage, AuthorizeDecision, Me, Notes and Ping
// are the net/http versions of the examples' handlers, which
// demotest.NewServeMux serves. Everything else lives here, once, so the
// two services answer alike (docs/EXAMPLE_API.md).
//
// The demo holds no protocol logic and no OAuth storage of its own:
// consumers, tokens and nonces go through core.Provider and its store. Its
// users table is its own business.
//
// The contract scenario both examples run is in the demotest sub-package,
// their load benchmark (protected ÷ open throughput per store) in loadtest;
// a command-line client that performs the three legs against a running
// example is in cmd/oauthclient.
package demo
