package main

import (
	"fmt"
	"strings"
)

// prompt prints the authorize URL and reads the verifier the user types.
func Example_prompt() {
	var out strings.Builder
	ask := prompt(options{User: "alice", Password: "wonderland"}, strings.NewReader("V3r1f13r\n"), &out)
	v, err := ask("http://127.0.0.1:8080/oauth/authorize?oauth_token=T")
	fmt.Println(strings.TrimSpace(out.String()))
	fmt.Println(v, err)
	// Output:
	// Open http://127.0.0.1:8080/oauth/authorize?oauth_token=T
	// log in (alice / wonderland), click Approve, and type the code it shows.
	// Verifier:
	// V3r1f13r <nil>
}
