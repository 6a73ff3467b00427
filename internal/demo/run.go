package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// ShutdownTimeout bounds the graceful shutdown: requests in flight get this
// long to finish.
const ShutdownTimeout = 10 * time.Second

// Main is the whole of an example's main function: it reads the
// configuration from the environment, opens the App, serves newRouter(app)
// on ADDR until SIGINT or SIGTERM, and shuts down gracefully. It returns
// the process exit code.
func Main(newRouter func(*App) http.Handler) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfg, err := ConfigFromEnv(os.Getenv)
	if err != nil {
		fmt.Fprintln(os.Stderr, "configuration:", err)
		return 2
	}
	log := NewLogger(os.Stderr, cfg.LogFormat)
	app, err := Open(ctx, cfg, log, Options{})
	if err != nil {
		log.Error("start", "err", err)
		return 1
	}
	defer app.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		log.Error("listen", "err", err)
		return 1
	}
	if err := app.Serve(ctx, ln, newRouter(app)); err != nil {
		log.Error("serve", "err", err)
		return 1
	}
	return 0
}

// Serve serves h on ln until ctx is done, then shuts the server down
// gracefully (ShutdownTimeout). While it serves, it runs the janitor
// (RunJanitor) every Config.JanitorEvery; both stop before it returns.
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
		a.RunJanitor(jctx)
	}()
	defer func() {
		stopJanitor()
		<-janitorDone
	}()

	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	a.Log.Info("listening", "url", "http://"+ln.Addr().String(), "store", a.Backend.Kind, "realm", a.Config.Realm)

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// RunJanitor calls Provider.Cleanup every Config.JanitorEvery until ctx is
// done, removing expired tokens and nonces older than the timestamp window.
func (a *App) RunJanitor(ctx context.Context) {
	t := time.NewTicker(a.Config.JanitorEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			// A round never outlasts the interval, even on a database
			// that stopped answering.
			cctx, cancel := context.WithTimeout(ctx, a.Config.JanitorEvery)
			n, err := a.Provider.Cleanup(cctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				a.Log.Warn("cleanup", "err", err)
			} else if n > 0 {
				a.Log.Info("cleanup", "removed", n)
			}
		}
	}
}
