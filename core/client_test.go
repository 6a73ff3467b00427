package core_test

import (
	"bytes"
	"crypto/rsa"
	"crypto/tls"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// The test client: client signs requests as an OAuth client does
// (through oauthtest.Signer), with the env's clock; the other helpers
// here build requests and change them after signing, as a client or the
// network might.

// prm is a parameter: an extra one to sign, or an expected one.
func prm(k, v string) rfc5849.Param { return rfc5849.Param{Key: k, Value: v} }

// client is an OAuth client's credentials and how it signs. In a table, a
// row whose client has no key stands for an unsigned request.
type client struct {
	key, secret        string
	token, tokenSecret string
	method             string              // default HMAC-SHA1
	rsaKey             *rsa.PrivateKey     // signs the RSA methods
	placement          oauthtest.Placement // where the protocol parameters go
}

// withToken is c signing with a token's credentials too.
func (c client) withToken(token, secret string) client {
	c.token, c.tokenSecret = token, secret
	return c
}

// using is c signing with method.
func (c client) using(method string) client {
	c.method = method
	return c
}

// in is c sending the protocol parameters in placement.
func (c client) in(placement oauthtest.Placement) client {
	c.placement = placement
	return c
}

// sign signs r as c at the env's clock, with a fresh nonce, and returns
// it. An oauth_* parameter in extra travels with the protocol parameters
// and replaces the one of that name the signer would send
// (oauth_timestamp, oauth_nonce, or oauth_signature_method: a name the
// signer does not know is then sent over a c.method signature); any other
// goes in the query, or in the form body when c.placement is Body.
func (e *env) sign(c client, r *http.Request, extra ...rfc5849.Param) *http.Request {
	var protocol, other []rfc5849.Param
	for _, p := range extra {
		if strings.HasPrefix(p.Key, "oauth_") {
			protocol = append(protocol, p)
		} else {
			other = append(other, p)
		}
	}
	if c.placement == oauthtest.Body {
		addForm(r, other)
	} else {
		addQuery(r, other)
	}
	s := oauthtest.Signer{
		ConsumerKey: c.key, ConsumerSecret: c.secret, Token: c.token, TokenSecret: c.tokenSecret,
		Method: c.method, PrivateKey: c.rsaKey, Now: e.clock.Now, Placement: c.placement, OmitVersion: true,
	}
	if err := s.Sign(r, protocol...); err != nil {
		panic("sign: " + err.Error())
	}
	return r
}

// encodePairs is ps as a query string.
func encodePairs(ps []rfc5849.Param) string {
	var parts []string
	for _, p := range ps {
		parts = append(parts, rfc5849.Encode(p.Key)+"="+rfc5849.Encode(p.Value))
	}
	return strings.Join(parts, "&")
}

// addQuery appends ps to r's query.
func addQuery(r *http.Request, ps []rfc5849.Param) { appendRawQuery(r, encodePairs(ps)) }

// appendRawQuery appends q, as it is, to r's query.
func appendRawQuery(r *http.Request, q string) {
	if q == "" {
		return
	}
	if r.URL.RawQuery != "" {
		r.URL.RawQuery += "&"
	}
	r.URL.RawQuery += q
}

// addForm appends ps to r's form body, making it one if needed.
func addForm(r *http.Request, ps []rfc5849.Param) {
	if len(ps) == 0 {
		return
	}
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	b := readAll(r)
	if len(b) > 0 {
		b = append(b, '&')
	}
	setBody(r, append(b, encodePairs(ps)...))
}

// readAll reads r's body and puts it back.
func readAll(r *http.Request) []byte {
	if r.Body == nil {
		return nil
	}
	b, err := io.ReadAll(r.Body)
	if err != nil {
		panic(err)
	}
	setBody(r, b)
	return b
}

// setBody makes b r's body.
func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
}

// dropHeaderParam leaves the parameter name out of r's Authorization
// header, after signing.
func dropHeaderParam(r *http.Request, name string) *http.Request {
	ps, realm, err := rfc5849.ParseAuthorizationHeader(r.Header.Get("Authorization"))
	if err != nil {
		panic(err)
	}
	ps = slices.DeleteFunc(ps, func(p rfc5849.Param) bool { return p.Key == name })
	r.Header.Set("Authorization", oauthtest.AuthorizationHeader(realm, ps))
	return r
}

// authHeader renders an OAuth Authorization header from name/value pairs,
// percent-encoding the values.
func authHeader(pairs ...string) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, pairs[i]+`="`+rfc5849.Encode(pairs[i+1])+`"`)
	}
	return "OAuth " + strings.Join(parts, ", ")
}

// headerWithBadSignature is an Authorization header with alice's protocol
// parameters at t0, pairs added, and an oauth_signature that is not even
// base64: for requests refused before their signature is checked.
func headerWithBadSignature(pairs ...string) string {
	all := []string{"oauth_consumer_key", fxCK, "oauth_token", fxTK, "oauth_signature_method", core.HMACSHA1,
		"oauth_timestamp", ts(0), "oauth_nonce", "n", "oauth_signature", "not base64!"}
	return authHeader(append(all, pairs...)...)
}

// ts is the timestamp d seconds from t0.
func ts(d int64) string { return strconv.FormatInt(t0+d, 10) }

// sentAs is the signed request r as the server receives it: with method,
// at rawURL (scheme, host, path and query), as after a change on the way
// or behind a proxy.
func sentAs(r *http.Request, method, rawURL string) *http.Request {
	u, err := url.Parse(rawURL)
	if err != nil {
		panic(err)
	}
	r.Method, r.URL, r.Host, r.TLS = method, u, u.Host, nil
	if u.Scheme == "https" {
		r.TLS = &tls.ConnectionState{}
	}
	return r
}

func get() *http.Request { return httptest.NewRequest("GET", apiURL, nil) }

func getTLS() *http.Request { return httptest.NewRequest("GET", apiTLSURL, nil) }

func postJSON(body string) *http.Request {
	r := httptest.NewRequest("POST", itemsURL, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	return r
}

func postForm(body string) *http.Request {
	r := httptest.NewRequest("POST", itemsURL, strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// endless is a body that never ends.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	return len(p), nil
}
