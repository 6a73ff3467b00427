package demotest

import (
	"net/http"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/demo"
)

// NewServeMux wires app on a plain http.ServeMux with core's own handlers
// and middleware: the reference the framework wirings are held to, and the
// router of internal/demo's own tests.
func NewServeMux(app *demo.App) http.Handler {
	p := app.Provider
	withGrant := func(h func(http.ResponseWriter, *http.Request, *core.Grant), opts ...core.AuthOption) http.Handler {
		return p.Middleware(opts...)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			g, _ := core.FromContext(r.Context())
			h(w, r, g)
		}))
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", app.Index)
	mux.HandleFunc("GET /healthz", app.Healthz)
	mux.HandleFunc("GET /readyz", app.Readyz)
	mux.HandleFunc("POST /consumers", app.RegisterConsumer)
	mux.HandleFunc("GET /consumers", app.ListConsumers)
	mux.HandleFunc("GET /consumers/{key}", withKey(app.GetConsumer))
	mux.HandleFunc("DELETE /consumers/{key}", withKey(app.DeleteConsumer))
	mux.HandleFunc("POST /consumers/{key}/rotate", withKey(app.RotateConsumerSecret))
	mux.HandleFunc("GET /login", app.LoginPage)
	mux.HandleFunc("POST /login", app.Login)
	mux.HandleFunc("POST /logout", app.Logout)
	mux.HandleFunc("GET /account/apps", app.Apps)
	mux.HandleFunc("POST /account/apps/revoke", app.RevokeApp)
	mux.HandleFunc("GET /account/consumers", app.ConsumersPage)
	mux.HandleFunc("POST /account/consumers/delete", app.DeleteConsumerForm)
	mux.HandleFunc("POST /account/consumers/rotate", app.RotateConsumerForm)
	mux.Handle("POST /oauth/request_token", p.RequestTokenHandler())
	mux.Handle("POST /oauth/access_token", p.AccessTokenHandler())
	mux.HandleFunc("GET /oauth/authorize", app.AuthorizePage)
	mux.HandleFunc("POST /oauth/authorize", app.AuthorizeDecision)
	mux.Handle("GET /api/me", withGrant(app.Me, core.RequireScopes("read")))
	mux.Handle("POST /api/notes", withGrant(app.Notes, core.RequireScopes("write")))
	mux.Handle("GET /api/ping", withGrant(app.Ping, core.TwoLegged()))
	mux.HandleFunc("/", app.NotFound)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		done := app.LogRequest(r)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		mux.ServeHTTP(sw, r)
		done(sw.status)
	})
}

// withKey hands a consumer handler the {key} of its path.
func withKey(h func(http.ResponseWriter, *http.Request, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) { h(w, r, r.PathValue("key")) }
}

type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}
