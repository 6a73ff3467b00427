package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// elsewhere is a zone that is not UTC: a store must keep the instant of a
// time, whatever its location.
var elsewhere = time.FixedZone("UTC+5:30", 5*3600+30*60)

func (s suite) testRoundTrip(t *testing.T) {
	fx := s.fx
	t.Run("Consumer", func(t *testing.T) {
		noScopes := fx.Consumer("ck-noscopes", "alice")
		noScopes.Scopes = nil
		zone := fx.Consumer("ck-zone", "alice")
		zone.CreatedAt = zone.CreatedAt.In(elsewhere)
		for _, tc := range []struct {
			name string
			c    *core.Consumer
		}{
			{"full", fx.Consumer("ck-full", "alice")},
			{"no scopes", noScopes},
			{"only key", &core.Consumer{Key: "ck-min", CreatedAt: fx.Now}},
			{"non-UTC time", zone},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st := s.store(t)
				mustOK(t, "CreateConsumer", st.CreateConsumer(t.Context(), tc.c))
				sameConsumer(t, "GetConsumer", getConsumer(t, st, tc.c.Key), tc.c)
			})
		}
	})
	t.Run("RequestToken", func(t *testing.T) {
		noScopes := fx.RequestToken("rt-noscopes", "ck")
		noScopes.Scopes = nil
		oob := fx.RequestToken("rt-oob", "ck")
		oob.Callback = "oob"
		zone := fx.RequestToken("rt-zone", "ck")
		zone.CreatedAt = zone.CreatedAt.In(elsewhere)
		zone.ExpiresAt = zone.ExpiresAt.In(elsewhere)
		for _, tc := range []struct {
			name string
			r    *core.RequestToken
		}{
			{"full", fx.RequestToken("rt-full", "ck")},
			{"no scopes", noScopes},
			{"oob", oob},
			{"non-UTC times", zone},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st := s.store(t)
				mustOK(t, "CreateRequestToken", st.CreateRequestToken(t.Context(), tc.r))
				sameRequestToken(t, "GetRequestToken", getRequestToken(t, st, tc.r.Token), tc.r)
			})
		}
	})
	t.Run("AccessToken", func(t *testing.T) {
		noExpiry := fx.AccessToken("at-noexpiry", "ck", "alice")
		noExpiry.ExpiresAt = time.Time{}
		revoked := fx.AccessToken("at-revoked", "ck", "alice")
		revoked.Revoked = true
		noScopes := fx.AccessToken("at-noscopes", "ck", "alice")
		noScopes.Scopes = nil
		many := fx.AccessToken("at-many", "ck", "alice")
		many.Scopes = []string{"read", "write", "admin", "photos:read"}
		zone := fx.AccessToken("at-zone", "ck", "alice")
		zone.CreatedAt = zone.CreatedAt.In(elsewhere)
		zone.ExpiresAt = zone.ExpiresAt.In(elsewhere)
		for _, tc := range []struct {
			name string
			a    *core.AccessToken
		}{
			{"full", fx.AccessToken("at-full", "ck", "alice")},
			{"no expiry", noExpiry},
			{"revoked", revoked},
			{"no scopes", noScopes},
			{"many scopes", many},
			{"non-UTC times", zone},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st := s.store(t)
				mustOK(t, "CreateAccessToken", st.CreateAccessToken(t.Context(), tc.a))
				got := getAccessToken(t, st, tc.a.Token)
				sameAccessToken(t, "GetAccessToken", got, tc.a)
				if tc.a.ExpiresAt.IsZero() && !got.ExpiresAt.IsZero() {
					t.Errorf("zero ExpiresAt came back as %v", got.ExpiresAt)
				}
			})
		}
	})
}

