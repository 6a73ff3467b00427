package demo

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/core"
)

func TestConfigFromEnv(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, c Config)
		wantErr string
	}{
		{name: "defaults", env: nil, check: func(t *testing.T, c Config) {
			if c.Addr != DefaultAddr || c.DatabaseURL != DefaultDatabaseURL || c.Realm != DefaultRealm ||
				c.AllowPlaintext || c.SessionKey != nil || c.SessionTTL != DefaultSessionTTL || c.JanitorEvery != DefaultJanitorEvery ||
				c.MaxConns != DefaultMaxConns || c.StoreTimeout != core.DefaultStoreTimeout ||
				c.ProxyHeaders != core.XForwardedHeaders {
				t.Errorf("defaults: %+v", c)
			}
			want := []User{{"alice", "wonderland"}, {"bob", "builder"}}
			if !reflect.DeepEqual(c.Users, want) {
				t.Errorf("users %v, want %v", c.Users, want)
			}
		}},
		{name: "everything", env: map[string]string{
			"ADDR": ":9000", "DATABASE_URL": " memory ", "DEMO_USERS": "carol:a:b, dave:x ,", "OAUTH_REALM": "r",
			"ALLOW_PLAINTEXT": "1", "TRUSTED_PROXIES": "10.0.0.0/8, ::1", "SESSION_KEY": hex.EncodeToString(key), "LOG_FORMAT": "json",
			"DB_MAX_CONNS": " 8 ", "EXPOSE_BASE_STRING": "1", "FORWARDED_HEADER": "forwarded",
		}, check: func(t *testing.T, c Config) {
			if !c.ExposeBaseString || c.ProxyHeaders != core.ForwardedHeader {
				t.Errorf("ExposeBaseString %v, ProxyHeaders %v", c.ExposeBaseString, c.ProxyHeaders)
			}
			if c.Addr != ":9000" || c.DatabaseURL != "memory" || c.Realm != "r" || !c.AllowPlaintext || c.LogFormat != "json" || c.MaxConns != 8 ||
				!bytes.Equal(c.SessionKey, key) || !reflect.DeepEqual(c.TrustedProxies, []string{"10.0.0.0/8", "::1"}) ||
				!reflect.DeepEqual(c.Users, []User{{"carol", "a:b"}, {"dave", "x"}}) {
				t.Errorf("config %+v", c)
			}
		}},
		{name: "user without password", env: map[string]string{"DEMO_USERS": "alice"}, wantErr: "DEMO_USERS"},
		{name: "empty name", env: map[string]string{"DEMO_USERS": ":pw"}, wantErr: "DEMO_USERS"},
		{name: "repeated user", env: map[string]string{"DEMO_USERS": "a:b,a:c"}, wantErr: "twice"},
		{name: "no user", env: map[string]string{"DEMO_USERS": " , "}, wantErr: "no user"},
		{name: "log format", env: map[string]string{"LOG_FORMAT": "xml"}, wantErr: "LOG_FORMAT"},
		{name: "pool size not a number", env: map[string]string{"DB_MAX_CONNS": "lots"}, wantErr: "DB_MAX_CONNS"},
		{name: "pool size zero", env: map[string]string{"DB_MAX_CONNS": "0"}, wantErr: "DB_MAX_CONNS"},
		{name: "pool size negative", env: map[string]string{"DB_MAX_CONNS": "-4"}, wantErr: "DB_MAX_CONNS"},
		{name: "pool size huge", env: map[string]string{"DB_MAX_CONNS": "1000000"}, wantErr: "DB_MAX_CONNS"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one about %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// configErr returns the error of ConfigFromEnv for the one variable name
// set to value.
func configErr(name, value string) (Config, error) {
	return ConfigFromEnv(func(k string) string {
		if k == name {
			return value
		}
		return ""
	})
}

// A DATABASE_URL with a scheme the demo does not know, or a scheme missing
// its colon, is refused, naming the variable, instead of becoming a SQLite
// file of that name. The password never shows in the error.
func TestConfigFromEnv_DatabaseURL(t *testing.T) {
	tests := []struct {
		url  string
		kind string // the store it selects, "" for an error
	}{
		{"memory", KindMemory},
		{"oauth-example.db", KindSQLite},
		{"./data/oauth.db", KindSQLite},
		{"/var/lib/oauth/oauth.db", KindSQLite},
		{"file:oauth.db?cache=shared", KindSQLite},
		{"file:///var/lib/oauth.db", KindSQLite},
		{"postgres://u:hunter2@db:5432/oauth", KindPostgres},
		{"postgresql://u:hunter2@db/oauth?sslmode=disable", KindPostgres},
		{"PostgreSQL://u:hunter2@db/oauth", KindPostgres},
		{"mysql://u:hunter2@db:3306/oauth", KindMySQL},
		{"mariadb://u:hunter2@db/oauth", KindMySQL},
		// Unknown schemes.
		{"postgress://u:hunter2@db/oauth", ""},
		{"sqlite://x.db", ""},
		{"sqlite3://x.db", ""},
		{"http://u:hunter2@db/oauth", ""},
		{"://u:hunter2@db/oauth", ""},
		// A scheme without its colon.
		{"mysql//u:hunter2@db/oauth", ""},
		{"postgres//u:hunter2@db/oauth", ""},
		{"postgres:u:hunter2@db/oauth", ""},
		{"mysql:/u:hunter2@db/oauth", ""},
		// URLs that do not parse, or that name no server.
		{"postgres://u:hunter2@db:port/oauth", ""},
		{"postgres://u:hunter%zz@db/oauth", ""},
		{"mysql://u:hunter2@/oauth", ""},
		{"mysql://u:hunter2@db/oauth?timeout=soon", ""},
	}
	for _, tt := range tests {
		c, err := configErr("DATABASE_URL", tt.url)
		switch {
		case tt.kind == "" && err == nil:
			t.Errorf("DATABASE_URL=%s accepted, want an error", tt.url)
		case tt.kind == "" && !strings.Contains(err.Error(), "DATABASE_URL"):
			t.Errorf("DATABASE_URL=%s: error %q does not name DATABASE_URL", tt.url, err)
		case tt.kind != "" && err != nil:
			t.Errorf("DATABASE_URL=%s: %v", tt.url, err)
		case tt.kind != "":
			if kind, _ := databaseKind(c.DatabaseURL); kind != tt.kind {
				t.Errorf("DATABASE_URL=%s selects %q, want %q", tt.url, kind, tt.kind)
			}
		}
		if err != nil && strings.Contains(err.Error(), "hunter") {
			t.Errorf("DATABASE_URL=%s: error %q holds the password", tt.url, err)
		}
	}
}

// Boolean variables take strconv.ParseBool's values; anything else is an
// error naming the variable, not a silent "off".
func TestConfigFromEnv_Booleans(t *testing.T) {
	field := map[string]func(Config) bool{
		"ALLOW_PLAINTEXT":    func(c Config) bool { return c.AllowPlaintext },
		"EXPOSE_BASE_STRING": func(c Config) bool { return c.ExposeBaseString },
	}
	tests := []struct {
		value string
		want  bool
		ok    bool
	}{
		{"", false, true},
		{"1", true, true}, {"t", true, true}, {"T", true, true}, {"true", true, true}, {"TRUE", true, true}, {"True", true, true},
		{"0", false, true}, {"f", false, true}, {"F", false, true}, {"false", false, true}, {"FALSE", false, true}, {"False", false, true},
		{" true ", true, true},
		{"yes", false, false}, {"on", false, false}, {"2", false, false}, {"enabled", false, false}, {"tRUE", false, false},
	}
	for name, get := range field {
		for _, tt := range tests {
			c, err := configErr(name, tt.value)
			switch {
			case !tt.ok && (err == nil || !strings.Contains(err.Error(), name)):
				t.Errorf("%s=%q: err = %v, want an error naming %s", name, tt.value, err, name)
			case tt.ok && err != nil:
				t.Errorf("%s=%q: %v", name, tt.value, err)
			case tt.ok && get(c) != tt.want:
				t.Errorf("%s=%q gives %v, want %v", name, tt.value, get(c), tt.want)
			}
		}
	}
}

// SESSION_KEY is 32 bytes, written in hex (64 digits, either case) or in
// base64 (standard or URL alphabet, padded or not); the encoding is the one
// the value is written in: a value of hex digits only is hex. Any other
// length is an error, which never holds the key.
func TestConfigFromEnv_SessionKey(t *testing.T) {
	key := bytes.Repeat([]byte{0xfb, 0xff, 0x3e}, 11)[:32] // base64 of it uses + / or - _
	tests := []struct {
		name  string
		value string
		ok    bool
	}{
		{"hex", hex.EncodeToString(key), true},
		{"hex, upper case", strings.ToUpper(hex.EncodeToString(key)), true},
		{"base64", base64.StdEncoding.EncodeToString(key), true},
		{"base64 unpadded", base64.RawStdEncoding.EncodeToString(key), true},
		{"base64url", base64.URLEncoding.EncodeToString(key), true},
		{"base64url unpadded", base64.RawURLEncoding.EncodeToString(key), true},
		{"hex, 31 bytes", hex.EncodeToString(key[:31]), false}, // was re-read as base64
		{"hex, 33 bytes", hex.EncodeToString(append(key, 1)), false},
		{"hex, 64 bytes", hex.EncodeToString(append(key, key...)), false},
		{"hex, odd length", hex.EncodeToString(key)[:63], false},
		{"base64, 31 bytes", base64.StdEncoding.EncodeToString(key[:31]), false},
		{"base64, 48 bytes", base64.StdEncoding.EncodeToString(append(key, key[:16]...)), false},
		{"base64, mixed alphabets", "+" + base64.RawURLEncoding.EncodeToString(key)[1:], false},
		{"base64, bad padding", base64.RawStdEncoding.EncodeToString(key) + "==", false},
		{"not an encoding", strings.Repeat("key!", 11), false},
		{"passphrase", "correct horse battery staple, yes", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := configErr("SESSION_KEY", tt.value)
			if !tt.ok {
				if err == nil || !strings.Contains(err.Error(), "SESSION_KEY") {
					t.Fatalf("err = %v, want an error naming SESSION_KEY", err)
				}
				if strings.Contains(err.Error(), tt.value[:8]) {
					t.Errorf("error %q holds the key", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.SessionKey, key) {
				t.Errorf("key %x, want %x", c.SessionKey, key)
			}
		})
	}
}

func TestConfigFromEnv_ForwardedHeader(t *testing.T) {
	tests := []struct {
		value string
		want  core.ProxyHeaders
		ok    bool
	}{
		{"", core.XForwardedHeaders, true},
		{"x-forwarded", core.XForwardedHeaders, true},
		{"X-Forwarded", core.XForwardedHeaders, true},
		{"forwarded", core.ForwardedHeader, true},
		{" Forwarded ", core.ForwardedHeader, true},
		{"x-forwarded-for", 0, false},
		{"both", 0, false},
		{"1", 0, false},
	}
	for _, tt := range tests {
		c, err := configErr("FORWARDED_HEADER", tt.value)
		switch {
		case !tt.ok && (err == nil || !strings.Contains(err.Error(), "FORWARDED_HEADER")):
			t.Errorf("FORWARDED_HEADER=%q: err = %v, want an error naming FORWARDED_HEADER", tt.value, err)
		case tt.ok && err != nil:
			t.Errorf("FORWARDED_HEADER=%q: %v", tt.value, err)
		case tt.ok && c.ProxyHeaders != tt.want:
			t.Errorf("FORWARDED_HEADER=%q gives %v, want %v", tt.value, c.ProxyHeaders, tt.want)
		}
	}
}

func TestConfigFromEnv_TrustedProxies(t *testing.T) {
	for _, v := range []string{"10.0.0.0/33", "proxy.internal", "10.0.0.0/8, fe80::1%eth0", "10.0.0.0/8;192.0.2.1"} {
		if _, err := configErr("TRUSTED_PROXIES", v); err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
			t.Errorf("TRUSTED_PROXIES=%q: err = %v, want an error naming TRUSTED_PROXIES", v, err)
		}
	}
}

// The -h text lists every variable ConfigFromEnv reads, and the README's
// table lists the same ones.
func TestHelpNamesEveryVariable(t *testing.T) {
	var read []string
	if _, err := ConfigFromEnv(func(k string) string { read = append(read, k); return "" }); err != nil {
		t.Fatal(err)
	}
	var help bytes.Buffer
	printHelp(&help, "example-gin")
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([A-Z_]+)` \\|").FindAllSubmatch(readme, -1) {
		documented = append(documented, string(m[1]))
	}
	slices.Sort(read)
	slices.Sort(documented)
	if !slices.Equal(read, documented) {
		t.Errorf("ConfigFromEnv reads %v; the README's table lists %v", read, documented)
	}
	for _, name := range read {
		if !regexp.MustCompile(`(?m)^  ` + name + ` `).MatchString(help.String()) {
			t.Errorf("-h does not list %s:\n%s", name, help.String())
		}
	}
}
