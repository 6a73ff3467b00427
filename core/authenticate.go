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

// TwoLegged also accepts requests signed by a consumer alone: without
// oauth_token, or with an empty one. The grant then has no Token and no
// UserID, and carries the scopes the consumer may use. A request whose
// oauth_token is not empty is still checked as a three-legged one: the
// token must be a valid access token of that consumer, and the grant is
// the token's, as without TwoLegged.
func TwoLegged() AuthOption { return func(o *authOptions) { o.twoLegged = true } }

// Optional lets requests without any OAuth parameter through with no grant;
// a request that carries OAuth parameters must still verify.
func Optional() AuthOption { return func(o *authOptions) { o.optional = true } }

// RequireScopes refuses, with 403 permission_denied, a grant lacking any of
// scopes.
func RequireScopes(scopes ...string) AuthOption {
	return func(o *authOptions) { o.scopes = append(o.scopes, scopes...) }
}

// Authenticate checks a request to a protected resource and returns its
// grant: by default a three-legged request, signed with consumer and
// access token credentials; opts widen that (TwoLegged, Optional) or
// narrow it (RequireScopes). With Optional and no OAuth parameter in r it
// returns nil, nil.
//
// The checks run in this order: syntax, timestamp window, consumer and
// token lookup (with dummy secrets for unknown ones), signature (constant
// time), token state, body hash, and last the nonce, so unsigned requests
// never write to the nonce store; then the required scopes. Failures are
// *Error values with the status and oauth_problem of RFC 5849 §3.2 and the
// Problem Reporting extension (403 permission_denied for missing scopes);
// a store failure is a 5xx *Error, reported to Config.OnServerError.
func (p *Provider) Authenticate(r *http.Request, opts ...AuthOption) (_ *Grant, err error) {
	o := readAuthOptions(opts)
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
	if err := p.check(ctx, r, sr, kind); err != nil {
		return nil, err
	}
	g := p.grant(sr)
	if err := requireScopes(g, o.scopes); err != nil {
		return nil, err
	}
	return g, nil
}

// readAuthOptions applies opts to the defaults. Without options it
// allocates nothing (an option is a function, given a pointer).
func readAuthOptions(opts []AuthOption) authOptions {
	if len(opts) == 0 {
		return authOptions{}
	}
	o := new(authOptions)
	for _, opt := range opts {
		opt(o)
	}
	return *o
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
	if h := strings.TrimLeft(r.Header.Get("Authorization"), " \t"); len(h) >= 5 && strings.EqualFold(h[:5], "OAuth") {
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
