package core_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// TestWriteError checks the rendering of every kind of error, byte for
// byte.
func TestWriteError(t *testing.T) {
	const leak = "password=hunter2"
	for _, tc := range []struct {
		name   string
		realm  string
		err    error
		status int
		body   string
		auth   string // WWW-Authenticate
	}{
		{"401 with advice", "Photos",
			&core.Error{Status: 401, Problem: core.ProblemSignatureInvalid, Advice: "the signature does not match"},
			401, "oauth_problem=signature_invalid&oauth_problem_advice=the+signature+does+not+match", `OAuth realm="Photos"`},
		{"401 realm quoted", `a "quoted" \ realm`,
			&core.Error{Status: 401, Problem: core.ProblemTokenRejected},
			401, "oauth_problem=token_rejected", `OAuth realm="a \"quoted\" \\ realm"`},
		{"401 empty realm", "",
			&core.Error{Status: 401, Problem: core.ProblemNonceUsed},
			401, "oauth_problem=nonce_used", `OAuth realm=""`},
		{"401 acceptable timestamps", "r",
			&core.Error{Status: 401, Problem: core.ProblemTimestampRefused, AcceptableTimestamps: "1699999700-1700000300"},
			401, "oauth_acceptable_timestamps=1699999700-1700000300&oauth_problem=timestamp_refused", `OAuth realm="r"`},
		{"400 parameters absent", "r",
			&core.Error{Status: 400, Problem: core.ProblemParameterAbsent, ParametersAbsent: []string{"oauth_token", "oauth_nonce"}},
			400, "oauth_parameters_absent=oauth_token%26oauth_nonce&oauth_problem=parameter_absent", ""},
		{"403", "r",
			&core.Error{Status: 403, Problem: core.ProblemPermissionDenied, Advice: "no"},
			403, "oauth_problem=permission_denied&oauth_problem_advice=no", ""},
		{"401 cause not rendered", "r",
			&core.Error{Status: 401, Problem: core.ProblemSignatureInvalid, Err: errors.New(leak)},
			401, "oauth_problem=signature_invalid", `OAuth realm="r"`},
		{"wrapped *Error", "r",
			fmt.Errorf("handler: %w", &core.Error{Status: 401, Problem: core.ProblemTokenExpired}),
			401, "oauth_problem=token_expired", `OAuth realm="r"`},
		{"plain error", "r", errors.New("pq: " + leak), 500, "oauth_problem=server_error", ""},
		{"ErrNotFound", "r", core.ErrNotFound, 500, "oauth_problem=server_error", ""},
		{"ErrCapacity", "r", core.ErrCapacity, 503, "oauth_problem=temporarily_unavailable", ""},
		{"wrapped ErrCapacity", "r", fmt.Errorf("redis %s: %w", leak, core.ErrCapacity), 503, "oauth_problem=temporarily_unavailable", ""},
		{"deadline", "r", fmt.Errorf("pg %s: %w", leak, context.DeadlineExceeded), 503, "oauth_problem=temporarily_unavailable", ""},
		{"canceled", "r", context.Canceled, 503, "oauth_problem=temporarily_unavailable", ""},
		{"5xx *Error says only its problem", "r",
			&core.Error{Status: 500, Problem: core.ProblemServerError, Advice: leak, ParametersAbsent: []string{"x"},
				AcceptableTimestamps: "1-2", Err: errors.New(leak)},
			500, "oauth_problem=server_error", ""},
		{"503 *Error says only its problem", "r",
			&core.Error{Status: 503, Problem: core.ProblemTemporarilyUnavailable, Advice: leak},
			503, "oauth_problem=temporarily_unavailable", ""},
		{"status 0 is 500", "r", &core.Error{Problem: core.ProblemServerError, Advice: leak}, 500, "oauth_problem=server_error", ""},
		{"status 302 is 500", "r", &core.Error{Status: 302, Problem: core.ProblemServerError, Advice: leak}, 500, "oauth_problem=server_error", ""},
		{"status 600 is 500", "r", &core.Error{Status: 600, Problem: core.ProblemServerError}, 500, "oauth_problem=server_error", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			core.WriteError(w, tc.realm, tc.err)
			if w.Code != tc.status || w.Body.String() != tc.body {
				t.Errorf("got %d %q, want %d %q", w.Code, w.Body, tc.status, tc.body)
			}
			h := w.Header()
			if got := h.Get("WWW-Authenticate"); got != tc.auth {
				t.Errorf("WWW-Authenticate = %q, want %q", got, tc.auth)
			}
			if len(h.Values("WWW-Authenticate")) > 1 {
				t.Errorf("WWW-Authenticate repeated: %q", h.Values("WWW-Authenticate"))
			}
			if got := h.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
				t.Errorf("Content-Type = %q", got)
			}
			if got := h.Get("Cache-Control"); got != "no-store" {
				t.Errorf("Cache-Control = %q", got)
			}
			if strings.Contains(w.Body.String(), "hunter2") {
				t.Errorf("body %q leaks the cause", w.Body)
			}
			// AsError keeps an *Error as it is; WriteError clamps the status.
			if st, pr := statusOf(tc.err); (st != tc.status && st >= 400 && st <= 599) || !strings.Contains(tc.body, "oauth_problem="+pr) {
				t.Errorf("AsError = %d %s", st, pr)
			}
		})
	}
}

