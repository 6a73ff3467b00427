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
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// options are the command's flags.
type options struct {
	Server, User, Password, Key, Secret, Scope, Method, Note string
	// Token and TokenSecret, when set, are an access token the API is
	// called with; the three legs are skipped.
	Token, TokenSecret string
}

// defaultServer is the address the example services listen on.
const defaultServer = "http://127.0.0.1:8080"

// maxVerifierAttempts is how many verifiers the user may type before the
// client gives up: a mistyped one is asked for again.
const maxVerifierAttempts = 3

// errDenied is what run returns when the user denied access: an empty
// line at the verifier prompt, or the server's user_refused.
var errDenied = errors.New("access was denied")

func main() {
	o, err := parseFlags(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	if err := run(ctx, o, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "oauthclient:", err)
		os.Exit(1)
	}
}

const usageHead = `Usage: go run ./internal/demo/cmd/oauthclient [flags]

Walks through the three legs of OAuth 1.0a against the example service and
calls its API: GET /api/me, POST /api/notes and GET /api/ping. At the end it
prints a command line that calls the API again with the token it obtained
(-key, -secret, -token, -token-secret); run that after revoking the app at
/account/apps to see 401 token_revoked.

Flags:
`

const usageTail = `
Secrets given on the command line (-password, -secret, -token-secret) are
visible to other users of this machine (ps) and kept in your shell history.
That is acceptable for this local demo; never pass real credentials so.
`

// parseFlags parses the command line. Errors, and the help that -h asks
// for, are written to stderr; -h returns flag.ErrHelp.
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("oauthclient", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usageHead)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), usageTail)
	}
	fs.StringVar(&o.Server, "server", defaultServer, "base URL of the example service")
	fs.StringVar(&o.User, "user", "alice", "demo user that registers the consumer and approves in the browser")
	fs.StringVar(&o.Password, "password", "wonderland", "that user's password")
	fs.StringVar(&o.Key, "key", "", "consumer key (default: register a new consumer)")
	fs.StringVar(&o.Secret, "secret", "", "consumer secret, with -key")
	fs.StringVar(&o.Token, "token", "", "access token: skip the three legs and call the API with it (needs -key, -secret, -token-secret)")
	fs.StringVar(&o.TokenSecret, "token-secret", "", "access token secret, with -token")
	fs.StringVar(&o.Scope, "scope", "", `scope to ask for: "read", "write" or "read write" (default: both)`)
	fs.StringVar(&o.Method, "method", core.HMACSHA1, "signature method: HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 or PLAINTEXT")
	fs.StringVar(&o.Note, "note", "Hello from oauthclient", "text of the note to post")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	var err error
	switch {
	case fs.NArg() > 0:
		err = fmt.Errorf("unexpected argument %q", fs.Arg(0))
	case (o.Key == "") != (o.Secret == ""):
		err = errors.New("-key and -secret go together")
	case (o.Token == "") != (o.TokenSecret == ""):
		err = errors.New("-token and -token-secret go together")
	case o.Token != "" && o.Key == "":
		err = errors.New("-token needs the consumer it was issued to: -key and -secret")
	}
	if err != nil {
		fmt.Fprintf(stderr, "oauthclient: %v (-h lists the flags)\n", err)
	}
	return o, err
}

// prompt returns a function that reads the verifier from in, prompting on
// out. Its first call prints the authorize URL and what to do there. An
// empty line means the user clicked Deny: errDenied.
func prompt(o options, in io.Reader, out io.Writer) func(authorizeURL string) (string, error) {
	r := bufio.NewReader(in) // one reader for every call: it buffers ahead
	first := true
	return func(authorizeURL string) (string, error) {
		if first {
			fmt.Fprintf(out, "Open %s\nlog in (%s / %s), click Approve, and type the code it shows\n(or just press Enter if you clicked Deny).\n",
				authorizeURL, o.User, o.Password)
			first = false
		}
		fmt.Fprint(out, "Verifier: ")
		line, err := r.ReadString('\n')
		verifier := strings.TrimSpace(line)
		switch {
		case verifier != "":
			return verifier, nil
		case err == nil:
			return "", errDenied
		}
		return "", fmt.Errorf("reading the verifier: %w", err)
	}
}

// client sends the requests of one run.
type client struct {
	ctx    context.Context
	server string
	hc     *http.Client
	out    io.Writer
}

// step prints the heading of a step.
func (c *client) step(format string, args ...any) {
	fmt.Fprintf(c.out, "\n== "+format+"\n", args...)
}

