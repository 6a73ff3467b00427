package storetest

import (
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// testTransitions runs every state-changing call on a request token in
// every state. A call either succeeds and moves the token to its state, or
// fails with the documented error and changes nothing.
func (s suite) testTransitions(t *testing.T) {
	const token = "rt"
	// setup brings a fresh request token to a state.
	setup := map[core.TokenState]func(t *testing.T, st core.Store){
		core.StatePending: func(t *testing.T, st core.Store) {},
		core.StateAuthorized: func(t *testing.T, st core.Store) {
			mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(t.Context(), token, "alice", "v1", []string{"read"}))
		},
		core.StateDenied: func(t *testing.T, st core.Store) {
			mustOK(t, "DenyRequestToken", st.DenyRequestToken(t.Context(), token))
		},
		core.StateUsed: func(t *testing.T, st core.Store) {
			mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(t.Context(), token, "alice", "v1", []string{"read"}))
			mustOK(t, "ConsumeRequestToken", st.ConsumeRequestToken(t.Context(), token, s.fx.AccessToken("at-setup", "ck", "alice")))
		},
	}
	type op struct {
		name string
		call func(t *testing.T, st core.Store) error
		to   core.TokenState // the state after success
	}
	authorize := op{"Authorize", func(t *testing.T, st core.Store) error {
		return st.AuthorizeRequestToken(t.Context(), token, "bob", "v2", []string{"write"})
	}, core.StateAuthorized}
	deny := op{"Deny", func(t *testing.T, st core.Store) error {
		return st.DenyRequestToken(t.Context(), token)
	}, core.StateDenied}
	consume := op{"Consume", func(t *testing.T, st core.Store) error {
		return st.ConsumeRequestToken(t.Context(), token, s.fx.AccessToken("at-op", "ck", "alice"))
	}, core.StateUsed}

	for _, tc := range []struct {
		from core.TokenState
		op   op
		want error
	}{
		{core.StatePending, authorize, nil},
		{core.StatePending, deny, nil},
		{core.StatePending, consume, core.ErrConflict},
		{core.StateAuthorized, authorize, core.ErrConflict},
		{core.StateAuthorized, deny, core.ErrConflict},
		{core.StateAuthorized, consume, nil},
		{core.StateDenied, authorize, core.ErrConflict},
		{core.StateDenied, deny, core.ErrConflict},
		{core.StateDenied, consume, core.ErrConflict},
		{core.StateUsed, authorize, core.ErrConflict},
		{core.StateUsed, deny, core.ErrConflict},
		{core.StateUsed, consume, core.ErrConflict},
	} {
		t.Run(string(tc.from)+"/"+tc.op.name, func(t *testing.T) {
			st := s.store(t)
			mustOK(t, "CreateRequestToken", st.CreateRequestToken(t.Context(), s.fx.RequestToken(token, "ck")))
			setup[tc.from](t, st)
			before := getRequestToken(t, st, token)
			if before.State != tc.from {
				t.Fatalf("setup left the token %q, want %q", before.State, tc.from)
			}
			err := tc.op.call(t, st)
			checkErr(t, tc.op.name, err, tc.want)
			after := getRequestToken(t, st, token)
			if tc.want == nil {
				if after.State != tc.op.to {
					t.Errorf("State after %s = %q, want %q", tc.op.name, after.State, tc.op.to)
				}
			} else {
				sameRequestToken(t, "request token after failed "+tc.op.name, after, before)
			}
			if tc.op.name == consume.name {
				if tc.want == nil {
					getAccessToken(t, st, "at-op")
				} else {
					noAccessToken(t, st, "at-op")
				}
			}
		})
	}
}

