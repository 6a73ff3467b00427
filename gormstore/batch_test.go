package gormstore

import (
	"context"
	"errors"
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/go-oauth1/provider/core"
)

// fakeWrites is a nonceBatch write function over a map: it records each
// batch's size and can fail.
type fakeWrites struct {
	mu      sync.Mutex
	seen    map[string]bool
	batches []int
	err     error
	block   chan struct{} // when set, the first write waits for it
}

func (f *fakeWrites) write(ctx context.Context, calls []*nonceCall) error {
	f.mu.Lock()
	block := f.block
	f.block = nil
	f.mu.Unlock()
	if block != nil {
		<-block
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batches = append(f.batches, len(calls))
	if f.err != nil {
		return f.err
	}
	for _, c := range calls {
		c.inserted, c.gen = !f.seen[c.m.Nonce], 7
		f.seen[c.m.Nonce] = true
	}
	return nil
}

// Concurrent callers each get their own answer, and those that arrive
// while a write runs go together in the next one.
func TestNonceBatch_Concurrent(t *testing.T) {
	release := make(chan struct{})
	f := &fakeWrites{seen: map[string]bool{}, block: release}
	b := &nonceBatch{write: f.write}
	const callers = 32
	start := make(chan struct{})
	results := make([]bool, callers)
	var wg sync.WaitGroup
	first := make(chan struct{})
	wg.Go(func() { // the first write, held until the others queue
		close(first)
		ok, _, err := b.use(t.Context(), &NonceModel{Nonce: "first"})
		if !ok || err != nil {
			t.Errorf("first = %v, %v", ok, err)
		}
	})
	<-first
	for i := range callers {
		wg.Go(func() {
			<-start
			// Even callers repeat a nonce of their odd neighbour's.
			nonce := "n" + strconv.Itoa(i/2)
			ok, gen, err := b.use(t.Context(), &NonceModel{Nonce: nonce})
			if err != nil || gen != 7 {
				t.Errorf("caller %d: %v, %d, %v", i, ok, gen, err)
			}
			results[i] = ok
		})
	}
	close(start)
	for {
		b.mu.Lock()
		n := len(b.queue)
		b.mu.Unlock()
		if n == callers {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	for i := 0; i < callers; i += 2 {
		if results[i] == results[i+1] {
			t.Errorf("nonce n%d: both callers got %v, want exactly one new", i/2, results[i])
		}
	}
	if len(f.batches) != 2 || f.batches[1] != callers {
		t.Errorf("batches %v, want [1 %d]", f.batches, callers)
	}
	if b.writing || len(b.queue) != 0 {
		t.Errorf("after all: writing %v, queue %d", b.writing, len(b.queue))
	}
}

// A failed write fails every caller of its batch, and the next write is
// tried afresh.
func TestNonceBatch_Errors(t *testing.T) {
	errDB := errors.New("db down")
	f := &fakeWrites{seen: map[string]bool{}, err: errDB}
	b := &nonceBatch{write: f.write}
	if _, _, err := b.use(t.Context(), &NonceModel{Nonce: "a"}); !errors.Is(err, errDB) {
		t.Errorf("use = %v, want %v", err, errDB)
	}
	f.err = nil
	if ok, _, err := b.use(t.Context(), &NonceModel{Nonce: "a"}); !ok || err != nil {
		t.Errorf("use after the failure = %v, %v; want true, nil", ok, err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, _, err := b.use(ctx, &NonceModel{Nonce: "b"}); !errors.Is(err, context.Canceled) {
		t.Errorf("use with a cancelled context = %v, want context.Canceled", err)
	}
}

// A writer whose request goes away (its context cancelled) still writes
// for the others of its batch: they do not fail with its cancellation. (A
// write of one caller alone runs under that caller's context.)
func TestNonceBatch_WriterCancelled(t *testing.T) {
	release := make(chan struct{})
	f := &fakeWrites{seen: map[string]bool{}, block: release}
	b := &nonceBatch{write: f.write}
	waitFor := func(cond func() bool) {
		for {
			b.mu.Lock()
			ok := cond()
			b.mu.Unlock()
			if ok {
				return
			}
			runtime.Gosched()
		}
	}
	ctx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { b.use(t.Context(), &NonceModel{Nonce: "first"}) }) // writes until release
	waitFor(func() bool { return b.writing })
	wg.Go(func() { b.use(ctx, &NonceModel{Nonce: "writer"}) }) // leads the next batch
	waitFor(func() bool { return len(b.queue) == 1 })
	var ok bool
	var err error
	wg.Go(func() { ok, _, err = b.use(t.Context(), &NonceModel{Nonce: "other"}) })
	waitFor(func() bool { return len(b.queue) == 2 })
	cancel()
	close(release)
	wg.Wait()
	if !ok || err != nil {
		t.Errorf("the other caller = %v, %v; want true, nil", ok, err)
	}
	if len(f.batches) != 2 || f.batches[1] != 2 {
		t.Errorf("batches %v, want [1 2]", f.batches)
	}
}

// PostgreSQL's batch statement, on a real database: of a batch, the new
// nonces are inserted and get the generation as of the write; a repeat
// within the batch and a nonce recorded before are not.
func TestNonceBatch_PostgreSQL(t *testing.T) {
	s := newTestStore(t, newPostgres(t))
	ctx := t.Context()
	seedProvider(t, s)
	before, err := s.UseNonceGeneration(ctx, testNonce("recorded"))
	must(t, "UseNonceGeneration", err)
	must(t, "RevokeAccessToken", s.RevokeAccessToken(ctx, "at")) // moves the generation

	model := func(nonce string) *NonceModel { m := nonceModel(testNonce(nonce)); return &m }
	calls := []*nonceCall{{m: model("a")}, {m: model("b")}, {m: model("a")}, {m: model("recorded")}}
	must(t, "write", s.hot.batch.write(ctx, calls))
	for i, want := range []bool{true, true, false, false} {
		if c := calls[i]; c.inserted != want || want && c.gen <= before {
			t.Errorf("call %d (%s): inserted %v, generation %d; want inserted %v, generation after %d", i, c.m.Nonce, c.inserted, c.gen, want, before)
		}
	}
	if _, err := s.UseNonceGeneration(ctx, testNonce("b")); !errors.Is(err, core.ErrNonceUsed) {
		t.Errorf("b again: %v, want ErrNonceUsed", err)
	}
}
