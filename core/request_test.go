package core_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// Reading a request (request.go, RFC 5849 §3.4.1.3.1, §3.5): where the
// parameters come from, the protocol parameters in one place and never
// repeated, the body read within its bound and put back for the handler.

// TestRequest_ParameterSources: the parameters of the header, the query
// and a form body are all signed; the protocol parameters may be in any
// one of the three; a form body is recognized by its Content-Type, with
// or without parameters; a realm is not a parameter.
func TestRequest_ParameterSources(t *testing.T) {
	for _, tc := range []struct {
		name        string
		c           client
		method, url string
		contentType string
		body        string
		extra       []rfc5849.Param
		realm       string // added to the signed header
	}{
		{name: "parameters in the query", c: alice.in(oauthtest.Query), method: "GET", url: apiURL,
			extra: []rfc5849.Param{prm("file", "a b&c")}},
		{name: "parameters in the form body", c: alice.in(oauthtest.Body), method: "POST", url: itemsURL,
			contentType: "application/x-www-form-urlencoded", body: "a=1&b=x+y"},
		{name: "header with a form body and query", c: alice, method: "POST", url: itemsURL + "?b=%20&a=0",
			contentType: "application/x-www-form-urlencoded", body: "a=1&a=2&c"},
		{name: "form content type with charset", c: alice, method: "POST", url: itemsURL,
			contentType: "application/x-www-form-urlencoded; charset=UTF-8", body: "a=1"},
		{name: "realm in the header", c: alice, method: "GET", url: apiURL, realm: "Photos"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			r := httptest.NewRequest(tc.method, tc.url, strings.NewReader(tc.body))
			if tc.contentType != "" {
				r.Header.Set("Content-Type", tc.contentType)
			}
			e.sign(tc.c, r, tc.extra...)
			if tc.realm != "" {
				r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "OAuth ", `OAuth realm="`+tc.realm+`", `, 1))
			}
			g, err := e.p.Authenticate(r)
			e.expect(t, err, http.StatusOK, "")
			checkGrant(t, g, "alice", core.HMACSHA1)
		})
	}
}

// TestRequest_FormTypeWithoutBody: a form Content-Type on a request
// without a body (as a client-side request may have it) has no body
// parameters.
func TestRequest_FormTypeWithoutBody(t *testing.T) {
	e := newFixture(t, core.Config{})
	r := e.sign(alice, get())
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Body = nil
	g, err := e.p.Authenticate(r)
	e.expect(t, err, http.StatusOK, "")
	checkGrant(t, g, "alice", core.HMACSHA1)
}

// TestRequest_OnePlace: the protocol parameters come from one place (the
// header, the query or the form body), and none is repeated, not even
// with the same value: else 400 parameter_rejected.
func TestRequest_OnePlace(t *testing.T) {
	for _, tc := range []struct {
		name     string
		c        client // the signer; when empty, header is sent unsigned
		header   string
		formBody string // a form body to sign, else a GET
		drop     string // a parameter left out of the signed header
		addQuery string // added to the query after signing
	}{
		{name: "repeated in header and query", c: alice, addQuery: "oauth_nonce=other"},
		{name: "repeated in header", header: headerWithBadSignature("oauth_consumer_key", fxCK2)},
		{name: "repeated with the same value in header", header: headerWithBadSignature("oauth_token", fxTK)},
		{name: "repeated in query", c: alice.in(oauthtest.Query), addQuery: "oauth_timestamp=" + ts(0)},
		{name: "repeated in query and form body", c: alice.in(oauthtest.Body), formBody: "a=1", addQuery: "oauth_signature=x"},
		{name: "split between header and query", c: alice, drop: "oauth_nonce", addQuery: "oauth_nonce=n1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			r := get()
			if tc.formBody != "" {
				r = postForm(tc.formBody)
			}
			if tc.c.key != "" {
				e.sign(tc.c, r)
			} else {
				r.Header.Set("Authorization", tc.header)
			}
			if tc.drop != "" {
				dropHeaderParam(r, tc.drop)
			}
			appendRawQuery(r, tc.addQuery)
			_, err := e.p.Authenticate(r)
			e.expectAuth(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		})
	}
}

