package main

import (
	"net/http"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

func TestContract(t *testing.T) { demotest.Run(t, NewRouter) }

func TestBrowser(t *testing.T) { demotest.RunBrowser(t, NewRouter) }

func TestClientIP(t *testing.T) {
	demotest.RunClientIP(t, func(app *demo.App) http.Handler {
		e := NewRouter(app).(*echo.Echo)
		e.GET("/test/client-ip", func(c echo.Context) error { return c.String(http.StatusOK, c.RealIP()) })
		return e
	}, "/test/client-ip")
}
