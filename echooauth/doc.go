// Package echooauth mounts an OAuth 1.0a service provider (package core) on
// Echo (v4). It only bridges Echo to core's net/http surface: every protocol
// decision and every store access stays in core, and every error is
// rendered by core.WriteError, so an Echo service answers byte for byte as
// a net/http one.
//
//   - Register mounts the temporary credential and token credential
//     endpoints (POST /request_token and POST /access_token by default) on
//     the *echo.Echo or any *echo.Group, with core's route options, as
//     they are: core.Paths for other paths, core.AllowGET to answer GET
//     too (the routes of core.Provider.TokenRoutes).
//   - Middleware authenticates protected routes with core's options, as
//     they are: three-legged by default, core.TwoLegged for requests
//     signed by a consumer alone, core.RequireScopes (403
//     permission_denied without them), core.Optional for anonymous
//     requests. MiddlewareWithConfig takes a Config, as Echo's
//     KeyAuthWithConfig does, for what is Echo's own: a Skipper and an
//     ErrorHandler.
//   - GrantFrom returns the verified consumer, token and user. The grant is
//     also in the request's context.Context, so plain net/http handlers
//     further down (echo.WrapHandler) find it with core.FromContext.
//   - The consent page stays in the application: ConsentRequest reads the
//     pending request, Approve and Deny decide it, redirecting to the
//     consumer's callback (or returning the verifier for oob clients).
//     Protecting the consent form from cross-site request forgery is the
//     application's job too: see Approve.
//
// Every function takes Echo's value first (the echo.Context, or the routes to
// mount on), then the provider, then the rest: Approve(c, p, userID,
// scopes), Register(r, p, opts...). Middleware and HTTPErrorHandler, which
// are built before there is a context, take the provider first.
//
// # Errors through Echo's HTTPErrorHandler
//
// By default Middleware writes its error answer itself and returns nil, so
// Echo's HTTPErrorHandler never sees OAuth failures. An application that
// routes every error through its HTTPErrorHandler (to log them, say) uses
// MiddlewareWithConfig with an ErrorHandler that returns the error,
// wrapped in an *echo.HTTPError so that other handlers still get a status:
//
//	echooauth.MiddlewareWithConfig(echooauth.Config{Provider: p, ErrorHandler: func(c echo.Context, err error) error {
//		e := core.AsError(err)
//		return echo.NewHTTPError(e.Status, e.Problem).WithInternal(e)
//	}})
//
// and installs HTTPErrorHandler, which renders any error wrapping a
// *core.Error with core.WriteError and hands the others on:
//
//	e.HTTPErrorHandler = echooauth.HTTPErrorHandler(p, e.DefaultHTTPErrorHandler)
//
// The answer is then the same bytes as core's. See ExampleHTTPErrorHandler.
package echooauth
