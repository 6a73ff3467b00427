package core

import (
	"context"
	"errors"
	"time"
)

// DefaultJanitorInterval is RunJanitor's interval when it is given none.
// A minute keeps a SQL nonce table under 1.2 timestamp windows (default
// TimestampPast) at 10,000 signed requests a second, each run deleting a
// minute of nonces (600,000 rows: 0.9 s on PostgreSQL in gormstore's
// benchmark); at 100,000 a second, use 6 s.
const DefaultJanitorInterval = time.Minute

// Cleanup removes, once, what can no longer be used: expired request and
// access tokens (DeleteExpired), and the nonces whose timestamps the
// timestamp check refuses, those older than the provider's clock minus
// Config.TimestampPast in whole seconds (PurgeNonces, on Config.NonceStore
// when set), so that a purged nonce can never be replayed. It runs both
// steps even when the first fails, and returns how many records were
// removed and, if a step failed, a 5xx *Error whose Err holds the store's
// errors.
//
// It answers no request: Config.StoreTimeout and Config.OnServerError do
// not apply, ctx alone bounds it and the caller reports its error.
// RunJanitor calls it on a schedule.
func (p *Provider) Cleanup(ctx context.Context) (int64, error) {
	now := p.now()
	n, errTokens := p.store.DeleteExpired(ctx, now)
	m, errNonces := p.nonces.PurgeNonces(ctx, p.oldestTimestamp(now))
	if err := errors.Join(errTokens, errNonces); err != nil {
		return n + m, storeError(err)
	}
	return n + m, nil
}

// RunJanitor calls Cleanup at once and then every interval
// (DefaultJanitorInterval when every is not positive) until ctx is done,
// then returns. It starts no goroutine: run it in one of yours, and end it
// with ctx when the service stops:
//
//	go p.RunJanitor(ctx, core.DefaultJanitorInterval, func(err error) { slog.Error("oauth janitor", "err", err) })
//
// It is the only cleanup a provider needs: expiry follows the provider's
// Clock and the nonce window follows Config.TimestampPast, so nothing has
// to be kept in step by hand. The interval only paces it: keep it at most
// TimestampPast (see DefaultJanitorInterval). Replicas sharing a store may
// each run one; a run deletes what another has not yet.
//
// Each run is bounded by the interval: its context ends one interval
// after the run starts, so a store that stopped answering costs at most an
// interval a run, and runs never pile up. A run's error (a *Error, as Cleanup returns it) goes
// to onError; with a nil onError errors are dropped, and the next run
// tries again. Nothing is reported once ctx is done.
func (p *Provider) RunJanitor(ctx context.Context, every time.Duration, onError func(error)) {
	if every <= 0 {
		every = DefaultJanitorInterval
	}
	ticker := time.NewTicker(every)
	defer ticker.Stop()
	for ctx.Err() == nil {
		p.janitorRun(ctx, every, onError)
		select {
		case <-ctx.Done():
		case <-ticker.C:
		}
	}
}

// janitorRun is one run of RunJanitor: Cleanup within timeout.
func (p *Provider) janitorRun(ctx context.Context, timeout time.Duration, onError func(error)) {
	rctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := p.Cleanup(rctx); err != nil && ctx.Err() == nil && onError != nil {
		onError(err)
	}
}

// oldestTimestamp is the oldest oauth_timestamp the timestamp check
// accepts at now: now minus TimestampPast, down to the whole second, as
// timestamps are whole seconds. A nonce with this timestamp can still come
// again, so Cleanup keeps it.
func (p *Provider) oldestTimestamp(now time.Time) time.Time {
	return time.Unix(now.Add(-p.past).Unix(), 0)
}
