package core

import (
	"testing"
	"time"
)

// Tests of unexported helpers whose exact output the public API does not
// fully show.

func TestAppendQuery(t *testing.T) {
	for _, tc := range []struct {
		url   string
		pairs []string
		want  string
	}{
		// VECTORS.md §3.
		{"http://client.example.net/cb?x=1", []string{"oauth_token", "hdk48Djdsa", "oauth_verifier", "473f82d3"},
			"http://client.example.net/cb?x=1&oauth_token=hdk48Djdsa&oauth_verifier=473f82d3"},
		{"http://c.example/cb", []string{"oauth_token", "T", "oauth_verifier", "V"}, "http://c.example/cb?oauth_token=T&oauth_verifier=V"},
		{"http://c.example/cb?", []string{"denied", "T"}, "http://c.example/cb?denied=T"},
		{"http://c.example/cb?x=1&", []string{"denied", "T"}, "http://c.example/cb?x=1&denied=T"},
		{"http://c.example/cb#frag", []string{"denied", "T"}, "http://c.example/cb?denied=T#frag"},
		{"http://c.example/cb?x=1#f?g&h", []string{"denied", "T"}, "http://c.example/cb?x=1&denied=T#f?g&h"},
		{"http://c.example/cb", []string{"a b", "c&d=e"}, "http://c.example/cb?a+b=c%26d%3De"},
		{"myapp://done", []string{"oauth_token", "T"}, "myapp://done?oauth_token=T"},
	} {
		if got := appendQuery(tc.url, tc.pairs...); got != tc.want {
			t.Errorf("appendQuery(%q, %q) = %q, want %q", tc.url, tc.pairs, got, tc.want)
		}
	}
}

func TestParseTimestamp(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true},
		{"1700000000", 1700000000, true},
		{"01700000000", 1700000000, true},
		{"999999999999999999", 999999999999999999, true},
		{"1000000000000000000", 0, false},
		{"", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{" 1", 0, false},
		{"1 ", 0, false},
		{"1e9", 0, false},
		{"1.5", 0, false},
		{"0x10", 0, false},
		{"１", 0, false}, // a full-width digit
	} {
		got, err := parseTimestamp(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("parseTimestamp(%q) = %d, %v; want %d, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestFormContentType(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"application/x-www-form-urlencoded", true},
		{"APPLICATION/X-WWW-FORM-URLENCODED", true},
		{"application/x-www-form-urlencoded; charset=utf-8", true},
		{"application/x-www-form-urlencoded ;charset=utf-8", true},
		{"application/x-www-form-urlencodedx", false},
		{"application/x-www-form", false},
		{"multipart/form-data; boundary=x", false},
		{"application/json", false},
		{"", false},
	} {
		if got := formContentType(tc.in); got != tc.want {
			t.Errorf("formContentType(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCheckCallback(t *testing.T) {
	for _, tc := range []struct {
		cb, registered string
		ok             bool
	}{
		{"oob", "", true},
		{"oob", "https://c.example/cb", true},
		{"https://c.example/cb", "", true},
		{"https://c.example/cb?a=1", "https://c.example/cb", true},
		{"https://c.example:443/cb", "https://c.example/cb", true},
		{"https://C.EXAMPLE/cb", "https://c.example/cb", true},
		{"https://c.example", "https://c.example/", true},
		{"https://c.example/cb/x", "https://c.example/cb", false},
		{"https://c.example/c", "https://c.example/cb", false},
		{"http://c.example/cb", "https://c.example/cb", false},
		{"https://c.example:444/cb", "https://c.example/cb", false},
		{"https://d.example/cb", "https://c.example/cb", false},
		{"javascript:alert(1)", "", false},
		{"/cb", "", false},
		{"https://c.example/cb", "not a url", false},
	} {
		err := checkCallback(tc.cb, tc.registered)
		if (err == nil) != tc.ok {
			t.Errorf("checkCallback(%q, %q) = %v, want ok %v", tc.cb, tc.registered, err, tc.ok)
		}
		if err != nil {
			if e := AsError(err); e.Status != 400 || e.Problem != ProblemParameterRejected {
				t.Errorf("checkCallback(%q, %q) = %d %s", tc.cb, tc.registered, e.Status, e.Problem)
			}
		}
	}
}

// TestRequestTokenState checks the one mapping from a request token's
// state to the answer, for a consent page (want pending) and an exchange
// (want authorized).
func TestRequestTokenState(t *testing.T) {
	now := time.Unix(1000, 0)
	live, expired := now.Add(time.Minute), now
	for _, tc := range []struct {
		state   TokenState
		expires time.Time
		want    TokenState
		problem string // "" when the token may be used
	}{
		{StatePending, live, StatePending, ""},
		{StatePending, expired, StatePending, ProblemTokenExpired},
		{StateAuthorized, live, StatePending, ProblemTokenUsed},
		{StateAuthorized, expired, StatePending, ProblemTokenUsed},
		{StateUsed, live, StatePending, ProblemTokenUsed},
		{StateDenied, live, StatePending, ProblemUserRefused},
		{StateAuthorized, live, StateAuthorized, ""},
		{StateAuthorized, expired, StateAuthorized, ProblemTokenExpired},
		{StatePending, live, StateAuthorized, ProblemTokenRejected},
		{StatePending, expired, StateAuthorized, ProblemTokenExpired},
		{StateUsed, live, StateAuthorized, ProblemTokenUsed},
		{StateDenied, expired, StateAuthorized, ProblemUserRefused},
	} {
		err := requestTokenState(&RequestToken{State: tc.state, ExpiresAt: tc.expires}, tc.want, now)
		got := ""
		if err != nil {
			got = err.Problem
			if err.Status != 401 {
				t.Errorf("%s token, want %s: status %d, want 401", tc.state, tc.want, err.Status)
			}
		}
		if got != tc.problem {
			t.Errorf("%s token (expires %v), want %s: problem %q, want %q", tc.state, tc.expires.Equal(expired), tc.want, got, tc.problem)
		}
	}
}
