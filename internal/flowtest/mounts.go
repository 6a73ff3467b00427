package flowtest

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/labstack/echo/v4"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/echooauth"
	"github.com/go-oauth1/provider/ginoauth"
)

// Gin mounts the scenario's routes (see Run) on a Gin engine, with
// ginoauth. The caller sets Gin's mode.
func Gin(p *core.Provider) http.Handler {
	r := gin.New()
	ginoauth.Register(r.Group("/oauth"), p)
	api := r.Group("/api")
	api.GET("/me", ginoauth.Middleware(p, core.RequireScopes("read")), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusOK, "application/json", Me(g))
	})
	api.POST("/notes", ginoauth.Middleware(p, core.RequireScopes("write")), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusCreated, "application/json", Note(g, c.PostForm("text")))
	})
	api.GET("/ping", ginoauth.Middleware(p, core.TwoLegged()), func(c *gin.Context) {
		g, _ := ginoauth.GrantFrom(c)
		c.Data(http.StatusOK, "application/json", Ping(g))
	})
	return r
}

// Echo mounts the scenario's routes (see Run) on an Echo, with echooauth.
func Echo(p *core.Provider) http.Handler {
	e := echo.New()
	echooauth.Register(e.Group("/oauth"), p)
	api := e.Group("/api")
	api.GET("/me", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", Me(g))
	}, echooauth.Middleware(p, core.RequireScopes("read")))
	api.POST("/notes", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusCreated, "application/json", Note(g, c.FormValue("text")))
	}, echooauth.Middleware(p, core.RequireScopes("write")))
	api.GET("/ping", func(c echo.Context) error {
		g, _ := echooauth.GrantFrom(c)
		return c.Blob(http.StatusOK, "application/json", Ping(g))
	}, echooauth.Middleware(p, core.TwoLegged()))
	return e
}
