package demo

import (
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
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
	// removed: core.DefaultJanitorInterval, a minute (see there and
	// gormstore's Expiry docs).
	DefaultJanitorEvery = core.DefaultJanitorInterval
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
	// mysql://… or mariadb://…; file:… or a path for SQLite. Any other
	// scheme (x://…), or a scheme missing its colon (mysql//…), is an
	// error, not a file name.
	DatabaseURL string
	// Users are seeded at start (DEMO_USERS, "name:password,…").
	Users []User
	// Realm is sent in WWW-Authenticate (OAUTH_REALM).
	Realm string
	// AllowPlaintext lets PLAINTEXT be used over plain HTTP
	// (ALLOW_PLAINTEXT, a boolean as strconv.ParseBool reads it: 1, t,
	// true, 0, f, false in any of its cases).
	AllowPlaintext bool
	// ExposeBaseString adds the provider's signature base string to a
	// signature_invalid answer (EXPOSE_BASE_STRING, a boolean), for
	// debugging a client; see core.Config.ExposeBaseString.
	ExposeBaseString bool
	// TrustedProxies are CIDRs, or single addresses, of reverse proxies
	// whose forwarding headers are believed (TRUSTED_PROXIES,
	// comma-separated).
	TrustedProxies []string
	// ProxyHeaders says which forwarding headers the trusted proxies set
	// (FORWARDED_HEADER): "x-forwarded", the default, for
	// X-Forwarded-For, -Proto and -Host, or "forwarded" for RFC 7239's
	// Forwarded. It is core.Config.ProxyHeaders, and App.ClientAddr reads
	// the same family.
	ProxyHeaders core.ProxyHeaders
	// SessionKey signs session cookies and CSRF tokens (SESSION_KEY: 32
	// bytes, written as 64 hex digits or in base64, standard or URL
	// alphabet, padded or not; see parseKey). Empty: a random key, so
	// sessions end when the process does.
	SessionKey []byte
	// SessionTTL is how long a login session lasts. Default
	// DefaultSessionTTL.
	SessionTTL time.Duration
	// JanitorEvery is how often Serve runs the provider's janitor
	// (core.Provider.RunJanitor). Default DefaultJanitorEvery.
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
		Addr:        strings.TrimSpace(getenv("ADDR")),
		DatabaseURL: strings.TrimSpace(getenv("DATABASE_URL")),
		Realm:       getenv("OAUTH_REALM"),
		LogFormat:   strings.TrimSpace(getenv("LOG_FORMAT")),
	}
	var err error
	if c.DatabaseURL != "" {
		if err = checkDatabaseURL(c.DatabaseURL); err != nil {
			return Config{}, err
		}
	}
	users := getenv("DEMO_USERS")
	if users == "" {
		users = DefaultUsers
	}
	if c.Users, err = ParseUsers(users); err != nil {
		return Config{}, err
	}
	if c.AllowPlaintext, err = parseBool("ALLOW_PLAINTEXT", getenv); err != nil {
		return Config{}, err
	}
	if c.ExposeBaseString, err = parseBool("EXPOSE_BASE_STRING", getenv); err != nil {
		return Config{}, err
	}
	for _, p := range strings.Split(getenv("TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p != "" {
			c.TrustedProxies = append(c.TrustedProxies, p)
		}
	}
	if _, err = parseTrustedProxies(c.TrustedProxies); err != nil {
		return Config{}, err
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
		if c.SessionKey, err = parseKey(strings.TrimSpace(k)); err != nil {
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
	return c.withDefaults(), nil
}

// variable is one environment variable of the demo, as -h and the README
// list it.
type variable struct{ name, def, meaning string }

// variables are the environment variables ConfigFromEnv reads, in the
// order -h lists them.
func variables() []variable {
	return []variable{
		{"ADDR", DefaultAddr, "listen address (host:port)"},
		{"DATABASE_URL", DefaultDatabaseURL + " (SQLite)", "postgres://… or postgresql://…, mysql://… or mariadb://…, a SQLite path or file: URI, or memory"},
		{"DEMO_USERS", DefaultUsers, "users seeded at start, name:password,…"},
		{"OAUTH_REALM", DefaultRealm, "realm in WWW-Authenticate"},
		{"ALLOW_PLAINTEXT", "false", "true allows the PLAINTEXT signature method over plain HTTP (booleans: 1, t, true, 0, f, false)"},
		{"EXPOSE_BASE_STRING", "false", "true adds the signature base string to signature_invalid answers, to debug a client"},
		{"TRUSTED_PROXIES", "none", "comma-separated CIDRs or addresses of reverse proxies whose forwarding headers are believed"},
		{"FORWARDED_HEADER", "x-forwarded", "the headers those proxies set: x-forwarded (X-Forwarded-For, -Proto, -Host) or forwarded (RFC 7239 Forwarded)"},
		{"SESSION_KEY", "random at start", "32 bytes as 64 hex digits or base64 (43 or 44 characters, standard or URL alphabet), e.g. openssl rand -hex 32; keeps logins across restarts"},
		{"LOG_FORMAT", "text", "text or json, on stderr"},
		{"DB_MAX_CONNS", strconv.Itoa(DefaultMaxConns), "SQL connection pool size, 1 to " + strconv.Itoa(maxMaxConns)},
	}
}

// printHelp writes what -h prints: what the command does and its
// variables.
func printHelp(w io.Writer, command string) {
	fmt.Fprintf(w, "%s serves the OAuth 1.0a demo provider (docs/EXAMPLE_API.md).\n", command)
	fmt.Fprintf(w, "It takes no arguments; it reads these environment variables:\n\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  VARIABLE\tDEFAULT\tMEANING")
	for _, v := range variables() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", v.name, v.def, v.meaning)
	}
	tw.Flush()
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

// parseBool reads the boolean variable name: empty is false, otherwise
// one of strconv.ParseBool's values.
func parseBool(name string, getenv func(string) string) (bool, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("%s must be true or false (1, t, true, 0, f, false)", name)
	}
	return b, nil
}

