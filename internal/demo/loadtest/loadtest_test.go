package loadtest_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
	"github.com/go-oauth1/provider/internal/demo/loadtest"
)

// The harness on the reference router: every route answered 200, every
// route its share.
func TestCheck(t *testing.T) { loadtest.Check(t, demotest.NewServeMux) }

// brokenAt is the reference router, except that path answers 503 and logs
// an error.
func brokenAt(path string) func(*demo.App) http.Handler {
	return func(app *demo.App) http.Handler {
		mux := demotest.NewServeMux(app)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == path {
				app.Log.Error("broken on purpose", "path", path)
				http.Error(w, "broken route", http.StatusServiceUnavailable)
				return
			}
			mux.ServeHTTP(w, r)
		})
	}
}

// Any answer but 200 ends the measurement with the route, the status, the
// body and what the service logged.
func TestMeasure_FailsOnAnswerNot200(t *testing.T) {
	tests := []struct{ name, path string }{
		{"open", "/healthz"},
		{"three-legged", "/api/me"},
		{"two-legged", "/api/ping"},
	}
	for _, tt := range tests {
		path := tt.path
		t.Run(tt.name, func(t *testing.T) {
			tg := loadtest.Start(t, "memory", brokenAt(path))
			_, err := tg.Measure(loadtest.Options{Conns: 4, Rounds: 1, MaxRequests: 20})
			if err == nil {
				t.Fatalf("Measure with %s answering 503: no error", path)
			}
			for _, want := range []string{"GET " + path + ": 503", "broken route", "broken on purpose"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
		})
	}
}
