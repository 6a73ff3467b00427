package loadtest_test

import (
	"fmt"
	"time"

	"github.com/go-oauth1/provider/internal/demo/loadtest"
)

func ExampleTable() {
	ms := time.Millisecond
	// Three rounds: in the second the machine was busy elsewhere, for all
	// routes alike; in the third, ping's share stalled.
	res := loadtest.Result{Store: "memory", Conns: 16, Routes: []loadtest.RouteResult{
		{Name: "open", Path: "/healthz", Requests: 3000, Rounds: []time.Duration{100 * ms, 400 * ms, 100 * ms}},
		{Name: "me", Path: "/api/me", Requests: 2400, Rounds: []time.Duration{125 * ms, 500 * ms, 125 * ms}},
		{Name: "ping", Path: "/api/ping", Requests: 2400, Rounds: []time.Duration{100 * ms, 100 * ms, 1000 * ms}},
	}}
	fmt.Printf("me/open %.2f, ping/open %.2f\n", res.Ratio("me"), res.Ratio("ping"))
	fmt.Print(loadtest.Table(res))
	// Output:
	// me/open 0.64, ping/open 0.80
	// route  path       memory req/s  ÷ open
	// open   /healthz   10000         1.000
	// me     /api/me    6400          0.640
	// ping   /api/ping  8000          0.800
}
