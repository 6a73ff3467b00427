package demo_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"golang.org/x/crypto/bcrypt"

	"github.com/go-oauth1/provider/internal/demo"
)

// An App's endpoints are net/http handlers; an example mounts them on its
// framework. Here one is called directly.
func ExampleOpen() {
	cfg := demo.Config{
		DatabaseURL: "memory",
		Users:       []demo.User{{Name: "alice", Password: "wonderland"}},
		BcryptCost:  bcrypt.MinCost,
	}
	app, err := demo.Open(context.Background(), cfg, nil, demo.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer app.Close()

	rec := httptest.NewRecorder()
	app.Healthz(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	fmt.Println(rec.Code, rec.Body.String(), app.Backend.Kind, app.Config.Realm)
	// Output: 200 ok memory example
}

func ExampleSafeNext() {
	for _, next := range []string{"/account/apps", "//evil.example/", `/\evil.example`, "https://evil.example/"} {
		fmt.Println(demo.SafeNext(next, demo.DefaultNext))
	}
	// Output:
	// /account/apps
	// /account/apps
	// /account/apps
	// /account/apps
}

func ExampleMySQLDSN() {
	dsn, err := demo.MySQLDSN("mysql://root@127.0.0.1:3306/test")
	fmt.Println(dsn, err)
	// Output: root@tcp(127.0.0.1:3306)/test?parseTime=true&readTimeout=30s&timeout=5s&writeTimeout=30s <nil>
}
