package core_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// Consumers (consumers.go): registration, and the apps a user authorized
// with their revocation. (The owner's management is owner_test.go's, the
// revocation's races revoke_test.go's.)

// rsa512PEM is a 512-bit RSA public key (crypto/rsa no longer generates
// keys that small).
const rsa512PEM = `-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMvevxxWF6jdU/o3vrikHclhRYp5Ygwl
LgF/JQzM5u6F1ov7abIr/XacWRuYatn+c0cC4bkLUe4BVm2EG9NwgJUCAwEAAQ==
-----END PUBLIC KEY-----
`

// rsa1024 is a fresh 1024-bit key: too short to register.
func rsa1024(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestRegisterConsumer: a registration is checked (name, callback, RSA
// key, scopes) before anything is stored; a registered consumer gets
// fresh credentials and can sign at once.
func TestRegisterConsumer(t *testing.T) {
	ctx := context.Background()
	keys := testRSAKeys(t)
	for _, tc := range []struct {
		name     string
		noScopes bool
		reg      core.ConsumerRegistration
		problem  string // "" for success
		absent   string
	}{
		{name: "minimal", reg: core.ConsumerRegistration{Name: "Printer"}},
		{name: "everything", reg: core.ConsumerRegistration{Name: "  Printer  ", Owner: "alice",
			CallbackURL: "https://printer.example.com/ready", RSAPublicKey: publicPEM(t, keys[0]), Scopes: []string{"read"}}},
		{name: "200 characters", reg: core.ConsumerRegistration{Name: strings.Repeat("é", 200)}},
		{name: "empty name", reg: core.ConsumerRegistration{}, problem: "parameter_absent", absent: "name"},
		{name: "blank name", reg: core.ConsumerRegistration{Name: " \t "}, problem: "parameter_absent", absent: "name"},
		{name: "201 characters", reg: core.ConsumerRegistration{Name: strings.Repeat("é", 201)}, problem: "parameter_rejected"},
		{name: "invalid UTF-8", reg: core.ConsumerRegistration{Name: "a\xffb"}, problem: "parameter_rejected"},
		{name: "javascript callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "javascript:alert(1)"}, problem: "parameter_rejected"},
		{name: "relative callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "/cb"}, problem: "parameter_rejected"},
		{name: "oob callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "oob"}, problem: "parameter_rejected"},
		{name: "callback without host", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "https:///cb"}, problem: "parameter_rejected"},
		{name: "bad PEM", reg: core.ConsumerRegistration{Name: "x", RSAPublicKey: "not a key"}, problem: "parameter_rejected"},
		{name: "PEM of garbage", reg: core.ConsumerRegistration{Name: "x",
			RSAPublicKey: "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"}, problem: "parameter_rejected"},
		{name: "512-bit RSA key", reg: core.ConsumerRegistration{Name: "x", RSAPublicKey: rsa512PEM}, problem: "parameter_rejected"},
		{name: "1024-bit RSA key", reg: core.ConsumerRegistration{Name: "x", RSAPublicKey: publicPEM(t, rsa1024(t))}, problem: "parameter_rejected"},
		{name: "control character in the name", reg: core.ConsumerRegistration{Name: "a\x00b"}, problem: "parameter_rejected"},
		{name: "invalid UTF-8 in the callback", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "https://app.example/\xff"}, problem: "parameter_rejected"},
		{name: "callback over its bound", reg: core.ConsumerRegistration{Name: "x", CallbackURL: "https://app.example/" + strings.Repeat("c", 2049)}, problem: "parameter_rejected"},
		{name: "unknown scope", reg: core.ConsumerRegistration{Name: "x", Scopes: []string{"read", "bogus"}}, problem: "parameter_rejected"},
		{name: "scope on a provider without scopes", noScopes: true, reg: core.ConsumerRegistration{Name: "x", Scopes: []string{"read"}}, problem: "parameter_rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := core.Config{Scopes: lcScopes}
			if tc.noScopes {
				cfg.Scopes = nil
			}
			e := newEnv(t, cfg)
			c, err := e.p.RegisterConsumer(ctx, tc.reg)
			if tc.problem != "" {
				v := e.expect(t, err, 400, tc.problem)
				if v.Get("oauth_parameters_absent") != tc.absent {
					t.Errorf("oauth_parameters_absent = %q, want %q", v.Get("oauth_parameters_absent"), tc.absent)
				}
				if c != nil {
					t.Errorf("got consumer %+v with an error", c)
				}
				return
			}
			e.expect(t, err, 200, "")
			if len(c.Key) < 22 || len(c.Secret) < 43 || rfc5849.Encode(c.Key) != c.Key || rfc5849.Encode(c.Secret) != c.Secret {
				t.Errorf("key %q secret %q", c.Key, c.Secret)
			}
			if c.Name != strings.TrimSpace(tc.reg.Name) || c.Owner != tc.reg.Owner || c.CallbackURL != tc.reg.CallbackURL ||
				!slices.Equal(c.Scopes, tc.reg.Scopes) || !c.CreatedAt.Equal(time.Unix(t0, 0)) {
				t.Errorf("consumer %+v", c)
			}
			stored, err := e.store.GetConsumer(ctx, c.Key)
			if err != nil || stored.Secret != c.Secret || stored.Name != c.Name {
				t.Errorf("stored %+v, %v", stored, err)
			}
			// The registered consumer can sign.
			c2 := client{key: c.Key, secret: c.Secret}
			if c.RSAPublicKey != "" {
				c2 = client{key: c.Key, rsaKey: keys[0]}.using(core.RSASHA1)
			}
			_, err = e.p.Authenticate(e.sign(c2, get()), core.TwoLegged())
			e.expect(t, err, 200, "")
		})
	}
	t.Run("unique credentials", func(t *testing.T) {
		e := newEnv(t, core.Config{})
		seen := map[string]bool{}
		for i := range 100 {
			c, err := e.p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: fmt.Sprint("app ", i), Owner: "alice"})
			if err != nil {
				t.Fatal(err)
			}
			if seen[c.Key] || seen[c.Secret] {
				t.Fatalf("credentials repeat at %d", i)
			}
			seen[c.Key], seen[c.Secret] = true, true
		}
		list, err := e.store.ListConsumers(ctx, "alice")
		if err != nil || len(list) != 100 {
			t.Errorf("alice has %d consumers, %v", len(list), err)
		}
	})
	t.Run("store fails", func(t *testing.T) {
		e := newEnv(t, core.Config{})
		e.failOn("CreateConsumer", errors.New("boom "+fxStoreCauseSecret))
		_, err := e.p.RegisterConsumer(ctx, core.ConsumerRegistration{Name: "x"})
		e.expect(t, err, 500, "server_error")
	})
}

