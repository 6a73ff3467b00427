package loadtest

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"text/tabwriter"
	"time"

	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

// Benchmark measures newRouter with the default Options, one
// sub-benchmark per store: memory; postgres and mysql (in a schema or
// database of its own) at demotest's local defaults, or where
// EXAMPLE_POSTGRES_DSN and EXAMPLE_MYSQL_URL say, skipped when unreachable
// unless CI is set. Each reports the requests per second of every
// route (open-req/s, me-req/s, ping-req/s) and the ratios me/open and
// ping/open, and logs a table of the stores measured so far, side by side.
// It measures once whatever b.N is: run it with -benchtime 1x.
func Benchmark(b *testing.B, newRouter func(*demo.App) http.Handler) {
	stores := []struct {
		name        string
		databaseURL func(testing.TB) string // skips b when unreachable
	}{
		{demo.KindMemory, func(testing.TB) string { return "memory" }},
		{demo.KindPostgres, demotest.PostgresURL},
		{demo.KindMySQL, demotest.MySQLURL},
	}
	results := make([]*Result, len(stores))
	for i, s := range stores {
		b.Run(s.name, func(b *testing.B) {
			res, err := Start(b, s.databaseURL(b), newRouter).Measure(Options{})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(0, "ns/op") // not a time per iteration
			for _, r := range res.Routes {
				b.ReportMetric(r.PerSecond(), r.Name+"-req/s")
				if r.Name != "open" {
					b.ReportMetric(res.Ratio(r.Name), r.Name+"/open")
				}
			}
			results[i] = &res
			var sofar []Result
			for _, r := range results {
				if r != nil {
					sofar = append(sofar, *r)
				}
			}
			b.Logf("%d connections; ratios within one run of one machine:\n%s", res.Conns, Table(sofar...))
		})
	}
}

// Table formats results side by side: a line per route with its path and,
// for each result, its requests per second and its ratio to the open
// route (RouteResult.PerSecond, Result.Ratio). All results must have the same routes (as Measure returns them).
func Table(results ...Result) string {
	if len(results) == 0 {
		return ""
	}
	var sb strings.Builder
	w := tabwriter.NewWriter(&sb, 0, 0, 2, ' ', 0)
	line := []string{"route", "path"}
	for _, r := range results {
		line = append(line, r.Store+" req/s", "÷ open")
	}
	fmt.Fprintln(w, strings.Join(line, "\t"))
	for i, rr := range results[0].Routes {
		line = []string{rr.Name, rr.Path}
		for _, r := range results {
			line = append(line, fmt.Sprintf("%.0f", r.Routes[i].PerSecond()), fmt.Sprintf("%.3f", r.Ratio(rr.Name)))
		}
		fmt.Fprintln(w, strings.Join(line, "\t"))
	}
	w.Flush()
	return sb.String()
}

// Check measures newRouter on the in-memory store for a few hundred
// requests per route (at most 100 per route after the warm-up, over the
// default connections) and fails t unless every answer was 200 and every
// route got its share. It checks that the harness and the routes work
// under concurrent load, never their speed.
func Check(t *testing.T, newRouter func(*demo.App) http.Handler) {
	t.Helper()
	const n = 100
	res, err := Start(t, "memory", newRouter).Measure(Options{Duration: time.Minute, Rounds: 2, MaxRequests: n})
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"open", "me", "ping"}
	if len(res.Routes) != len(names) {
		t.Fatalf("%d routes measured, want %d: %+v", len(res.Routes), len(names), res.Routes)
	}
	for i, r := range res.Routes {
		if r.Name != names[i] || r.Requests != n || len(r.Rounds) != 2 || r.PerSecond() <= 0 {
			t.Errorf("route %d: %+v, want %s with %d requests in 2 rounds", i, r, names[i], n)
		}
	}
}