// do sends method path, signed by s when not nil, with form as a
// form-encoded body when not nil, and returns the status and body.
func (c *client) do(s *oauthtest.Signer, method, path string, form url.Values, extra ...oauthtest.Param) (int, string, error) {
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
		return 0, "", fmt.Errorf("is the service running at %s? %w", c.server, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp.StatusCode, strings.TrimSpace(string(b)), err
}

// run runs the three legs, calls the API with the access token they give
// and prints the command line that calls it again; when o holds an access
// token it only calls the API. It writes what it does to out and reads
// what the user types from in.
func run(ctx context.Context, o options, in io.Reader, out io.Writer) error {
	c := &client{ctx: ctx, server: strings.TrimRight(o.Server, "/"), hc: &http.Client{Timeout: 30 * time.Second}, out: out}
	if o.Token != "" {
		return c.callAPI(o)
	}
	if err := c.authorize(&o, prompt(o, in, out)); err != nil {
		return err
	}
	if err := c.callAPI(o); err != nil {
		return err
	}
	c.step("Call the API again with this token (revoke the app at %s/account/apps first to see 401 token_revoked):", c.server)
	fmt.Fprintln(out, tokenCommand(o))
	return nil
}

// authorize runs the three legs and sets o's token credentials (and its
// consumer, when it registers one). askVerifier gets the authorize URL and
// returns the verifier the user copied from the consent page; a mistyped
// one is asked for again, up to maxVerifierAttempts in all.
func (c *client) authorize(o *options, askVerifier func(authorizeURL string) (string, error)) error {
	if o.Key == "" {
		if err := c.register(o); err != nil {
			return err
		}
	}
	s := &oauthtest.Signer{ConsumerKey: o.Key, ConsumerSecret: o.Secret, Method: o.Method}

	c.step("Leg 1: request token (POST /oauth/request_token, oauth_callback=oob)")
	var form url.Values
	if o.Scope != "" {
		form = url.Values{"scope": {o.Scope}} // a signed form parameter
	}
	status, body, err := c.do(s, http.MethodPost, "/oauth/request_token", form, oauthtest.Param{Key: "oauth_callback", Value: core.OOB})
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return fmt.Errorf("POST /oauth/request_token: %d %s", status, body)
	}
	rt, err := url.ParseQuery(body)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.out, "request token   %s\n", rt.Get("oauth_token"))

	c.step("Leg 2: authorize in your browser")
	authorizeURL := c.server + "/oauth/authorize?oauth_token=" + url.QueryEscape(rt.Get("oauth_token"))
	s.Token, s.TokenSecret = rt.Get("oauth_token"), rt.Get("oauth_token_secret")
	for attempt := 1; ; attempt++ {
		verifier, err := askVerifier(authorizeURL)
		if err != nil {
			return err
		}
		if attempt == 1 {
			c.step("Leg 3: access token (POST /oauth/access_token)")
		}
		status, body, err := c.do(s, http.MethodPost, "/oauth/access_token", nil, oauthtest.Param{Key: "oauth_verifier", Value: verifier})
		if err != nil {
			return err
		}
		if status == http.StatusOK {
			at, err := url.ParseQuery(body)
			if err != nil {
				return err
			}
			o.Token, o.TokenSecret = at.Get("oauth_token"), at.Get("oauth_token_secret")
			fmt.Fprintf(c.out, "access token    %s\ntoken secret    %s\nuser            %s\nscope           %s\n",
				o.Token, o.TokenSecret, at.Get("user_id"), at.Get("scope"))
			return nil
		}
		fmt.Fprintf(c.out, "%d %s\n", status, body)
		switch problem(body) {
		case core.ProblemUserRefused:
			return errDenied
		case core.ProblemVerifierInvalid:
			if left := maxVerifierAttempts - attempt; left > 0 {
				fmt.Fprintf(c.out, "That is not the code the page shows; type it again (%s left).\n", plural(left, "attempt"))
				continue
			}
			return fmt.Errorf("the verifier did not match %s", plural(maxVerifierAttempts, "time"))
		}
		return fmt.Errorf("POST /oauth/access_token: %d %s", status, body)
	}
}

// register registers a consumer as o's user and sets o's consumer.
func (c *client) register(o *options) error {
	c.step("Registering a consumer as %s (POST /consumers)", o.User)
	req, err := http.NewRequestWithContext(c.ctx, http.MethodPost, c.server+"/consumers",
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
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&cons); err != nil || resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("POST /consumers: %s %s", resp.Status, cons.Error)
	}
	o.Key, o.Secret = cons.Key, cons.Secret
	fmt.Fprintf(c.out, "consumer key    %s\nconsumer secret %s\n", o.Key, o.Secret)
	return nil
}

// callAPI calls every API endpoint, whatever o's token may do, and prints
// each answer: a token without a scope an endpoint needs shows its 403,
// a revoked one its 401.
func (c *client) callAPI(o options) error {
	s := &oauthtest.Signer{ConsumerKey: o.Key, ConsumerSecret: o.Secret, Token: o.Token, TokenSecret: o.TokenSecret, Method: o.Method}
	twoLegged := &oauthtest.Signer{ConsumerKey: o.Key, ConsumerSecret: o.Secret, Method: o.Method}
	calls := []struct {
		s            *oauthtest.Signer
		method, path string
		form         url.Values
	}{
		{s, http.MethodGet, "/api/me", nil},
		{s, http.MethodPost, "/api/notes", url.Values{"text": {o.Note}}},
		{twoLegged, http.MethodGet, "/api/ping", nil},
	}
	for _, call := range calls {
		c.step("%s %s", call.method, call.path)
		status, body, err := c.do(call.s, call.method, call.path, call.form)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "%d %s\n", status, body)
	}
	return nil
}

// tokenCommand returns the command line that calls the API with o's token.
func tokenCommand(o options) string {
	args := []string{"go", "run", "./internal/demo/cmd/oauthclient"}
	if s := strings.TrimRight(o.Server, "/"); s != defaultServer {
		args = append(args, "-server", s)
	}
	if o.Method != core.HMACSHA1 {
		args = append(args, "-method", o.Method)
	}
	args = append(args, "-key", o.Key, "-secret", o.Secret, "-token", o.Token, "-token-secret", o.TokenSecret)
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// shellQuote quotes s for a POSIX shell unless it needs no quoting.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// problem returns the oauth_problem of a form-encoded error body, or "".
func problem(body string) string {
	v, _ := url.ParseQuery(body)
	return v.Get("oauth_problem")
}

// plural returns "1 attempt" or "n attempts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
