package demo

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// testRun runs run with args and env (nothing else set), serving the App's
// health check, and returns the exit code and what went to stdout and
// stderr. ctx ends the serving.
func testRun(ctx context.Context, args []string, env map[string]string) (code int, stdout, stderr string) {
	var out, errOut syncBuffer
	code = run(ctx, append([]string{"example"}, args...), func(k string) string { return env[k] }, &out, &errOut, testRouter)
	return code, out.String(), errOut.String()
}

func testRouter(a *App) http.Handler { return http.HandlerFunc(a.Healthz) }

// cancelled returns a context that is already done: a run that starts
// serving by mistake stops at once.
func cancelled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestRun_Help(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help", "help"} {
		code, stdout, stderr := testRun(cancelled(), []string{arg}, map[string]string{"DATABASE_URL": "memory", "ADDR": "127.0.0.1:0"})
		if code != 0 || stderr != "" {
			t.Errorf("%s: exit %d, stderr %q; want 0 and nothing", arg, code, stderr)
		}
		for _, want := range []string{"ADDR", "127.0.0.1:8080", "listen address", "DATABASE_URL", "SESSION_KEY", "FORWARDED_HEADER", "x-forwarded"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("%s: the help lacks %q:\n%s", arg, want, stdout)
			}
		}
	}
}

func TestRun_Arguments(t *testing.T) {
	code, stdout, stderr := testRun(cancelled(), []string{"serve"}, map[string]string{"DATABASE_URL": "memory", "ADDR": "127.0.0.1:0"})
	if code != 2 || stdout != "" || !strings.Contains(stderr, "-h") {
		t.Errorf("an argument: exit %d, stdout %q, stderr %q; want 2 and a pointer to -h", code, stdout, stderr)
	}
}

// Each configuration mistake of issue #11 is one line on stderr naming the
// variable, exit code 2, before anything is opened or bound.
func TestRun_ConfigurationMistakes(t *testing.T) {
	tests := []struct {
		name, value string
	}{
		{"DATABASE_URL", "postgress://u:hunter2@db/oauth"},
		{"DATABASE_URL", "sqlite://x.db"},
		{"DATABASE_URL", "mysql//u:hunter2@db/oauth"},
		{"ALLOW_PLAINTEXT", "yes"},
		{"EXPOSE_BASE_STRING", "on"},
		{"SESSION_KEY", strings.Repeat("ab", 31)},
		{"TRUSTED_PROXIES", "10.0.0.0/8 192.0.2.1"},
		{"FORWARDED_HEADER", "x-forwarded-for"},
		{"LOG_FORMAT", "xml"},
	}
	for _, tt := range tests {
		t.Run(tt.name+"="+tt.value, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // a path the mistake becomes would be a file here
			code, stdout, stderr := testRun(cancelled(), nil, map[string]string{"ADDR": "127.0.0.1:0", tt.name: tt.value})
			if code != 2 || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if l := lines(stderr); len(l) != 1 || !strings.Contains(l[0], tt.name) {
				t.Errorf("stderr %q; want one line naming %s", stderr, tt.name)
			}
			if strings.Contains(stderr, "hunter2") || (tt.name == "SESSION_KEY" && strings.Contains(stderr, tt.value[:8])) {
				t.Errorf("stderr %q holds a secret", stderr)
			}
			if files, _ := os.ReadDir(dir); len(files) != 0 {
				t.Errorf("the mistake created %v", files)
			}
		})
	}
}

// An address in use is found before the database is created and migrated.
func TestRun_BindsBeforeOpening(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	db := filepath.Join(t.TempDir(), "oauth.db")
	code, _, stderr := testRun(cancelled(), nil, map[string]string{"ADDR": ln.Addr().String(), "DATABASE_URL": db})
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	if l := lines(stderr); len(l) != 1 || !strings.Contains(l[0], "ADDR") || !strings.Contains(l[0], "address already in use") {
		t.Errorf("stderr %q; want one line naming ADDR and the address in use", stderr)
	}
	if _, err := os.Stat(db); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the database was created before the address was found in use (%v)", err)
	}
}

