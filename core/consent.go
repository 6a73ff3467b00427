package core

import (
	"context"
	"errors"
	"net/http"
)

// The user's consent (RFC 5849 §2.2): the application's consent page shows
// a pending request token (ConsentRequest, LoadConsent) and the user
// approves or denies it (Approve, Deny), once. Approve's doc says what the
// application must check first: that its consent page sent the request
// (CSRF).

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
// LoadConsent), for the page to show. The page's form, which leads to
// Approve or Deny, must carry the application's CSRF protection, and the
// page must not be framed (see Approve).
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
	if err := requestTokenState(rt, StatePending, p.now()); err != nil {
		return nil, err
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
//
// Cross-site request forgery is the application's to stop: Approve
// trusts its caller that userID chose to approve. A page on another site
// can make the user's browser post "approve" with a request token its
// author obtained, and the user's cookies go with it; unchecked, the
// author gets an access token on the user's account. Before Approve (and
// Deny), check that the request comes from the application's own consent
// page: a CSRF token bound to the user's session in the form (as
// example-gin and example-echo do), the framework's CSRF middleware
// (Echo's middleware.CSRF), or at least net/http's CrossOriginProtection,
// which refuses cross-origin posts from browsers. Serve the consent page
// with X-Frame-Options: DENY (or Content-Security-Policy: frame-ancestors
// 'none'), so that no other site can frame it and have the user click
// Approve.
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
	granted, err := grantedScopes(rt.Scopes, scopes)
	if err != nil {
		return nil, err
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
// is 401 user_refused. Like Approve, it decides a token at most once, and
// it must be called only for a request checked as Approve's is (CSRF): a
// forged denial spoils the user's pending authorization.
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
