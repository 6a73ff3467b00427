package gormstore_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/gormstore"
)

// A provider set up for production (the README's Operations section): a
// connection pool sized on purpose, a deadline on store calls, the cause of
// every 5xx logged, and the janitor running beside the service. Here a
// dropped table makes a request fail.
func Example_operations() {
	dir, err := os.MkdirTemp("", "gormstore-example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	dsn := "file:" + filepath.Join(dir, "oauth.db") + "?_pragma=busy_timeout(5000)" // the janitor writes beside the requests
	db, err := gorm.Open(sqlite.Open(dsn), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		panic(err)
	}
	store := gormstore.New(db)
	if err := store.Migrate(context.Background()); err != nil {
		panic(err)
	}
	// The log, here without times and causes (the database's words), so
	// that the output is always the same.
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey || a.Key == "err" {
				return slog.Attr{}
			}
			return a
		},
	}))

	sqlDB, err := db.DB() // the *sql.DB under GORM
	if err != nil {
		panic(err)
	}
	defer sqlDB.Close()
	sqlDB.SetMaxOpenConns(32) // within what the database allows this instance
	sqlDB.SetMaxIdleConns(32) // as many idle as open: no connection opened per request
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)

	p, err := core.New(core.Config{
		Store:        store,
		StoreTimeout: 3 * time.Second, // default core.DefaultStoreTimeout
		OnServerError: func(r *http.Request, err error) {
			log.ErrorContext(r.Context(), "oauth server error", "method", r.Method, "path", r.URL.Path, "err", err)
		},
	})
	if err != nil {
		panic(err)
	}
	// Expired tokens and nonces go until the service stops: at once, then
	// every minute.
	ctx, stop := context.WithCancel(context.Background())
	janitorDone := make(chan struct{})
	go func() {
		defer close(janitorDone)
		p.RunJanitor(ctx, core.DefaultJanitorInterval, func(err error) {
			log.Error("oauth janitor", "err", err)
		})
	}()
	defer func() { stop(); <-janitorDone }()

	if err := db.Exec("DROP TABLE " + store.TableName(gormstore.ConsumersTable)).Error; err != nil {
		panic(err)
	}
	r := httptest.NewRequest(http.MethodGet, "http://api.example.com/ping", nil)
	signer := oauthtest.Signer{ConsumerKey: "app", ConsumerSecret: "app-secret", Method: core.HMACSHA1}
	if err := signer.Sign(r); err != nil {
		panic(err)
	}
	w := httptest.NewRecorder()
	p.Middleware(core.TwoLegged())(http.NotFoundHandler()).ServeHTTP(w, r)
	fmt.Println(w.Code, w.Body)
	// Output:
	// level=ERROR msg="oauth server error" method=GET path=/ping
	// 500 oauth_problem=server_error
}
