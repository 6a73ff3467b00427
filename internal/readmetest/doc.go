// Package readmetest holds the test that compiles every Go snippet of the
// repository's README.md, so that none goes stale: a renamed function, a
// variable the text never declared, an import it forgot.
//
// A ```go block of the README is either a whole file, whose first line
// that is not a comment is its package clause (a quick start to `go run`),
// compiled as it is; or a fragment, compiled inside the wrapper that an
// HTML comment on the line before its fence names:
//
//	<!-- wrap: echo -->
//	```go
//	e.GET("/api/me", me, echooauth.Middleware(p))
//	```
//
// A wrapper is a function whose parameters are what the fragment assumes
// (for echo: p *core.Provider, e *echo.Echo and me echo.HandlerFunc, which
// the README's text says come from its Echo quick start), with the
// packages a fragment may use, imported when it uses them. The wrappers
// are in wrappers_test.go. A block that is neither a whole file nor
// wrapped by a known wrapper fails the test.
//
// The test writes each snippet as a package of its own, with a //line
// directive that points back to README.md, into one temporary directory
// inside the module, and runs go vet on them all at once: a snippet's
// first type error, or a vet finding, is reported at its README line.
package readmetest
