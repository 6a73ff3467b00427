package demotest

import (
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/internal/demo"
)

// Response is an answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   string
}

// Form parses a form-encoded body.
func (r *Response) Form(t testing.TB) url.Values {
	t.Helper()
	v, err := url.ParseQuery(r.Body)
	must(t, err, "parse form body %q", r.Body)
	return v
}

// JSON decodes a JSON body into v.
func (r *Response) JSON(t testing.TB, v any) {
	t.Helper()
	must(t, json.Unmarshal([]byte(r.Body), v), "decode JSON body %q", r.Body)
}

// Problem returns the oauth_problem of a form-encoded error body.
func (r *Response) Problem() string {
	v, _ := url.ParseQuery(r.Body)
	return v.Get("oauth_problem")
}

// Client is one user agent: it keeps cookies (a browser session) and never
// follows redirects, so tests see every 302 and 303. A request that gets
// no answer within ClientTimeout fails the test.
type Client struct {
	t    testing.TB
	base string
	hc   *http.Client
}

// ClientTimeout is how long a Client waits for an answer: far longer than
// any request of a healthy service, or of one whose database is down
// (core.DefaultStoreTimeout).
const ClientTimeout = time.Minute

// NewClient returns a Client for the server at base.
func NewClient(t testing.TB, base string) *Client {
	jar, err := cookiejar.New(nil)
	must(t, err, "cookie jar")
	return &Client{t: t, base: base, hc: &http.Client{
		Timeout:       ClientTimeout,
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// NewRequest returns a request for path (relative to the server) with form
// as a form-encoded body when not nil.
func (c *Client) NewRequest(method, path string, form url.Values) *http.Request {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	must(c.t, err, "new request")
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

// Do sends req and reads the answer.
func (c *Client) Do(req *http.Request) *Response {
	c.t.Helper()
	resp, err := c.hc.Do(req)
	must(c.t, err, "%s %s", req.Method, req.URL.Path)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(c.t, err, "read body")
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: string(b)}
}

// Get sends GET path.
func (c *Client) Get(path string) *Response {
	c.t.Helper()
	return c.Do(c.NewRequest(http.MethodGet, path, nil))
}

// PostForm sends POST path with form.
func (c *Client) PostForm(path string, form url.Values) *Response {
	c.t.Helper()
	return c.Do(c.NewRequest(http.MethodPost, path, form))
}

// Signed sends a request signed by s, with form as its body when not nil
// and the protocol parameters extra (oauth_callback, oauth_verifier).
func (c *Client) Signed(s *oauthtest.Signer, method, path string, form url.Values, extra ...oauthtest.Param) *Response {
	c.t.Helper()
	req := c.NewRequest(method, path, form)
	must(c.t, s.Sign(req, extra...), "sign %s %s", method, path)
	return c.Do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf_token" value="([^"]*)"`)

// CSRF returns the csrf_token of the first form in an HTML page, or "".
func CSRF(page string) string {
	m := csrfRE.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// Login logs u in through the login form and returns the answer of POST
// /login (303 to next).
func (c *Client) Login(u demo.User, next string) *Response {
	c.t.Helper()
	page := c.Get("/login")
	return c.PostForm("/login", url.Values{
		"username":   {u.Name},
		"password":   {u.Password},
		"next":       {next},
		"csrf_token": {CSRF(page.Body)},
	})
}

// Consumer is a registered consumer, as POST /consumers answers.
type Consumer = demo.ConsumerJSON

// RegisterConsumer registers a consumer as u with HTTP Basic and fails the
// test unless it is created.
func (c *Client) RegisterConsumer(u demo.User, form url.Values) Consumer {
	c.t.Helper()
	req := c.NewRequest(http.MethodPost, "/consumers", form)
	req.SetBasicAuth(u.Name, u.Password)
	r := c.Do(req)
	if r.Status != http.StatusCreated {
		c.t.Fatalf("POST /consumers: %d %s", r.Status, r.Body)
	}
	var cons Consumer
	r.JSON(c.t, &cons)
	return cons
}

// Signer returns an HMAC-SHA1 signer for cons and the token credentials.
func Signer(cons Consumer, token, secret string) *oauthtest.Signer {
	return &oauthtest.Signer{ConsumerKey: cons.Key, ConsumerSecret: cons.Secret, Token: token, TokenSecret: secret, Method: core.HMACSHA1}
}

// Credentials are a token and its secret.
type Credentials struct{ Token, Secret string }

// RequestToken obtains a request token for cons with callback and, when
// not empty, the scope parameter; it fails the test otherwise.
func (c *Client) RequestToken(cons Consumer, callback, scope string) Credentials {
	c.t.Helper()
	var form url.Values
	if scope != "" {
		form = url.Values{"scope": {scope}}
	}
	r := c.Signed(Signer(cons, "", ""), http.MethodPost, "/oauth/request_token", form, oauthtest.Param{Key: "oauth_callback", Value: callback})
	if r.Status != http.StatusOK {
		c.t.Fatalf("request_token: %d %s", r.Status, r.Body)
	}
	v := r.Form(c.t)
	if v.Get("oauth_callback_confirmed") != "true" || v.Get("oauth_token") == "" || v.Get("oauth_token_secret") == "" {
		c.t.Fatalf("request_token answer %q", r.Body)
	}
	return Credentials{v.Get("oauth_token"), v.Get("oauth_token_secret")}
}

// Exchange sends the access token request for an authorized request token.
func (c *Client) Exchange(cons Consumer, rt Credentials, verifier string) *Response {
	c.t.Helper()
	return c.Signed(Signer(cons, rt.Token, rt.Secret), http.MethodPost, "/oauth/access_token", nil, oauthtest.Param{Key: "oauth_verifier", Value: verifier})
}

// Decide posts the consent form for token with action (approve or deny)
// from the logged-in session of c.
func (c *Client) Decide(token, action string) *Response {
	c.t.Helper()
	page := c.Get("/oauth/authorize?oauth_token=" + url.QueryEscape(token))
	if page.Status != http.StatusOK || !strings.Contains(page.Body, `name="oauth_token"`) {
		c.t.Fatalf("consent page: %d %s", page.Status, page.Body)
	}
	return c.PostForm("/oauth/authorize", url.Values{
		"oauth_token": {token},
		"csrf_token":  {CSRF(page.Body)},
		"action":      {action},
	})
}
