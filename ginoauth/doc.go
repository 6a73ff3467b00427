// Package ginoauth mounts an OAuth 1.0a service provider (package core) on
// Gin. It only bridges Gin to core's net/http surface: every protocol
// decision and every store access stays in core, and every error is
// rendered by core.WriteError, so a Gin service answers byte for byte as a
// net/http one.
//
//   - Register mounts the temporary credential and token credential
//     endpoints (POST /request_token and POST /access_token by default) on
//     the engine or any group.
//   - Middleware authenticates protected routes: three-legged by default,
//     with options for two-legged requests (TwoLegged), required scopes
//     (RequireScopes: 403 permission_denied without them), anonymous
//     requests (Optional), a custom error answer (ErrorHandler) and a
//     Skipper. On error it writes the answer and aborts the chain.
//   - GrantFrom returns the verified consumer, token and user. The grant is
//     also in the request's context.Context, so plain net/http handlers
//     further down (gin.WrapH) find it with core.FromContext.
//   - The consent page stays in the application: Authorization reads the
//     pending request, Approve and Deny finish it, redirecting to the
//     consumer's callback (or returning the verifier for oob clients).
package ginoauth