// sessionKeyBytes is the length of SESSION_KEY.
const sessionKeyBytes = 32

// parseKey decodes SESSION_KEY. A value of hex digits only is hex and must
// be 64 digits long; any other is base64, in the standard or the URL
// alphabet, padded or not, and must decode to 32 bytes. So a key is read
// in the encoding it was written in: a hex key one byte short is an
// error, not a 46-byte base64 key.
func parseKey(s string) ([]byte, error) {
	k, what := decodeKey(s)
	if len(k) != sessionKeyBytes {
		return nil, fmt.Errorf("SESSION_KEY must be 32 bytes written as 64 hex digits or in base64 (43 or 44 characters), e.g. openssl rand -hex 32; this one is %s", what)
	}
	return k, nil
}

// decodeKey decodes s as parseKey says, or says what s is.
func decodeKey(s string) (key []byte, what string) {
	if strings.Trim(s, "0123456789abcdefABCDEF") == "" {
		k, err := hex.DecodeString(s)
		if err != nil {
			return nil, fmt.Sprintf("an odd number (%d) of hex digits", len(s))
		}
		return k, fmt.Sprintf("%d bytes of hex", len(k))
	}
	enc := base64.StdEncoding
	if strings.ContainsAny(s, "-_") {
		enc = base64.URLEncoding
	}
	if !strings.HasSuffix(s, "=") {
		enc = enc.WithPadding(base64.NoPadding)
	}
	k, err := enc.Strict().DecodeString(s)
	if err != nil {
		return nil, "neither"
	}
	return k, fmt.Sprintf("%d bytes of base64", len(k))
}

// databaseKind returns the kind of store databaseURL names (see
// Config.DatabaseURL). A scheme the demo does not know (postgress://…,
// sqlite://…), or a known one missing its colon (mysql//…, postgres:…),
// is an error naming DATABASE_URL rather than the name of a SQLite file.
// The error shows the scheme only, never the rest, which may hold a
// password.
func databaseKind(databaseURL string) (string, error) {
	const known = "postgres://, postgresql://, mysql://, mariadb://, a SQLite path or file: URI, or memory"
	switch {
	case databaseURL == "memory":
		return KindMemory, nil
	case databaseURL == "":
		return "", errors.New("DATABASE_URL is empty")
	}
	scheme, _, ok := strings.Cut(databaseURL, "://")
	if !ok {
		if word, _, ok := strings.Cut(databaseURL, "//"); ok && isScheme(word) {
			return "", fmt.Errorf("DATABASE_URL starts with %q, a URL scheme without its colon; it takes %s", word+"//", known)
		}
		if word, _, ok := strings.Cut(databaseURL, ":"); ok {
			switch strings.ToLower(word) {
			case "postgres", "postgresql", "mysql", "mariadb":
				return "", fmt.Errorf("DATABASE_URL starts with %q: write %s://user:password@host/database", word+":", word)
			}
		}
		return KindSQLite, nil
	}
	switch strings.ToLower(scheme) {
	case "postgres", "postgresql":
		return KindPostgres, nil
	case "mysql", "mariadb":
		return KindMySQL, nil
	case "file":
		return KindSQLite, nil
	}
	if !isScheme(scheme) {
		return "", fmt.Errorf("DATABASE_URL has no known scheme; it takes %s", known)
	}
	return "", fmt.Errorf("DATABASE_URL has the unknown scheme %q; it takes %s", scheme+"://", known)
}

// isScheme reports whether s has the form of a URL scheme (RFC 3986: a
// letter, then letters, digits, "+", "-" and "."), short enough to be one.
func isScheme(s string) bool {
	if s == "" || len(s) > 20 || !('a' <= s[0]|0x20 && s[0]|0x20 <= 'z') {
		return false
	}
	return strings.Trim(strings.ToLower(s), "abcdefghijklmnopqrstuvwxyz0123456789+-.") == ""
}

// checkDatabaseURL reports what is wrong with DATABASE_URL before anything
// is opened: its kind (databaseKind) and, for a server, whether it parses.
func checkDatabaseURL(databaseURL string) error {
	kind, err := databaseKind(databaseURL)
	if err != nil {
		return err
	}
	switch kind {
	case KindMySQL:
		_, err = mysqlConfig(databaseURL)
	case KindPostgres:
		// url.Parse's error quotes the URL, password and all.
		if _, perr := url.Parse(databaseURL); perr != nil {
			err = errors.New("DATABASE_URL is not a valid postgres:// URL (a port that is not a number? a % in the password not written %25?)")
		}
	}
	return err
}

// describeDatabase returns DATABASE_URL as the start line shows it: a
// server's URL without its password and query (which may hold one), a
// SQLite path or "memory" as it is.
func describeDatabase(databaseURL string) string {
	kind, err := databaseKind(databaseURL)
	if err != nil || (kind != KindPostgres && kind != KindMySQL) {
		return databaseURL
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return kind
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}
