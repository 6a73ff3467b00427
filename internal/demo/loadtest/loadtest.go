package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/oauthtest"
	"github.com/go-oauth1/provider/internal/demo"
	"github.com/go-oauth1/provider/internal/demo/demotest"
)

// Defaults of Options.
const (
	// DefaultConns is the number of concurrent keep-alive connections.
	DefaultConns = 16
	// DefaultDuration is about how long the measured rounds of one Measure
	// last, all routes together.
	DefaultDuration = 3 * time.Second
	// DefaultRounds is the number of turns each route takes.
	DefaultRounds = 5
	// DefaultMaxRequests caps the measured requests of one route.
	DefaultMaxRequests = 100_000
)

// RequestTimeout is how long one request may wait for its answer before
// the measurement fails.
const RequestTimeout = 10 * time.Second

// Options shape a Measure. The zero value is the default measurement.
type Options struct {
	// Conns is the number of concurrent keep-alive connections, each
	// sending its next request as soon as the last is answered. Default
	// DefaultConns.
	Conns int
	// Duration is about how long the measured rounds last, all routes
	// together: each route gets as many requests as its warm-up speed says
	// fit in its share, at least one per connection and round. Default
	// DefaultDuration.
	Duration time.Duration
	// Rounds is the number of turns each route takes; the route that
	// starts a round changes from round to round. Default DefaultRounds.
	Rounds int
	// MaxRequests caps the measured requests of one route (over all
	// rounds) unless that is less than one per connection and round, and
	// with them the memory the pre-signed requests take; the warm-up sends
	// at most as many. Default DefaultMaxRequests.
	MaxRequests int
}

func (o Options) withDefaults() Options {
	if o.Conns <= 0 {
		o.Conns = DefaultConns
	}
	if o.Duration <= 0 {
		o.Duration = DefaultDuration
	}
	if o.Rounds <= 0 {
		o.Rounds = DefaultRounds
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = DefaultMaxRequests
	}
	return o
}

// Target is an example service under load: a demo App served on
// 127.0.0.1, and the credentials a client of it holds.
type Target struct {
	App *demo.App
	// URL is the server's base URL, http://127.0.0.1:PORT.
	URL string
	// Consumer is registered by demotest.Alice.
	Consumer demotest.Consumer
	// Token is an access token of Alice for Consumer, holding read.
	Token demotest.Credentials

	logged *problems
}

// Start opens a demo App on databaseURL ("memory", or a database from
// demotest.PostgresURL or demotest.MySQLURL) with the demo's default
// configuration (only the user Alice and the cheapest bcrypt cost are
// set), serves newRouter(app) with App.Serve, as the demo's main does, on
// 127.0.0.1, and obtains Target.Consumer and Target.Token over HTTP:
// registration, request token, login, approval, exchange. The App logs as
// the demo does by default (text), into a writer that keeps only warnings
// and errors. The server and the App are closed at the end of the test.
func Start(tb testing.TB, databaseURL string, newRouter func(*demo.App) http.Handler) *Target {
	tb.Helper()
	logged := &problems{}
	cfg := demo.Config{DatabaseURL: databaseURL, Users: []demo.User{demotest.Alice}, BcryptCost: bcrypt.MinCost}
	app, err := demo.Open(context.Background(), cfg, demo.NewLogger(logged, "text"), demo.Options{})
	if err != nil {
		tb.Fatalf("demo.Open: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		app.Close()
		tb.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx, ln, newRouter(app)) }()
	tb.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			tb.Errorf("serve: %v", err)
		}
		app.Close()
	})
	tg := &Target{App: app, URL: "http://" + ln.Addr().String(), logged: logged}
	tg.authorize(tb)
	return tg
}

// authorize registers a consumer as Alice and runs the three legs for an
// access token holding read, with the out-of-band callback.
func (tg *Target) authorize(tb testing.TB) {
	tb.Helper()
	c := demotest.NewClient(tb, tg.URL)
	tg.Consumer = c.RegisterConsumer(demotest.Alice, url.Values{"name": {"Load Test"}})
	rt := c.RequestToken(tg.Consumer, core.OOB, "read")
	if r := c.Login(demotest.Alice, "/"); r.Status != http.StatusSeeOther {
		tb.Fatalf("login: %d %s", r.Status, r.Body)
	}
	page := c.Decide(rt.Token, "approve")
	verifier := demotest.VerifierFrom(page.Body)
	if verifier == "" {
		tb.Fatalf("approve: no verifier in %d %s", page.Status, page.Body)
	}
	x := c.Exchange(tg.Consumer, rt, verifier)
	if x.Status != http.StatusOK {
		tb.Fatalf("access_token: %d %s", x.Status, x.Body)
	}
	v := x.Form(tb)
	tg.Token = demotest.Credentials{Token: v.Get("oauth_token"), Secret: v.Get("oauth_token_secret")}
}