func TestProviderWriteError(t *testing.T) {
	e := newEnv(t, core.Config{Realm: `Photos "HQ"`})
	w := httptest.NewRecorder()
	e.p.WriteError(w, &core.Error{Status: 401, Problem: core.ProblemTokenRejected})
	if got := w.Header().Get("WWW-Authenticate"); got != `OAuth realm="Photos \"HQ\""` {
		t.Errorf("WWW-Authenticate = %q", got)
	}
	e.expectResponse(t, w, 401, "token_rejected")
}

func TestErrorType(t *testing.T) {
	cause := errors.New("cause")
	e := &core.Error{Status: 401, Problem: core.ProblemSignatureInvalid, Advice: "bad", Err: cause}
	if got := e.Error(); got != "oauth1: signature_invalid: bad: cause" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&core.Error{Problem: "x"}).Error(); got != "oauth1: x" {
		t.Errorf("Error() = %q", got)
	}
	if !errors.Is(e, cause) || e.Unwrap() != cause {
		t.Error("Unwrap does not reach the cause")
	}
	wrapped := fmt.Errorf("ctx: %w", e)
	if core.AsError(wrapped) != e {
		t.Error("AsError does not find a wrapped *Error")
	}
	a := core.AsError(cause)
	if a.Status != 500 || a.Problem != core.ProblemServerError || !errors.Is(a, cause) {
		t.Errorf("AsError(plain) = %+v", a)
	}
}

