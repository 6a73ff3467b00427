package demo

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/go-oauth1/provider/core"
)

// Scopes returns the permissions the demo provider knows.
func Scopes() []core.Scope {
	return []core.Scope{
		{Name: "read", Description: "Read your profile"},
		{Name: "write", Description: "Post notes as you"},
	}
}

// App is one demo service: the OAuth provider, the users, the sessions and
// the pages. Its methods with the net/http handler signature are the
// service's endpoints; the examples mount them on their framework, except
// the consent page and the API, which they write on their adapter with the
// helpers of consent.go and api.go.
type App struct {
	Config   Config
	Provider *core.Provider
	Backend  *Backend
	Users    *Users
	Sessions *Sessions
	Log      *slog.Logger
	Clock    core.Clock

	templates *template.Template
	throttle  *loginThrottle
	cross     *http.CrossOriginProtection
	proxies   []netip.Prefix // Config.TrustedProxies, for ClientAddr
}

// Options are the parts of an App tests replace. The zero value is the
// real thing.
type Options struct {
	// Clock defaults to core.SystemClock.
	Clock core.Clock
	// Rand defaults to crypto/rand.
	Rand io.Reader
}

// Open opens the backend cfg names, migrates it, seeds the users and builds
// the provider. Close releases it.
func Open(ctx context.Context, cfg Config, log *slog.Logger, opts Options) (*App, error) {
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = core.SystemClock{}
	}
	templates, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	sessions, err := NewSessions(cfg.SessionKey, cfg.SessionTTL, opts.Clock, opts.Rand)
	if err != nil {
		return nil, err
	}
	b, err := OpenBackend(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	a := &App{Config: cfg, Backend: b, Sessions: sessions, Log: log, Clock: opts.Clock, templates: templates, throttle: newLoginThrottle(opts.Clock)}
	if err := a.open(ctx, opts); err != nil {
		b.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context, opts Options) error {
	var err error
	if a.Backend.DB == nil {
		a.Users, err = NewMemoryUsers(a.Config.BcryptCost, opts.Rand)
	} else {
		a.Users, err = NewDBUsers(a.Backend.DB, a.Config.BcryptCost, a.Config.StoreTimeout)
	}
	if err != nil {
		return fmt.Errorf("users table: %w", err)
	}
	if err := a.Users.Seed(ctx, a.Config.Users); err != nil {
		return fmt.Errorf("seed users: %w", err)
	}
	a.Provider, err = core.New(core.Config{
		Store:                  a.Backend.Store,
		Realm:                  a.Config.Realm,
		Clock:                  opts.Clock,
		Rand:                   opts.Rand,
		AllowPlaintextOverHTTP: a.Config.AllowPlaintext,
		ExposeBaseString:       a.Config.ExposeBaseString,
		TrustedProxies:         a.Config.TrustedProxies,
		ProxyHeaders:           a.Config.ProxyHeaders,
		Scopes:                 Scopes(),
		StoreTimeout:           a.Config.StoreTimeout,
		OnServerError:          a.logServerError,
	})
	if err != nil {
		return err
	}
	if a.proxies, err = parseTrustedProxies(a.Config.TrustedProxies); err != nil {
		return err
	}
	a.Sessions.Origin = a.Provider.Origin // Secure cookies behind a trusted TLS proxy too
	a.cross = http.NewCrossOriginProtection()
	return nil
}

// logServerError is the provider's OnServerError: it logs the cause of a
// 5xx OAuth answer with the request's method and path (never its query or
// headers, which may hold OAuth parameters and credentials).
func (a *App) logServerError(r *http.Request, err error) {
	a.Log.LogAttrs(r.Context(), slog.LevelError, "oauth server error",
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("err", err.Error()),
	)
}

// Close closes the database.
func (a *App) Close() error {
	if a == nil || a.Backend == nil {
		return errors.New("demo: App not open")
	}
	return a.Backend.Close()
}
