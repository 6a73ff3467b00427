package core

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

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
	if _, err := p.check(ctx, r, v, kindInitiate); err != nil {
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

// requestedScopes reads the signed scope parameter.
func (p *Provider) requestedScopes(params []rfc5849.Param, c *Consumer) ([]string, error) {
	var raw string
	found := false
	for _, prm := range params {
		if prm.Key == "scope" {
			if found {
				return nil, badRequest(ProblemParameterRejected, "the scope parameter is repeated")
			}
			raw, found = prm.Value, true
		}
	}
	allowed := p.consumerScopes(c)
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return slices.Clone(allowed), nil
	}
	var out []string
	for _, s := range fields {
		if !slices.Contains(allowed, s) {
			return nil, badRequest(ProblemParameterRejected, "the scope "+s+" is unknown or not allowed for this consumer")
		}
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out, nil
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
	if _, err := p.check(ctx, r, v, kindExchange); err != nil {
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

// AuthorizationRequest is what a consent page shows: which consumer asks,
// for what, and where the user goes afterwards.
type AuthorizationRequest struct {
	Token    string
	Consumer *Consumer
	// Callback is the consumer's callback URL, or "oob".
	Callback string
	OOB      bool
	// Scopes are the requested scopes with their descriptions.
	Scopes []Scope
}

// ConsentRequest reads the oauth_token of a consent page's request (see
// ConsentToken) and loads the pending authorization it names (see
// LoadConsent), for the page to show.
func (p *Provider) ConsentRequest(r *http.Request) (*AuthorizationRequest, error) {
	token, err := p.ConsentToken(r)
	if err != nil {
		return nil, err
	}
	return p.LoadConsent(RequestContext(r), token)
}

// ConsentToken returns the oauth_token a consent page's request names, from
// its query or its form body, without loading it (a missing one is 400
// parameter_absent). It is for the framework adapters, whose Approve and
// Deny read the token from the request and hand it to Provider.Approve and
// Provider.Deny.
func (p *Provider) ConsentToken(r *http.Request) (string, error) {
	token := r.URL.Query().Get("oauth_token")
	if token == "" && r.Method == http.MethodPost && r.Body != nil && formContentType(header(r, "Content-Type")) {
		r.Body = http.MaxBytesReader(nil, r.Body, p.maxBody)
		token = r.PostFormValue("oauth_token")
	}
	if token == "" {
		e := badRequest(ProblemParameterAbsent, "oauth_token is required")
		e.ParametersAbsent = []string{"oauth_token"}
		return "", e
	}
	return token, nil
}

// LoadConsent returns the pending authorization of a request token, for a
// consent page to show. An unknown token is 401 token_rejected; one already
// decided is token_used (or user_refused); an expired one token_expired.
func (p *Provider) LoadConsent(ctx context.Context, token string) (_ *AuthorizationRequest, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	rt, err := p.pendingRequestToken(ctx, token)
	if err != nil {
		return nil, err
	}
	c, err := p.store.GetConsumer(ctx, rt.ConsumerKey)
	if errors.Is(err, ErrNotFound) {
		return nil, unauthorized(ProblemConsumerKeyRejected, "the consumer no longer exists")
	}
	if err != nil {
		return nil, storeError(err)
	}
	return &AuthorizationRequest{Token: rt.Token, Consumer: c, Callback: rt.Callback, OOB: rt.Callback == OOB,
		Scopes: p.DescribeScopes(rt.Scopes)}, nil
}

func (p *Provider) describe(name string) Scope {
	for _, s := range p.scopes {
		if s.Name == name {
			return s
		}
	}
	return Scope{Name: name}
}

func (p *Provider) pendingRequestToken(ctx context.Context, token string) (*RequestToken, error) {
	if err := checkProtocolValue("oauth_token", token, p.maxParam); err != nil {
		return nil, err
	}
	rt, err := p.store.GetRequestToken(ctx, token)
	if errors.Is(err, ErrNotFound) {
		return nil, unauthorized(ProblemTokenRejected, "the token is not known")
	}
	if err != nil {
		return nil, storeError(err)
	}
	switch {
	case rt.State == StateDenied:
		return nil, unauthorized(ProblemUserRefused, "the user refused access")
	case rt.State != StatePending:
		return nil, unauthorized(ProblemTokenUsed, "the request token was already authorized")
	case !p.now().Before(rt.ExpiresAt):
		return nil, unauthorized(ProblemTokenExpired, "the request token has expired")
	}
	return rt, nil
}

// Decision is what Approve or Deny decided, and where the user goes next.
type Decision struct {
	// ConsumerKey is the key of the consumer that asked.
	ConsumerKey string
	// Denied is true for Deny's decision, false for Approve's.
	Denied bool
	// Verifier is the oauth_verifier an approval generated; "" after Deny.
	// For an oob consumer the application shows it to the user.
	Verifier string
	// RedirectURL is the consumer's callback with the answer added to its
	// query: oauth_token and oauth_verifier after Approve, denied=TOKEN
	// after Deny. It is "" for an oob consumer, where the application
	// shows the Verifier, or says that access was denied.
	RedirectURL string
}

// Approve records userID's consent for the request token. scopes narrows
// the requested scopes (nil grants all requested; a scope that was not
// requested is 400 parameter_rejected). A verifier is generated from the
// provider's randomness. The token is decided at most once: a second
// Approve or Deny is 401 token_used.
func (p *Provider) Approve(ctx context.Context, token, userID string, scopes []string) (_ *Decision, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	if userID == "" {
		return nil, badRequest(ProblemParameterAbsent, "a user is required to approve")
	}
	rt, err := p.pendingRequestToken(ctx, token)
	if err != nil {
		return nil, err
	}
	granted := rt.Scopes
	if scopes != nil {
		granted = []string{}
		for _, s := range scopes {
			if !slices.Contains(rt.Scopes, s) {
				return nil, badRequest(ProblemParameterRejected, "the scope "+s+" was not requested")
			}
			if !slices.Contains(granted, s) {
				granted = append(granted, s)
			}
		}
	}
	verifier, err := p.randomString(16)
	if err != nil {
		return nil, storeError(err)
	}
	if err := p.decided(p.store.AuthorizeRequestToken(ctx, token, userID, verifier, granted)); err != nil {
		return nil, err
	}
	d := &Decision{ConsumerKey: rt.ConsumerKey, Verifier: verifier}
	if rt.Callback != OOB {
		d.RedirectURL = appendQuery(rt.Callback, "oauth_token", token, "oauth_verifier", verifier)
	}
	return d, nil
}

// Deny records the user's refusal of the request token; a later exchange
// is 401 user_refused. Like Approve, it decides a token at most once.
func (p *Provider) Deny(ctx context.Context, token string) (_ *Decision, err error) {
	ctx, call := p.begin(ctx, nil)
	defer call.end(&err)
	rt, err := p.pendingRequestToken(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := p.decided(p.store.DenyRequestToken(ctx, token)); err != nil {
		return nil, err
	}
	d := &Decision{ConsumerKey: rt.ConsumerKey, Denied: true}
	if rt.Callback != OOB {
		d.RedirectURL = appendQuery(rt.Callback, "denied", token)
	}
	return d, nil
}

// decided maps the store's answer to an authorize or deny.
func (p *Provider) decided(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrConflict):
		return unauthorized(ProblemTokenUsed, "the request token was already decided")
	case errors.Is(err, ErrNotFound):
		return unauthorized(ProblemTokenRejected, "the token is not known")
	}
	return storeError(err)
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