// testNotFound: every getter and mutator answers an unknown key with
// ErrNotFound, never (nil, nil), in a store that holds other records.
func (s suite) testNotFound(t *testing.T) {
	const missing = "missing"
	for _, tc := range []struct {
		name string
		call func(t *testing.T, st core.Store) error
	}{
		{"GetConsumer", func(t *testing.T, st core.Store) error {
			return result(st.GetConsumer(t.Context(), missing))
		}},
		{"DeleteConsumer", func(t *testing.T, st core.Store) error {
			return st.DeleteConsumer(t.Context(), missing)
		}},
		{"UpdateConsumerSecret", func(t *testing.T, st core.Store) error {
			return st.UpdateConsumerSecret(t.Context(), missing, "new-secret")
		}},
		{"GetRequestToken", func(t *testing.T, st core.Store) error {
			return result(st.GetRequestToken(t.Context(), missing))
		}},
		{"AuthorizeRequestToken", func(t *testing.T, st core.Store) error {
			return st.AuthorizeRequestToken(t.Context(), missing, "alice", "verifier", []string{"read"})
		}},
		{"DenyRequestToken", func(t *testing.T, st core.Store) error {
			return st.DenyRequestToken(t.Context(), missing)
		}},
		{"ConsumeRequestToken", func(t *testing.T, st core.Store) error {
			err := st.ConsumeRequestToken(t.Context(), missing, s.fx.AccessToken("at-new", "ck", "alice"))
			noAccessToken(t, st, "at-new")
			return err
		}},
		{"GetAccessToken", func(t *testing.T, st core.Store) error {
			return result(st.GetAccessToken(t.Context(), missing))
		}},
		{"RevokeAccessToken", func(t *testing.T, st core.Store) error {
			return st.RevokeAccessToken(t.Context(), missing)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := s.store(t)
			ctx := t.Context()
			mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, s.fx.Consumer("ck", "alice")))
			mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, s.fx.RequestToken("rt", "ck")))
			mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, s.fx.AccessToken("at", "ck", "alice")))
			checkErr(t, tc.name+"("+missing+")", tc.call(t, st), core.ErrNotFound)
		})
	}
}

// testDuplicate: a second record with the same key is ErrDuplicate and
// leaves the first one as it was.
func (s suite) testDuplicate(t *testing.T) {
	fx := s.fx
	t.Run("Consumer", func(t *testing.T) {
		st := s.store(t)
		first := fx.Consumer("ck", "alice")
		mustOK(t, "CreateConsumer", st.CreateConsumer(t.Context(), first))
		second := fx.Consumer("ck", "bob")
		second.Secret = "other-secret"
		checkErr(t, "CreateConsumer(duplicate)", st.CreateConsumer(t.Context(), second), core.ErrDuplicate)
		sameConsumer(t, "GetConsumer after duplicate", getConsumer(t, st, "ck"), first)
	})
	t.Run("RequestToken", func(t *testing.T) {
		st := s.store(t)
		first := fx.RequestToken("rt", "ck")
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(t.Context(), first))
		second := fx.RequestToken("rt", "other")
		second.Secret = "other-secret"
		checkErr(t, "CreateRequestToken(duplicate)", st.CreateRequestToken(t.Context(), second), core.ErrDuplicate)
		sameRequestToken(t, "GetRequestToken after duplicate", getRequestToken(t, st, "rt"), first)
	})
	t.Run("AccessToken", func(t *testing.T) {
		st := s.store(t)
		first := fx.AccessToken("at", "ck", "alice")
		mustOK(t, "CreateAccessToken", st.CreateAccessToken(t.Context(), first))
		second := fx.AccessToken("at", "other", "bob")
		second.Secret = "other-secret"
		checkErr(t, "CreateAccessToken(duplicate)", st.CreateAccessToken(t.Context(), second), core.ErrDuplicate)
		sameAccessToken(t, "GetAccessToken after duplicate", getAccessToken(t, st, "at"), first)
	})
}

func (s suite) testDeleteConsumer(t *testing.T) {
	st := s.store(t)
	ctx := t.Context()
	keep := s.fx.Consumer("ck-keep", "alice")
	mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, keep))
	mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, s.fx.Consumer("ck", "alice")))
	checkErr(t, "DeleteConsumer", st.DeleteConsumer(ctx, "ck"), nil)
	checkErr(t, "GetConsumer(deleted)", result(st.GetConsumer(ctx, "ck")), core.ErrNotFound)
	checkErr(t, "DeleteConsumer(deleted)", st.DeleteConsumer(ctx, "ck"), core.ErrNotFound)
	sameConsumer(t, "GetConsumer(other)", getConsumer(t, st, "ck-keep"), keep)
	list, err := st.ListConsumers(ctx, "alice")
	checkErr(t, "ListConsumers", err, nil)
	if len(list) != 1 || list[0].Key != "ck-keep" {
		t.Errorf("ListConsumers after delete = %+v, want only ck-keep", list)
	}
	again := s.fx.Consumer("ck", "bob")
	checkErr(t, "CreateConsumer(deleted key)", st.CreateConsumer(ctx, again), nil)
	sameConsumer(t, "GetConsumer(recreated)", getConsumer(t, st, "ck"), again)
}

