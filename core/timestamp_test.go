package core_test

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// Step 2 of Authenticate (checkTimestamp, RFC 5849 §3.3): oauth_timestamp
// is decimal seconds, within Config.TimestampPast and TimestampFuture of
// now.

// TestTimestamp_Format: a timestamp that is not plain decimal digits, or
// too long for seconds, is 400 parameter_rejected.
func TestTimestamp_Format(t *testing.T) {
	for _, tc := range []struct{ name, timestamp string }{
		{"a letter", "17000000x0"},
		{"negative", "-" + ts(0)},
		{"a plus sign", "+" + ts(0)},
		{"a space", " " + ts(0)},
		{"fractional", ts(0) + ".5"},
		{"huge", "99999999999999999999999"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			_, err := e.p.Authenticate(e.sign(alice, get(), prm("oauth_timestamp", tc.timestamp)))
			e.expectAuth(t, err, http.StatusBadRequest, core.ProblemParameterRejected)
		})
	}
}

// TestTimestamp_Window: a timestamp outside the window is 401
// timestamp_refused, with the window in oauth_acceptable_timestamps; its
// edges are inside.
func TestTimestamp_Window(t *testing.T) {
	narrow := core.Config{TimestampPast: 10 * time.Second, TimestampFuture: 20 * time.Second}
	for _, tc := range []struct {
		name       string
		cfg        core.Config
		timestamp  string
		acceptable string // "" when accepted
	}{
		{"at the window's start", core.Config{}, ts(-300), ""},
		{"at the window's end", core.Config{}, ts(300), ""},
		{"too old", core.Config{}, ts(-301), "1699999700-1700000300"},
		{"too far ahead", core.Config{}, ts(301), "1699999700-1700000300"},
		{"zero", core.Config{}, "0", "1699999700-1700000300"},
		{"custom window too old", narrow, ts(-11), "1699999990-1700000020"},
		{"custom window too far ahead", narrow, ts(21), "1699999990-1700000020"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, tc.cfg)
			g, err := e.p.Authenticate(e.sign(alice, get(), prm("oauth_timestamp", tc.timestamp)))
			if tc.acceptable == "" {
				e.expect(t, err, http.StatusOK, "")
				checkGrant(t, g, "alice", core.HMACSHA1)
				return
			}
			v := e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemTimestampRefused)
			if got := v.Get("oauth_acceptable_timestamps"); got != tc.acceptable {
				t.Errorf("oauth_acceptable_timestamps = %q, want %q", got, tc.acceptable)
			}
		})
	}
}

// TestTimestamp_CheckedBeforeLookup: a timestamp outside the window is
// refused before the store is asked for the consumer, known or not.
func TestTimestamp_CheckedBeforeLookup(t *testing.T) {
	e := newFixture(t, core.Config{})
	e.failOn("GetConsumer", errors.New("the store must not be asked"))
	_, err := e.p.Authenticate(e.sign(nobody, get(), prm("oauth_timestamp", ts(-1000))), core.TwoLegged())
	v := e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemTimestampRefused)
	if got := v.Get("oauth_acceptable_timestamps"); got != "1699999700-1700000300" {
		t.Errorf("oauth_acceptable_timestamps = %q", got)
	}
}

// TestTimestamp_Milliseconds: a timestamp in milliseconds (node-oauth
// #271) is refused like any other outside the window, with advice that
// says what is wrong.
func TestTimestamp_Milliseconds(t *testing.T) {
	for _, tc := range []struct {
		name, timestamp, advice string
	}{
		{"milliseconds", strconv.FormatInt(t0*1000+123, 10), "milliseconds"},
		{"an hour late", strconv.FormatInt(t0-3600, 10), "outside the accepted window"},
		{"far future, not milliseconds", strconv.FormatInt(t0*100, 10), "outside the accepted window"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newFixture(t, core.Config{})
			_, err := e.p.Authenticate(e.sign(alice, get(), prm("oauth_timestamp", tc.timestamp)))
			v := e.expectAuth(t, err, http.StatusUnauthorized, core.ProblemTimestampRefused)
			if !strings.Contains(v.Get("oauth_problem_advice"), tc.advice) || v.Get("oauth_acceptable_timestamps") == "" {
				t.Errorf("answer %v, want advice about %q and oauth_acceptable_timestamps", v, tc.advice)
			}
		})
	}
}
