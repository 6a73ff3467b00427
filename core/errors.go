package core

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
)

// Problem codes of the OAuth Problem Reporting extension, plus
// permission_denied for a token without a route's scopes.
const (
	ProblemVersionRejected         = "version_rejected"
	ProblemParameterAbsent         = "parameter_absent"
	ProblemParameterRejected       = "parameter_rejected"
	ProblemSignatureMethodRejected = "signature_method_rejected"
	ProblemTimestampRefused        = "timestamp_refused"
	ProblemNonceUsed               = "nonce_used"
	ProblemSignatureInvalid        = "signature_invalid"
	ProblemConsumerKeyUnknown      = "consumer_key_unknown"
	ProblemConsumerKeyRejected     = "consumer_key_rejected"
	ProblemTokenUsed               = "token_used"
	ProblemTokenExpired            = "token_expired"
	ProblemTokenRevoked            = "token_revoked"
	ProblemTokenRejected           = "token_rejected"
	ProblemVerifierInvalid         = "verifier_invalid"
	ProblemUserRefused             = "user_refused"
	ProblemPermissionDenied        = "permission_denied"
	// ProblemServerError is the generic body of a 5xx answer: the cause is
	// never rendered.
	ProblemServerError = "server_error"
	// ProblemTemporarilyUnavailable is rendered with 503, when a store is
	// at capacity or did not answer in time.
	ProblemTemporarilyUnavailable = "temporarily_unavailable"
)

// Error is the one typed protocol error. WriteError renders it. Every error
// a Provider method or handler returns is an *Error (see AsError for how
// store errors become one).
type Error struct {
	// Status is the HTTP status: 400, 401, 403, 404, 500 or 503.
	Status int
	// Problem is the oauth_problem code.
	Problem string
	// Advice is a human-readable oauth_problem_advice; it never holds a
	// secret.
	Advice string
	// ParametersAbsent lists missing parameters (oauth_parameters_absent).
	ParametersAbsent []string
	// AcceptableTimestamps is "min-max" (oauth_acceptable_timestamps).
	AcceptableTimestamps string
	// BaseString is the signature base string the provider computed, on a
	// signature_invalid error of a provider with Config.ExposeBaseString
	// (oauth_signature_base_string). It holds no secret: the signature
	// and the secrets are never part of it.
	BaseString string
	// Err is the underlying cause, for logs; it is never rendered.
	Err error
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("oauth1: ")
	b.WriteString(e.Problem)
	if e.Advice != "" {
		b.WriteString(": ")
		b.WriteString(e.Advice)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

func newError(status int, problem, advice string) *Error {
	return &Error{Status: status, Problem: problem, Advice: advice}
}

func badRequest(problem, advice string) *Error {
	return newError(http.StatusBadRequest, problem, advice)
}

func unauthorized(problem, advice string) *Error {
	return newError(http.StatusUnauthorized, problem, advice)
}

// notFound answers an application's call that names a record the store
// does not have (ErrNotFound, kept as the cause): 404, without the OAuth
// challenge of a 401, since the call was not an OAuth request.
func notFound(advice string, err error) *Error {
	return &Error{Status: http.StatusNotFound, Problem: ProblemTokenRejected, Advice: advice, Err: err}
}

// storeError turns a store error the caller does not expect into a 5xx
// *Error that keeps the cause for logs but renders nothing of it.
func storeError(err error) *Error {
	status, problem := http.StatusInternalServerError, ProblemServerError
	if errors.Is(err, ErrCapacity) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		status, problem = http.StatusServiceUnavailable, ProblemTemporarilyUnavailable
	}
	return &Error{Status: status, Problem: problem, Err: err}
}

// AsError returns err as an *Error: itself when it is one (or wraps one),
// and a 5xx *Error with a generic problem otherwise.
//
// This is the rule by which every error a Provider hands out renders. The
// provider returns only *Error values, decided where the meaning of a store
// error is known, and keeps the store's error as Err, so that errors.Is
// still finds the sentinel and Config.OnServerError the cause:
//   - ErrNotFound for a record an OAuth request names is 401
//     consumer_key_unknown, consumer_key_rejected or token_rejected; for
//     one an application's call names (RevokeAccessToken, RevokeApp with
//     nothing to revoke) it is 404 token_rejected;
//   - ErrConflict on approving, denying or exchanging a request token is
//     401 token_used; ErrNonceUsed is 401 nonce_used;
//   - ErrCapacity, context.DeadlineExceeded and context.Canceled are 503
//     temporarily_unavailable;
//   - any other error, including a sentinel the call does not expect
//     (ErrDuplicate for a freshly generated key, ErrNotFound from
//     ListAccessTokens), is 500 server_error.
//
// An error that is not an *Error never comes from the provider: AsError
// maps it by the last two rules alone, a bare sentinel included, since
// only its caller knows what it means; wrap it in an *Error to answer
// otherwise.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return storeError(err)
}

// WriteError renders err in the OAuth Problem Reporting style: the status of
// AsError(err), a form-encoded body with oauth_problem,
// oauth_problem_advice, oauth_parameters_absent, oauth_acceptable_timestamps
// and oauth_signature_base_string where they apply, and on 401
// WWW-Authenticate: OAuth realm="realm". Causes of 5xx errors are never
// rendered.
func WriteError(w http.ResponseWriter, realm string, err error) {
	e := AsError(err)
	status := e.Status
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	v := url.Values{"oauth_problem": {e.Problem}}
	if status < 500 {
		if e.Advice != "" {
			v.Set("oauth_problem_advice", e.Advice)
		}
		if len(e.ParametersAbsent) > 0 {
			v.Set("oauth_parameters_absent", strings.Join(e.ParametersAbsent, "&"))
		}
		if e.AcceptableTimestamps != "" {
			v.Set("oauth_acceptable_timestamps", e.AcceptableTimestamps)
		}
		if e.BaseString != "" {
			v.Set("oauth_signature_base_string", e.BaseString)
		}
	}
	h := w.Header()
	if status == http.StatusUnauthorized {
		h.Set("WWW-Authenticate", `OAuth realm="`+quoteRealm(realm)+`"`)
	}
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(v.Encode()))
}

func quoteRealm(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
