package main

import (
	"testing"

	"github.com/go-oauth1/provider/internal/demo/loadtest"
)

// TestLoad runs the load harness for a few hundred requests on the
// in-memory store: every answer 200. It checks correctness, not speed.
func TestLoad(t *testing.T) { loadtest.Check(t, NewRouter) }

// BenchmarkLoad reports the throughput of /api/me and /api/ping as ratios
// to /healthz, on the in-memory store, PostgreSQL and MySQL/MariaDB (see
// demotest.PostgresURL):
//
//	CI=true go test -run '^$' -bench Load -benchtime 1x .
func BenchmarkLoad(b *testing.B) { loadtest.Benchmark(b, NewRouter) }
