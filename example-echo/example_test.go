package main

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"golang.org/x/crypto/bcrypt"

	"github.com/go-oauth1/provider/internal/demo"
)

func ExampleNewRouter() {
	cfg := demo.Config{DatabaseURL: "memory", Users: []demo.User{{Name: "alice", Password: "wonderland"}}, BcryptCost: bcrypt.MinCost}
	app, err := demo.Open(context.Background(), cfg, nil, demo.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer app.Close()
	h := NewRouter(app)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	fmt.Println(rec.Code, rec.Body.String())
	// Output: 200 ok
}