// route is one route under load; signer is nil for the open route.
type route struct {
	name, path string
	signer     *oauthtest.Signer
}

// routes are the measured routes, the open one first.
func (tg *Target) routes() []route {
	return []route{
		{"open", "/healthz", nil},
		{"me", "/api/me", demotest.Signer(tg.Consumer, tg.Token.Token, tg.Token.Secret)},
		{"ping", "/api/ping", demotest.Signer(tg.Consumer, "", "")},
	}
}

// requests returns n serialized GET requests for r: for the open route n
// times the same one, otherwise each signed with its own nonce and the
// current time.
func (tg *Target) requests(r route, n int) ([][]byte, error) {
	reqs := make([][]byte, n)
	for i := range reqs {
		if i > 0 && r.signer == nil {
			reqs[i] = reqs[0]
			continue
		}
		req, err := http.NewRequest(http.MethodGet, tg.URL+r.path, nil)
		if err != nil {
			return nil, err
		}
		if r.signer != nil {
			if err := r.signer.Sign(req); err != nil {
				return nil, err
			}
		}
		var buf bytes.Buffer
		if err := req.Write(&buf); err != nil {
			return nil, err
		}
		reqs[i] = buf.Bytes()
	}
	return reqs, nil
}

// Result is what one Measure found: per route, the requests answered and
// the time each round's share took (the warm-up not counted).
type Result struct {
	// Store is the backend's kind (demo.KindMemory, demo.KindPostgres, …).
	Store string
	// Conns is the number of concurrent connections.
	Conns int
	// Routes are "open" (/healthz), "me" (/api/me, three-legged) and
	// "ping" (/api/ping, two-legged), in this order.
	Routes []RouteResult
}

// RouteResult is the measurement of one route.
type RouteResult struct {
	// Name is "open", "me" or "ping"; Path is the route's path.
	Name, Path string
	// Requests were all answered 200, the same number in every round.
	Requests int
	// Rounds holds, per round, the time the round's share took.
	Rounds []time.Duration
}

// rate is the route's throughput in round k, in requests per second.
func (r RouteResult) rate(k int) float64 {
	if k >= len(r.Rounds) || r.Rounds[k] <= 0 {
		return 0
	}
	return float64(r.Requests) / float64(len(r.Rounds)) / r.Rounds[k].Seconds()
}

// PerSecond is the route's throughput in requests per second: the median
// over the rounds, so that a round in which the machine stalled does not
// count.
func (r RouteResult) PerSecond() float64 {
	rates := make([]float64, len(r.Rounds))
	for k := range rates {
		rates[k] = r.rate(k)
	}
	return median(rates)
}

// Ratio is the throughput of the route name divided by that of the open
// route: 1 when the route costs what /healthz costs, 0.5 when it takes
// twice as long. It is the median over the rounds of the ratio within each
// round, whose shares ran back to back, so that load from elsewhere that
// comes and goes weighs on both sides of each ratio alike. It is 0 when
// either route is missing.
func (r Result) Ratio(name string) float64 {
	open, route := r.route("open"), r.route(name)
	if open == nil || route == nil {
		return 0
	}
	ratios := make([]float64, min(len(open.Rounds), len(route.Rounds)))
	for k := range ratios {
		if o := open.rate(k); o > 0 {
			ratios[k] = route.rate(k) / o
		}
	}
	return median(ratios)
}

// route returns the route name, or nil.
func (r Result) route(name string) *RouteResult {
	for i := range r.Routes {
		if r.Routes[i].Name == name {
			return &r.Routes[i]
		}
	}
	return nil
}

// median returns the median of xs, 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return (s[m-1] + s[m]) / 2
}