// TestRequest_Malformed: a malformed Authorization header, percent-encoding
// or host is 400 parameter_rejected.
func TestRequest_Malformed(t *testing.T) {
	for _, tc := range []struct {
		name     string
		header   string // sent unsigned, instead of alice's signed request
		addQuery string // added to the query of alice's signed GET
		formBody string // replaces the body of alice's signed form POST
		host     string // replaces the host of alice's signed GET
	}{
		{name: "header value unquoted", header: `OAuth oauth_consumer_key=` + fxCK},
		{name: "header value unterminated", header: `OAuth oauth_consumer_key="` + fxCK},
		{name: "header pairs without comma", header: `OAuth oauth_consumer_key="a" oauth_token="b"`},
		{name: "bad percent-encoding in header", header: `OAuth oauth_consumer_key="%zz"`},
		{name: "truncated percent-encoding in header", header: `OAuth oauth_consumer_key="ab%4"`},
		{name: "bad percent-encoding in query", addQuery: "q=50%zz"},
		{name: "bad percent-encoding in form body", formBody: "a=%G1"},
		{name: "invalid host", host: "api.example.com:99999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			var r *http.Request
			switch {
			case tc.header != "":
				r = get()
				r.Header.Set("Authorization", tc.header)
			case tc.formBody != "":
				r = e.sign(alice, postForm("a=1"))
				setBody(r, []byte(tc.formBody))
			default:
				r = e.sign(alice, get())
				appendRawQuery(r, tc.addQuery)
				if tc.host != "" {
					r.Host = tc.host
				}
			}
			_, err := e.p.Authenticate(r)
			e.expectAuth(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		})
	}
}

// TestRequest_BodyOverLimit: a form body, or a body whose hash is signed,
// longer than Config.MaxBodyBytes is 400 parameter_rejected.
func TestRequest_BodyOverLimit(t *testing.T) {
	hashed := `"` + strings.Repeat("b", 64) + `"`
	for _, tc := range []struct {
		name string
		r    *http.Request
		hash string
	}{
		{"form body", postForm("a=" + strings.Repeat("b", 63)), ""},
		{"hashed body", postJSON(hashed), sha1Of(hashed)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{MaxBodyBytes: 64})
			var extra []rfc5849.Param
			if tc.hash != "" {
				extra = append(extra, prm("oauth_body_hash", tc.hash))
			}
			_, err := e.p.Authenticate(e.sign(alice, tc.r, extra...))
			e.expectAuth(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		})
	}
}

// failingReader is a body whose read fails.
type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("connection reset") }

// TestRequest_BodyUnreadable: a body that never ends, or fails, is 400
// parameter_rejected once the provider has to read it, whether for its
// form parameters or for its hash.
func TestRequest_BodyUnreadable(t *testing.T) {
	for _, tc := range []struct {
		name        string
		body        io.Reader
		contentType string
		pairs       []string // more protocol parameters
	}{
		{"endless form body", endless{}, "application/x-www-form-urlencoded; charset=utf-8", nil},
		{"endless hashed body", endless{}, "application/octet-stream", []string{"oauth_body_hash", sha1Of("")}},
		{"body that fails to read", failingReader{}, "application/x-www-form-urlencoded", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{MaxBodyBytes: 1 << 10})
			r := httptest.NewRequest("POST", itemsURL, tc.body)
			r.Header.Set("Content-Type", tc.contentType)
			r.Header.Set("Authorization", headerWithBadSignature(tc.pairs...))
			_, err := e.p.Authenticate(r)
			e.expectAuth(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		})
	}
}

// TestRequest_BodyRestored: the handler reads the same body after
// Authenticate, for form and hashed bodies, and for a plain body
// Authenticate leaves alone; r.ParseForm works.
func TestRequest_BodyRestored(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    client
		r    *http.Request
		hash bool
		want string // "" for the body as signed
	}{
		{"form body", alice, postForm("a=1&b=x+y&c"), false, "a=1&b=x+y&c"},
		{"parameters in the form body", alice.in(oauthtest.Body), postForm("a=1"), false, ""},
		{"hashed JSON body", alice, postJSON(`{"a":1}`), true, `{"a":1}`},
		{"JSON body without hash", alice, postJSON(`{"b":2}`), false, `{"b":2}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			var extra []rfc5849.Param
			if tc.hash {
				extra = append(extra, prm("oauth_body_hash", sha1Of(string(readAll(tc.r)))))
			}
			r := e.sign(tc.c, tc.r, extra...)
			want := tc.want
			if want == "" {
				want = string(readAll(r))
			}
			_, err := e.p.Authenticate(r)
			e.expect(t, err, http.StatusOK, "")
			got, err := io.ReadAll(r.Body)
			if err != nil || string(got) != want {
				t.Errorf("body after Authenticate = %q, %v; want %q", got, err, want)
			}
		})
	}
	t.Run("ParseForm after Authenticate", func(t *testing.T) {
		e := newFixture(t, core.Config{})
		r := e.sign(alice, postForm("name=J%C3%B6rg&n=2"))
		_, err := e.p.Authenticate(r)
		e.expect(t, err, http.StatusOK, "")
		if err := r.ParseForm(); err != nil || r.PostForm.Get("name") != "Jörg" || r.PostForm.Get("n") != "2" {
			t.Errorf("ParseForm after Authenticate: %v %v", err, r.PostForm)
		}
	})
}
