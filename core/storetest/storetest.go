package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
)

// Run runs the conformance suite against the stores newStore returns. Each
// subtest calls newStore(t) once for a fresh, empty store; newStore may
// register t.Cleanup to release it. Subtests never call t.Parallel, so
// stores that share one database may empty it in newStore.
func Run(t *testing.T, newStore func(t *testing.T) core.Store) {
	s := suite{newStore: newStore, fx: NewFixtures()}
	for _, tc := range []struct {
		name string
		run  func(t *testing.T)
	}{
		{"RoundTrip", s.testRoundTrip},
		{"NotFound", s.testNotFound},
		{"GetConsumerAndAccessToken", s.testGetConsumerAndAccessToken},
		{"Duplicate", s.testDuplicate},
		{"DeleteConsumer", s.testDeleteConsumer},
		{"UpdateConsumerSecret", s.testUpdateConsumerSecret},
		{"ListConsumers", s.testListConsumers},
		{"ListAccessTokens", s.testListAccessTokens},
		{"Transitions", s.testTransitions},
		{"Authorize", s.testAuthorize},
		{"Consume", s.testConsume},
		{"DenyAuthorized", s.testDenyAuthorized},
		{"Revoke", s.testRevoke},
		{"DeleteExpired", s.testDeleteExpired},
		{"Nonces", s.testNonces},
		{"PurgeNonces", s.testPurgeNonces},
		{"NonceGeneration", s.testNonceGeneration},
		{"NonceGenerationRace", s.testNonceGenerationRace},
		{"NoAliasing", s.testNoAliasing},
		{"Concurrent", s.testConcurrent},
	} {
		t.Run(tc.name, tc.run)
	}
}

type suite struct {
	newStore func(t *testing.T) core.Store
	fx       Fixtures
}

// store returns a fresh store for t.
func (s suite) store(t *testing.T) core.Store {
	t.Helper()
	st := s.newStore(t)
	if st == nil {
		t.Fatal("newStore returned nil")
	}
	return st
}

// checkErr reports an error unless err is nil when want is nil, or wraps
// want otherwise.
func checkErr(t *testing.T, op string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: unexpected error: %v", op, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: error = %v, want %v", op, err, want)
	}
}

// mustOK stops the test when a setup step fails.
func mustOK(t *testing.T, op string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
}

// result turns a getter's (value, error) into the error alone, and a
// forbidden (nil, nil) into an error.
func result[T any](v *T, err error) error {
	if err == nil && v == nil {
		return errors.New("returned nil and no error")
	}
	if err == nil {
		return fmt.Errorf("returned %+v and no error", *v)
	}
	return err
}

// found is err, or an error for a forbidden (nil, nil).
func found[T any](v *T, err error) error {
	if err == nil && v == nil {
		return errors.New("returned nil and no error")
	}
	return err
}

// normTime makes times comparable with ==: UTC, whole microseconds.
func normTime(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

// normScopes treats nil and empty scopes alike.
func normScopes(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func normConsumer(c core.Consumer) core.Consumer {
	c.Scopes = normScopes(c.Scopes)
	c.CreatedAt = normTime(c.CreatedAt)
	return c
}

func normRequestToken(r core.RequestToken) core.RequestToken {
	r.Scopes = normScopes(r.Scopes)
	r.CreatedAt = normTime(r.CreatedAt)
	r.ExpiresAt = normTime(r.ExpiresAt)
	return r
}

func normAccessToken(a core.AccessToken) core.AccessToken {
	a.Scopes = normScopes(a.Scopes)
	a.CreatedAt = normTime(a.CreatedAt)
	a.ExpiresAt = normTime(a.ExpiresAt)
	return a
}

func sameConsumer(t *testing.T, op string, got, want *core.Consumer) {
	t.Helper()
	if g, w := normConsumer(*got), normConsumer(*want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", op, g, w)
	}
}

func sameRequestToken(t *testing.T, op string, got, want *core.RequestToken) {
	t.Helper()
	if g, w := normRequestToken(*got), normRequestToken(*want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", op, g, w)
	}
}

func sameAccessToken(t *testing.T, op string, got, want *core.AccessToken) {
	t.Helper()
	if g, w := normAccessToken(*got), normAccessToken(*want); !reflect.DeepEqual(g, w) {
		t.Errorf("%s:\n got %+v\nwant %+v", op, g, w)
	}
}

// getConsumer fetches key and stops the test when that fails.
func getConsumer(t *testing.T, st core.Store, key string) *core.Consumer {
	t.Helper()
	c, err := st.GetConsumer(t.Context(), key)
	mustOK(t, "GetConsumer("+key+")", found(c, err))
	return c
}

func getRequestToken(t *testing.T, st core.Store, token string) *core.RequestToken {
	t.Helper()
	r, err := st.GetRequestToken(t.Context(), token)
	mustOK(t, "GetRequestToken("+token+")", found(r, err))
	return r
}

func getAccessToken(t *testing.T, st core.Store, token string) *core.AccessToken {
	t.Helper()
	a, err := st.GetAccessToken(t.Context(), token)
	mustOK(t, "GetAccessToken("+token+")", found(a, err))
	return a
}

// noAccessToken reports an error unless token is unknown.
func noAccessToken(t *testing.T, st core.Store, token string) {
	t.Helper()
	a, err := st.GetAccessToken(t.Context(), token)
	checkErr(t, "GetAccessToken("+token+")", result(a, err), core.ErrNotFound)
}

// noRequestToken reports an error unless token is unknown.
func noRequestToken(t *testing.T, st core.Store, token string) {
	t.Helper()
	r, err := st.GetRequestToken(t.Context(), token)
	checkErr(t, "GetRequestToken("+token+")", result(r, err), core.ErrNotFound)
}
