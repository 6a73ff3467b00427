package gormstore

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
)

// Sizes of the indexed string columns. They keep every index within
// InnoDB's limits in utf8mb4 (4 bytes a character): a key column of 191
// characters is 764 bytes (under the old 767-byte limit), and the nonce
// primary key (consumer key, token, timestamp, nonce) is 191+191+255
// characters plus 8 bytes, 2556 bytes, under the 3072-byte limit of the
// DYNAMIC row format (the default since MySQL 5.7 and MariaDB 10.2).
const (
	KeySize   = 191 // consumer keys, tokens, owners, user IDs
	NonceSize = 255 // nonce values
)

// Table names, after the prefix (see WithTablePrefix).
const (
	ConsumersTable     = "consumers"
	RequestTokensTable = "request_tokens"
	AccessTokensTable  = "access_tokens"
	NoncesTable        = "nonces"
	// GenerationTable holds the store's generation: one row, which
	// revocations, consumer deletions and new consumer secrets change (see
	// Store.UseNonceGeneration).
	GenerationTable = "generation"
)

// The models below are the rows of the five tables. They name no table:
// a Store names each one by its prefix (Store.TableName), so to migrate
// them yourself, do the same, e.g.
// db.Table(s.TableName(NoncesTable)).AutoMigrate(&NonceModel{}); a plain
// db.AutoMigrate(&NonceModel{}) would create GORM's nonce_models, which no
// Store uses.
//
// Times are stored in UTC with microseconds (precision:6; MySQL would
// otherwise keep milliseconds). Their size:64 changes no column type: it is
// the length PostgreSQL reports for timestamptz, without which GORM's
// AutoMigrate would see a difference and ALTER every time column on each
// run.

// ConsumerModel is a row of the consumers table. Scopes are stored
// space-separated; times in UTC.
type ConsumerModel struct {
	Key          string    `gorm:"column:consumer_key;primaryKey;size:191"`
	Secret       string    `gorm:"type:text;not null"`
	Name         string    `gorm:"size:255;not null"`
	Owner        string    `gorm:"size:191;not null;index"`
	CallbackURL  string    `gorm:"type:text;not null"`
	RSAPublicKey string    `gorm:"type:text;not null"`
	Scopes       string    `gorm:"type:text;not null"`
	CreatedAt    time.Time `gorm:"not null;precision:6;size:64;autoCreateTime:false"`
}

// RequestTokenModel is a row of the request_tokens table.
type RequestTokenModel struct {
	Token       string    `gorm:"primaryKey;size:191"`
	Secret      string    `gorm:"type:text;not null"`
	ConsumerKey string    `gorm:"size:191;not null"`
	Callback    string    `gorm:"type:text;not null"`
	Scopes      string    `gorm:"type:text;not null"`
	State       string    `gorm:"size:16;not null"`
	Verifier    string    `gorm:"type:text;not null"`
	UserID      string    `gorm:"size:191;not null"`
	CreatedAt   time.Time `gorm:"not null;precision:6;size:64;autoCreateTime:false"`
	ExpiresAt   time.Time `gorm:"not null;precision:6;size:64;index"`
}

// AccessTokenModel is a row of the access_tokens table. ExpiresAt is NULL
// for a token that does not expire.
type AccessTokenModel struct {
	Token       string     `gorm:"primaryKey;size:191"`
	Secret      string     `gorm:"type:text;not null"`
	ConsumerKey string     `gorm:"size:191;not null"`
	UserID      string     `gorm:"size:191;not null;index"`
	Scopes      string     `gorm:"type:text;not null"`
	CreatedAt   time.Time  `gorm:"not null;precision:6;size:64;autoCreateTime:false"`
	ExpiresAt   *time.Time `gorm:"precision:6;size:64;index"`
	Revoked     bool       `gorm:"not null"`
}

