package demo_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
	"github.com/go-oauth1/provider/internal/tcpproxy"
)

// TestContract runs the examples' contract on a plain net/http wiring of
// the App, the reference the Gin and Echo wirings are held to.
func TestContract(t *testing.T) { demotest.Run(t, demotest.NewServeMux) }

func TestServeShutsDownGracefully(t *testing.T) {
	cfg := demotest.Config("memory")
	cfg.JanitorEvery = time.Millisecond // the janitor runs while serving
	logs := &demotest.SyncBuffer{}
	app, err := demo.Open(context.Background(), cfg, demo.NewLogger(logs, "text"), demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	// A request in flight when the shutdown starts still gets its answer.
	started, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(started)
			<-release
		}
		app.Healthz(w, r)
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, ln, h) }()

	base := "http://" + ln.Addr().String()
	slow := make(chan string, 1)
	go func() {
		resp, err := http.Get(base + "/slow")
		if err != nil {
			slow <- err.Error()
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		slow <- string(b)
	}()
	<-started
	time.Sleep(20 * time.Millisecond) // let the janitor tick
	cancel()
	time.Sleep(20 * time.Millisecond)
	close(release)
	if got := <-slow; got != "ok" {
		t.Errorf("request in flight got %q, want ok", got)
	}
	select {
	case err := <-served:
		if err != nil {
			t.Errorf("Serve = %v, want nil", err)
		}
	case <-time.After(demo.ShutdownTimeout):
		t.Fatal("Serve did not return")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
	if l := logs.String(); !strings.Contains(l, "msg=listening") || !strings.Contains(l, `msg="shutting down"`) {
		t.Errorf("log: %s", l)
	}
}

func TestOpenFails(t *testing.T) {
	tests := []struct {
		name string
		cfg  demo.Config
	}{
		{"unreachable database", demo.Config{DatabaseURL: "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2", Users: []demo.User{demotest.Alice}}},
		{"bad mysql url", demo.Config{DatabaseURL: "mysql://u:hunter2@/db", Users: []demo.User{demotest.Alice}}},
		{"bad trusted proxy", demo.Config{DatabaseURL: "memory", Users: []demo.User{demotest.Alice}, TrustedProxies: []string{"not-a-cidr"}}},
		{"short session key", demo.Config{DatabaseURL: "memory", SessionKey: []byte("short")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.BcryptCost = 4
			app, err := demo.Open(context.Background(), tt.cfg, nil, demo.Options{})
			if err == nil {
				app.Close()
				t.Fatal("Open succeeded")
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q holds the password", err)
			}
		})
	}
}

// Replicas started at the same moment on a fresh database all open: their
// migrations, the users table's included, wait for each other. Ten rounds,
// each on a fresh database.
func TestOpenConcurrently(t *testing.T) {
	const replicas, rounds = 4, 10
	databases := []struct {
		name string
		url  func(testing.TB) string
	}{
		{"sqlite", demotest.SQLiteURL},
		{"postgres", demotest.PostgresURL},
		{"mysql", demotest.MySQLURL},
	}
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			for round := range rounds {
				t.Run(fmt.Sprint("round", round), func(t *testing.T) {
					cfg := demotest.Config(db.url(t))
					var ready, done sync.WaitGroup
					start := make(chan struct{})
					for i := range replicas {
						ready.Add(1)
						done.Add(1)
						go func() {
							defer done.Done()
							ready.Done()
							<-start
							app, err := demo.Open(context.Background(), cfg, nil, demo.Options{})
							if err != nil {
								t.Errorf("replica %d: demo.Open: %v", i, err)
								return
							}
							app.Close()
						}()
					}
					ready.Wait()
					close(start)
					done.Wait()
				})
			}
		})
	}
}

// TestServerErrorsLogged: a dropped table makes the OAuth endpoints answer
// 500 with a generic body, and the log says why, with method and path;
// /readyz then answers 503 with a short reason.
func TestServerErrorsLogged(t *testing.T) {
	for _, tc := range []struct {
		name  string
		url   func(testing.TB) string
		cause string // what the database says, in the JSON log
	}{
		{"sqlite", demotest.SQLiteURL, "no such table: oauth1_consumers"},
		{"postgres", demotest.PostgresURL, `relation \"oauth1_consumers\" does not exist`},
		{"mysql", demotest.MySQLURL, "oauth1_consumers' doesn't exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := demotest.Start(t, demotest.Config(tc.url(t)), demotest.NewServeMux)
			c := demotest.NewClient(t, env.URL)
			cons := c.RegisterConsumer(demotest.Alice, url.Values{"name": {"App"}})
			if r := c.Get("/readyz"); r.Status != http.StatusOK || r.Body != "ok" {
				t.Fatalf("GET /readyz = %d %q, want 200 ok", r.Status, r.Body)
			}
			if err := env.App.Backend.DB.Exec("DROP TABLE oauth1_consumers").Error; err != nil {
				t.Fatal(err)
			}
			r := c.Signed(demotest.Signer(cons, "", ""), http.MethodGet, "/api/ping", nil)
			if r.Status != http.StatusInternalServerError || r.Body != "oauth_problem=server_error" {
				t.Errorf("GET /api/ping = %d %q, want 500 oauth_problem=server_error", r.Status, r.Body)
			}
			if r := c.Get("/readyz"); r.Status != http.StatusServiceUnavailable || r.Body != "store unavailable" {
				t.Errorf("GET /readyz = %d %q, want 503 store unavailable", r.Status, r.Body)
			}
			logs := env.Logs.String()
			for _, want := range []string{
				`"msg":"oauth server error","method":"GET","path":"/api/ping","err":"oauth1: server_error: gormstore: `,
				tc.cause,
				`"msg":"not ready"`,
			} {
				if !strings.Contains(logs, want) {
					t.Errorf("log lacks %s:\n%s", want, logs)
				}
			}
			if strings.Contains(logs, cons.Secret) {
				t.Error("log holds the consumer secret")
			}
		})
	}
}

// TestMySQLDriverLogsToSlog: the MySQL driver's own messages (here, an
// idle connection the server dropped) go to the App's logger, not to
// stderr.
func TestMySQLDriverLogsToSlog(t *testing.T) {
	u, err := url.Parse(demotest.MySQLURL(t))
	if err != nil {
		t.Fatal(err)
	}
	proxy := tcpproxy.Start(t, u.Host)
	u.Host = proxy.Addr()
	logs := &demotest.SyncBuffer{}
	ctx := context.Background()
	b, err := demo.OpenBackend(ctx, demo.Config{DatabaseURL: u.String()}, demo.NewLogger(logs, "json"))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	// An idle connection stays in the pool; the cut closes its other end.
	if _, err := b.Store.GetConsumer(ctx, "x"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("GetConsumer = %v, want ErrNotFound", err)
	}
	proxy.Cut()
	if err := proxy.Restore(); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Store.GetConsumer(ctx, "x"); !errors.Is(err, core.ErrNotFound) {
		t.Fatalf("GetConsumer after the cut = %v, want ErrNotFound (on a new connection)", err)
	}
	if l := logs.String(); !strings.Contains(l, `"msg":"mysql driver"`) {
		t.Errorf("the driver logged nothing through slog: %q", l)
	}
}
