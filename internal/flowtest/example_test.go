package flowtest_test

import (
	"fmt"

	"github.com/go-oauth1/provider/core"
	"github.com/go-oauth1/provider/internal/flowtest"
)

// Every mount answers the protected routes with these bodies, so that the
// transcripts can be compared byte for byte.
func ExampleMe() {
	g := &core.Grant{Consumer: &core.Consumer{Key: "ck"}, UserID: "alice", Scopes: []string{"read", "write"}}
	fmt.Printf("%s\n%s\n%s\n", flowtest.Me(g), flowtest.Note(g, "hi"), flowtest.Ping(g))
	// Output:
	// {"user":"alice","consumer_key":"ck","scopes":["read","write"]}
	// {"user":"alice","text":"hi"}
	// {"consumer_key":"ck"}
}
