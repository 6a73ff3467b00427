package core

import (
	"context"
	"errors"
	"net/http"
	"time"
)

// requestKey is the context key of RequestContext.
type requestKey struct{}

// RequestContext returns r's context, carrying r. Pass it to the methods
// that take a context (LoadConsent, Approve, Deny, RegisterConsumer,
// OwnedConsumers, OwnedConsumer, DeleteConsumer, RotateConsumerSecret,
// AuthorizedApps, RevokeApp, RevokeAccessToken) while answering r, so that
// a 5xx they return is reported to Config.OnServerError with r. The
// adapters' consent helpers do.
func RequestContext(r *http.Request) context.Context {
	return context.WithValue(r.Context(), requestKey{}, r)
}

// begin starts the store calls of one entry point: it derives their
// context from ctx, ending after the store timeout, and returns it with
// the storeCall whose end the entry point defers with its named error
// result. A ctx that ends sooner is used as it is: a second deadline
// would change nothing. The request reported is r, or when r is nil the
// one RequestContext put in ctx.
func (p *Provider) begin(ctx context.Context, r *http.Request) (context.Context, storeCall) {
	if r == nil {
		r, _ = ctx.Value(requestKey{}).(*http.Request)
	}
	call := storeCall{p: p, r: r}
	if d, ok := ctx.Deadline(); !ok || time.Until(d) > p.timeout {
		call.ctx = &storeContext{parent: ctx, deadline: time.Now().Add(p.timeout)}
		ctx = call.ctx
	}
	return ctx, call
}

// storeCall is an entry point's use of the store, from begin to end.
type storeCall struct {
	p   *Provider
	r   *http.Request
	ctx *storeContext // nil when the caller's context ends first
}

// end releases the context of the store calls and reports *err (the entry
// point's result) when it is a 5xx.
func (c storeCall) end(err *error) {
	if c.ctx != nil {
		c.ctx.stop()
	}
	c.p.report(c.r, *err)
}

// report calls Config.OnServerError when err is answered with a 5xx and r
// is known. This is the one place it is called.
func (p *Provider) report(r *http.Request, err error) {
	if p.onError == nil || r == nil || err == nil {
		return
	}
	var e *Error
	if errors.As(err, &e) && e.Status >= 500 {
		p.onError(r, err)
	}
}
