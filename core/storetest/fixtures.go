package storetest

import (
	"time"

	"github.com/go-oauth1/provider/core"
)

// Fixtures builds fully populated records for store tests. Every string
// field is set and differs from the others (so a store that swaps two
// columns is caught), scopes are non-empty, and times are UTC and whole
// microseconds, so SQL stores keep them exactly.
type Fixtures struct {
	// Now is the reference time: records are created at Now, request tokens
	// expire 10 minutes and access tokens 1 hour after it.
	Now time.Time
}

// NewFixtures returns Fixtures with a fixed Now.
func NewFixtures() Fixtures {
	return Fixtures{Now: time.Date(2026, time.March, 14, 15, 9, 26, 535897000, time.UTC)}
}

// Consumer returns a consumer with key, owned by owner.
func (f Fixtures) Consumer(key, owner string) *core.Consumer {
	return &core.Consumer{
		Key:          key,
		Secret:       key + "-secret",
		Name:         "App " + key,
		Owner:        owner,
		CallbackURL:  "https://" + key + ".example.com/callback",
		RSAPublicKey: "-----BEGIN PUBLIC KEY-----\n" + key + "\n-----END PUBLIC KEY-----\n",
		Scopes:       []string{"read", "write"},
		CreatedAt:    f.Now,
	}
}

// RequestToken returns a pending request token issued to consumerKey.
func (f Fixtures) RequestToken(token, consumerKey string) *core.RequestToken {
	return &core.RequestToken{
		Token:       token,
		Secret:      token + "-secret",
		ConsumerKey: consumerKey,
		Callback:    "https://" + consumerKey + ".example.com/callback?state=" + token,
		Scopes:      []string{"read", "write"},
		State:       core.StatePending,
		CreatedAt:   f.Now,
		ExpiresAt:   f.Now.Add(10 * time.Minute),
	}
}

// AccessToken returns an access token of consumerKey for userID.
func (f Fixtures) AccessToken(token, consumerKey, userID string) *core.AccessToken {
	return &core.AccessToken{
		Token:       token,
		Secret:      token + "-secret",
		ConsumerKey: consumerKey,
		UserID:      userID,
		Scopes:      []string{"read"},
		CreatedAt:   f.Now,
		ExpiresAt:   f.Now.Add(time.Hour),
	}
}

// Nonce returns a nonce of consumerKey and token at Now, truncated to the
// second as oauth_timestamp is.
func (f Fixtures) Nonce(consumerKey, token, nonce string) core.Nonce {
	return core.Nonce{
		ConsumerKey: consumerKey,
		Token:       token,
		Nonce:       nonce,
		Timestamp:   f.Now.Truncate(time.Second),
	}
}
