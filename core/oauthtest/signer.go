package oauthtest

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// Placement is where Sign puts the oauth_* protocol parameters (RFC 5849
// §3.5).
type Placement int

const (
	// Header puts them in the Authorization header (the default).
	Header Placement = iota
	// Query appends them to the request URI's query.
	Query
	// Body appends them to an application/x-www-form-urlencoded body.
	Body
)

const formType = "application/x-www-form-urlencoded"

// Param is one decoded name/value pair, a struct{ Key, Value string }: an
// extra protocol parameter for Sign, or one for AuthorizationHeader. It is
// the pair the provider parses requests into.
type Param = rfc5849.Param

// Signer signs requests as one client. The zero Method is core.HMACSHA1.
// A Signer is safe for concurrent use when its Now and Nonce are.
type Signer struct {
	ConsumerKey, ConsumerSecret string
	// Token and TokenSecret are empty for two-legged and request-token
	// calls.
	Token, TokenSecret string
	// Method is the oauth_signature_method. Default core.HMACSHA1.
	Method string
	// PrivateKey signs RSA-SHA1, RSA-SHA256 and RSA-SHA512.
	PrivateKey *rsa.PrivateKey
	// Now gives oauth_timestamp. Default time.Now.
	Now func() time.Time
	// Nonce gives oauth_nonce. Default: 16 bytes from crypto/rand, in hex.
	Nonce func() string
	// Realm, when set, is sent as the Authorization header's realm.
	Realm string
	// Placement is where the protocol parameters go. Default Header.
	Placement Placement
	// OmitVersion leaves out oauth_version="1.0" (it is optional, RFC 5849
	// §3.1; the RFC's own examples leave it out).
	OmitVersion bool
}

// Sign adds the protocol parameters to r and signs it: oauth_consumer_key,
// oauth_token (when Token is set), oauth_signature_method, oauth_timestamp,
// oauth_nonce, oauth_version (unless OmitVersion), then extra (for example
// oauth_callback, oauth_verifier or oauth_body_hash), then oauth_signature.
// An extra parameter named like one of the defaults replaces it.
//
// The signature covers r.Method, the base string URI (scheme and host from
// r.URL, or r.Host and r.TLS for a server-side request; r.Host wins when
// set, as it is what the server sees), the query, and the body when its
// Content-Type is application/x-www-form-urlencoded. Sign reads such a body
// and puts it back, so r stays sendable.
//
// With Placement Body a request without a body gets a form body; one with
// another Content-Type is an error.
func (s *Signer) Sign(r *http.Request, extra ...Param) error {
	methodName := s.Method
	if methodName == "" {
		methodName = core.HMACSHA1
	}
	m, ok := rfc5849.Method(methodName)
	if !ok {
		return fmt.Errorf("oauthtest: unknown signature method %q", methodName)
	}

	oauth := s.protocolParams(methodName, extra)

	var params []Param
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return fmt.Errorf("oauthtest: query: %w", err)
	}
	params = appendValues(params, q)

	isForm, err := hasFormBody(r)
	if err != nil {
		return err
	}
	var body []byte
	if r.Body != nil && r.Body != http.NoBody {
		if body, err = io.ReadAll(r.Body); err != nil {
			return fmt.Errorf("oauthtest: read body: %w", err)
		}
		r.Body.Close()
		setBody(r, body)
	}
	if isForm {
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return fmt.Errorf("oauthtest: form body: %w", err)
		}
		params = appendValues(params, form)
	}
	if s.Placement == Body && !isForm {
		if len(body) > 0 || r.Header.Get("Content-Type") != "" {
			return errors.New("oauthtest: Placement Body needs an application/x-www-form-urlencoded body")
		}
		r.Header.Set("Content-Type", formType)
	}
	params = append(params, oauth...)

	uri, err := baseURI(r)
	if err != nil {
		return err
	}
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	base := rfc5849.BaseString(method, uri, params)
	sig, err := m.Sign([]byte(base), rfc5849.Keys{
		ConsumerSecret: s.ConsumerSecret,
		TokenSecret:    s.TokenSecret,
		PrivateKey:     s.PrivateKey,
	})
	if err != nil {
		return fmt.Errorf("oauthtest: sign: %w", err)
	}
	oauth = append(oauth, Param{Key: "oauth_signature", Value: sig})

	switch s.Placement {
	case Header:
		r.Header.Set("Authorization", AuthorizationHeader(s.Realm, oauth))
	case Query:
		r.URL.RawQuery = appendForm(r.URL.RawQuery, oauth)
	case Body:
		setBody(r, []byte(appendForm(string(body), oauth)))
	default:
		return fmt.Errorf("oauthtest: unknown placement %d", s.Placement)
	}
	return nil
}

