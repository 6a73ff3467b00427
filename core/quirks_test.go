package core_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// Client quirks seen in the field (node-oauth #271, Postman, Canvas,
// Jira-style debugging), one rule per test.

// TestVerify_MillisecondTimestamp: a timestamp in milliseconds is refused
// like any other outside the window, with advice that says what is wrong.
func TestVerify_MillisecondTimestamp(t *testing.T) {
	for _, tc := range []struct {
		name, ts, advice string
	}{
		{"milliseconds", strconv.FormatInt(t0*1000+123, 10), "milliseconds"},
		{"an hour late", strconv.FormatInt(t0-3600, 10), "outside the accepted window"},
		{"far future, not milliseconds", strconv.FormatInt(t0*100, 10), "outside the accepted window"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{}, nil)
			s := e.a1()
			s.timestamp = tc.ts
			_, err := e.p.Authenticate(s.sign(get()))
			v := e.expect(t, err, http.StatusUnauthorized, core.ProblemTimestampRefused)
			if !strings.Contains(v.Get("oauth_problem_advice"), tc.advice) || v.Get("oauth_acceptable_timestamps") == "" {
				t.Errorf("answer %v, want advice about %q and oauth_acceptable_timestamps", v, tc.advice)
			}
		})
	}
}

// TestVerify_EmptyTokenIsTwoLegged: oauth_token="" (as Postman sends it)
// is a two-legged request, and the empty parameter stays in the base
// string as sent: a client that signed it verifies, one that signed
// without it does not.
func TestVerify_EmptyTokenIsTwoLegged(t *testing.T) {
	e := newFixture(t, core.Config{}, nil)
	s := e.c1()
	s.emptyToken = true
	g, err := e.p.Authenticate(s.sign(get()), core.TwoLegged())
	e.expect(t, err, http.StatusOK, "")
	if g.Token != nil || g.UserID != "" {
		t.Errorf("grant %+v, want a two-legged one", g)
	}

	// The same request signed without the empty parameter, sent with it.
	r := e.c1().sign(get())
	r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "OAuth ", `OAuth oauth_token="", `, 1))
	_, err = e.p.Authenticate(r, core.TwoLegged())
	e.expect(t, err, http.StatusUnauthorized, core.ProblemSignatureInvalid)
}

// TestVerify_LongNonce: nonces up to the bound (256 bytes by default) are
// accepted; Canvas sends more than 32 characters.
func TestVerify_LongNonce(t *testing.T) {
	e := newFixture(t, core.Config{}, nil)
	s := e.a1()
	s.nonce = strings.Repeat("0123456789abcdef", 16)
	_, err := e.p.Authenticate(s.sign(get()))
	e.expect(t, err, http.StatusOK, "")
}

// TestExposeBaseString: with Config.ExposeBaseString, a signature_invalid
// answer carries the base string the provider computed, and never a
// secret; without it, it carries none; other problems never carry it.
func TestExposeBaseString(t *testing.T) {
	for _, tc := range []struct {
		name    string
		expose  bool
		secret  string // signs with this consumer secret
		problem string
	}{
		{"on, wrong signature", true, "wrong", core.ProblemSignatureInvalid},
		{"off, wrong signature", false, "wrong", core.ProblemSignatureInvalid},
		{"on, right signature", true, fxCS, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{ExposeBaseString: tc.expose}, nil)
			s := e.a1()
			s.secret = tc.secret
			r := s.sign(get())
			_, err := e.p.Authenticate(r)
			if tc.problem == "" {
				e.expect(t, err, http.StatusOK, "")
				return
			}
			v := e.expect(t, err, http.StatusUnauthorized, tc.problem) // also checks no secret is rendered
			base := v.Get("oauth_signature_base_string")
			if !tc.expose {
				if base != "" {
					t.Errorf("base string %q exposed while off", base)
				}
				return
			}
			if !strings.HasPrefix(base, "GET&http%3A%2F%2Fapi.example.com%2Fv1%2Fme&") ||
				!strings.Contains(base, "oauth_consumer_key%3D"+fxCK) || !strings.Contains(base, "x%3D1") ||
				strings.Contains(base, "oauth_signature%3D") {
				t.Errorf("base string %q", base)
			}
		})
	}
	t.Run("not on other problems", func(t *testing.T) {
		e := newFixture(t, core.Config{ExposeBaseString: true}, nil)
		s := e.a1()
		s.timestamp = "1"
		_, err := e.p.Authenticate(s.sign(get()))
		v := e.expect(t, err, http.StatusUnauthorized, core.ProblemTimestampRefused)
		if v.Has("oauth_signature_base_string") {
			t.Errorf("timestamp_refused answer %v carries a base string", v)
		}
	})
}
