package storetest_test

import (
	"fmt"
	"testing"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/core/memstore"
	"github.com/go-oauth1/provider/core/storetest"
)

// conformance is the test a store package writes: here, memstore's.
func conformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store {
		// A SQL store would open (or empty) its database here, and
		// register t.Cleanup to close it.
		return memstore.New()
	})
}

// Example shows how a store runs the suite, from a test function:
//
//	func TestConformance(t *testing.T) { storetest.Run(t, newStore) }
func Example() {
	_ = conformance
}

func ExampleFixtures() {
	fx := storetest.NewFixtures()
	c := fx.Consumer("ck", "alice")
	rt := fx.RequestToken("rt", c.Key)
	fmt.Println(c.Key, c.Owner, c.Name, c.Scopes, c.CreatedAt.Location())
	fmt.Println(rt.Token, rt.ConsumerKey, rt.State, rt.ExpiresAt.Sub(rt.CreatedAt))
	// Output:
	// ck alice App ck [read write] UTC
	// rt ck pending 10m0s
}