// Measure drives the routes of tg over opts.Conns keep-alive connections.
// First each route is warmed up (connections, pools, caches) with at most
// 8 requests per connection, which also gives its speed; from it, the
// number of requests that fit in the route's share of opts.Duration. All
// those requests are then signed and serialized, before any is timed.
// Then come opts.Rounds rounds in which every route, one after the other,
// sends its share; the order rotates from round to round. A share's time
// runs from its first request to its last answer.
//
// Any answer but 200, or none within RequestTimeout, ends the measurement:
// the error names the route and holds the answer's body and what the App
// logged as a warning or an error.
func (tg *Target) Measure(opts Options) (Result, error) {
	opts = opts.withDefaults()
	addr := strings.TrimPrefix(tg.URL, "http://")
	conns := make([]*conn, opts.Conns)
	for i := range conns {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			closeAll(conns)
			return Result{}, err
		}
		conns[i] = &conn{Conn: c, r: bufio.NewReader(c)}
	}
	defer closeAll(conns)

	routes := tg.routes()
	batches := make([][][]byte, len(routes)) // the measured requests of each route
	warm := min(8*opts.Conns, opts.MaxRequests)
	for i, r := range routes {
		reqs, err := tg.requests(r, warm)
		if err != nil {
			return Result{}, err
		}
		took, err := drive(conns, r.path, reqs)
		if err != nil {
			return Result{}, tg.withLogged(err)
		}
		fit := float64(warm) / took.Seconds() * opts.Duration.Seconds() / float64(len(routes))
		perRound := max(opts.Conns, int(min(fit, float64(opts.MaxRequests)))/opts.Rounds)
		if batches[i], err = tg.requests(r, perRound*opts.Rounds); err != nil {
			return Result{}, err
		}
	}

	res := Result{Store: tg.App.Backend.Kind, Conns: opts.Conns, Routes: make([]RouteResult, len(routes))}
	for i, r := range routes {
		res.Routes[i] = RouteResult{Name: r.name, Path: r.path}
	}
	for round := range opts.Rounds {
		for j := range routes {
			i := (round + j) % len(routes)
			perRound := len(batches[i]) / opts.Rounds
			reqs := batches[i][round*perRound : (round+1)*perRound]
			took, err := drive(conns, routes[i].path, reqs)
			if err != nil {
				return Result{}, tg.withLogged(err)
			}
			res.Routes[i].Requests += len(reqs)
			res.Routes[i].Rounds = append(res.Routes[i].Rounds, took)
		}
	}
	return res, nil
}

// withLogged adds to err what the App logged as a warning or an error.
func (tg *Target) withLogged(err error) error {
	if lines := tg.logged.String(); lines != "" {
		return fmt.Errorf("%w\nthe service logged:\n%s", err, lines)
	}
	return err
}

// drive sends reqs over conns, each connection taking the next unsent
// request as soon as its last one is answered, and returns how long they
// took. It stops at the first failure.
func drive(conns []*conn, path string, reqs [][]byte) (time.Duration, error) {
	var next atomic.Int64
	var failed atomic.Bool
	errs := make([]error, len(conns))
	var wg sync.WaitGroup
	start := time.Now()
	for k, c := range conns {
		wg.Go(func() {
			for !failed.Load() {
				i := int(next.Add(1)) - 1
				if i >= len(reqs) {
					return
				}
				if err := c.roundTrip(path, reqs[i]); err != nil {
					errs[k] = err
					failed.Store(true)
					return
				}
			}
		})
	}
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// conn is one keep-alive connection to the server.
type conn struct {
	net.Conn
	r *bufio.Reader
}

// roundTrip writes req, a serialized GET of path, and reads the answer;
// anything but 200 is an error holding the answer's body.
func (c *conn) roundTrip(path string, req []byte) error {
	if err := c.SetDeadline(time.Now().Add(RequestTimeout)); err != nil {
		return err
	}
	if _, err := c.Write(req); err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	resp, err := http.ReadResponse(c.r, nil)
	if err != nil {
		return fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("GET %s: %s: %s", path, resp.Status, body)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return fmt.Errorf("GET %s: read body: %w", path, err)
	}
	return nil
}

func closeAll(conns []*conn) {
	for _, c := range conns {
		if c != nil {
			c.Close()
		}
	}
}

// problems is the App's log writer: it keeps the first few records logged
// as a warning or an error (slog's text handler writes one record per
// Write) and drops the rest, so that a failed measurement can show their
// cause without the log growing with every request.
type problems struct {
	mu    sync.Mutex
	lines []string
}

const maxProblems = 10

func (p *problems) Write(b []byte) (int, error) {
	if bytes.Contains(b, []byte("level=WARN")) || bytes.Contains(b, []byte("level=ERROR")) {
		p.mu.Lock()
		if len(p.lines) < maxProblems {
			p.lines = append(p.lines, string(b))
		}
		p.mu.Unlock()
	}
	return len(b), nil
}

// String returns the records kept.
func (p *problems) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return strings.Join(p.lines, "")
}
