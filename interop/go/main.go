// Command interop-go is the Go client of the interop suite (interop/run):
// github.com/dghubble/oauth1.
//
// Usage: go run ./interop/go BASE_URL RSA_PRIVATE_KEY_FILE RSA_PUBLIC_KEY_FILE
//
// It registers a consumer at BASE_URL, then for every signature method the
// library offers (it puts the protocol parameters in the Authorization
// header only) runs the three legs and the API calls, printing one line per
// check ("ok   go hmac-sha1 header me", or "FAIL ...: why").
package main

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/dghubble/oauth1"
)

const (
	lib      = "go"
	note     = "Grüße aus Köln, 東京 ✓ 100% a+b&c=d"
	query    = "q=a%20b%C3%A9"
	callback = "http://127.0.0.1:9/interop/callback?from=go"
	timeout  = 10 * time.Second
)

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: interop-go BASE_URL RSA_PRIVATE_KEY_FILE RSA_PUBLIC_KEY_FILE")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2], os.Args[3]); err != nil {
		fmt.Printf("FAIL %s: %v\n", lib, err)
		os.Exit(1)
	}
}

// consumer is the answer of POST /consumers.
type consumer struct {
	Key, Secret string
}

func run(base, keyFile, pubFile string) error {
	key, err := readPrivateKey(keyFile)
	if err != nil {
		return err
	}
	pub, err := os.ReadFile(pubFile)
	if err != nil {
		return err
	}
	fmt.Printf("version go: dghubble/oauth1 %s, %s\n", moduleVersion("github.com/dghubble/oauth1"), runtime.Version())
	hc := &http.Client{Timeout: timeout}
	req, err := http.NewRequest(http.MethodPost, base+"/consumers",
		strings.NewReader(url.Values{"name": {"interop go"}, "rsa_public_key": {string(pub)}}.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("alice", "wonderland")
	status, body, err := send(hc, req)
	if err != nil {
		return err
	}
	var c consumer
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &c) != nil {
		return fmt.Errorf("register consumer: %d %s", status, body)
	}
	b, err := newBrowser(base)
	if err != nil {
		return err
	}
	ctx := context.WithValue(context.Background(), oauth1.HTTPClient, hc)
	signers := []oauth1.Signer{
		&oauth1.HMACSigner{ConsumerSecret: c.Secret},
		&oauth1.HMAC256Signer{ConsumerSecret: c.Secret},
		&oauth1.RSASigner{PrivateKey: key},
	}
	for _, s := range signers {
		runMethod(ctx, base, c, b, s)
	}
	return nil
}

// runMethod runs the checks of one signature method and prints their lines.
func runMethod(ctx context.Context, base string, c consumer, b *browser, s oauth1.Signer) {
	label := fmt.Sprintf("%s %s header", lib, strings.ToLower(s.Name()))
	check := func(name string, fn func() error) bool {
		if err := fn(); err != nil {
			fmt.Printf("FAIL %s %s: %s\n", label, name, strings.ReplaceAll(err.Error(), "\n", " "))
			return false
		}
		fmt.Printf("ok   %s %s\n", label, name)
		return true
	}
	cfg := &oauth1.Config{
		ConsumerKey:    c.Key,
		ConsumerSecret: c.Secret,
		CallbackURL:    callback,
		Endpoint: oauth1.Endpoint{
			RequestTokenURL: base + "/oauth/request_token",
			AuthorizeURL:    base + "/oauth/authorize",
			AccessTokenURL:  base + "/oauth/access_token",
		},
		Signer:     s,
		HTTPClient: &http.Client{Timeout: timeout},
	}
	var api *http.Client
	ok := check("three-legged callback", func() error {
		rt, rs, err := cfg.RequestToken() // checks oauth_callback_confirmed=true
		if err != nil {
			return err
		}
		authorize, err := cfg.AuthorizationURL(rt)
		if err != nil {
			return err
		}
		redirect, err := b.approve(authorize, rt)
		if err != nil {
			return err
		}
		token, verifier, err := oauth1.ParseAuthorizationCallback(redirect)
		if err != nil {
			return err
		}
		if token != rt {
			return fmt.Errorf("callback for token %q, want %q", token, rt)
		}
		at, as, err := cfg.AccessToken(rt, rs, verifier)
		if err != nil {
			return err
		}
		api = cfg.Client(ctx, oauth1.NewToken(at, as))
		return nil
	})
	if ok {
		check("me", func() error {
			return expect(api, http.MethodGet, base+"/api/me", nil, http.StatusOK, map[string]string{"user": "alice", "consumer_key": c.Key})
		})
		check("notes", func() error {
			return expect(api, http.MethodPost, base+"/api/notes", url.Values{"text": {note}}, http.StatusCreated, map[string]string{"user": "alice", "text": note})
		})
		check("query", func() error {
			return expect(api, http.MethodGet, base+"/api/me?"+query, nil, http.StatusOK, map[string]string{"user": "alice"})
		})
	} else {
		for _, name := range []string{"me", "notes", "query"} {
			fmt.Printf("FAIL %s %s: not run, the three legs failed\n", label, name)
		}
	}
	check("ping", func() error {
		// The library's two-legged request: a token with no credentials.
		two := cfg.Client(ctx, oauth1.NewToken("", ""))
		return expect(two, http.MethodGet, base+"/api/ping", nil, http.StatusOK, map[string]string{"consumer_key": c.Key})
	})
}

// expect sends method target (with form as a form body when not nil)
// through hc and checks the status and the JSON answer's fields.
func expect(hc *http.Client, method, target string, form url.Values, status int, fields map[string]string) error {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	if err != nil {
		return err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	got, text, err := send(hc, req)
	if err != nil {
		return err
	}
	if got != status {
		return fmt.Errorf("%d %s", got, text)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(text), &m); err != nil {
		return fmt.Errorf("%d %s: %v", got, text, err)
	}
	for k, v := range fields {
		if m[k] != v {
			return fmt.Errorf("%s is %v, want %q: %d %s", k, m[k], v, got, text)
		}
	}
	return nil
}

// send does req and returns the status and the (capped) body.
func send(hc *http.Client, req *http.Request) (int, string, error) {
	resp, err := hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}

// browser is alice's browser: a cookie session that logs in when the
// authorize page asks (the first time), then only consents. It never
// follows a redirect by itself.
type browser struct {
	base string
	hc   *http.Client
}

func newBrowser(base string) (*browser, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	return &browser{base: base, hc: &http.Client{
		Jar:           jar,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}, nil
}

var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)"`)

func hiddenInputs(page string) map[string]string {
	out := map[string]string{}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		out[html.UnescapeString(m[1])] = html.UnescapeString(m[2])
	}
	return out
}

// do sends method path (with form as a form body when not nil).
func (b *browser) do(method, target string, form url.Values) (*http.Response, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	u, err := url.Parse(b.base)
	if err != nil {
		return nil, "", err
	}
	ref, err := url.Parse(target)
	if err != nil {
		return nil, "", err
	}
	req, err := http.NewRequest(method, u.ResolveReference(ref).String(), body)
	if err != nil {
		return nil, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.hc.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	text, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return resp, string(text), err
}

// approve runs the consent leg for the request token at authorize and
// returns the redirect to the callback, as a request the consumer's
// callback handler would get.
func (b *browser) approve(authorize *url.URL, token string) (*http.Request, error) {
	resp, page, err := b.do(http.MethodGet, authorize.String(), nil)
	if err != nil {
		return nil, err
	}
	form := hiddenInputs(page)
	if next, ok := form["next"]; ok && resp.StatusCode == http.StatusOK {
		resp, page, err = b.do(http.MethodPost, "/login", url.Values{
			"username": {"alice"}, "password": {"wonderland"}, "csrf_token": {form["csrf_token"]}, "next": {next},
		})
		if err != nil {
			return nil, err
		}
		if resp.StatusCode != http.StatusSeeOther {
			return nil, fmt.Errorf("POST /login: %d %s", resp.StatusCode, page)
		}
		if resp, page, err = b.do(http.MethodGet, resp.Header.Get("Location"), nil); err != nil {
			return nil, err
		}
		form = hiddenInputs(page)
	}
	if resp.StatusCode != http.StatusOK || form["oauth_token"] != token {
		return nil, fmt.Errorf("no consent page: %d %.300s", resp.StatusCode, page)
	}
	resp, page, err = b.do(http.MethodPost, "/oauth/authorize", url.Values{
		"oauth_token": {token}, "csrf_token": {form["csrf_token"]}, "action": {"approve"},
	})
	if err != nil {
		return nil, err
	}
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, callback+"&") {
		return nil, fmt.Errorf("POST /oauth/authorize: redirect %q: %d %.300s", loc, resp.StatusCode, page)
	}
	return http.NewRequest(http.MethodGet, loc, nil)
}

func readPrivateKey(file string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New(file + ": no PEM block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, errors.New(file + ": not an RSA key")
	}
	return rk, nil
}

// moduleVersion is the version of module path in this binary's build.
func moduleVersion(path string) string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, d := range bi.Deps {
			if d.Path == path {
				return d.Version
			}
		}
	}
	return "(unknown)"
}
