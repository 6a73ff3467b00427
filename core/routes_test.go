package core_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

// TokenRoutes: POST only by default, AllowGET, Paths (an empty path keeps
// its default, a later option wins), in a fixed order, each route to its
// endpoint's handler.
func TestTokenRoutes(t *testing.T) {
	p, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		opts []core.RouteOption
		want []string // "METHOD path endpoint"
	}{
		{"default", nil, []string{
			"POST /request_token request", "POST /access_token access"}},
		{"GET allowed", []core.RouteOption{core.AllowGET()}, []string{
			"POST /request_token request", "POST /access_token access",
			"GET /request_token request", "GET /access_token access"}},
		{"GET allowed twice", []core.RouteOption{core.AllowGET(), core.AllowGET()}, []string{
			"POST /request_token request", "POST /access_token access",
			"GET /request_token request", "GET /access_token access"}},
		{"paths", []core.RouteOption{core.Paths("/initiate", "/token")}, []string{
			"POST /initiate request", "POST /token access"}},
		{"empty request path keeps default", []core.RouteOption{core.Paths("", "/token")}, []string{
			"POST /request_token request", "POST /token access"}},
		{"empty access path keeps default", []core.RouteOption{core.Paths("/initiate", "")}, []string{
			"POST /initiate request", "POST /access_token access"}},
		{"later paths win", []core.RouteOption{core.Paths("/a", "/b"), core.Paths("/c", "")}, []string{
			"POST /c request", "POST /b access"}},
		{"paths and GET", []core.RouteOption{core.Paths("/initiate", "/token"), core.AllowGET()}, []string{
			"POST /initiate request", "POST /token access",
			"GET /initiate request", "GET /token access"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, rt := range p.TokenRoutes(tt.opts...) {
				got = append(got, rt.Method+" "+rt.Path+" "+endpoint(p, rt))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("routes\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}

// endpoint names the token endpoint that rt's handler is, "request" or
// "access", by its answer to an unsigned request of rt.Method: each
// endpoint names the parameters it misses (oauth_callback for the
// request token endpoint, oauth_token and oauth_verifier for the access
// token one).
func endpoint(p *core.Provider, rt core.Route) string {
	answer := func(h http.Handler) string {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(rt.Method, "/", nil))
		return w.Body.String()
	}
	switch got := answer(rt.Handler); got {
	case answer(p.RequestTokenHandler()):
		return "request"
	case answer(p.AccessTokenHandler()):
		return "access"
	default:
		return "unknown: " + got
	}
}

// A net/http application mounts the token endpoints on its mux, here
// under /oauth and answering GET too.
func ExampleProvider_TokenRoutes() {
	p, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	for _, rt := range p.TokenRoutes(core.AllowGET()) {
		mux.Handle(rt.Method+" /oauth"+rt.Path, rt.Handler)
		fmt.Println(rt.Method, "/oauth"+rt.Path)
	}
	// Output:
	// POST /oauth/request_token
	// POST /oauth/access_token
	// GET /oauth/request_token
	// GET /oauth/access_token
}
