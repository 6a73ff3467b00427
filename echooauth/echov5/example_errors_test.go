package echov5_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v5"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/echooauth/echov5"
)

// Routing OAuth failures through Echo's HTTPErrorHandler, to log them in
// one place: the middleware's ErrorHandler returns an *echo.HTTPError
// wrapping the *core.Error, and HTTPErrorHandler renders it byte for byte
// as core does.
func ExampleHTTPErrorHandler() {
	p, err := core.New(core.Config{Store: memstore.New()})
	if err != nil {
		panic(err)
	}
	e := echo.New()
	def := echov5.HTTPErrorHandler(p, echo.DefaultHTTPErrorHandler(false))
	e.HTTPErrorHandler = func(c *echo.Context, err error) {
		fmt.Printf("log: %s %s: %v\n", c.Request().Method, c.Path(), err) // the cause, never a secret
		def(c, err)
	}
	e.GET("/api/me", func(c *echo.Context) error {
		g, _ := echov5.GrantFrom(c)
		return c.String(http.StatusOK, g.UserID)
	}, echov5.MiddlewareWithConfig(echov5.Config{
		Provider: p,
		ErrorHandler: func(c *echo.Context, err error) error {
			e := core.AsError(err)
			return echo.NewHTTPError(e.Status, e.Problem).Wrap(e)
		},
	}))

	w := httptest.NewRecorder()
	e.ServeHTTP(w, httptest.NewRequest("GET", "/api/me", nil))
	fmt.Println(w.Code, w.Body)
	// Output:
	// log: GET /api/me: code=400, message=parameter_absent, err=oauth1: parameter_absent: required OAuth parameters are missing
	// 400 oauth_parameters_absent=oauth_consumer_key%26oauth_signature_method%26oauth_signature%26oauth_timestamp%26oauth_nonce%26oauth_token&oauth_problem=parameter_absent&oauth_problem_advice=required+OAuth+parameters+are+missing
}
