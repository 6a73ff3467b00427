package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

// act is one thing the user does when the client reads from the
// terminal: decide in the browser first (approve or deny; "" for
// nothing), then type a line, in which $V stands for the verifier the
// browser showed.
type act struct{ decide, typed string }

// user plays the person at the terminal and in the browser. Each read of
// the client performs the next act; after the last one it reads EOF.
type user struct {
	t        *testing.T
	browser  *demotest.Client
	out      *bytes.Buffer // what the client printed: the authorize URL
	acts     []act
	verifier string
	pending  []byte
}

var authorizeURLRE = regexp.MustCompile(`Open (\S+)`)

func (u *user) Read(p []byte) (int, error) {
	if len(u.pending) == 0 {
		if len(u.acts) == 0 {
			return 0, io.EOF
		}
		a := u.acts[0]
		u.acts = u.acts[1:]
		if a.decide != "" {
			m := authorizeURLRE.FindStringSubmatch(u.out.String())
			if m == nil {
				u.t.Fatalf("no authorize URL in the output:\n%s", u.out)
			}
			au, err := url.Parse(m[1])
			if err != nil {
				u.t.Fatal(err)
			}
			r := u.browser.Decide(au.Query().Get("oauth_token"), a.decide)
			u.verifier = demotest.VerifierFrom(r.Body)
		}
		u.pending = []byte(strings.ReplaceAll(a.typed, "$V", u.verifier))
	}
	n := copy(p, u.pending)
	u.pending = u.pending[n:]
	return n, nil
}

// start starts a demo service and logs alice in to a browser.
func start(t *testing.T) (*demotest.Env, *demotest.Client) {
	env := demotest.Start(t, demotest.Config("memory"), demotest.NewServeMux)
	browser := demotest.NewClient(t, env.URL)
	if r := browser.Login(demotest.Alice, "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Status)
	}
	return env, browser
}

// options returns the flags of a run against env with scope and method.
func testOptions(env *demotest.Env, scope, method string) options {
	return options{Server: env.URL + "/", User: "alice", Password: "wonderland", Scope: scope, Method: method, Note: "hi"}
}

