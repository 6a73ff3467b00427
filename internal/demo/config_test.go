package demo

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"

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
				c.MaxConns != DefaultMaxConns || c.StoreTimeout != core.DefaultStoreTimeout || c.LookupCacheTTL != 0 ||
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
			"DB_MAX_CONNS": " 8 ", "LOOKUP_CACHE_TTL": "500ms", "EXPOSE_BASE_STRING": "1", "FORWARDED_HEADER": "forwarded",
		}, check: func(t *testing.T, c Config) {
			if c.LookupCacheTTL != 500*time.Millisecond || !c.ExposeBaseString || c.ProxyHeaders != core.ForwardedHeader {
				t.Errorf("LookupCacheTTL %v, ExposeBaseString %v, ProxyHeaders %v", c.LookupCacheTTL, c.ExposeBaseString, c.ProxyHeaders)
			}
			if c.Addr != ":9000" || c.DatabaseURL != "memory" || c.Realm != "r" || !c.AllowPlaintext || c.LogFormat != "json" || c.MaxConns != 8 ||
				!bytes.Equal(c.SessionKey, key) || !reflect.DeepEqual(c.TrustedProxies, []string{"10.0.0.0/8", "::1"}) ||
				!reflect.DeepEqual(c.Users, []User{{"carol", "a:b"}, {"dave", "x"}}) {
				t.Errorf("config %+v", c)
			}
		}},
		{name: "base64 key", env: map[string]string{"SESSION_KEY": base64.RawURLEncoding.EncodeToString(key)}, check: func(t *testing.T, c Config) {
			if !bytes.Equal(c.SessionKey, key) {
				t.Errorf("key %x", c.SessionKey)
			}
		}},
		{name: "ALLOW_PLAINTEXT other than 1", env: map[string]string{"ALLOW_PLAINTEXT": "true"}, check: func(t *testing.T, c Config) {
			if c.AllowPlaintext {
				t.Error("ALLOW_PLAINTEXT=true allowed PLAINTEXT; only 1 does")
			}
		}},
		{name: "short key", env: map[string]string{"SESSION_KEY": "c2hvcnQ="}, wantErr: "SESSION_KEY"},
		{name: "user without password", env: map[string]string{"DEMO_USERS": "alice"}, wantErr: "DEMO_USERS"},
		{name: "empty name", env: map[string]string{"DEMO_USERS": ":pw"}, wantErr: "DEMO_USERS"},
		{name: "repeated user", env: map[string]string{"DEMO_USERS": "a:b,a:c"}, wantErr: "twice"},
		{name: "no user", env: map[string]string{"DEMO_USERS": " , "}, wantErr: "no user"},
		{name: "log format", env: map[string]string{"LOG_FORMAT": "xml"}, wantErr: "LOG_FORMAT"},
		{name: "pool size not a number", env: map[string]string{"DB_MAX_CONNS": "lots"}, wantErr: "DB_MAX_CONNS"},
		{name: "pool size zero", env: map[string]string{"DB_MAX_CONNS": "0"}, wantErr: "DB_MAX_CONNS"},
		{name: "pool size negative", env: map[string]string{"DB_MAX_CONNS": "-4"}, wantErr: "DB_MAX_CONNS"},
		{name: "pool size huge", env: map[string]string{"DB_MAX_CONNS": "1000000"}, wantErr: "DB_MAX_CONNS"},
		{name: "cache TTL not a duration", env: map[string]string{"LOOKUP_CACHE_TTL": "1"}, wantErr: "LOOKUP_CACHE_TTL"},
		{name: "cache TTL over a second", env: map[string]string{"LOOKUP_CACHE_TTL": "2s"}, wantErr: "LOOKUP_CACHE_TTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one about %s", err, tt.wantErr)
				}
				for _, v := range tt.env {
					if len(v) > 3 && strings.Contains(err.Error(), v) {
						t.Errorf("error %q echoes the value %q", err, v)
					}
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
