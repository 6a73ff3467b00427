// Package ginoauth mounts an OAuth 1.0a service provider (package core) on
// Gin. It only bridges Gin to core's net/http surface: every protocol
// decision and every store access stays in core, and every error is
// rendered by core.WriteError, so a Gin service answers byte for byte as a
// net/http one.
//
//   - Register mounts the temporary credential and token credential
//     endpoints (POST /request_token and POST /access_token by default) on
//     the engine or any group, with core's route options, as they are:
//     core.Paths for other paths, core.AllowGET to answer GET too (the
//     routes of core.Provider.TokenRoutes).
//   - Middleware authenticates protected routes with core's options, as
//     they are: three-legged by default, core.TwoLegged for requests
//     signed by a consumer alone, core.RequireScopes (403
//     permission_denied without them), core.Optional for anonymous
//     requests. On error it writes core's answer, records the error with
//     c.Error and aborts the chain. Routes that need no check are mounted
//     outside the group that uses it.
//   - GrantFrom returns the verified consumer, token and user. The grant is
//     also in the request's context.Context, so plain net/http handlers
//     further down (gin.WrapH) find it with core.FromContext.
//   - The consent page stays in the application: ConsentRequest reads the
//     pending request, Approve and Deny decide it, redirecting to the
//     consumer's callback (or returning the verifier for oob clients).
//     Protecting the consent form from cross-site request forgery is the
//     application's job too: see Approve.
//
// Every function takes Gin's value first (the *gin.Context, or the routes
// to mount on), then the provider, then the rest:
// Approve(c, p, userID, scopes), Register(r, p, opts...). Middleware, which
// runs before there is a context, takes the provider first.
package ginoauth