// testUpdateConsumerSecret: the secret changes and nothing else, of that
// consumer only; the secret it has already is no error; a deleted
// consumer is ErrNotFound.
func (s suite) testUpdateConsumerSecret(t *testing.T) {
	st := s.store(t)
	ctx := t.Context()
	other := s.fx.Consumer("ck-other", "alice")
	mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, other))
	mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, s.fx.Consumer("ck", "alice")))
	want := s.fx.Consumer("ck", "alice")
	want.Secret = "ck-new-secret"
	checkErr(t, "UpdateConsumerSecret", st.UpdateConsumerSecret(ctx, "ck", want.Secret), nil)
	sameConsumer(t, "GetConsumer(updated)", getConsumer(t, st, "ck"), want)
	sameConsumer(t, "GetConsumer(other)", getConsumer(t, st, "ck-other"), other)
	list, err := st.ListConsumers(ctx, "alice")
	mustOK(t, "ListConsumers", err)
	if len(list) != 2 { // same CreatedAt: ck before ck-other
		t.Fatalf("ListConsumers after update = %+v, want ck and ck-other", list)
	}
	sameConsumer(t, "ListConsumers(alice)[0]", &list[0], want)
	checkErr(t, "UpdateConsumerSecret(same secret)", st.UpdateConsumerSecret(ctx, "ck", want.Secret), nil)
	sameConsumer(t, "GetConsumer(same secret)", getConsumer(t, st, "ck"), want)
	mustOK(t, "DeleteConsumer", st.DeleteConsumer(ctx, "ck"))
	checkErr(t, "UpdateConsumerSecret(deleted)", st.UpdateConsumerSecret(ctx, "ck", "again"), core.ErrNotFound)
	checkErr(t, "GetConsumer(deleted)", result(st.GetConsumer(ctx, "ck")), core.ErrNotFound)
}

func (s suite) testListConsumers(t *testing.T) {
	t.Run("empty store", func(t *testing.T) {
		list, err := s.store(t).ListConsumers(t.Context(), "alice")
		checkErr(t, "ListConsumers", err, nil)
		if list == nil || len(list) != 0 {
			t.Errorf("ListConsumers = %#v, want an empty slice", list)
		}
	})
	t.Run("oldest first, owner only", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		at := func(key, owner string, age time.Duration) *core.Consumer {
			c := s.fx.Consumer(key, owner)
			c.CreatedAt = s.fx.Now.Add(age)
			return c
		}
		want := []*core.Consumer{at("ck-1", "alice", -time.Hour), at("ck-2", "alice", 0), at("ck-3", "alice", time.Hour)}
		// Inserted out of order, with others' consumers in between.
		for _, c := range []*core.Consumer{want[2], at("ck-bob", "bob", -2*time.Hour), want[0], at("ck-none", "", 0), want[1]} {
			mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, c))
		}
		list, err := st.ListConsumers(ctx, "alice")
		checkErr(t, "ListConsumers(alice)", err, nil)
		if len(list) != len(want) {
			t.Fatalf("ListConsumers(alice) returned %d consumers, want %d: %+v", len(list), len(want), list)
		}
		for i := range want {
			sameConsumer(t, fmt.Sprintf("ListConsumers(alice)[%d]", i), &list[i], want[i])
		}
		list, err = st.ListConsumers(ctx, "carol")
		checkErr(t, "ListConsumers(carol)", err, nil)
		if list == nil || len(list) != 0 {
			t.Errorf("ListConsumers(carol) = %#v, want an empty slice", list)
		}
	})
}

