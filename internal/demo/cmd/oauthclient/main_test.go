package main

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

func TestRun(t *testing.T) {
	env := demotest.Start(t, demotest.Config("memory"), demotest.NewServeMux)
	browser := demotest.NewClient(t, env.URL)
	if r := browser.Login(demotest.Alice, "/"); r.Status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.Status)
	}
	// approve plays the user: it opens the authorize URL, approves, and
	// reads the verifier off the page.
	approve := func(authorizeURL string) (string, error) {
		token := authorizeURL[strings.Index(authorizeURL, "oauth_token=")+len("oauth_token="):]
		r := browser.Decide(token, "approve")
		if v := demotest.VerifierFrom(r.Body); v != "" {
			return v, nil
		}
		return "", errors.New("no verifier on the page")
	}
	tests := []struct {
		name  string
		o     options
		want  []string
		avoid []string
	}{
		{"both scopes", options{Scope: ""}, []string{`"user":"alice"`, `201 {"user":"alice","text":"hi"}`, `"consumer_key"`}, nil},
		{"read", options{Scope: "read", Method: core.HMACSHA256}, []string{"== GET /api/me", "scope           read\n"}, []string{"/api/notes"}},
		{"write", options{Scope: "write", Method: core.HMACSHA512}, []string{"== POST /api/notes", "== GET /api/ping"}, []string{"/api/me"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.o
			o.Server, o.User, o.Password, o.Note = env.URL+"/", "alice", "wonderland", "hi"
			if o.Method == "" {
				o.Method = core.HMACSHA1
			}
			var out bytes.Buffer
			if err := run(context.Background(), o, approve, &out); err != nil {
				t.Fatalf("run: %v\n%s", err, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
			for _, a := range tt.avoid {
				if strings.Contains(out.String(), a) {
					t.Errorf("output has %q:\n%s", a, out.String())
				}
			}
		})
	}
	t.Run("errors", func(t *testing.T) {
		o := options{Server: env.URL, User: "alice", Password: "wrong", Method: core.HMACSHA1}
		if err := run(context.Background(), o, approve, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "401") {
			t.Errorf("wrong password: %v", err)
		}
		o = options{Server: env.URL, Key: "nope", Secret: "nope", Method: core.HMACSHA1}
		if err := run(context.Background(), o, approve, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "consumer_key_unknown") {
			t.Errorf("unknown consumer: %v", err)
		}
		o = options{Server: env.URL, User: "alice", Password: "wonderland", Method: core.HMACSHA1}
		if err := run(context.Background(), o, prompt(o, strings.NewReader("\n"), &bytes.Buffer{}), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "verifier") {
			t.Errorf("no verifier: %v", err)
		}
	})
}
