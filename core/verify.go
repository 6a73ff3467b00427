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

// check verifies a parsed request and records in sr what it found. It is
// the checklist, one step a function, in this order:
//
//  1. checkSyntax: the parameters the kind of request needs, the version,
//     the signature method;
//  2. checkTimestamp: the timestamp window;
//  3. lookup: the consumer and the token, from the lookup cache or the
//     store;
//  4. authenticate: the signature (with dummy secrets for an unknown
//     consumer or token, in constant time), the token's state, the body
//     hash;
//  5. checkNonce: the nonce, last, so that unsigned requests never write
//     to the nonce store.
//
// Its store calls run under ctx (see begin).
func (p *Provider) check(ctx context.Context, r *http.Request, sr *signedRequest, kind verifyKind) error {
	if kind == kindTwoLegged && sr.proto.token != "" {
		kind = kindProtected
	}
	m, err := p.checkSyntax(sr, kind)
	if err != nil {
		return err
	}
	now := p.now()
	ts, err := p.checkTimestamp(sr.proto.timestamp, now)
	if err != nil {
		return err
	}
	found, err := p.lookup(ctx, kind, sr)
	if err != nil {
		return err
	}
	if err := p.authenticate(r, sr, kind, m, now, found.tokenKnown); err != nil {
		if !found.cached {
			return err
		}
		// What the cache held may be stale in a way that refuses a good
		// request (a consumer's new secret): ask the store before refusing.
		gen := p.cache.generation()
		if found, err = p.lookupStore(ctx, kind, sr); err != nil {
			return err
		}
		found.gen = gen
		if err := p.authenticate(r, sr, kind, m, now, found.tokenKnown); err != nil {
			return err
		}
	}
	if !found.cached {
		p.cache.put(found.gen, sr.consumer, sr.access)
	}
	return p.checkNonce(ctx, r, sr, kind, m, now, ts, found)
}

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

