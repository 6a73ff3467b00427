package loadtest_test

import (
	"fmt"
	"time"

	"github.com/go-oauth1/provider/internal/demo/loadtest"
)

func ExampleTable() {
	res := loadtest.Result{Store: "memory", Conns: 16, Routes: []loadtest.RouteResult{
		{Name: "open", Path: "/healthz", Requests: 30000, Elapsed: time.Second},
		{Name: "me", Path: "/api/me", Requests: 24000, Elapsed: time.Second},
		{Name: "ping", Path: "/api/ping", Requests: 12500, Elapsed: time.Second / 2},
	}}
	fmt.Printf("me/open %.2f, ping/open %.2f\n", res.Ratio("me"), res.Ratio("ping"))
	fmt.Print(loadtest.Table(res))
	// Output:
	// me/open 0.80, ping/open 0.83
	// route  path       memory req/s  ÷ open
	// open   /healthz   30000         1.000
	// me     /api/me    24000         0.800
	// ping   /api/ping  25000         0.833
}