// protocolParams returns the oauth_* parameters to sign, extra merged in.
func (s *Signer) protocolParams(method string, extra []Param) []Param {
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	nonce := randomNonce
	if s.Nonce != nil {
		nonce = s.Nonce
	}
	ps := []Param{{Key: "oauth_consumer_key", Value: s.ConsumerKey}}
	if s.Token != "" {
		ps = append(ps, Param{Key: "oauth_token", Value: s.Token})
	}
	ps = append(ps,
		Param{Key: "oauth_signature_method", Value: method},
		Param{Key: "oauth_timestamp", Value: strconv.FormatInt(now().Unix(), 10)},
		Param{Key: "oauth_nonce", Value: nonce()},
	)
	if !s.OmitVersion {
		ps = append(ps, Param{Key: "oauth_version", Value: "1.0"})
	}
	for _, e := range extra {
		replaced := false
		for i := range ps {
			if ps[i].Key == e.Key {
				ps[i].Value, replaced = e.Value, true
				break
			}
		}
		if !replaced {
			ps = append(ps, e)
		}
	}
	return ps
}

func randomNonce() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

func hasFormBody(r *http.Request) (bool, error) {
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return false, nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false, fmt.Errorf("oauthtest: Content-Type: %w", err)
	}
	return mt == formType, nil
}

func appendValues(ps []Param, vs url.Values) []Param {
	for k, list := range vs {
		for _, v := range list {
			ps = append(ps, Param{Key: k, Value: v})
		}
	}
	return ps
}

// appendForm appends ps to a query or form string, percent-encoded.
func appendForm(s string, ps []Param) string {
	var b strings.Builder
	b.WriteString(s)
	for _, p := range ps {
		if b.Len() > 0 {
			b.WriteByte('&')
		}
		b.WriteString(rfc5849.Encode(p.Key) + "=" + rfc5849.Encode(p.Value))
	}
	return b.String()
}

// setBody makes b r's re-readable body.
func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

// baseURI returns the base string URI of r.
func baseURI(r *http.Request) (string, error) {
	host := r.Host
	if host == "" {
		host = r.URL.Host
	}
	scheme := r.URL.Scheme
	if scheme == "" {
		scheme = "http"
		if r.TLS != nil {
			scheme = "https"
		}
	}
	u := url.URL{Scheme: scheme, Host: host, Path: r.URL.Path, RawPath: r.URL.RawPath}
	uri, err := rfc5849.BaseStringURI(u.String())
	if err != nil {
		return "", fmt.Errorf("oauthtest: base string URI of %q: %w", u.String(), err)
	}
	return uri, nil
}

// AuthorizationHeader renders params (and realm, when not empty) as an
// "OAuth" Authorization header value, names and values percent-encoded, in
// the order given.
func AuthorizationHeader(realm string, params []Param) string {
	var b strings.Builder
	b.WriteString("OAuth ")
	sep := ""
	if realm != "" {
		b.WriteString(`realm="` + realm + `"`)
		sep = ", "
	}
	for _, p := range params {
		b.WriteString(sep + rfc5849.Encode(p.Key) + `="` + rfc5849.Encode(p.Value) + `"`)
		sep = ", "
	}
	return b.String()
}

// BodyHash returns the oauth_body_hash of body for signature method method:
// the base64 of the unkeyed hash of the method (SHA-1 for HMAC-SHA1 and
// RSA-SHA1, SHA-256 for HMAC-SHA256 and RSA-SHA256, SHA-512 for
// HMAC-SHA512 and RSA-SHA512). It returns "" for PLAINTEXT and unknown methods, which have
// no hash.
func BodyHash(method string, body []byte) string {
	m, ok := rfc5849.Method(method)
	if !ok || m.Hash() == 0 || !m.Hash().Available() {
		return ""
	}
	h := m.Hash().New()
	h.Write(body)
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// Client returns an *http.Client whose transport signs every request with
// s, over http.DefaultTransport.
func (s *Signer) Client() *http.Client {
	return &http.Client{Transport: s.Transport(nil)}
}

// Transport returns a RoundTripper that signs a copy of every request with
// s and sends it with base (http.DefaultTransport when nil), for example an
// httptest TLS server's client transport.
func (s *Signer) Transport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{signer: s, base: base}
}

type transport struct {
	signer *Signer
	base   http.RoundTripper
}

// RoundTrip signs a clone of req, leaving req itself untouched as the
// RoundTripper contract asks, and closes req's body.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	clone := req.Clone(req.Context())
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, fmt.Errorf("oauthtest: read body: %w", err)
		}
		setBody(clone, b)
	}
	if err := t.signer.Sign(clone); err != nil {
		return nil, err
	}
	return t.base.RoundTrip(clone)
}