// checkSyntax is step 1 (RFC 5849 §3.1, §3.4): every parameter the kind
// of request needs is present, the version is 1.0, and the signature
// method is allowed (PLAINTEXT over TLS only) and has a hash when the
// request carries oauth_body_hash. It returns the method.
func (p *Provider) checkSyntax(sr *signedRequest, kind verifyKind) (rfc5849.SignatureMethod, error) {
	pr := &sr.proto
	if absent := missingParams(pr, kind); len(absent) > 0 {
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
	if pr.signatureMethod == PLAINTEXT && !sr.https && !p.plainHTTP {
		return nil, badRequest(ProblemSignatureMethodRejected, "PLAINTEXT is accepted over TLS only")
	}
	if pr.seen&seenBodyHash != 0 && m.Hash() == 0 {
		return nil, badRequest(ProblemParameterRejected, "oauth_body_hash needs a signature method with a hash")
	}
	sr.method = m.Name()
	return m, nil
}

// missingParams returns the names of the protocol parameters that kind
// needs and pr lacks, in a fixed order.
func missingParams(pr *protocol, kind verifyKind) []string {
	var absent []string
	need := func(v, name string) {
		if v == "" {
			absent = append(absent, name)
		}
	}
	need(pr.consumerKey, "oauth_consumer_key")
	need(pr.signatureMethod, "oauth_signature_method")
	need(pr.signature, "oauth_signature")
	if pr.signatureMethod != PLAINTEXT || pr.timestamp != "" || pr.nonce != "" {
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
	return absent
}

// checkTimestamp is step 2 (RFC 5849 §3.3): oauth_timestamp, when present,
// is decimal seconds within Config.TimestampPast and TimestampFuture of
// now. It returns the timestamp (0 when absent).
func (p *Provider) checkTimestamp(timestamp string, now time.Time) (int64, error) {
	if timestamp == "" {
		return 0, nil
	}
	ts, err := parseTimestamp(timestamp)
	if err != nil {
		return 0, badRequest(ProblemParameterRejected, "oauth_timestamp must be a positive integer of seconds")
	}
	lo, hi := now.Add(-p.past).Unix(), now.Add(p.future).Unix()
	if ts < lo || ts > hi {
		advice := "oauth_timestamp is outside the accepted window"
		if ms := ts / 1000; ms >= lo && ms <= hi {
			advice = "oauth_timestamp looks like milliseconds: send seconds since 1970-01-01 UTC"
		}
		e := unauthorized(ProblemTimestampRefused, advice)
		e.AcceptableTimestamps = strconv.FormatInt(lo, 10) + "-" + strconv.FormatInt(hi, 10)
		return 0, e
	}
	return ts, nil
}

// parseTimestamp parses decimal seconds: digits only, no sign, no spaces,
// at most 18 of them (so the value fits an int64).
func parseTimestamp(s string) (int64, error) {
	if s == "" || len(s) > 18 {
		return 0, strconv.ErrSyntax
	}
	var n int64
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
		n = n*10 + int64(s[i]-'0')
	}
	return n, nil
}

// lookedUp is what lookup learned besides the records it put in sr.
type lookedUp struct {
	// tokenKnown is false when the request names a token the store lacks.
	tokenKnown bool
	// cached is true when the records came from the lookup cache.
	cached bool
	// gen is the cache generation the records belong to: the cached one,
	// or the one before the store was read.
	gen int64
}

// lookup is step 3: it finds the consumer and the token a request names
// and records them in sr, from the lookup cache when it holds all that
// kind needs and the request has a nonce (whose write tells whether the
// cache is still right), else from the store (lookupStore). An unknown
// consumer stays nil.
func (p *Provider) lookup(ctx context.Context, kind verifyKind, sr *signedRequest) (lookedUp, error) {
	pr := &sr.proto
	if pr.nonce != "" && (kind == kindProtected || kind == kindTwoLegged || kind == kindInitiate) {
		token := ""
		if kind == kindProtected {
			token = pr.token
		}
		if c, a, gen, ok := p.cache.get(pr.consumerKey, token); ok {
			sr.consumer, sr.access = c, a
			return lookedUp{tokenKnown: true, cached: true, gen: gen}, nil
		}
	}
	gen := p.cache.generation()
	found, err := p.lookupStore(ctx, kind, sr)
	found.gen = gen
	return found, err
}

// lookupStore is lookup from the store, in one call when the store offers
// ConsumerAccessTokenGetter.
func (p *Provider) lookupStore(ctx context.Context, kind verifyKind, sr *signedRequest) (lookedUp, error) {
	pr := &sr.proto
	if both, ok := p.store.(ConsumerAccessTokenGetter); ok && kind == kindProtected {
		// One call; each record missing is nil (and the error ErrNotFound).
		var err error
		sr.consumer, sr.access, err = both.GetConsumerAndAccessToken(ctx, pr.consumerKey, pr.token)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return lookedUp{}, storeError(err)
		}
		return lookedUp{tokenKnown: sr.access != nil}, nil
	}
	var err error
	sr.consumer, err = p.store.GetConsumer(ctx, pr.consumerKey)
	if err != nil {
		if !errors.Is(err, ErrNotFound) {
			return lookedUp{}, storeError(err)
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
		return lookedUp{tokenKnown: true}, nil
	case errors.Is(err, ErrNotFound):
		sr.access, sr.request = nil, nil
		return lookedUp{tokenKnown: false}, nil
	}
	return lookedUp{}, storeError(err)
}

// authenticate is step 4: it checks what lookup found for a parsed
// request, the signature, then the token's state, then the body hash.
func (p *Provider) authenticate(r *http.Request, sr *signedRequest, kind verifyKind, m rfc5849.SignatureMethod, now time.Time, tokenKnown bool) error {
	if err := p.checkSignature(r.Method, sr, m, tokenKnown); err != nil {
		return err
	}
	if err := checkTokenState(sr, kind, now); err != nil {
		return err
	}
	return checkBodyHash(sr, m)
}

// checkSignature checks the signature (RFC 5849 §3.4) with the secrets of
// the consumer and the token lookup found. Unknown keys still cost a full
// HMAC or PLAINTEXT check, with dummy secrets, so timing does not tell
// which keys exist; RSA needs the consumer's public key, so an unknown
// consumer is refused without one. An unknown consumer is
// consumer_key_unknown, an unknown token token_rejected, a mismatch
// signature_invalid.
func (p *Provider) checkSignature(method string, sr *signedRequest, m rfc5849.SignatureMethod, tokenKnown bool) error {
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
	sigErr := errSkipped
	if sr.consumer != nil || !isRSA(m) {
		sigErr = p.verifySignature(method, sr, m, keys)
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
	return nil
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

// verifySignature builds the base string in a pooled buffer and verifies
// the signature. With Config.ExposeBaseString, a mismatch keeps the base
// string for the signature_invalid answer.
func (p *Provider) verifySignature(method string, sr *signedRequest, m rfc5849.SignatureMethod, keys rfc5849.Keys) error {
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

// checkTokenState checks the state of the token the request presents (see
// tokenstate.go): an access token must be the consumer's, unrevoked and
// unexpired; a request token being exchanged must be the consumer's,
// authorized and unexpired, and come with its verifier (compared in
// constant time).
func checkTokenState(sr *signedRequest, kind verifyKind, now time.Time) error {
	switch kind {
	case kindProtected:
		if err := accessTokenState(sr.access, sr.consumer, now); err != nil {
			return err
		}
	case kindExchange:
		rt := sr.request
		if rt.ConsumerKey != sr.consumer.Key {
			return unauthorized(ProblemTokenRejected, "the token was not issued to this consumer")
		}
		if err := requestTokenState(rt, StateAuthorized, now); err != nil {
			return err
		}
		if subtle.ConstantTimeCompare([]byte(rt.Verifier), []byte(sr.proto.verifier)) != 1 {
			return unauthorized(ProblemVerifierInvalid, "the verifier does not match")
		}
	}
	return nil
}

// checkBodyHash checks oauth_body_hash, when the request carries one
// (OAuth Request Body Hash): the base64 of the method's hash of the body.
func checkBodyHash(sr *signedRequest, m rfc5849.SignatureMethod) error {
	if sr.proto.seen&seenBodyHash == 0 {
		return nil
	}
	h := m.Hash().New()
	h.Write(sr.body)
	if subtle.ConstantTimeCompare([]byte(base64.StdEncoding.EncodeToString(h.Sum(nil))), []byte(sr.proto.bodyHash)) != 1 {
		return unauthorized(ProblemSignatureInvalid, "oauth_body_hash does not match the body")
	}
	return nil
}

// checkNonce is step 5 (RFC 5849 §3.3): it records the request's nonce,
// unused before with this consumer, token and timestamp (nonce_used). A
// PLAINTEXT request without one has nothing to record. With the lookup
// cache, the generation the nonce write returns tells whether the records
// the cache gave may have changed since: then the request is looked up
// and authenticated once more, from the store.
func (p *Provider) checkNonce(ctx context.Context, r *http.Request, sr *signedRequest, kind verifyKind, m rfc5849.SignatureMethod, now time.Time, ts int64, found lookedUp) error {
	pr := &sr.proto
	if pr.nonce == "" {
		return nil
	}
	n := Nonce{ConsumerKey: pr.consumerKey, Token: pr.token, Nonce: pr.nonce, Timestamp: time.Unix(ts, 0)}
	if p.cache == nil {
		return nonceError(p.nonces.UseNonce(ctx, n))
	}
	latest, err := p.nonces.(NonceGenerationStore).UseNonceGeneration(ctx, n)
	if err != nil {
		return nonceError(err)
	}
	if found.cached && latest != found.gen {
		p.cache.observe(latest)
		again, err := p.lookupStore(ctx, kind, sr)
		if err != nil {
			return err
		}
		if err := p.authenticate(r, sr, kind, m, now, again.tokenKnown); err != nil {
			return err
		}
		p.cache.put(latest, sr.consumer, sr.access)
	}
	p.cache.observe(latest)
	return nil
}

// nonceError is the answer to a nonce store's error: nil, 401 nonce_used,
// or a store failure.
func nonceError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, ErrNonceUsed):
		return unauthorized(ProblemNonceUsed, "the nonce was already used with this timestamp")
	}
	return storeError(err)
}