// testAuthorize: authorizing records user, verifier and the granted
// scopes, and changes nothing else.
func (s suite) testAuthorize(t *testing.T) {
	for _, tc := range []struct {
		name    string
		granted []string
	}{
		{"narrowed scopes", []string{"read"}},
		{"no scopes", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := s.store(t)
			ctx := t.Context()
			rt := s.fx.RequestToken("rt", "ck")
			mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, rt))
			checkErr(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(ctx, "rt", "alice", "verifier-1", tc.granted), nil)
			want := *rt
			want.State, want.UserID, want.Verifier, want.Scopes = core.StateAuthorized, "alice", "verifier-1", tc.granted
			sameRequestToken(t, "GetRequestToken", getRequestToken(t, st, "rt"), &want)
		})
	}
}

// testDenyAuthorized: DenyAuthorizedRequestTokens denies the user's
// authorized tokens of that consumer only, which then no longer consume.
func (s suite) testDenyAuthorized(t *testing.T) {
	st := s.store(t)
	ctx := t.Context()
	for _, rt := range []struct{ token, consumer, user string }{
		{"rt-mine", "ck", "alice"}, {"rt-mine-2", "ck", "alice"}, {"rt-other-app", "ck2", "alice"},
		{"rt-other-user", "ck", "bob"}, {"rt-pending", "ck", ""},
	} {
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken(rt.token, rt.consumer)))
		if rt.user != "" {
			mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(ctx, rt.token, rt.user, "v", nil))
		}
	}
	n, err := st.DenyAuthorizedRequestTokens(ctx, "alice", "ck")
	if err != nil || n != 2 {
		t.Fatalf("DenyAuthorizedRequestTokens = %d, %v; want 2, nil", n, err)
	}
	for token, want := range map[string]core.TokenState{
		"rt-mine": core.StateDenied, "rt-mine-2": core.StateDenied, "rt-other-app": core.StateAuthorized,
		"rt-other-user": core.StateAuthorized, "rt-pending": core.StatePending,
	} {
		if got := getRequestToken(t, st, token).State; got != want {
			t.Errorf("%s: state %s, want %s", token, got, want)
		}
	}
	checkErr(t, "ConsumeRequestToken(denied)", st.ConsumeRequestToken(ctx, "rt-mine", s.fx.AccessToken("at", "ck", "alice")), core.ErrConflict)
	if n, err := st.DenyAuthorizedRequestTokens(ctx, "alice", "ck"); err != nil || n != 0 {
		t.Errorf("DenyAuthorizedRequestTokens again = %d, %v; want 0, nil", n, err)
	}
}

// testConsume: consuming stores the access token with every field, and
// when the access token cannot be stored nothing changes.
func (s suite) testConsume(t *testing.T) {
	authorized := func(t *testing.T, st core.Store) {
		t.Helper()
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(t.Context(), s.fx.RequestToken("rt", "ck")))
		mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(t.Context(), "rt", "alice", "v", []string{"read"}))
	}
	t.Run("stores the access token", func(t *testing.T) {
		st := s.store(t)
		authorized(t, st)
		access := s.fx.AccessToken("at", "ck", "alice")
		checkErr(t, "ConsumeRequestToken", st.ConsumeRequestToken(t.Context(), "rt", access), nil)
		sameAccessToken(t, "GetAccessToken", getAccessToken(t, st, "at"), access)
		if got := getRequestToken(t, st, "rt").State; got != core.StateUsed {
			t.Errorf("State = %q, want %q", got, core.StateUsed)
		}
	})
	t.Run("duplicate access token changes nothing", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		authorized(t, st)
		existing := s.fx.AccessToken("at", "ck-other", "bob")
		mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, existing))
		before := getRequestToken(t, st, "rt")
		err := st.ConsumeRequestToken(ctx, "rt", s.fx.AccessToken("at", "ck", "alice"))
		checkErr(t, "ConsumeRequestToken(duplicate access token)", err, core.ErrDuplicate)
		sameRequestToken(t, "request token after failed consume", getRequestToken(t, st, "rt"), before)
		sameAccessToken(t, "existing access token", getAccessToken(t, st, "at"), existing)
		// The token is still authorized, so a retry with a fresh access
		// token succeeds.
		checkErr(t, "ConsumeRequestToken(retry)", st.ConsumeRequestToken(ctx, "rt", s.fx.AccessToken("at-2", "ck", "alice")), nil)
		getAccessToken(t, st, "at-2")
	})
}

