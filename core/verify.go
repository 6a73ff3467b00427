package core

import (
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// verifyKind is what a request must be signed with.
type verifyKind int

const (
	// kindProtected: consumer and access token (three-legged).
	kindProtected verifyKind = iota
	// kindTwoLegged: consumer only; a token, when present, is checked as
	// an access token.
	kindTwoLegged
	// kindInitiate: consumer only, with oauth_callback (RFC 5849 §2.1).
	kindInitiate
	// kindExchange: consumer, request token and oauth_verifier (§2.3).
	kindExchange
)

// grant is what a verified request proves.
func (p *Provider) grant(v *signedRequest) *Grant {
	g := &Grant{Consumer: v.consumer, SignatureMethod: v.method}
	if v.access != nil {
		g.Token, g.UserID, g.Scopes = v.access, v.access.UserID, v.access.Scopes
	} else {
		g.Scopes = slices.Clone(p.consumerScopes(v.consumer)) // never the provider's own slice
	}
	return g
}

// check verifies a parsed request and records in sr what it found. Its
// store calls run under ctx (see begin).
func (p *Provider) check(ctx context.Context, r *http.Request, sr *signedRequest, kind verifyKind) (*signedRequest, error) {
	var err error
	pr := &sr.proto
	if kind == kindTwoLegged && pr.token != "" {
		kind = kindProtected
	}

	// Syntax.
	var absent []string
	need := func(v, name string) {
		if v == "" {
			absent = append(absent, name)
		}
	}
	need(pr.consumerKey, "oauth_consumer_key")
	need(pr.signatureMethod, "oauth_signature_method")
	need(pr.signature, "oauth_signature")
	plaintext := pr.signatureMethod == PLAINTEXT
	if !plaintext || pr.timestamp != "" || pr.nonce != "" {
		// RFC 5849 §3.1 lets PLAINTEXT omit timestamp and nonce, but not
		// one without the other: a nonce is kept by its timestamp.
		need(pr.timestamp, "oauth_timestamp")
		need(pr.nonce, "oauth_nonce")
	}
	switch kind {
	case kindProtected:
		need(pr.token, "oauth_token")
	case kindInitiate:
		need(pr.callback, "oauth_callback")
	case kindExchange:
		need(pr.token, "oauth_token")
		need(pr.verifier, "oauth_verifier")
	}
	if len(absent) > 0 {
		e := badRequest(ProblemParameterAbsent, "required OAuth parameters are missing")
		e.ParametersAbsent = absent
		return nil, e
	}
	if kind == kindInitiate && pr.token != "" {
		return nil, badRequest(ProblemParameterRejected, "a request token request must not carry oauth_token")
	}
	if pr.seen&seenVersion != 0 && pr.version != "1.0" && !strings.EqualFold(pr.version, "1.0a") {
		// 1.0a names the same protocol (RFC 5849 is OAuth 1.0 Revision A);
		// popular clients send it, and refusing it broke them elsewhere.
		return nil, badRequest(ProblemVersionRejected, "oauth_version must be 1.0")
	}
	m, ok := p.methods[pr.signatureMethod]
	if !ok {
		return nil, badRequest(ProblemSignatureMethodRejected, "the signature method is not supported")
	}
	if plaintext && !sr.https && !p.plainHTTP {
		return nil, badRequest(ProblemSignatureMethodRejected, "PLAINTEXT is accepted over TLS only")
	}
	if pr.seen&seenBodyHash != 0 && m.Hash() == 0 {
		return nil, badRequest(ProblemParameterRejected, "oauth_body_hash needs a signature method with a hash")
	}

	// Timestamp window.
	now := p.now()
	var ts int64
	if pr.timestamp != "" {
		ts, err = parseTimestamp(pr.timestamp)
		if err != nil {
			return nil, badRequest(ProblemParameterRejected, "oauth_timestamp must be a positive integer of seconds")
		}
		lo, hi := now.Add(-p.past).Unix(), now.Add(p.future).Unix()
		if ts < lo || ts > hi {
			advice := "oauth_timestamp is outside the accepted window"
			if ms := ts / 1000; ms >= lo && ms <= hi {
				advice = "oauth_timestamp looks like milliseconds: send seconds since 1970-01-01 UTC"
			}
			e := unauthorized(ProblemTimestampRefused, advice)
			e.AcceptableTimestamps = strconv.FormatInt(lo, 10) + "-" + strconv.FormatInt(hi, 10)
			return nil, e
		}
	}

	// Lookups. Unknown keys still cost a full HMAC or PLAINTEXT check, with
	// dummy secrets, so timing does not tell which keys exist. (RSA needs the
	// consumer's public key: an unknown consumer is refused without one.)
	sr.method = m.Name()
	before := p.cache.generation()
	gen, cached, tokenKnown, err := p.lookup(ctx, kind, sr)
	if err != nil {
		return nil, err
	}
	if err := p.authenticate(r, sr, kind, m, now, tokenKnown); err != nil {
		return nil, err
	}
	if !cached {
		gen = before
		p.cache.put(gen, sr.consumer, sr.access)
	}

	// Nonce, last.
	if pr.nonce == "" {
		return sr, nil
	}
	n := Nonce{ConsumerKey: pr.consumerKey, Token: pr.token, Nonce: pr.nonce, Timestamp: time.Unix(ts, 0)}
	if p.cache == nil {
		err = p.nonces.UseNonce(ctx, n)
	} else {
		var latest int64
		latest, err = p.nonces.(NonceGenerationStore).UseNonceGeneration(ctx, n)
		if err == nil && cached && latest != gen {
			// What the cache held may have changed since: read it again,
			// and check the request once more with what the store holds.
			p.cache.observe(latest)
			if _, _, tokenKnown, err = p.lookupStore(ctx, kind, sr); err != nil {
				return nil, err
			}
			if err := p.authenticate(r, sr, kind, m, now, tokenKnown); err != nil {
				return nil, err
			}
			p.cache.put(latest, sr.consumer, sr.access)
		}
		if err == nil {
			p.cache.observe(latest)
		}
	}
	if err != nil {
		if errors.Is(err, ErrNonceUsed) {
			return nil, unauthorized(ProblemNonceUsed, "the nonce was already used with this timestamp")
		}
		return nil, storeError(err)
	}
	return sr, nil
}

// authenticate checks what lookup found for a parsed request: the
// signature (with dummy secrets for an unknown consumer or token), the
// token's state and the body hash.
func (p *Provider) authenticate(r *http.Request, sr *signedRequest, kind verifyKind, m rfc5849.SignatureMethod, now time.Time, tokenKnown bool) error {
	pr := &sr.proto
	keys := rfc5849.Keys{ConsumerSecret: p.dummy, TokenSecret: ""}
	if sr.consumer != nil {
		keys.ConsumerSecret = sr.consumer.Secret
	}
	switch {
	case !tokenKnown:
		keys.TokenSecret = p.dummy
	case sr.access != nil:
		keys.TokenSecret = sr.access.Secret
	case sr.request != nil:
		keys.TokenSecret = sr.request.Secret
	}
	if isRSA(m) && sr.consumer != nil {
		if sr.consumer.RSAPublicKey == "" {
			return badRequest(ProblemSignatureMethodRejected, "the consumer has no RSA public key registered")
		}
		var err error
		if keys.PublicKey, err = rfc5849.ParseRSAPublicKey(sr.consumer.RSAPublicKey); err != nil {
			return badRequest(ProblemSignatureMethodRejected, "the consumer's registered RSA public key is unusable")
		}
	}

	// Signature.
	sigErr := errSkipped
	if sr.consumer != nil || !isRSA(m) {
		sigErr = p.checkSignature(r.Method, sr, m, keys)
	}
	if sr.consumer == nil {
		return unauthorized(ProblemConsumerKeyUnknown, "the consumer key is not known")
	}
	if !tokenKnown {
		return unauthorized(ProblemTokenRejected, "the token is not known")
	}
	if sigErr != nil {
		e := unauthorized(ProblemSignatureInvalid, "the signature does not match")
		e.BaseString = sr.failedBase
		return e
	}

	// Token state.
	switch kind {
	case kindProtected:
		at := sr.access
		switch {
		case at.ConsumerKey != sr.consumer.Key:
			return unauthorized(ProblemTokenRejected, "the token was not issued to this consumer")
		case at.Revoked:
			return unauthorized(ProblemTokenRevoked, "the token has been revoked")
		case at.expired(now):
			return unauthorized(ProblemTokenExpired, "the token has expired")
		}
	case kindExchange:
		if err := p.checkExchange(sr.request, sr.consumer, pr.verifier, now); err != nil {
			return err
		}
	}

	// Body hash (OAuth Request Body Hash).
	if pr.seen&seenBodyHash != 0 {
		h := m.Hash().New()
		h.Write(sr.body)
		if subtle.ConstantTimeCompare([]byte(base64.StdEncoding.EncodeToString(h.Sum(nil))), []byte(pr.bodyHash)) != 1 {
			return unauthorized(ProblemSignatureInvalid, "oauth_body_hash does not match the body")
		}
	}
	return nil
}

// lookup finds the consumer and the token a request names and records
// them in sr: from the lookup cache when it holds all that kind needs and
// the request has a nonce (whose write tells whether the cache is still
// right), else from the store (lookupStore). An unknown consumer stays
// nil; tokenKnown is false when the request names a token the store lacks.
// gen is the generation of the cached records.
func (p *Provider) lookup(ctx context.Context, kind verifyKind, sr *signedRequest) (gen int64, cached, tokenKnown bool, err error) {
	pr := &sr.proto
	if pr.nonce != "" && (kind == kindProtected || kind == kindTwoLegged || kind == kindInitiate) {
		token := ""
		if kind == kindProtected {
			token = pr.token
		}
		if c, a, gen, ok := p.cache.get(pr.consumerKey, token); ok {
			sr.consumer, sr.access = c, a
			return gen, true, true, nil
		}
	}
	return p.lookupStore(ctx, kind, sr)
}

// lookupStore is lookup from the store, in one call when the store offers
// ConsumerAccessTokenGetter.
func (p *Provider) lookupStore(ctx context.Context, kind verifyKind, sr *signedRequest) (gen int64, cached, tokenKnown bool, err error) {
	pr := &sr.proto
	if both, ok := p.store.(ConsumerAccessTokenGetter); ok && kind == kindProtected {
		// One call; each record missing is nil (and the error ErrNotFound).
		sr.consumer, sr.access, err = both.GetConsumerAndAccessToken(ctx, pr.consumerKey, pr.token)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return 0, false, false, storeError(err)
		}
		return 0, false, sr.access != nil, nil
	}
	sr.consumer, err = p.store.GetConsumer(ctx, pr.consumerKey)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			return 0, false, false, storeError(err)
		}
		sr.consumer = nil
	}
	err = nil
	switch kind {
	case kindProtected:
		sr.access, err = p.store.GetAccessToken(ctx, pr.token)
	case kindExchange:
		sr.request, err = p.store.GetRequestToken(ctx, pr.token)
	}
	switch {
	case err == nil:
		return 0, false, true, nil
	case errors.Is(err, ErrNotFound):
		sr.access, sr.request = nil, nil
		return 0, false, false, nil
	}
	return 0, false, false, storeError(err)
}

