package demo

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// timeouts are what MySQLDSN adds to a URL that sets none.
const timeouts = "&readTimeout=30s&timeout=5s&writeTimeout=30s"

func TestMySQLDSN(t *testing.T) {
	tests := []struct {
		url, want, wantErr string
	}{
		{url: "mysql://root@127.0.0.1:3306/test", want: "root@tcp(127.0.0.1:3306)/test?parseTime=true" + timeouts},
		{url: "mysql://u:p%40ss@db/app?charset=utf8mb4", want: "u:p@ss@tcp(db:3306)/app?charset=utf8mb4&parseTime=true" + timeouts},
		{url: "mariadb://u:pw@[::1]:3307/x?loc=Local&parseTime=false&tls=skip-verify", want: "u:pw@tcp([::1]:3307)/x?loc=Local&parseTime=true&readTimeout=30s&timeout=5s&tls=skip-verify&writeTimeout=30s"},
		{url: "mysql://u@h/x?timeout=1s&readTimeout=2m&writeTimeout=3s", want: "u@tcp(h:3306)/x?parseTime=true&readTimeout=2m0s&timeout=1s&writeTimeout=3s"},
		{url: "mysql:///test", wantErr: "host"},
		{url: "mysql://u:secret@h/db?timeout=abc", wantErr: "parameters"},
		{url: "mysql://u:secret@h:port/db", wantErr: "valid"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := MySQLDSN(tt.url)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || strings.Contains(err.Error(), "secret") {
					t.Fatalf("err = %v, want one about %s that hides the password", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			// loc=UTC is added unless loc is given; the driver renders it
			// only when it is not its default (UTC).
			if got != tt.want {
				t.Errorf("MySQLDSN(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}

func TestDialector(t *testing.T) {
	tests := []struct {
		url, kind string
	}{
		{"memory", KindMemory},
		{"postgres://u@h/db", KindPostgres},
		{"postgresql://u@h/db?sslmode=disable", KindPostgres},
		{"mysql://u@h/db", KindMySQL},
		{"MariaDB://u@h/db", KindMySQL},
		{"file:x.db?cache=shared", KindSQLite},
		{"oauth-example.db", KindSQLite},
		{"/var/lib/demo/x.db", KindSQLite},
	}
	for _, tt := range tests {
		kind, d, err := Dialector(tt.url, nil)
		if err != nil || kind != tt.kind || (kind != KindMemory) != (d != nil) {
			t.Errorf("Dialector(%q) = %s, %v, %v; want %s", tt.url, kind, d, err, tt.kind)
		}
	}
	if _, _, err := Dialector("", nil); err == nil {
		t.Error("Dialector(\"\") succeeded")
	}
	if got := SQLiteDSN("file:a.db?mode=rwc"); !strings.HasPrefix(got, "file:a.db?mode=rwc&_pragma=busy_timeout") {
		t.Errorf("SQLiteDSN = %q", got)
	}
}

func TestPostgresDSN(t *testing.T) {
	tests := []struct{ url, want string }{
		{"postgres://u:pw@h/db", "postgres://u:pw@h/db?connect_timeout=5"},
		{"postgresql://u@h:5433/db?sslmode=disable", "postgresql://u@h:5433/db?connect_timeout=5&sslmode=disable"},
		{"postgres://u@h/db?connect_timeout=30", "postgres://u@h/db?connect_timeout=30"},
		{"postgres://u@h:port/db", "postgres://u@h:port/db"}, // pgx says what is wrong
	}
	for _, tt := range tests {
		if got := PostgresDSN(tt.url); got != tt.want {
			t.Errorf("PostgresDSN(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

func TestOpenBackendSQLite(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "x.db")
	for i := range 2 { // the second open finds the tables
		b, err := OpenBackend(ctx, Config{DatabaseURL: "file:" + path, MaxConns: 7}, nil)
		if err != nil {
			t.Fatalf("open %d: %v", i, err)
		}
		if b.Kind != KindSQLite || b.DB == nil || b.Store == nil {
			t.Errorf("backend %+v", b)
		}
		sqlDB, err := b.DB.DB()
		if err != nil {
			t.Fatal(err)
		}
		if n := sqlDB.Stats().MaxOpenConnections; n != 7 {
			t.Errorf("pool of %d connections, want Config.MaxConns", n)
		}
		if err := b.Close(); err != nil {
			t.Fatal(err)
		}
	}
	b, err := OpenBackend(ctx, Config{DatabaseURL: "memory"}, nil)
	if err != nil || b.DB != nil || b.Close() != nil {
		t.Fatalf("memory: %+v %v", b, err)
	}
}
