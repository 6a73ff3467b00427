package core_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
	"github.com/go-oauth1/provider/core/oauthtest"
)

// Scopes (scopes.go): what a request token asks for, what the user
// grants, what a grant carries. (What a protected resource requires is
// TestMiddleware's, what a consumer is registered with
// TestRegisterConsumer's.)

// TestRequestToken_Scopes: the scope parameter asks for known scopes the
// consumer may use, in order, once each; without it (or empty) a request
// token asks for all the consumer may use; a provider without scopes
// refuses it.
func TestRequestToken_Scopes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		noScopes bool     // a provider without scopes
		limited  []string // Consumer.Scopes
		extra    []rfc5849.Param
		form     bool
		want     []string
		problem  string
	}{
		{name: "absent: all the provider's", want: []string{"read", "write", "admin"}},
		{name: "absent: all the consumer's", limited: []string{"read", "write"}, want: []string{"read", "write"}},
		{name: "empty: all the consumer's", limited: []string{"read", "write"}, extra: []rfc5849.Param{prm("scope", "")}, want: []string{"read", "write"}},
		{name: "one", limited: []string{"read", "write"}, extra: []rfc5849.Param{prm("scope", "read")}, want: []string{"read"}},
		{name: "two in the given order", extra: []rfc5849.Param{prm("scope", "write read")}, want: []string{"write", "read"}},
		{name: "extra spaces", extra: []rfc5849.Param{prm("scope", "  write   read ")}, want: []string{"write", "read"}},
		{name: "duplicate within the value", extra: []rfc5849.Param{prm("scope", "read read")}, want: []string{"read"}},
		{name: "in the form body", form: true, extra: []rfc5849.Param{prm("scope", "admin")}, want: []string{"admin"}},
		{name: "not allowed for the consumer", limited: []string{"read", "write"}, extra: []rfc5849.Param{prm("scope", "admin")}, problem: "parameter_rejected"},
		{name: "unknown", extra: []rfc5849.Param{prm("scope", "bogus")}, problem: "parameter_rejected"},
		{name: "unknown among known", extra: []rfc5849.Param{prm("scope", "read bogus")}, problem: "parameter_rejected"},
		{name: "repeated parameter", extra: []rfc5849.Param{prm("scope", "read"), prm("scope", "read")}, problem: "parameter_rejected"},
		{name: "repeated parameter, other values", extra: []rfc5849.Param{prm("scope", "read"), prm("scope", "write")}, problem: "parameter_rejected"},
		{name: "provider without scopes: absent", noScopes: true, want: nil},
		{name: "provider without scopes: given", noScopes: true, extra: []rfc5849.Param{prm("scope", "read")}, problem: "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := core.Config{Scopes: lcScopes}
			if tc.noScopes {
				cfg.Scopes = []core.Scope{}
			}
			e := newEnv(t, cfg)
			c := e.addConsumer(t, core.Consumer{Key: lcCK, Secret: lcCS, Scopes: tc.limited})
			if tc.form {
				c = c.in(oauthtest.Body)
			}
			w := serve(e.p.RequestTokenHandler(), e.initiateRequest(c, "oob", tc.extra...))
			if tc.problem != "" {
				e.expectResponse(t, w, 400, tc.problem)
				return
			}
			v := e.expectResponse(t, w, 200, "")
			ar, err := e.p.LoadConsent(context.Background(), v.Get("oauth_token"))
			e.expect(t, err, 200, "")
			var got []string
			for _, sc := range ar.Scopes {
				got = append(got, sc.Name)
				if !tc.noScopes && sc.Description == "" {
					t.Errorf("scope %q has no description", sc.Name)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("scopes = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestApprove_Scopes: the user grants what was asked for (nil: all of it)
// or less, each once; granting what was not asked for, or an unknown
// scope, is 400 and decides nothing.
func TestApprove_Scopes(t *testing.T) {
	for _, tc := range []struct {
		name    string
		granted []string
		want    string // the scope of the exchange's answer
		problem string
	}{
		{name: "nil grants all requested", granted: nil, want: "read write"},
		{name: "narrowed", granted: []string{"write"}, want: "write"},
		{name: "repeated scopes granted once", granted: []string{"read", "read"}, want: "read"},
		{name: "narrowed to none", granted: []string{}, want: ""},
		{name: "scope not requested", granted: []string{"admin"}, problem: "parameter_rejected"},
		{name: "scope unknown", granted: []string{"read", "bogus"}, problem: "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLifecycle(t, core.Config{})
			if tc.problem != "" {
				tok, _ := e.requestToken(t, lcClient, lcCB, prm("scope", "read write"))
				_, err := e.p.Approve(context.Background(), tok, "alice", tc.granted)
				e.expect(t, err, 400, tc.problem)
				// The refusal decided nothing: the user can still approve.
				e.approve(t, tok, "alice", nil)
				return
			}
			tok, sec, v := e.issue(t, lcClient, "alice", tc.granted, prm("scope", "read write"))
			if !v.Has("scope") || v.Get("scope") != tc.want || v.Get("user_id") != "alice" {
				t.Errorf("answer %v, want scope %q", v, tc.want)
			}
			g, err := e.p.Authenticate(e.sign(lcClient.withToken(tok, sec), get()))
			e.expect(t, err, 200, "")
			if got := g.Scopes; !slices.Equal(got, strings.Fields(tc.want)) {
				t.Errorf("grant scopes %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("no user", func(t *testing.T) {
		e := newLifecycle(t, core.Config{})
		tok, _ := e.requestToken(t, lcClient, lcCB, prm("scope", "read write"))
		_, err := e.p.Approve(context.Background(), tok, "", nil)
		e.expect(t, err, 400, "parameter_absent")
		e.approve(t, tok, "alice", nil)
	})
}