func (s suite) testListAccessTokens(t *testing.T) {
	t.Run("empty store", func(t *testing.T) {
		list, err := s.store(t).ListAccessTokens(t.Context(), "alice")
		checkErr(t, "ListAccessTokens", err, nil)
		if list == nil || len(list) != 0 {
			t.Errorf("ListAccessTokens = %#v, want an empty slice", list)
		}
	})
	t.Run("oldest first, user only, revoked and expired included", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		at := func(token, user string, age time.Duration) *core.AccessToken {
			a := s.fx.AccessToken(token, "ck", user)
			a.CreatedAt = s.fx.Now.Add(age)
			return a
		}
		revoked := at("at-2", "alice", 0)
		revoked.Revoked = true
		expired := at("at-3", "alice", time.Hour)
		expired.ExpiresAt = s.fx.Now.Add(-time.Minute)
		want := []*core.AccessToken{at("at-1", "alice", -time.Hour), revoked, expired}
		for _, a := range []*core.AccessToken{want[2], at("at-bob", "bob", -2*time.Hour), want[0], want[1]} {
			mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, a))
		}
		list, err := st.ListAccessTokens(ctx, "alice")
		checkErr(t, "ListAccessTokens(alice)", err, nil)
		if len(list) != len(want) {
			t.Fatalf("ListAccessTokens(alice) returned %d tokens, want %d: %+v", len(list), len(want), list)
		}
		for i := range want {
			sameAccessToken(t, fmt.Sprintf("ListAccessTokens(alice)[%d]", i), &list[i], want[i])
		}
		list, err = st.ListAccessTokens(ctx, "carol")
		checkErr(t, "ListAccessTokens(carol)", err, nil)
		if list == nil || len(list) != 0 {
			t.Errorf("ListAccessTokens(carol) = %#v, want an empty slice", list)
		}
	})
}

// testNoAliasing: a store keeps its own copies. Changing what was passed in,
// or what came out, must not change what is stored.
func (s suite) testNoAliasing(t *testing.T) {
	fx := s.fx
	t.Run("Consumer", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		in := fx.Consumer("ck", "alice")
		mustOK(t, "CreateConsumer", st.CreateConsumer(ctx, in))
		in.Name, in.Scopes[0] = "changed", "changed"
		out := getConsumer(t, st, "ck")
		out.Name, out.Scopes[0] = "changed", "changed"
		list, err := st.ListConsumers(ctx, "alice")
		mustOK(t, "ListConsumers", err)
		list[0].Name, list[0].Scopes[0] = "changed", "changed"
		sameConsumer(t, "GetConsumer", getConsumer(t, st, "ck"), fx.Consumer("ck", "alice"))
	})
	t.Run("RequestToken", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		in := fx.RequestToken("rt", "ck")
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, in))
		in.Secret, in.Scopes[0] = "changed", "changed"
		out := getRequestToken(t, st, "rt")
		out.Secret, out.Scopes[0] = "changed", "changed"
		sameRequestToken(t, "GetRequestToken", getRequestToken(t, st, "rt"), fx.RequestToken("rt", "ck"))

		granted := []string{"read"}
		mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(ctx, "rt", "alice", "v", granted))
		granted[0] = "changed"
		if got := getRequestToken(t, st, "rt").Scopes; len(got) != 1 || got[0] != "read" {
			t.Errorf("granted scopes = %q after the caller changed its slice, want [read]", got)
		}
	})
	t.Run("AccessToken", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		in := fx.AccessToken("at", "ck", "alice")
		mustOK(t, "CreateAccessToken", st.CreateAccessToken(ctx, in))
		in.Secret, in.Scopes[0] = "changed", "changed"
		out := getAccessToken(t, st, "at")
		out.Secret, out.Scopes[0], out.Revoked = "changed", "changed", true
		list, err := st.ListAccessTokens(ctx, "alice")
		mustOK(t, "ListAccessTokens", err)
		list[0].Secret, list[0].Scopes[0] = "changed", "changed"
		sameAccessToken(t, "GetAccessToken", getAccessToken(t, st, "at"), fx.AccessToken("at", "ck", "alice"))
	})
	t.Run("ConsumeRequestToken", func(t *testing.T) {
		st := s.store(t)
		ctx := t.Context()
		mustOK(t, "CreateRequestToken", st.CreateRequestToken(ctx, fx.RequestToken("rt", "ck")))
		mustOK(t, "AuthorizeRequestToken", st.AuthorizeRequestToken(ctx, "rt", "alice", "v", []string{"read"}))
		access := fx.AccessToken("at", "ck", "alice")
		mustOK(t, "ConsumeRequestToken", st.ConsumeRequestToken(ctx, "rt", access))
		access.Secret, access.Scopes[0] = "changed", "changed"
		sameAccessToken(t, "GetAccessToken", getAccessToken(t, st, "at"), fx.AccessToken("at", "ck", "alice"))
	})
}