// TestAuthorizedApps checks the listing of a user's apps and their
// revocation.
func TestAuthorizedApps(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, core.Config{Scopes: lcScopes})
	sa := e.addConsumer(t, core.Consumer{Key: "app-a", Secret: "app-a-secret-Dd4-long"})
	sb := e.addConsumer(t, core.Consumer{Key: "app-b", Secret: "app-b-secret-Ee5-long"})
	e.addConsumer(t, core.Consumer{Key: "app-c", Secret: "app-c-secret-Ff6-long"})
	e.addConsumer(t, core.Consumer{Key: "app-d", Secret: "app-d-secret-Gg7-long"})
	add := func(tok, consumer, user string, mod func(*core.AccessToken), scopes ...string) {
		at := core.AccessToken{Token: tok, Secret: tok + "-secret-long", ConsumerKey: consumer, UserID: user, Scopes: scopes}
		if mod != nil {
			mod(&at)
		}
		e.addAccessToken(t, at)
		e.clock.Add(time.Second)
	}
	add("a1", "app-a", "alice", nil, "read")
	add("b1", "app-b", "alice", nil, "write")
	add("a2", "app-a", "alice", nil, "write", "read")
	add("c1", "app-c", "alice", func(at *core.AccessToken) { at.Revoked = true }, "admin")
	add("d1", "app-d", "alice", func(at *core.AccessToken) { at.ExpiresAt = e.clock.Now() }, "admin")
	add("gone1", "app-gone", "alice", nil, "admin")
	add("a-bob", "app-a", "bob", nil, "read")

	apps, err := e.p.AuthorizedApps(ctx, "alice")
	e.expect(t, err, 200, "")
	type app struct {
		key    string
		scopes []string
		tokens []string
	}
	summary := func(apps []core.AuthorizedApp) []app {
		var out []app
		for _, a := range apps {
			var toks []string
			for _, tk := range a.Tokens {
				toks = append(toks, tk.Token)
			}
			out = append(out, app{a.Consumer.Key, a.Scopes, toks})
		}
		return out
	}
	want := []app{{"app-a", []string{"read", "write"}, []string{"a1", "a2"}}, {"app-b", []string{"write"}, []string{"b1"}}}
	eq := func(a, b app) bool {
		return a.key == b.key && slices.Equal(a.scopes, b.scopes) && slices.Equal(a.tokens, b.tokens)
	}
	if got := summary(apps); !slices.EqualFunc(got, want, eq) {
		t.Errorf("AuthorizedApps = %+v, want %+v", got, want)
	}
	if apps, err := e.p.AuthorizedApps(ctx, "nobody"); err != nil || len(apps) != 0 {
		t.Errorf("AuthorizedApps(nobody) = %+v, %v", apps, err)
	}

	verify := func(c client, tok string) error {
		_, err := e.p.Authenticate(e.sign(c.withToken(tok, tok+"-secret-long"), get()))
		return err
	}
	e.expect(t, verify(sa, "a1"), 200, "")
	if err := e.p.RevokeApp(ctx, "alice", "app-a"); err != nil {
		t.Fatalf("RevokeApp: %v", err)
	}
	e.expect(t, verify(sa, "a1"), 401, "token_revoked")
	e.expect(t, verify(sa, "a2"), 401, "token_revoked")
	e.expect(t, verify(sa, "a-bob"), 200, "")
	e.expect(t, verify(sb, "b1"), 200, "")
	for _, key := range []string{"app-a", "app-c", "app-gone2", "nobody"} {
		err := e.p.RevokeApp(ctx, "alice", key)
		if !errors.Is(err, core.ErrNotFound) {
			t.Errorf("RevokeApp(alice, %s) = %v, want ErrNotFound", key, err)
		}
		e.expect(t, err, 404, core.ProblemTokenRejected)
	}
	apps, err = e.p.AuthorizedApps(ctx, "alice")
	if got := summary(apps); err != nil || !slices.EqualFunc(got, want[1:], eq) {
		t.Errorf("after revoking: %+v, %v", got, err)
	}

	if err := e.p.RevokeAccessToken(ctx, "b1"); err != nil {
		t.Errorf("RevokeAccessToken: %v", err)
	}
	e.expect(t, verify(sb, "b1"), 401, "token_revoked")
	if err := e.p.RevokeAccessToken(ctx, "b1"); err != nil {
		t.Errorf("RevokeAccessToken twice: %v", err)
	}
	err = e.p.RevokeAccessToken(ctx, "nothing")
	if !errors.Is(err, core.ErrNotFound) {
		t.Errorf("RevokeAccessToken(nothing) = %v, want ErrNotFound", err)
	}
	e.expect(t, err, 404, core.ProblemTokenRejected)

	for _, m := range []string{"ListAccessTokens", "GetConsumer"} {
		t.Run(m+" fails", func(t *testing.T) {
			e.failOn(m, errors.New("boom "+fxStoreCauseSecret))
			defer e.failOn("", nil)
			_, err := e.p.AuthorizedApps(ctx, "bob")
			e.expect(t, err, 500, "server_error")
		})
	}
	for _, m := range []string{"ListAccessTokens", "RevokeAccessToken"} {
		t.Run(m+" fails on revoke", func(t *testing.T) {
			e.failOn(m, errors.New("boom "+fxStoreCauseSecret))
			defer e.failOn("", nil)
			e.expect(t, e.p.RevokeApp(ctx, "bob", "app-a"), 500, "server_error")
		})
	}
	t.Run("RevokeAccessToken fails", func(t *testing.T) {
		e.failOn("RevokeAccessToken", context.DeadlineExceeded)
		defer e.failOn("", nil)
		e.expect(t, e.p.RevokeAccessToken(ctx, "a-bob"), 503, "temporarily_unavailable")
	})
}