// A database that refuses connections, or accepts them and never answers,
// fails the start within the connect timeout with one log line: no driver
// chatter, no password.
func TestRun_UnreachableDatabase(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()
	// A listener that is never accepted from: connections complete in the
	// kernel, then every read waits.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	hangs := silent.Addr().String()
	tests := []struct {
		name, url string
	}{
		{"mysql refused", "mysql://root:hunter2@" + refused + "/test"},
		{"postgres refused", "postgres://postgres:hunter2@" + refused + "/test"},
		{"mysql silent", "mysql://root:hunter2@" + hangs + "/test?timeout=1s"},
		{"postgres silent", "postgres://postgres:hunter2@" + hangs + "/test?connect_timeout=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			code, _, stderr := testRun(ctx, nil, map[string]string{"ADDR": "127.0.0.1:0", "DATABASE_URL": tt.url})
			if code != 1 {
				t.Errorf("exit %d, want 1", code)
			}
			if l := lines(stderr); len(l) != 1 || !strings.Contains(l[0], "DATABASE_URL") {
				t.Errorf("stderr:\n%s\nwant one line naming DATABASE_URL", stderr)
			}
			if strings.Contains(stderr, "hunter2") {
				t.Errorf("stderr %q holds the password", stderr)
			}
			if ctx.Err() != nil {
				t.Error("the start did not give up within its connect timeout")
			}
		})
	}
}

// The start line names the store without its password, the settings that
// matter and the seeded users, never their passwords; the last line says
// the service has stopped.
func TestRun_StartAndStopLines(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	env := map[string]string{
		"ADDR": "127.0.0.1:0", "DATABASE_URL": filepath.Join(t.TempDir(), "oauth.db"), "DEMO_USERS": "carol:hunter2,dave:hunter3",
		"TRUSTED_PROXIES": "10.0.0.0/8", "FORWARDED_HEADER": "forwarded", "ALLOW_PLAINTEXT": "true",
	}
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"example"}, func(k string) string { return env[k] }, &out, &errOut, testRouter)
	}()
	for !strings.Contains(errOut.String(), "msg=listening") {
		select {
		case code := <-done:
			t.Fatalf("run returned %d before listening:\n%s", code, errOut.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d, want 0", code)
	}
	l := lines(errOut.String())
	start, last := l[0], l[len(l)-1]
	for _, want := range []string{"msg=listening", "url=http://127.0.0.1:", "store=sqlite", "database=" + env["DATABASE_URL"],
		"users=carol,dave", "allow_plaintext=true", "trusted_proxies=10.0.0.0/8", "forwarded_header=forwarded", "session_key=random"} {
		if !strings.Contains(start, want) {
			t.Errorf("start line %q lacks %s", start, want)
		}
	}
	if !strings.Contains(last, "msg=stopped") {
		t.Errorf("last line %q, want msg=stopped", last)
	}
	if strings.Contains(errOut.String(), "hunter") {
		t.Errorf("the log holds a password:\n%s", errOut.String())
	}
}

func TestDescribeDatabase(t *testing.T) {
	tests := []struct{ url, want string }{
		{"memory", "memory"},
		{"oauth-example.db", "oauth-example.db"},
		{"file:oauth.db?cache=shared", "file:oauth.db?cache=shared"},
		{"postgres://u:hunter2@db:5432/oauth?sslmode=disable&password=hunter2", "postgres://u@db:5432/oauth"},
		{"mysql://root@127.0.0.1/test", "mysql://root@127.0.0.1/test"},
		{"mariadb://u:hunter2@db/oauth", "mariadb://u@db/oauth"},
	}
	for _, tt := range tests {
		if got := describeDatabase(tt.url); got != tt.want {
			t.Errorf("describeDatabase(%q) = %q, want %q", tt.url, got, tt.want)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
