package core

import (
	"bytes"
	"io"
	"net/http"
	"strings"
)

// AuthOption configures Authenticate and Middleware.
type AuthOption func(*authOptions)

type authOptions struct {
	twoLegged bool
	optional  bool
	scopes    []string
}

// TwoLegged accepts requests signed by a consumer alone (no oauth_token).
// The grant then has no Token and carries the consumer's scopes. A request
// that does carry a token is verified as a three-legged one.
func TwoLegged() AuthOption { return func(o *authOptions) { o.twoLegged = true } }

// Optional lets requests without any OAuth parameter through with no grant;
// a request that carries OAuth parameters must still verify.
func Optional() AuthOption { return func(o *authOptions) { o.optional = true } }

// RequireScopes refuses, with 403 permission_denied, a grant lacking any of
// scopes.
func RequireScopes(scopes ...string) AuthOption {
	return func(o *authOptions) { o.scopes = append(o.scopes, scopes...) }
}

// Authenticate verifies r as opts say (three-legged by default) and checks
// the required scopes. With Optional and no OAuth parameter in r it returns
// nil, nil. A 5xx error is reported to Config.OnServerError.
func (p *Provider) Authenticate(r *http.Request, opts ...AuthOption) (_ *Grant, err error) {
	var o authOptions
	for _, opt := range opts {
		opt(&o)
	}
	kind := kindProtected
	if o.twoLegged {
		kind = kindTwoLegged
	}
	sr, err := p.parseRequest(r)
	if err != nil {
		if o.optional && !mentionsOAuth(r) {
			return nil, nil // a malformed query is the handler's business
		}
		return nil, err
	}
	defer p.release(sr)
	if o.optional && !sr.anyAuth {
		return nil, nil
	}
	ctx, call := p.begin(r.Context(), r)
	defer call.end(&err)
	if _, err := p.check(ctx, r, sr, kind); err != nil {
		return nil, err
	}
	g := p.grant(sr)
	if !g.HasScopes(o.scopes...) {
		return nil, newError(http.StatusForbidden, ProblemPermissionDenied, "the token does not grant the scopes this resource needs")
	}
	return g, nil
}

// Middleware returns net/http middleware that authenticates each request
// (see Authenticate), answers a failure with WriteError, and otherwise calls
// next with the grant in the request's context (see FromContext).
func (p *Provider) Middleware(opts ...AuthOption) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			g, err := p.Authenticate(r, opts...)
			if err != nil {
				p.WriteError(w, err)
				return
			}
			if g != nil {
				r = r.WithContext(NewContext(r.Context(), g))
			}
			next.ServeHTTP(w, r)
		})
	}
}

// mentionsOAuth reports whether r carries an OAuth Authorization header or
// "oauth_" in its query or (already read) form body.
func mentionsOAuth(r *http.Request) bool {
	if h := skipSpace(r.Header.Get("Authorization")); len(h) >= 5 && strings.EqualFold(h[:5], "OAuth") {
		return true
	}
	if strings.Contains(r.URL.RawQuery, "oauth_") {
		return true
	}
	if r.GetBody != nil {
		if b, err := r.GetBody(); err == nil {
			body, _ := io.ReadAll(b)
			return bytes.Contains(body, []byte("oauth_"))
		}
	}
	return false
}
