package readmetest

// A wrapper is what a README fragment is compiled in: a function whose
// parameters are what the fragment assumes, and the packages it may use.
type wrapper struct {
	// Func is the function's opening line, up to its "{".
	Func string
	// Imports are the packages a fragment may use, by name: each is
	// imported when the fragment (or Func) uses it.
	Imports map[string]string
}

// Packages that every wrapper offers.
var std = map[string]string{
	"context":  "context",
	"errors":   "errors",
	"fmt":      "fmt",
	"http":     "net/http",
	"log":      "log",
	"slog":     "log/slog",
	"template": "html/template",
	"time":     "time",

	"core":      "github.com/go-oauth1/provider/core",
	"memstore":  "github.com/go-oauth1/provider/core/memstore",
	"gormstore": "github.com/go-oauth1/provider/gormstore",
	"gorm":      "gorm.io/gorm",
	"postgres":  "gorm.io/driver/postgres",
	"sqlite":    "github.com/glebarez/sqlite",
	"mysql":     "gorm.io/driver/mysql",
}

// with returns std and more.
func with(more map[string]string) map[string]string {
	m := map[string]string{}
	for k, v := range std {
		m[k] = v
	}
	for k, v := range more {
		m[k] = v
	}
	return m
}

// wrappers are the wrappers a README fragment may name in
// <!-- wrap: NAME -->.
var wrappers = map[string]wrapper{
	// main: the body of a program's main function, which declares all it
	// uses (the net/http quick start).
	"main": {Func: "func _() {", Imports: std},
	// echo: after the Echo quick start, whose provider p, *echo.Echo e
	// and handler me (GET /api/me) it uses.
	"echo": {
		Func: "func _(p *core.Provider, e *echo.Echo, me echo.HandlerFunc) {",
		Imports: with(map[string]string{
			"echo":       "github.com/labstack/echo/v4",
			"middleware": "github.com/labstack/echo/v4/middleware",
			"echooauth":  "github.com/go-oauth1/provider/echooauth",
		}),
	},
	// echov5: Echo v5 with a provider p.
	"echov5": {
		Func: "func _(p *core.Provider) {",
		Imports: with(map[string]string{
			"echo":   "github.com/labstack/echo/v5",
			"echov5": "github.com/go-oauth1/provider/echooauth/echov5",
		}),
	},
	// sql: a SQL store from a DSN, while ctx lasts.
	"sql": {Func: "func _(ctx context.Context, dsn string) {", Imports: std},
	// operations: tuning the *gorm.DB db under a gormstore store.
	"operations": {Func: "func _(ctx context.Context, db *gorm.DB, store *gormstore.Store) {", Imports: std},
}