var errSkipped = errors.New("signature not checked")

// isRSA reports whether m verifies with the consumer's RSA public key.
func isRSA(m rfc5849.SignatureMethod) bool {
	switch m.Name() {
	case RSASHA1, RSASHA256, RSASHA512:
		return true
	}
	return false
}

// checkExchange checks a request token presented with its verifier.
func (p *Provider) checkExchange(rt *RequestToken, c *Consumer, verifier string, now time.Time) error {
	switch {
	case rt.ConsumerKey != c.Key:
		return unauthorized(ProblemTokenRejected, "the token was not issued to this consumer")
	case rt.State == StateUsed:
		return unauthorized(ProblemTokenUsed, "the request token was already exchanged")
	case rt.State == StateDenied:
		return unauthorized(ProblemUserRefused, "the user refused access")
	case !now.Before(rt.ExpiresAt):
		return unauthorized(ProblemTokenExpired, "the request token has expired")
	case rt.State != StateAuthorized:
		return unauthorized(ProblemTokenRejected, "the request token is not authorized yet")
	case subtle.ConstantTimeCompare([]byte(rt.Verifier), []byte(verifier)) != 1:
		return unauthorized(ProblemVerifierInvalid, "the verifier does not match")
	}
	return nil
}

// parseTimestamp parses decimal seconds: digits only, no sign, no spaces.
func parseTimestamp(s string) (int64, error) {
	if s == "" || len(s) > 18 {
		return 0, strconv.ErrSyntax
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseInt(s, 10, 64)
}

// consumerScopes returns what c may be granted.
func (p *Provider) consumerScopes(c *Consumer) []string {
	if len(c.Scopes) > 0 {
		return c.Scopes
	}
	return p.scopeNames
}

// checkSignature builds the base string in a pooled buffer and checks the
// signature. With Config.ExposeBaseString, a mismatch carries the base
// string for the signature_invalid answer.
func (p *Provider) checkSignature(method string, sr *signedRequest, m rfc5849.SignatureMethod, keys rfc5849.Keys) error {
	bp := p.buffers.Get().(*[]byte)
	defer func() {
		if cap(*bp) <= 64<<10 {
			p.buffers.Put(bp)
		}
	}()
	*bp = rfc5849.AppendBaseString((*bp)[:0], method, sr.baseURI, sr.params)
	err := m.Verify(*bp, sr.proto.signature, keys)
	if err != nil && p.exposeBase {
		sr.failedBase = string(*bp)
	}
	return err
}