// NonceModel is a row of the nonces table. Its primary key is the nonce's
// scope: consumer key, token, timestamp and value. Values longer than the
// column are stored as "sha256:" and their hex SHA-256, so any value fits
// and stays distinct.
type NonceModel struct {
	ConsumerKey string    `gorm:"primaryKey;size:191"`
	Token       string    `gorm:"primaryKey;size:191"`
	Timestamp   time.Time `gorm:"primaryKey;precision:6;size:64;index"`
	Nonce       string    `gorm:"primaryKey;size:255"`
}

func joinScopes(s []string) string { return strings.Join(s, " ") }

func splitScopes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, " ")
}

func utc(t time.Time) time.Time { return t.UTC() }

// fit returns s when it is at most n bytes, and otherwise a fixed-length
// digest of it.
func fit(s string, n int) string {
	if len(s) <= n {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return "sha256:" + hex.EncodeToString(sum[:])
}

func consumerModel(c *core.Consumer) ConsumerModel {
	return ConsumerModel{
		Key:          c.Key,
		Secret:       c.Secret,
		Name:         c.Name,
		Owner:        c.Owner,
		CallbackURL:  c.CallbackURL,
		RSAPublicKey: c.RSAPublicKey,
		Scopes:       joinScopes(c.Scopes),
		CreatedAt:    utc(c.CreatedAt),
	}
}

func (m *ConsumerModel) consumer() *core.Consumer {
	return &core.Consumer{
		Key:          m.Key,
		Secret:       m.Secret,
		Name:         m.Name,
		Owner:        m.Owner,
		CallbackURL:  m.CallbackURL,
		RSAPublicKey: m.RSAPublicKey,
		Scopes:       splitScopes(m.Scopes),
		CreatedAt:    utc(m.CreatedAt),
	}
}

func requestTokenModel(t *core.RequestToken) RequestTokenModel {
	return RequestTokenModel{
		Token:       t.Token,
		Secret:      t.Secret,
		ConsumerKey: t.ConsumerKey,
		Callback:    t.Callback,
		Scopes:      joinScopes(t.Scopes),
		State:       string(t.State),
		Verifier:    t.Verifier,
		UserID:      t.UserID,
		CreatedAt:   utc(t.CreatedAt),
		ExpiresAt:   utc(t.ExpiresAt),
	}
}

func (m *RequestTokenModel) requestToken() *core.RequestToken {
	return &core.RequestToken{
		Token:       m.Token,
		Secret:      m.Secret,
		ConsumerKey: m.ConsumerKey,
		Callback:    m.Callback,
		Scopes:      splitScopes(m.Scopes),
		State:       core.TokenState(m.State),
		Verifier:    m.Verifier,
		UserID:      m.UserID,
		CreatedAt:   utc(m.CreatedAt),
		ExpiresAt:   utc(m.ExpiresAt),
	}
}

func accessTokenModel(t *core.AccessToken) AccessTokenModel {
	m := AccessTokenModel{
		Token:       t.Token,
		Secret:      t.Secret,
		ConsumerKey: t.ConsumerKey,
		UserID:      t.UserID,
		Scopes:      joinScopes(t.Scopes),
		CreatedAt:   utc(t.CreatedAt),
		Revoked:     t.Revoked,
	}
	if !t.ExpiresAt.IsZero() {
		exp := utc(t.ExpiresAt)
		m.ExpiresAt = &exp
	}
	return m
}

func (m *AccessTokenModel) accessToken() *core.AccessToken {
	t := &core.AccessToken{
		Token:       m.Token,
		Secret:      m.Secret,
		ConsumerKey: m.ConsumerKey,
		UserID:      m.UserID,
		Scopes:      splitScopes(m.Scopes),
		CreatedAt:   utc(m.CreatedAt),
		Revoked:     m.Revoked,
	}
	if m.ExpiresAt != nil {
		t.ExpiresAt = utc(*m.ExpiresAt)
	}
	return t
}

func nonceModel(n core.Nonce) NonceModel {
	return NonceModel{
		ConsumerKey: fit(n.ConsumerKey, KeySize),
		Token:       fit(n.Token, KeySize),
		Timestamp:   utc(n.Timestamp),
		Nonce:       fit(n.Nonce, NonceSize),
	}
}
