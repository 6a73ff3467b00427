// Package loadtest measures an example service under load, the way a user
// runs it, and reports what the OAuth check costs as a ratio: the
// throughput of a protected route divided by that of the open route
// /healthz, on the same server, in the same run.
//
// Both examples run it from a benchmark and a test:
//
//	func BenchmarkLoad(b *testing.B) { loadtest.Benchmark(b, NewRouter) }
//	func TestLoad(t *testing.T)       { loadtest.Check(t, NewRouter) }
//
// Start opens a demo App on a backend with the demo's default configuration,
// serves it on 127.0.0.1 with the demo's own http.Server (demo.App.Serve),
// and obtains what a client holds: a consumer registered by Alice and an
// access token holding read, through the three legs over HTTP.
//
// Target.Measure drives three routes over a fixed number of keep-alive
// connections (DefaultConns): /healthz (open), /api/me (three-legged) and
// /api/ping (two-legged). Every request is signed and serialized before any
// is timed, each with its own nonce; the client only writes bytes and reads
// answers, so the load generator costs little of the CPU it shares with the
// server. The routes take turns in short rounds, and each figure is the
// median over the rounds (a ratio, of the ratios within each round), so
// that other load on the machine, which comes and goes, weighs on both
// sides of a ratio alike. Every answer is checked: anything but 200 ends
// the measurement with its body.
//
// The figures are comparable within one run on one machine; the absolute
// requests per second say more about the machine than about the code.
package loadtest
