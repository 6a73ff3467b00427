package core

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// The two token endpoints: temporary credentials (RFC 5849 §2.1, with the
// callback rules) and token credentials (§2.3).

// OOB is the oauth_callback value of a client that cannot receive a
// redirect: the user is shown the verifier instead (RFC 5849 §2.1).
const OOB = "oob"

// writeForm answers 200 with a form-encoded body of the pairs in order.
func writeForm(w http.ResponseWriter, pairs ...string) {
	var b []byte
	for i := 0; i+1 < len(pairs); i += 2 {
		if i > 0 {
			b = append(b, '&')
		}
		b = rfc5849.AppendEncoded(b, pairs[i])
		b = append(b, '=')
		b = rfc5849.AppendEncoded(b, pairs[i+1])
	}
	h := w.Header()
	h.Set("Content-Type", "application/x-www-form-urlencoded")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

// RequestTokenHandler answers temporary credential requests (RFC 5849
// §2.1): signed by the consumer alone, with oauth_callback (an absolute URL,
// or "oob") that must match the consumer's registered callback by scheme,
// host, port and path when one is registered, and an optional signed scope
// parameter (space-separated; absent: every scope the consumer may have).
// It answers oauth_token, oauth_token_secret and
// oauth_callback_confirmed=true.
func (p *Provider) RequestTokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, err := p.issueRequestToken(r)
		if err != nil {
			p.WriteError(w, err)
			return
		}
		writeForm(w, "oauth_token", rt.Token, "oauth_token_secret", rt.Secret, "oauth_callback_confirmed", "true")
	})
}

func (p *Provider) issueRequestToken(r *http.Request) (_ *RequestToken, err error) {
	v, err := p.parseRequest(r)
	if err != nil {
		return nil, err
	}
	defer p.release(v)
	ctx, call := p.begin(r.Context(), r)
	defer call.end(&err)
	if err := p.check(ctx, r, v, kindInitiate); err != nil {
		return nil, err
	}
	cb := v.proto.callback
	if err := checkCallback(cb, v.consumer.CallbackURL); err != nil {
		return nil, err
	}
	scopes, err := p.requestedScopes(v.params, v.consumer)
	if err != nil {
		return nil, err
	}
	token, secret, err := p.credentials()
	if err != nil {
		return nil, err
	}
	now := p.now()
	rt := &RequestToken{
		Token: token, Secret: secret, ConsumerKey: v.consumer.Key, Callback: cb,
		Scopes: scopes, State: StatePending, CreatedAt: now, ExpiresAt: now.Add(p.reqTTL),
	}
	if err := p.store.CreateRequestToken(ctx, rt); err != nil {
		return nil, storeError(err)
	}
	return rt, nil
}

// credentials returns a fresh token (128 bits) and secret (256 bits).
func (p *Provider) credentials() (token, secret string, err error) {
	if token, err = p.randomString(16); err != nil {
		return "", "", storeError(err)
	}
	if secret, err = p.randomString(32); err != nil {
		return "", "", storeError(err)
	}
	return token, secret, nil
}

// checkCallback accepts "oob" or an absolute URL, which must match
// registered (when set) by scheme, host, port and path.
func checkCallback(cb, registered string) error {
	if cb == OOB {
		return nil
	}
	u, err := parseCallback(cb)
	if err != nil {
		return badRequest(ProblemParameterRejected, "oauth_callback must be an absolute URL or oob")
	}
	if registered == "" {
		return nil
	}
	reg, err := parseCallback(registered)
	if err != nil || !sameEndpoint(u, reg) {
		return badRequest(ProblemParameterRejected, "oauth_callback does not match the registered callback")
	}
	return nil
}

// parseCallback parses an absolute callback URL. Schemes that run code in
// a browser are refused; http and https need a host.
func parseCallback(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Opaque != "" {
		return nil, errors.New("not an absolute URL")
	}
	switch strings.ToLower(u.Scheme) {
	case "javascript", "data", "vbscript", "file":
		return nil, errors.New("scheme not allowed")
	case "http", "https":
		if u.Hostname() == "" {
			return nil, errors.New("no host")
		}
	}
	return u, nil
}

// sameEndpoint compares scheme, host, port (default ports made explicit)
// and path; queries may differ.
func sameEndpoint(a, b *url.URL) bool {
	port := func(u *url.URL) string {
		if p := u.Port(); p != "" {
			return p
		}
		switch strings.ToLower(u.Scheme) {
		case "http":
			return "80"
		case "https":
			return "443"
		}
		return ""
	}
	path := func(u *url.URL) string {
		if p := u.EscapedPath(); p != "" {
			return p
		}
		return "/"
	}
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) &&
		port(a) == port(b) && path(a) == path(b)
}

// AccessTokenHandler answers token credential requests (RFC 5849 §2.3):
// signed with the authorized request token, carrying its oauth_verifier
// (compared in constant time). The request token is consumed exactly once,
// atomically with the creation of the access token. It answers
// oauth_token, oauth_token_secret, user_id and, when the provider has
// scopes, scope (the granted ones, space-separated).
func (p *Provider) AccessTokenHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		at, err := p.exchange(r)
		if err != nil {
			p.WriteError(w, err)
			return
		}
		pairs := []string{"oauth_token", at.Token, "oauth_token_secret", at.Secret, "user_id", at.UserID}
		if len(p.scopes) > 0 {
			pairs = append(pairs, "scope", strings.Join(at.Scopes, " "))
		}
		writeForm(w, pairs...)
	})
}

func (p *Provider) exchange(r *http.Request) (_ *AccessToken, err error) {
	v, err := p.parseRequest(r)
	if err != nil {
		return nil, err
	}
	defer p.release(v)
	ctx, call := p.begin(r.Context(), r)
	defer call.end(&err)
	if err := p.check(ctx, r, v, kindExchange); err != nil {
		return nil, err
	}
	token, secret, err := p.credentials()
	if err != nil {
		return nil, err
	}
	now := p.now()
	at := &AccessToken{
		Token: token, Secret: secret, ConsumerKey: v.consumer.Key, UserID: v.request.UserID,
		Scopes: v.request.Scopes, CreatedAt: now,
	}
	if p.accessTTL > 0 {
		at.ExpiresAt = now.Add(p.accessTTL)
	}
	switch err := p.store.ConsumeRequestToken(ctx, v.request.Token, at); {
	case err == nil:
		return at, nil
	case errors.Is(err, ErrConflict):
		return nil, unauthorized(ProblemTokenUsed, "the request token was already exchanged")
	case errors.Is(err, ErrNotFound):
		return nil, unauthorized(ProblemTokenRejected, "the token is not known")
	default:
		return nil, storeError(err)
	}
}

// appendQuery adds the pairs to rawURL's query, keeping any query it has
// and its fragment.
func appendQuery(rawURL string, pairs ...string) string {
	base, frag, hasFrag := strings.Cut(rawURL, "#")
	var b strings.Builder
	b.WriteString(base)
	sep := byte('?')
	if strings.Contains(base, "?") {
		sep = '&'
		if strings.HasSuffix(base, "?") || strings.HasSuffix(base, "&") {
			sep = 0
		}
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		if sep != 0 {
			b.WriteByte(sep)
		}
		sep = '&'
		b.WriteString(url.QueryEscape(pairs[i]))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(pairs[i+1]))
	}
	if hasFrag {
		b.WriteByte('#')
		b.WriteString(frag)
	}
	return b.String()
}
