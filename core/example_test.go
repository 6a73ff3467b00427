package core_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

// A provider on net/http: the token endpoints, and a resource that needs an
// access token with the "read" scope.
func Example() {
	p, err := core.New(core.Config{
		Store:  memstore.New(),
		Realm:  "example",
		Scopes: []core.Scope{{Name: "read", Description: "Read your profile"}},
	})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /oauth/request_token", p.RequestTokenHandler())
	mux.Handle("POST /oauth/access_token", p.AccessTokenHandler())
	me := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g, _ := core.FromContext(r.Context())
		fmt.Fprintf(w, "hello %s via %s", g.UserID, g.Consumer.Name)
	})
	mux.Handle("GET /api/me", p.Middleware(core.RequireScopes("read"))(me))

	// An unsigned call is refused with a problem report.
	w := httptest.NewRecorder()
	mux.ServeHTTP(w, httptest.NewRequest("GET", "/api/me", nil))
	fmt.Println(w.Code)
	fmt.Println(w.Body.String())
	// Output:
	// 400
	// oauth_parameters_absent=oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_nonce%26oauth_token&oauth_problem=parameter_absent&oauth_problem_advice=required+OAuth+parameters+are+missing
}

// Registering a consumer generates its key and secret.
func ExampleProvider_RegisterConsumer() {
	p, _ := core.New(core.Config{Store: memstore.New()})
	c, err := p.RegisterConsumer(context.Background(), core.ConsumerRegistration{
		Name:        "Printer",
		CallbackURL: "https://printer.example.com/ready",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Name, len(c.Key) >= 22, len(c.Secret) >= 43)
	// Output: Printer true true
}
