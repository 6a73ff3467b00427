package demo

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/go-oauth1/provider/core"
)

// Defaults of Config, as EXAMPLE_API.md documents them.
const (
	DefaultAddr        = "127.0.0.1:8080"
	DefaultDatabaseURL = "oauth-example.db"
	DefaultUsers       = "alice:wonderland,bob:builder"
	DefaultRealm       = "example"
	// DefaultSessionTTL is how long a login session lasts.
	DefaultSessionTTL = 12 * time.Hour
	// DefaultJanitorEvery is how often expired tokens and old nonces are
	// removed: every minute, so that at 10,000 signed requests/s a SQL
	// nonce table stays under 1.2 timestamp windows and each purge removes
	// 600,000 rows (0.9 s on PostgreSQL); every 5 minutes it would reach
	// two windows, 3 million rows a purge. See gormstore's Expiry docs.
	DefaultJanitorEvery = time.Minute
	// DefaultMaxConns is the default size of the SQL connection pool
	// (DB_MAX_CONNS).
	DefaultMaxConns = 32
)

// Config is the demo's configuration. ConfigFromEnv reads it from the
// environment; tests build it directly.
type Config struct {
	// Addr is the listen address (ADDR).
	Addr string
	// DatabaseURL selects the store (DATABASE_URL): empty for the SQLite
	// file DefaultDatabaseURL; "memory"; postgres://… or postgresql://…;
	// mysql://… or mariadb://…; file:… or a path for SQLite.
	DatabaseURL string
	// Users are seeded at start (DEMO_USERS, "name:password,…").
	Users []User
	// Realm is sent in WWW-Authenticate (OAUTH_REALM).
	Realm string
	// AllowPlaintext lets PLAINTEXT be used over plain HTTP
	// (ALLOW_PLAINTEXT=1).
	AllowPlaintext bool
	// ExposeBaseString adds the provider's signature base string to a
	// signature_invalid answer (EXPOSE_BASE_STRING=1), for debugging a
	// client; see core.Config.ExposeBaseString.
	ExposeBaseString bool
	// TrustedProxies are CIDRs of reverse proxies whose forwarding headers
	// are believed (TRUSTED_PROXIES, comma-separated).
	TrustedProxies []string
	// ProxyHeaders says which forwarding headers the trusted proxies set
	// (FORWARDED_HEADER): "x-forwarded", the default, for
	// X-Forwarded-For, -Proto and -Host, or "forwarded" for RFC 7239's
	// Forwarded. It is core.Config.ProxyHeaders, and App.ClientAddr reads
	// the same family.
	ProxyHeaders core.ProxyHeaders
	// SessionKey signs session cookies and CSRF tokens (SESSION_KEY, hex or
	// base64, at least 32 bytes). Empty: a random key, so sessions end when
	// the process does.
	SessionKey []byte
	// SessionTTL is how long a login session lasts. Default
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// JanitorEvery is how often Run calls Provider.Cleanup. Default
	// DefaultJanitorEvery.
	JanitorEvery time.Duration
	// BcryptCost is the cost of password hashes; zero means
	// bcrypt.DefaultCost. Tests use bcrypt.MinCost.
	BcryptCost int
	// LogFormat is "text" (default) or "json" (LOG_FORMAT).
	LogFormat string
	// MaxConns sizes the SQL connection pool (DB_MAX_CONNS, a positive
	// integer). Default DefaultMaxConns. The pool keeps as many idle
	// connections as it may open, so that a busy service does not open and
	// close a connection per request (database/sql keeps 2 by default), and
	// closes a connection idle for 5 minutes. Several instances together
	// must stay under the database's limit (PostgreSQL's max_connections
	// is 100 by default).
	MaxConns int
	// StoreTimeout bounds the database calls of one request, the OAuth
	// store's (core.Config.StoreTimeout) and the demo's own (users): a
	// database that does not answer in time makes the request fail, 503
	// for OAuth endpoints. Default core.DefaultStoreTimeout.
	StoreTimeout time.Duration
	// LookupCacheTTL is core.Config.LookupCacheTTL (LOOKUP_CACHE_TTL, a Go
	// duration of at most 1s, e.g. "1s"). Zero, the default, keeps the
	// contract's "a revoked app stops working at once, on every instance";
	// with a cache, another instance sees a revocation within the TTL.
	LookupCacheTTL time.Duration
}

