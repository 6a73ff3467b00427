package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// options are the command's flags.
type options struct {
	Server, User, Password, Key, Secret, Scope, Method, Note string
}

func main() {
	var o options
	flag.StringVar(&o.Server, "server", "http://127.0.0.1:8080", "base URL of the example service")
	flag.StringVar(&o.User, "user", "alice", "demo user that registers the consumer")
	flag.StringVar(&o.Password, "password", "wonderland", "that user's password")
	flag.StringVar(&o.Key, "key", "", "consumer key (default: register a new consumer)")
	flag.StringVar(&o.Secret, "secret", "", "consumer secret, with -key")
	flag.StringVar(&o.Scope, "scope", "", `scope to ask for: "read", "write" or "read write" (default: both)`)
	flag.StringVar(&o.Method, "method", core.HMACSHA1, "signature method")
	flag.StringVar(&o.Note, "note", "Hello from oauthclient", "text of the note to post")
	flag.Parse()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := run(ctx, o, prompt(o, os.Stdin, os.Stdout), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "oauthclient:", err)
		os.Exit(1)
	}
}

// prompt returns the askVerifier of run that prints the authorize URL to
// out and reads the verifier from in.
func prompt(o options, in io.Reader, out io.Writer) func(string) (string, error) {
	return func(authorizeURL string) (string, error) {
		fmt.Fprintf(out, "Open %s\nlog in (%s / %s), click Approve, and type the code it shows.\nVerifier: ",
			authorizeURL, o.User, o.Password)
		line, err := bufio.NewReader(in).ReadString('\n')
		verifier := strings.TrimSpace(line)
		if verifier == "" {
			if err == nil {
				err = errors.New("no verifier given")
			}
			return "", fmt.Errorf("reading the verifier: %w", err)
		}
		return verifier, nil
	}
}

// client sends the requests of one run.
type client struct {
	ctx    context.Context
	server string
	hc     *http.Client
}

// do sends method path, signed by s when not nil, with form as a
// form-encoded body when not nil, and returns the status and body.
func (c *client) do(s *oauthtest.Signer, method, path string, form url.Values, extra ...core.Param) (int, string, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.server+path, body)
	if err != nil {
		return 0, "", err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if s != nil {
		if err := s.Sign(req, extra...); err != nil {
			return 0, "", err
		}
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, string(b), err
}

// form expects a form-encoded 200 answer.
func (c *client) form(s *oauthtest.Signer, path string, form url.Values, extra ...core.Param) (url.Values, error) {
	status, body, err := c.do(s, http.MethodPost, path, form, extra...)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("POST %s: %d %s", path, status, body)
	}
	return url.ParseQuery(body)
}

// run performs the three legs and the API calls, writing what it does to
// out. askVerifier gets the authorize URL and returns the verifier the user
// copied from the consent page.
func run(ctx context.Context, o options, askVerifier func(authorizeURL string) (string, error), out io.Writer) error {
	c := &client{ctx: ctx, server: strings.TrimRight(o.Server, "/"), hc: &http.Client{Timeout: 30 * time.Second}}
	step := func(format string, args ...any) { fmt.Fprintf(out, "\n== "+format+"\n", args...) }

	if o.Key == "" {
		step("Registering a consumer as %s (POST /consumers)", o.User)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.server+"/consumers",
			strings.NewReader(url.Values{"name": {"oauthclient demo"}}.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth(o.User, o.Password)
		resp, err := c.hc.Do(req)
		if err != nil {
			return fmt.Errorf("is the service running at %s? %w", c.server, err)
		}
		defer resp.Body.Close()
		var cons struct{ Key, Secret, Error string }
		if err := json.NewDecoder(resp.Body).Decode(&cons); err != nil || resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST /consumers: %s %s", resp.Status, cons.Error)
		}
		o.Key, o.Secret = cons.Key, cons.Secret
		fmt.Fprintf(out, "consumer key    %s\nconsumer secret %s\n", o.Key, o.Secret)
	}
	s := &oauthtest.Signer{ConsumerKey: o.Key, ConsumerSecret: o.Secret, Method: o.Method}

	step("Leg 1: request token (POST /oauth/request_token, oauth_callback=oob)")
	var form url.Values
	if o.Scope != "" {
		form = url.Values{"scope": {o.Scope}} // a signed form parameter
	}
	rt, err := c.form(s, "/oauth/request_token", form, core.Param{Key: "oauth_callback", Value: core.OOB})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "request token   %s\n", rt.Get("oauth_token"))

	step("Leg 2: authorize in your browser")
	verifier, err := askVerifier(c.server + "/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Get("oauth_token")))
	if err != nil {
		return err
	}

	step("Leg 3: access token (POST /oauth/access_token)")
	s.Token, s.TokenSecret = rt.Get("oauth_token"), rt.Get("oauth_token_secret")
	at, err := c.form(s, "/oauth/access_token", nil, core.Param{Key: "oauth_verifier", Value: verifier})
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "access token    %s\ntoken secret    %s\nuser            %s\nscope           %s\n",
		at.Get("oauth_token"), at.Get("oauth_token_secret"), at.Get("user_id"), at.Get("scope"))
	s.Token, s.TokenSecret = at.Get("oauth_token"), at.Get("oauth_token_secret")

	call := func(s *oauthtest.Signer, method, path string, form url.Values) error {
		step("%s %s", method, path)
		status, body, err := c.do(s, method, path, form)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%d %s\n", status, strings.TrimSpace(body))
		return nil
	}
	scopes := strings.Fields(at.Get("scope"))
	if slices.Contains(scopes, "read") {
		if err := call(s, http.MethodGet, "/api/me", nil); err != nil {
			return err
		}
	}
	if slices.Contains(scopes, "write") {
		if err := call(s, http.MethodPost, "/api/notes", url.Values{"text": {o.Note}}); err != nil {
			return err
		}
	}
	twoLegged := &oauthtest.Signer{ConsumerKey: o.Key, ConsumerSecret: o.Secret, Method: o.Method}
	return call(twoLegged, http.MethodGet, "/api/ping", nil)
}