// TestEntryErrorsRender: every entry point renders each error its store can
// return by AsError's rule, through WriteError: a record the request names
// and the store lacks is the request's fault (401, or 404 for an
// application's revocation), a lost transition 401 token_used, a store at
// capacity or out of time 503, anything unexpected 500; and exactly the
// 5xx reach Config.OnServerError, with the store's error.
func TestEntryErrorsRender(t *testing.T) {
	var (
		notFound  = fmt.Errorf("db: %w", core.ErrNotFound)
		conflict  = fmt.Errorf("db: %w", core.ErrConflict)
		duplicate = fmt.Errorf("db: %w", core.ErrDuplicate)
		nonceUsed = fmt.Errorf("db: %w", core.ErrNonceUsed)
		capacity  = fmt.Errorf("db: %w", core.ErrCapacity)
		deadline  = fmt.Errorf("db: %w", context.DeadlineExceeded)
		canceled  = fmt.Errorf("db: %w", context.Canceled)
	)
	for _, tc := range []struct {
		entry, fail string // fail: the store method that returns cause
		cause       error
		status      int
		problem     string
	}{
		{epRequestToken, "GetConsumer", notFound, 401, core.ProblemConsumerKeyUnknown},
		{epRequestToken, "UseNonce", nonceUsed, 401, core.ProblemNonceUsed},
		{epRequestToken, "UseNonce", capacity, 503, core.ProblemTemporarilyUnavailable},
		{epRequestToken, "CreateRequestToken", duplicate, 500, core.ProblemServerError},
		{epRequestToken, "CreateRequestToken", deadline, 503, core.ProblemTemporarilyUnavailable},
		{epAccessToken, "GetRequestToken", notFound, 401, core.ProblemTokenRejected},
		{epAccessToken, "ConsumeRequestToken", conflict, 401, core.ProblemTokenUsed},
		{epAccessToken, "ConsumeRequestToken", notFound, 401, core.ProblemTokenRejected},
		{epAccessToken, "ConsumeRequestToken", duplicate, 500, core.ProblemServerError},
		{epMiddleware, "GetAccessToken", notFound, 401, core.ProblemTokenRejected},
		{epMiddleware, "GetConsumer", notFound, 401, core.ProblemConsumerKeyUnknown},
		{epMiddleware, "UseNonce", nonceUsed, 401, core.ProblemNonceUsed},
		{epMiddlewareTwo, "GetConsumer", notFound, 401, core.ProblemConsumerKeyUnknown},
		{epAuthenticate, "UseNonce", capacity, 503, core.ProblemTemporarilyUnavailable},
		{epAuthenticate, "GetAccessToken", canceled, 503, core.ProblemTemporarilyUnavailable},
		{epAuthenticateTwo, "UseNonce", conflict, 500, core.ProblemServerError},
		{epConsentRequest, "GetRequestToken", notFound, 401, core.ProblemTokenRejected},
		{epConsentRequest, "GetConsumer", notFound, 401, core.ProblemConsumerKeyRejected},
		{epLoadConsent, "GetRequestToken", notFound, 401, core.ProblemTokenRejected},
		{epLoadConsent, "GetConsumer", notFound, 401, core.ProblemConsumerKeyRejected},
		{epLoadConsent, "GetRequestToken", capacity, 503, core.ProblemTemporarilyUnavailable},
		{epApprove, "AuthorizeRequestToken", conflict, 401, core.ProblemTokenUsed},
		{epApprove, "AuthorizeRequestToken", notFound, 401, core.ProblemTokenRejected},
		{epApprove, "AuthorizeRequestToken", duplicate, 500, core.ProblemServerError},
		{epDeny, "DenyRequestToken", conflict, 401, core.ProblemTokenUsed},
		{epDeny, "DenyRequestToken", notFound, 401, core.ProblemTokenRejected},
		{epRegisterConsumer, "CreateConsumer", duplicate, 500, core.ProblemServerError},
		{epRegisterConsumer, "CreateConsumer", deadline, 503, core.ProblemTemporarilyUnavailable},
		{epAuthorizedApps, "ListAccessTokens", notFound, 500, core.ProblemServerError},
		{epAuthorizedApps, "ListAccessTokens", capacity, 503, core.ProblemTemporarilyUnavailable},
		// Every listed token deleted meanwhile (Cleanup): nothing revoked.
		{epRevokeApp, "RevokeAccessToken", notFound, 404, core.ProblemTokenRejected},
		{epRevokeApp, "RevokeAccessToken", deadline, 503, core.ProblemTemporarilyUnavailable},
		{epRevokeApp, "DenyAuthorizedRequestTokens", capacity, 503, core.ProblemTemporarilyUnavailable},
		{epRevokeApp, "ListAccessTokens", notFound, 500, core.ProblemServerError},
		{epRevokeAccessToken, "RevokeAccessToken", notFound, 404, core.ProblemTokenRejected},
		{epRevokeAccessToken, "RevokeAccessToken", capacity, 503, core.ProblemTemporarilyUnavailable},
		{epRevokeAccessToken, "RevokeAccessToken", conflict, 500, core.ProblemServerError},
	} {
		t.Run(fmt.Sprintf("%s %s %v", tc.entry, tc.fail, tc.cause), func(t *testing.T) {
			var hooks hookRecorder
			e := newFixture(t, core.Config{OnServerError: hooks.hook})
			_, w := answerEntry(t, e, tc.entry, func() { e.failOn(tc.fail, tc.cause) })
			e.expectResponse(t, w, tc.status, tc.problem)
			calls := hooks.got()
			switch {
			case tc.status < 500 && len(calls) != 0:
				t.Errorf("OnServerError called for a %d: %v", tc.status, calls)
			case tc.status >= 500 && (len(calls) != 1 || !errors.Is(calls[0].err, tc.cause)):
				t.Errorf("OnServerError calls %v, want one with %v", calls, tc.cause)
			}
		})
	}
}
