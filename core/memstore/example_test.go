package memstore_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
)

func Example() {
	ctx := context.Background()
	store := memstore.New(memstore.WithMaxBytes(16 << 20))

	err := store.CreateConsumer(ctx, &core.Consumer{Key: "ck", Secret: "cs", Name: "Printer"})
	fmt.Println("create:", err)
	c, err := store.GetConsumer(ctx, "ck")
	fmt.Println("get:", c.Name, err)
	_, err = store.GetConsumer(ctx, "nobody")
	fmt.Println("unknown:", errors.Is(err, core.ErrNotFound))

	ts := time.Unix(1_700_000_000, 0)
	n := core.Nonce{ConsumerKey: "ck", Nonce: "kllo9940pd9333jh", Timestamp: ts}
	fmt.Println("nonce:", store.UseNonce(ctx, n))
	fmt.Println("replay:", store.UseNonce(ctx, n))

	// Purging what is older than the timestamp window frees the space.
	purged, _ := store.PurgeNonces(ctx, ts.Add(time.Second))
	fmt.Println("purged:", purged)
	// Output:
	// create: <nil>
	// get: Printer <nil>
	// unknown: true
	// nonce: <nil>
	// replay: oauth1: nonce already used
	// purged: 1
}
