package flowtest_test

import (
	"net/http"
	"testing"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/echooauth"
	"github.com/go-oauth1/provider/ginoauth"
	"github.com/go-oauth1/provider/internal/flowtest"
)

func mountGin(p *core.Provider) http.Handler {
	gin.SetMode(gin.TestMode)
	r := gin.New()
	ginoauth.Register(r.Group("/oauth"), p)
	api := r.Group("/api")
	api.GET("/me", ginoauth.Middleware(p, ginoauth.RequireScopes("read")), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusOK, "application/json", flowtest.Me(g))
	})
	api.POST("/notes", ginoauth.Middleware(p, ginoauth.RequireScopes("write")), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusCreated, "application/json", flowtest.Note(g, c.PostForm("text")))
	})
	api.GET("/ping", ginoauth.Middleware(p, ginoauth.TwoLegged()), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusOK, "application/json", flowtest.Ping(g))
	})
	return r
}

func mountEcho(p *core.Provider) http.Handler {
	e := echo.New()
	echooauth.Register(e.Group("/oauth"), p)
	api := e.Group("/api")
	api.GET("/me", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", flowtest.Me(g))
	}, echooauth.Middleware(p, echooauth.RequireScopes("read")))
	api.POST("/notes", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusCreated, "application/json", flowtest.Note(g, c.FormValue("text")))
	}, echooauth.Middleware(p, echooauth.RequireScopes("write")))
	api.GET("/ping", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", flowtest.Ping(g))
	}, echooauth.Middleware(p, echooauth.TwoLegged()))
	return e
}

// TestMountsAgree runs the scenario on net/http, Gin and Echo and requires
// the three transcripts to be identical, byte for byte.
func TestMountsAgree(t *testing.T) {
	mounts := []struct {
		name  string
		mount func(*core.Provider) http.Handler
	}{
		{"net/http", flowtest.NetHTTP},
		{"gin", mountGin},
		{"echo", mountEcho},
	}
	transcripts := make([]flowtest.Transcript, len(mounts))
	for i, m := range mounts {
		t.Run(m.name, func(t *testing.T) { transcripts[i] = flowtest.Run(t, m.mount) })
	}
	if len(transcripts[0]) == 0 {
		t.Fatal("empty transcript")
	}
	for i := 1; i < len(mounts); i++ {
		t.Run(mounts[i].name+" vs net/http", func(t *testing.T) {
			flowtest.Compare(t, transcripts[0], transcripts[i])
		})
	}
	if testing.Verbose() {
		for _, s := range transcripts[0] {
			t.Log(s)
		}
	}
}

// TestRunIsDeterministic checks that two runs on one mount agree, so that
// a difference between mounts is the mounts' doing.
func TestRunIsDeterministic(t *testing.T) {
	flowtest.Compare(t, flowtest.Run(t, flowtest.NetHTTP), flowtest.Run(t, flowtest.NetHTTP))
}
