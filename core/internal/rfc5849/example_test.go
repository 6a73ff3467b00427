package rfc5849_test

import (
	"fmt"

	"github.com/go-oauth1/provider/core/internal/rfc5849"
)

// A base string and an HMAC-SHA1 signature, as a client computes them and
// the provider checks them.
func Example() {
	uri, _ := rfc5849.BaseStringURI("HTTP://Example.com:80/r?ignored=1")
	base := rfc5849.BaseString("get", uri, []rfc5849.Param{{Key: "b", Value: "x y"}, {Key: "a", Value: "1"}})
	fmt.Println(base)

	m, _ := rfc5849.Method("HMAC-SHA1")
	keys := rfc5849.Keys{ConsumerSecret: "cs"}
	sig, _ := m.Sign([]byte("bs"), keys)
	fmt.Println(sig, m.Verify([]byte("bs"), sig, keys))
	// Output:
	// GET&http%3A%2F%2Fexample.com%2Fr&a%3D1%26b%3Dx%2520y
	// egQqG5AJep5sJ7anhXju1unge2I= <nil>
}