// User is a demo user to seed.
type User struct {
	Name     string
	Password string
}

// ConfigFromEnv builds a Config from getenv (os.Getenv in main), filling the
// documented defaults. It returns an error for a malformed value, naming the
// variable but never echoing a secret.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Addr:             getenv("ADDR"),
		DatabaseURL:      strings.TrimSpace(getenv("DATABASE_URL")),
		Realm:            getenv("OAUTH_REALM"),
		AllowPlaintext:   getenv("ALLOW_PLAINTEXT") == "1",
		ExposeBaseString: getenv("EXPOSE_BASE_STRING") == "1",
		LogFormat:        getenv("LOG_FORMAT"),
	}
	users := getenv("DEMO_USERS")
	if users == "" {
		users = DefaultUsers
	}
	var err error
	if c.Users, err = ParseUsers(users); err != nil {
		return Config{}, err
	}
	for _, p := range strings.Split(getenv("TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	switch v := strings.TrimSpace(getenv("FORWARDED_HEADER")); strings.ToLower(v) {
	case "", "x-forwarded":
		c.ProxyHeaders = core.XForwardedHeaders
	case "forwarded":
		c.ProxyHeaders = core.ForwardedHeader
	default:
		return Config{}, fmt.Errorf("FORWARDED_HEADER must be x-forwarded (X-Forwarded-For, -Proto and -Host; the default) or forwarded (RFC 7239's Forwarded), not %q", v)
	}
	if k := getenv("SESSION_KEY"); k != "" {
		if c.SessionKey, err = parseKey(k); err != nil {
			return Config{}, err
		}
	}
	switch c.LogFormat {
	case "", "text", "json":
	default:
		return Config{}, fmt.Errorf("LOG_FORMAT must be text or json, not %q", c.LogFormat)
	}
	if v := strings.TrimSpace(getenv("DB_MAX_CONNS")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxMaxConns {
			return Config{}, fmt.Errorf("DB_MAX_CONNS must be a whole number from 1 to %d", maxMaxConns)
		}
		c.MaxConns = n
	}
	if v := strings.TrimSpace(getenv("LOOKUP_CACHE_TTL")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 || d > time.Second {
			return Config{}, errors.New("LOOKUP_CACHE_TTL must be a duration from 0 to 1s, e.g. 1s or 500ms")
		}
		c.LookupCacheTTL = d
	}
	return c.withDefaults(), nil
}

func (c Config) withDefaults() Config {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.Realm == "" {
		c.Realm = DefaultRealm
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.JanitorEvery == 0 {
		c.JanitorEvery = DefaultJanitorEvery
	}
	if c.MaxConns == 0 {
		c.MaxConns = DefaultMaxConns
	}
	if c.StoreTimeout == 0 {
		c.StoreTimeout = core.DefaultStoreTimeout
	}
	return c
}

// maxMaxConns bounds DB_MAX_CONNS: more connections than this is a typo,
// or a setting for a connection pooler the demo does not know about.
const maxMaxConns = 10000

// ParseUsers parses "name:password,name:password". Names are non-empty and
// unique and hold no ':'; passwords are non-empty.
func ParseUsers(s string) ([]User, error) {
	var users []User
	seen := map[string]bool{}
	for i, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, pw, ok := strings.Cut(item, ":")
		if !ok || name == "" || pw == "" {
			return nil, fmt.Errorf("DEMO_USERS entry %d must be name:password", i+1)
		}
		if seen[name] {
			return nil, fmt.Errorf("DEMO_USERS names user %q twice", name)
		}
		seen[name] = true
		users = append(users, User{Name: name, Password: pw})
	}
	if len(users) == 0 {
		return nil, errors.New("DEMO_USERS names no user")
	}
	return users, nil
}

// parseKey decodes SESSION_KEY from hex or base64 (standard or URL, padded
// or not); at least 32 bytes.
func parseKey(s string) ([]byte, error) {
	decoders := []func(string) ([]byte, error){
		hex.DecodeString,
		base64.StdEncoding.DecodeString,
		base64.RawStdEncoding.DecodeString,
		base64.URLEncoding.DecodeString,
		base64.RawURLEncoding.DecodeString,
	}
	for _, d := range decoders {
		if k, err := d(s); err == nil && len(k) >= 32 {
			return k, nil
		}
	}
	return nil, errors.New("SESSION_KEY must be at least 32 bytes, hex or base64 encoded")
}