func TestRun_ThreeLegs(t *testing.T) {
	env, browser := start(t)
	approve := act{"approve", "$V\n"}
	tests := []struct {
		name   string
		scope  string
		method string
		acts   []act
		err    string // "" for success
		want   []string
		unread int // acts the client must leave: it stops asking
	}{
		{"both scopes", "", core.HMACSHA1, []act{approve}, "", []string{
			"== GET /api/me\n200 {\"user\":\"alice\"", "== POST /api/notes\n201 {\"user\":\"alice\",\"text\":\"hi\"}",
			"== GET /api/ping\n200 {\"consumer_key\"", " -token "}, 0},
		{"read-only token: notes 403", "read", core.HMACSHA256, []act{approve}, "", []string{
			"scope           read\n", "== GET /api/me\n200 ", "== POST /api/notes\n403 oauth_problem=permission_denied"}, 0},
		{"write-only token: me 403", "write", core.HMACSHA512, []act{approve}, "", []string{
			"== GET /api/me\n403 oauth_problem=permission_denied", "== POST /api/notes\n201 "}, 0},
		{"mistyped verifier, then the right one", "", core.HMACSHA1, []act{{"approve", "wrong\n"}, {"", "$V\n"}}, "", []string{
			"401 oauth_problem=verifier_invalid", "type it again (2 attempts left)", "== POST /api/notes\n201 "}, 0},
		{"mistyped verifier too often", "", core.HMACSHA1, []act{{"approve", "a\n"}, {"", "b\n"}, {"", "c\n"}, approve},
			"the verifier did not match 3 times", []string{"(1 attempt left)"}, 1},
		{"deny, then Enter", "", core.HMACSHA1, []act{{"deny", "\n"}, approve}, "access was denied", nil, 1},
		{"deny, then a code", "", core.HMACSHA1, []act{{"deny", "x\n"}, approve}, "access was denied", []string{"401 oauth_problem=user_refused"}, 1},
		{"end of input", "", core.HMACSHA1, nil, "reading the verifier: EOF", nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			in := &user{t: t, browser: browser, out: &out, acts: tt.acts}
			err := run(context.Background(), testOptions(env, tt.scope, tt.method), in, &out)
			if got := errString(err); got != tt.err {
				t.Fatalf("run: error %q, want %q\n%s", got, tt.err, out.String())
			}
			if tt.err == "access was denied" && !errors.Is(err, errDenied) {
				t.Errorf("run: %v is not errDenied", err)
			}
			if len(in.acts) != tt.unread {
				t.Errorf("run left %d acts unread, want %d", len(in.acts), tt.unread)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// noInput fails the test when the client reads the terminal.
type noInput struct{ t *testing.T }

func (r noInput) Read([]byte) (int, error) {
	r.t.Error("the client read the terminal")
	return 0, io.EOF
}

func TestRun_ExistingToken(t *testing.T) {
	env, browser := start(t)
	var out bytes.Buffer
	o := testOptions(env, "", core.HMACSHA256)
	if err := run(context.Background(), o, &user{t: t, browser: browser, out: &out, acts: []act{{"approve", "$V\n"}}}, &out); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	// The command line the client printed, as the user pastes it.
	line := regexp.MustCompile(`(?m)^go run \./internal/demo/cmd/oauthclient (.*)$`).FindStringSubmatch(out.String())
	if line == nil {
		t.Fatalf("no command line in the output:\n%s", out.String())
	}
	pasted, err := parseFlags(strings.Fields(line[1]), io.Discard)
	if err != nil {
		t.Fatalf("the printed command line %q: %v", line[1], err)
	}
	pasted.Note = "again"
	revoke := func() {
		page := browser.Get("/account/apps")
		r := browser.PostForm("/account/apps/revoke", url.Values{"consumer_key": {pasted.Key}, "csrf_token": {demotest.CSRF(page.Body)}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
	}
	tests := []struct {
		name   string
		before func()
		want   []string
	}{
		{"the token works", func() {}, []string{
			"== GET /api/me\n200 {\"user\":\"alice\"", "== POST /api/notes\n201 {\"user\":\"alice\",\"text\":\"again\"}"}},
		{"revoked at /account/apps", revoke, []string{
			"== GET /api/me\n401 oauth_problem=token_revoked", "== POST /api/notes\n401 oauth_problem=token_revoked"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.before()
			var out bytes.Buffer
			if err := run(context.Background(), pasted, noInput{t}, &out); err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String(), "Leg 1") {
				t.Errorf("ran the three legs again:\n%s", out.String())
			}
		})
	}
}

func TestRun_Errors(t *testing.T) {
	env, browser := start(t)
	tests := []struct {
		name string
		o    options
		want string
	}{
		{"wrong password", options{Server: env.URL, User: "alice", Password: "wrong", Method: core.HMACSHA1}, "401"},
		{"unknown consumer", options{Server: env.URL, Key: "nope", Secret: "nope", Method: core.HMACSHA1}, "consumer_key_unknown"},
		{"unknown scope", options{Server: env.URL, User: "alice", Password: "wonderland", Scope: "admin", Method: core.HMACSHA1}, "parameter_rejected"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(context.Background(), tt.o, &user{t: t, browser: browser, out: &out}, &out)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run: %v, want an error with %q", err, tt.want)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		err  string // in the error output; "" for none
		want options
	}{
		{"defaults", nil, "", options{Server: defaultServer, User: "alice", Password: "wonderland", Method: core.HMACSHA1, Note: "Hello from oauthclient"}},
		{"existing token", []string{"-key", "k", "-secret", "s", "-token", "t", "-token-secret", "ts"}, "", options{
			Server: defaultServer, User: "alice", Password: "wonderland", Method: core.HMACSHA1, Note: "Hello from oauthclient",
			Key: "k", Secret: "s", Token: "t", TokenSecret: "ts"}},
		{"token without its secret", []string{"-key", "k", "-secret", "s", "-token", "t"}, "-token and -token-secret go together", options{}},
		{"token without a consumer", []string{"-token", "t", "-token-secret", "ts"}, "-token needs the consumer", options{}},
		{"key without secret", []string{"-key", "k"}, "-key and -secret go together", options{}},
		{"an argument", []string{"read"}, `unexpected argument "read"`, options{}},
		{"unknown flag", []string{"-tokn", "t"}, "flag provided but not defined: -tokn", options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			o, err := parseFlags(tt.args, &stderr)
			if tt.err == "" {
				if err != nil || o != tt.want {
					t.Errorf("parseFlags: %+v, %v; want %+v", o, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(stderr.String(), tt.err) {
				t.Errorf("parseFlags: %v, error output %q; want one with %q", err, stderr.String(), tt.err)
			}
		})
	}
}

func TestParseFlags_Help(t *testing.T) {
	var stderr bytes.Buffer
	if _, err := parseFlags([]string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("-h: %v, want flag.ErrHelp", err)
	}
	help := stderr.String()
	for _, w := range []string{"-server", "-user", "-password", "-key", "-secret", "-token", "-token-secret", "-scope", "-method", "-note",
		"visible to other users of this machine"} {
		if !strings.Contains(help, w) {
			t.Errorf("-h lacks %q:\n%s", w, help)
		}
	}
}

func TestTokenCommand(t *testing.T) {
	token := options{Key: "k", Secret: "s", Token: "t", TokenSecret: "-ts", Method: core.HMACSHA1}
	tests := []struct {
		name           string
		server, method string
		want           string
	}{
		{"defaults left out", defaultServer + "/", core.HMACSHA1,
			"go run ./internal/demo/cmd/oauthclient -key k -secret s -token t -token-secret -ts"},
		{"other server and method", "http://localhost:9000", core.HMACSHA512,
			"go run ./internal/demo/cmd/oauthclient -server http://localhost:9000 -method HMAC-SHA512 -key k -secret s -token t -token-secret -ts"},
		{"quoted for the shell", "http://h/a b?x=1&y='2'", core.HMACSHA1,
			`go run ./internal/demo/cmd/oauthclient -server 'http://h/a b?x=1&y='\''2'\''' -key k -secret s -token t -token-secret -ts`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := token
			o.Server, o.Method = tt.server, tt.method
			if got := tokenCommand(o); got != tt.want {
				t.Errorf("tokenCommand:\n got %s\nwant %s", got, tt.want)
			}
		})
	}
	// A value that starts with a dash is still the flag's value.
	o, err := parseFlags(strings.Fields(strings.TrimPrefix(tokenCommand(token), "go run ./internal/demo/cmd/oauthclient ")), io.Discard)
	if err != nil || o.TokenSecret != "-ts" {
		t.Errorf("parsing the command line back: %+v, %v", o, err)
	}
}
