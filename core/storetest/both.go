package storetest

import (
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// testGetConsumerAndAccessToken: a store that implements
// core.ConsumerAccessTokenGetter answers as its two getters would: each
// record found, nil for each one missing with ErrNotFound, and the token
// whatever consumer it was issued to. Skipped for a store without it.
func (s suite) testGetConsumerAndAccessToken(t *testing.T) {
	if _, ok := s.store(t).(core.ConsumerAccessTokenGetter); !ok {
		t.Skip("the store does not implement core.ConsumerAccessTokenGetter")
	}
	fx := s.fx
	revoked := fx.AccessToken("at-revoked", "ck", "alice")
	revoked.Revoked, revoked.ExpiresAt, revoked.Scopes = true, time.Time{}, nil
	consumers := map[string]*core.Consumer{"ck": fx.Consumer("ck", "alice"), "ck2": fx.Consumer("ck2", "bob")}
	tokens := map[string]*core.AccessToken{
		"at":         fx.AccessToken("at", "ck", "alice"),
		"at2":        fx.AccessToken("at2", "ck2", "bob"),
		"at-revoked": revoked,
	}
	for _, tc := range []struct {
		name            string
		consumer, token string // looked up
		found           bool   // both found: no error, else ErrNotFound
	}{
		{"both known", "ck", "at", true},
		{"unknown consumer", "missing", "at", false},
		{"unknown token", "ck", "missing", false},
		{"both unknown", "missing", "missing", false},
		{"token of another consumer", "ck", "at2", true},
		{"revoked token without expiry", "ck", "at-revoked", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := s.store(t)
			ctx := t.Context()
			for _, c := range consumers {
				mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, c))
			}
			for _, a := range tokens {
				mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, a))
			}
			op := "GetConsumerAndAccessToken(" + tc.consumer + ", " + tc.token + ")"
			c, a, err := st.(core.ConsumerAccessTokenGetter).GetConsumerAndAccessToken(ctx, tc.consumer, tc.token)
			if tc.found {
				checkErr(t, op, err, nil)
			} else {
				checkErr(t, op, err, core.ErrNotFound)
			}
			switch want := consumers[tc.consumer]; {
			case want == nil && c != nil:
				t.Errorf("%s: consumer %+v, want nil", op, *c)
			case want != nil && c == nil:
				t.Errorf("%s: no consumer, want %q", op, want.Key)
			case want != nil:
				sameConsumer(t, op+" consumer", c, want)
			}
			switch want := tokens[tc.token]; {
			case want == nil && a != nil:
				t.Errorf("%s: access token %+v, want nil", op, *a)
			case want != nil && a == nil:
				t.Errorf("%s: no access token, want %q", op, want.Token)
			case want != nil:
				sameAccessToken(t, op+" access token", a, want)
				if want.ExpiresAt.IsZero() && !a.ExpiresAt.IsZero() {
					t.Errorf("%s: zero ExpiresAt came back as %v", op, a.ExpiresAt)
				}
			}
		})
	}
}
