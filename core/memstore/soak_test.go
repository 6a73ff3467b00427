package memstore_test

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/storetest"
)

// soak drives a store as a provider under steady load would, on an
// injected clock: perSecond distinct nonces every second, each at that
// second's timestamp, and every purgeEvery a purge of what is older than
// window (core's Cleanup). It runs windows windows.
type soak struct {
	perSecond          int
	window, purgeEvery int // seconds
	windows            int
}

// soakWindow is what one window of a soak left: measured right after the
// purge that ends it, when the store holds exactly one window of nonces.
type soakWindow struct {
	held    int64         // nonces held
	heap    uint64        // heap bytes above the start, after a GC
	elapsed time.Duration // wall time of the window's UseNonce and PurgeNonces calls
}

func (w soakWindow) bytesPerNonce() float64 { return float64(w.heap) / float64(w.held) }
func (w soakWindow) nsPerNonce(perWindow int) float64 {
	return float64(w.elapsed.Nanoseconds()) / float64(perWindow)
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func (c soak) run(tb testing.TB, s *memstore.Store) []soakWindow {
	ctx := tb.Context()
	// The same nonce values every second: with the timestamp, each use is a
	// new nonce, and the loop allocates nothing of its own.
	values := make([]string, c.perSecond)
	for i := range values {
		values[i] = fmt.Sprintf("%016x%016x", i, i*2654435761)
	}
	n := core.Nonce{ConsumerKey: "dpf43f3p2l4k3l03", Token: "nnch734d00sl2jdk"}
	start := storetest.NewFixtures().Now.Truncate(time.Second)
	base := heapInUse()
	var held int64
	out := make([]soakWindow, 0, c.windows)
	began := time.Now()
	for sec := 1; sec <= c.windows*c.window; sec++ {
		now := start.Add(time.Duration(sec) * time.Second)
		n.Timestamp = now.Add(-time.Second) // the second that just passed
		for _, v := range values {
			n.Nonce = v
			if err := s.UseNonce(ctx, n); err != nil {
				tb.Fatalf("second %d: UseNonce: %v", sec, err)
			}
		}
		held += int64(c.perSecond)
		if sec%c.purgeEvery == 0 {
			purged, err := s.PurgeNonces(ctx, now.Add(-time.Duration(c.window)*time.Second))
			if err != nil {
				tb.Fatal(err)
			}
			held -= purged
		}
		if sec%c.window == 0 {
			elapsed := time.Since(began)
			out = append(out, soakWindow{held: held, heap: heapInUse() - base, elapsed: elapsed})
			began = time.Now()
		}
	}
	return out
}

// TestSoak: under steady load on a moving clock the store's memory is flat
// once the window is full, and stays under what it charges (WithMaxBytes).
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("a soak of 480,000 nonces")
	}
	c := soak{perSecond: 1000, window: 120, purgeEvery: 10, windows: 4}
	windows := c.run(t, memstore.New())
	// Each window's own buckets, one a second, each charged a bucket and one
	// consumer's count in it.
	charged := float64(c.window*c.perSecond*nonceCharge + c.window*(512+128+len("dpf43f3p2l4k3l03")))
	first := windows[0]
	for i, w := range windows {
		t.Logf("window %d: %d nonces held, %.1f bytes each", i+1, w.held, w.bytesPerNonce())
		if w.held != int64(c.window*c.perSecond) {
			t.Errorf("window %d: %d nonces held, want %d", i+1, w.held, c.window*c.perSecond)
		}
		if float64(w.heap) > charged {
			t.Errorf("window %d: heap grew %d bytes, more than the %.0f charged", i+1, w.heap, charged)
		}
		if r := float64(w.heap) / float64(first.heap); r < 0.9 || r > 1.1 {
			t.Errorf("window %d: heap %d bytes, %.2f times the first window's %d: not flat", i+1, w.heap, r, first.heap)
		}
	}
}

// BenchmarkSoak drives 7.2 million distinct nonces, 3,000 a second over
// four 10-minute windows, purging every minute (at most 1.98 million held,
// 83 MB charged: within the default bound). It reports the heap bytes
// per nonce held and in total (flat across windows), and the time per nonce
// of the first window (filling, no purge yet) and of the last.
//
//	go test -run '^$' -bench Soak -benchtime 1x ./core/memstore
func BenchmarkSoak(b *testing.B) {
	c := soak{perSecond: 3000, window: 600, purgeEvery: 60, windows: 4}
	var windows []soakWindow
	for b.Loop() {
		windows = c.run(b, memstore.New()) // the default bound holds it
	}
	perWindow := c.perSecond * c.window
	first, last := windows[0], windows[len(windows)-1]
	b.ReportMetric(last.bytesPerNonce(), "B/nonce")
	b.ReportMetric(float64(first.heap)/(1<<20), "MiB-first-window")
	b.ReportMetric(float64(last.heap)/(1<<20), "MiB-last-window")
	b.ReportMetric(first.nsPerNonce(perWindow), "ns/nonce-first-window")
	b.ReportMetric(last.nsPerNonce(perWindow), "ns/nonce-last-window")
}
