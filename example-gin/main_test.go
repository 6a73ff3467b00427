package main

import (
	"net/http"
	"os"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

func TestContract(t *testing.T) { demotest.Run(t, NewRouter) }

func TestBrowser(t *testing.T) { demotest.RunBrowser(t, NewRouter) }

func TestClientIP(t *testing.T) {
	demotest.RunClientIP(t, func(app *demo.App) http.Handler {
		r := NewRouter(app).(*gin.Engine)
		r.GET("/test/client-ip", func(c *gin.Context) { c.String(http.StatusOK, c.ClientIP()) })
		return r
	}, "/test/client-ip")
}
