package core_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// errAsked is what the store answers in these tests: a request refused for
// its values must never reach it (that would be a 500, not a 400).
var errAsked = errors.New("the store must not be asked")

// TestProtocolValues_Bounds: oauth_nonce, oauth_callback and every other
// protocol value are bounded in bytes (defaults 256, 2048, 1024, or as
// configured); a longer value is 400 parameter_rejected before any store
// is asked, and a value at the bound passes.
func TestProtocolValues_Bounds(t *testing.T) {
	for _, tc := range []struct {
		name   string
		cfg    core.Config
		param  string
		length int
		status int
	}{
		{"nonce at the default bound", core.Config{}, "oauth_nonce", 256, http.StatusOK},
		{"nonce over the default bound", core.Config{}, "oauth_nonce", 257, http.StatusBadRequest},
		{"nonce of 900 kB", core.Config{}, "oauth_nonce", 900 << 10, http.StatusBadRequest},
		{"nonce over a configured bound", core.Config{MaxNonceBytes: 32}, "oauth_nonce", 33, http.StatusBadRequest},
		{"nonce at a configured bound", core.Config{MaxNonceBytes: 512}, "oauth_nonce", 512, http.StatusOK},
		{"extension parameter at the default bound", core.Config{}, "oauth_extension", 1024, http.StatusOK},
		{"extension parameter over the default bound", core.Config{}, "oauth_extension", 1025, http.StatusBadRequest},
		{"extension parameter over a configured bound", core.Config{MaxParamBytes: 100}, "oauth_extension", 101, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, tc.cfg)
			if tc.status != http.StatusOK {
				e.failOn("GetConsumer", errAsked)
			}
			_, err := e.p.Authenticate(e.sign(alice, get(), prm(tc.param, strings.Repeat("n", tc.length))))
			if tc.status == http.StatusOK {
				e.expect(t, err, http.StatusOK, "")
				return
			}
			e.expect(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		})
	}
}

// TestProtocolValues_CallbackBound: oauth_callback may be longer than the
// other values, up to its own bound.
func TestProtocolValues_CallbackBound(t *testing.T) {
	for _, tc := range []struct {
		name   string
		length int
		status int
	}{
		{"at the bound", 2048, http.StatusOK},
		{"over the bound", 2049, http.StatusBadRequest},
		{"900 kB", 900 << 10, http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newLifecycle(t, core.Config{})
			cb := "https://app.example/cb?x=" + strings.Repeat("c", tc.length-len("https://app.example/cb?x="))
			if tc.status != http.StatusOK {
				e.failOn("GetConsumer", errAsked)
			}
			w := serve(e.p.RequestTokenHandler(), e.initiateRequest(lcClient, cb))
			want := ""
			if tc.status != http.StatusOK {
				want = core.ProblemParameterRejected
			}
			e.expectResponse(t, w, tc.status, want)
		})
	}
}

// TestProtocolValues_WellFormed: a protocol value that is not valid UTF-8
// or holds a control character is 400 parameter_rejected before any store
// is asked (a database would answer such bytes with an error, or rewrite
// them); other Unicode passes.
func TestProtocolValues_WellFormed(t *testing.T) {
	for _, tc := range []struct {
		name, param, value string
		ok                 bool
	}{
		{"invalid UTF-8 consumer key", "oauth_consumer_key", "\xff", false},
		{"NUL in the consumer key", "oauth_consumer_key", "fx\x00", false},
		{"invalid UTF-8 token", "oauth_token", "\xfe\xff", false},
		{"invalid UTF-8 nonce", "oauth_nonce", "n\xff", false},
		{"NUL in the nonce", "oauth_nonce", "n\x00", false},
		{"newline in the nonce", "oauth_nonce", "n\n1", false},
		{"DEL in the nonce", "oauth_nonce", "n\x7f", false},
		{"C1 control in the nonce", "oauth_nonce", "n\u0085", false},
		{"surrogate half in the nonce", "oauth_nonce", "n\xed\xa0\x80", false},
		{"non-ASCII nonce", "oauth_nonce", "nonce-é-日本-🙂", true},
		{"space in the nonce", "oauth_nonce", "a nonce", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			c, extra := alice, []rfc5849.Param(nil)
			switch tc.param {
			case "oauth_consumer_key":
				c.key = tc.value
			case "oauth_token":
				c.token = tc.value
			case "oauth_nonce":
				extra = append(extra, prm("oauth_nonce", tc.value))
			}
			if !tc.ok {
				e.failOn("GetConsumer", errAsked)
			}
			_, err := e.p.Authenticate(e.sign(c, get(), extra...))
			if tc.ok {
				e.expect(t, err, http.StatusOK, "")
				return
			}
			e.expect(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		})
	}
}

// TestProtocolValues_ConsentToken: the token a consent page names is held
// to the same rules before the store is asked for it.
func TestProtocolValues_ConsentToken(t *testing.T) {
	for _, token := range []string{"\xff", "t\x00", strings.Repeat("t", 1025)} {
		e := newLifecycle(t, core.Config{})
		e.failOn("GetRequestToken", errAsked)
		_, err := e.p.LoadConsent(t.Context(), token)
		e.expect(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		_, err = e.p.Approve(t.Context(), token, "alice", nil)
		e.expect(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		_, err = e.p.Deny(t.Context(), token)
		e.expect(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
	}
}

func TestNewRejectsNegativeBounds(t *testing.T) {
	for _, cfg := range []core.Config{{MaxNonceBytes: -1}, {MaxCallbackBytes: -1}, {MaxParamBytes: -1}} {
		cfg.Store = newEnv(t, core.Config{}).store
		if p, err := core.New(cfg); err == nil || p != nil {
			t.Errorf("New(%+v) = %v, %v; want an error", cfg, p, err)
		}
	}
}