func (s suite) testRevoke(t *testing.T) {
	st := s.store(t)
	ctx := t.Context()
	at := s.fx.AccessToken("at", "ck", "alice")
	other := s.fx.AccessToken("at-other", "ck", "alice")
	mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, at))
	mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, other))
	checkErr(t, "RevokeAccessToken", st.RevokeAccessToken(ctx, "at"), nil)
	want := *at
	want.Revoked = true
	sameAccessToken(t, "GetAccessToken after revoke", getAccessToken(t, st, "at"), &want)
	checkErr(t, "RevokeAccessToken(again)", st.RevokeAccessToken(ctx, "at"), nil)
	sameAccessToken(t, "GetAccessToken after second revoke", getAccessToken(t, st, "at"), &want)
	sameAccessToken(t, "GetAccessToken(other)", getAccessToken(t, st, "at-other"), other)
	checkErr(t, "RevokeAccessToken(unknown)", st.RevokeAccessToken(ctx, "missing"), core.ErrNotFound)
}

// testDeleteExpired: request tokens with ExpiresAt <= now go, and access
// tokens with a non-zero ExpiresAt <= now; everything else stays.
func (s suite) testDeleteExpired(t *testing.T) {
	now := s.fx.Now
	t.Run("empty store", func(t *testing.T) {
		n, err := s.store(t).DeleteExpired(t.Context(), now)
		checkErr(t, "DeleteExpired", err, nil)
		if n != 0 {
			t.Errorf("DeleteExpired = %d, want 0", n)
		}
	})
	// now may come in any location: the instant counts.
	for _, at := range []time.Time{now, now.In(elsewhere)} {
		t.Run("exactly the expired, now in "+at.Location().String(), func(t *testing.T) {
			st := s.store(t)
			ctx := t.Context()
			requests := []struct {
				token   string
				expires time.Time
				gone    bool
			}{
				{"rt-past", now.Add(-time.Second), true},
				{"rt-now", now, true},
				{"rt-future", now.Add(time.Second), false},
				{"rt-micro", now.Add(time.Microsecond), false},
			}
			for _, r := range requests {
				rt := s.fx.RequestToken(r.token, "ck")
				rt.CreatedAt, rt.ExpiresAt = now.Add(-time.Hour), r.expires
				mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, rt))
			}
			accesses := []struct {
				token   string
				expires time.Time
				revoked bool
				gone    bool
			}{
				{"at-never", time.Time{}, false, false},
				{"at-never-revoked", time.Time{}, true, false},
				{"at-past", now.Add(-time.Second), false, true},
				{"at-now", now, false, true},
				{"at-future", now.Add(time.Second), false, false},
				{"at-future-revoked", now.Add(time.Hour), true, false},
			}
			for _, a := range accesses {
				at := s.fx.AccessToken(a.token, "ck", "alice")
				at.CreatedAt, at.ExpiresAt, at.Revoked = now.Add(-time.Hour), a.expires, a.revoked
				mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, at))
			}

			n, err := st.DeleteExpired(ctx, at)
			checkErr(t, "DeleteExpired", err, nil)
			if n != 4 {
				t.Errorf("DeleteExpired = %d, want 4", n)
			}
			for _, r := range requests {
				if r.gone {
					noRequestToken(t, st, r.token)
				} else {
					getRequestToken(t, st, r.token)
				}
			}
			for _, a := range accesses {
				if a.gone {
					noAccessToken(t, st, a.token)
				} else {
					getAccessToken(t, st, a.token)
				}
			}
			n, err = st.DeleteExpired(ctx, at)
			checkErr(t, "DeleteExpired(again)", err, nil)
			if n != 0 {
				t.Errorf("DeleteExpired(again) = %d, want 0", n)
			}
		})
	}
}
