package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/go-oauth1/provider/core"
)

// ShutdownTimeout bounds the graceful shutdown: requests in flight get this
// long to finish.
const ShutdownTimeout = 10 * time.Second

// Main is the whole of an example's main function: it serves
// newRouter(app) until SIGINT or SIGTERM (see run), and returns the
// process exit code.
func Main(newRouter func(*App) http.Handler) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr, newRouter)
}

// run is Main on given command line (args[0] is the command), environment
// and output. With -h or --help (or help) it prints the variables to stdout and returns 0; with
// another argument, or a configuration mistake (ConfigFromEnv), it prints
// one line to stderr and returns 2. Otherwise it binds ADDR first, so that
// an address in use is found before the database is created, then opens
// the App (a database that cannot be reached fails within its connect
// timeout), serves until ctx is done, shuts down gracefully, and returns 0,
// or 1 after logging why it could not go on.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer, newRouter func(*App) http.Handler) int {
	command := filepath.Base(args[0])
	if len(args) > 1 {
		switch args[1] {
		case "-h", "-help", "--help", "help":
			printHelp(stdout, command)
			return 0
		}
		fmt.Fprintf(stderr, "%s takes no arguments; it is configured by environment variables (%s -h lists them)\n", command, command)
		return 2
	}
	cfg, err := ConfigFromEnv(getenv)
	if err != nil {
		fmt.Fprintln(stderr, "configuration:", err)
		return 2
	}
	log := NewLogger(stderr, cfg.LogFormat)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("cannot listen on ADDR", "err", err)
		return 1
	}
	defer ln.Close()
	app, err := Open(ctx, cfg, log, Options{})
	if err != nil {
		// One line: pgx lists each address it tried on a line of its own.
		msg := strings.NewReplacer(":\n\t", ": ", "\n\t", "; ", "\n", "; ").Replace(err.Error())
		log.Error("cannot open DATABASE_URL", "database", describeDatabase(cfg.DatabaseURL), "err", msg)
		return 1
	}
	err = app.Serve(ctx, ln, newRouter(app))
	if cerr := app.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		log.Error("stopped", "err", err)
		return 1
	}
	log.Info("stopped")
	return 0
}

// Serve serves h on ln until ctx is done, then shuts the server down
// gracefully (ShutdownTimeout). While it serves, the provider's janitor
// (core.Provider.RunJanitor) removes expired tokens and old nonces every
// Config.JanitorEvery, logging its errors; both stop before it returns.
func (a *App) Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(a.Log.Handler(), slog.LevelWarn),
	}
	jctx, stopJanitor := context.WithCancel(ctx)
	janitorDone := make(chan struct{})
	go func() {
		defer close(janitorDone)
		a.Provider.RunJanitor(jctx, a.Config.JanitorEvery, func(err error) {
			a.Log.Error("oauth janitor", "err", err)
		})
	}()
	defer func() {
		stopJanitor()
		<-janitorDone
	}()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.logStart(ln.Addr())

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down", "grace", ShutdownTimeout)
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// logStart writes the start line: where the service listens, its store
// (without password), the settings that change what it accepts, and the
// seeded users (names only).
func (a *App) logStart(addr net.Addr) {
	c := a.Config
	users := make([]string, len(c.Users))
	for i, u := range c.Users {
		users[i] = u.Name
	}
	proxies, headers := "none", "x-forwarded"
	if len(c.TrustedProxies) > 0 {
		proxies = strings.Join(c.TrustedProxies, ",")
	}
	if c.ProxyHeaders == core.ForwardedHeader {
		headers = "forwarded"
	}
	key := "random" // logins end with the process
	if c.SessionKey != nil {
		key = "fixed"
	}
	a.Log.Info("listening",
		"url", "http://"+addr.String(),
		"store", a.Backend.Kind,
		"database", describeDatabase(c.DatabaseURL),
		"realm", c.Realm,
		"users", strings.Join(users, ","),
		"allow_plaintext", c.AllowPlaintext,
		"expose_base_string", c.ExposeBaseString,
		"trusted_proxies", proxies,
		"forwarded_header", headers,
		"session_key", key,
	)
}
