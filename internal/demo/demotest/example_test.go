package demotest_test

import (
	"fmt"

	"github.com/go-oauth1/provider/internal/demo/demotest"
)

func ExampleCSRF() {
	page := `<form><input type="hidden" name="csrf_token" value="abc-123"></form>`
	fmt.Println(demotest.CSRF(page))
	// Output: abc-123
}

func ExampleVerifierFrom() {
	page := `<p><span class="verifier" id="verifier">V3r1f13r</span></p>`
	fmt.Println(demotest.VerifierFrom(page))
	// Output: V3r1f13r
}
