package main

import (
	"fmt"
	"strings"
)

// prompt prints the authorize URL and reads the verifier the user types;
// an empty line means the user clicked Deny.
func Example_prompt() {
	var out strings.Builder
	ask := prompt(options{User: "alice", Password: "wonderland"}, strings.NewReader("V3r1f13r\n\n"), &out)
	v, err := ask("http://127.0.0.1:8080/oauth/authorize?oauth_token=T")
	fmt.Println(strings.TrimSpace(out.String()))
	fmt.Println(v, err)
	v, err = ask("http://127.0.0.1:8080/oauth/authorize?oauth_token=T")
	fmt.Printf("%q %v\n", v, err)
	// Output:
	// Open http://127.0.0.1:8080/oauth/authorize?oauth_token=T
	// log in (alice / wonderland), click Approve, and type the code it shows
	// (or just press Enter if you clicked Deny).
	// Verifier:
	// V3r1f13r <nil>
	// "" access was denied
}
