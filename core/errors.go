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

// Error is the one typed protocol error. WriteError renders it.
type Error struct {
	// Status is the HTTP status: 400, 401, 403, 500 or 503.
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

// storeError turns an unexpected store error into a 5xx *Error that keeps
// the cause for logs but renders nothing of it.
func storeError(err error) *Error {
	status, problem := http.StatusInternalServerError, ProblemServerError
	if errors.Is(err, ErrCapacity) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		status, problem = http.StatusServiceUnavailable, ProblemTemporarilyUnavailable
	}
	return &Error{Status: status, Problem: problem, Err: err}
}

// AsError returns err as an *Error: itself when it is one (or wraps one),
// and a 5xx *Error with a generic problem otherwise.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return storeError(err)
}

// WriteError renders err in the OAuth Problem Reporting style: the status of
// its *Error (5xx for anything else), a form-encoded body with
// oauth_problem, oauth_problem_advice, oauth_parameters_absent,
// oauth_acceptable_timestamps and oauth_signature_base_string where they
// apply, and on 401
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
