package gormstore

import (
	"context"
	"errors"
	"time"
)

// DefaultJanitorInterval is RunJanitor's interval when it is given none:
// enough for 10,000 signed requests/s on PostgreSQL, with the nonce table
// under 1.2 default nonce windows (see Expiry in the package
// documentation).
const DefaultJanitorInterval = time.Minute

// Sweep removes, once, what has expired at now: DeleteExpired(now) and
// PurgeNonces(now minus the nonce window, see WithNonceWindow).
func (s *Store) Sweep(ctx context.Context, now time.Time) error {
	_, errTokens := s.DeleteExpired(ctx, now)
	_, errNonces := s.PurgeNonces(ctx, now.Add(-s.nonceWindow))
	return errors.Join(errTokens, errNonces)
}

// RunJanitor calls Sweep with now() at once and then every interval
// (DefaultJanitorInterval when interval is not positive), until ctx is
// done, and then returns. now is the provider's clock (e.g. clock.Now) and
// must not be nil. Errors go to onError, which may be nil; none is
// reported once ctx is done. It starts no goroutine: run it in one of
// yours, as in go s.RunJanitor(ctx, time.Minute, clock.Now, logErr).
//
// The interval bounds the nonce table: at R signed requests a second it
// holds up to R × (window + interval) rows, and each sweep deletes R ×
// interval of them in one statement. Keep the interval at most the nonce
// window (WithNonceWindow) and R × interval near 600,000 rows or below
// (PostgreSQL deleted that many in 0.9 s here): one minute up to 10,000
// signed requests/s, 6 s at 100,000/s. See Expiry in the package
// documentation.
func (s *Store) RunJanitor(ctx context.Context, interval time.Duration, now func() time.Time, onError func(error)) {
	if interval <= 0 {
		interval = DefaultJanitorInterval
	}
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if err := s.Sweep(ctx, now()); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
