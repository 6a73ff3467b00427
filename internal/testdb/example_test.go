package testdb_test

import (
	"fmt"

	"github.com/go-oauth1/provider/internal/testdb"
)

// A test opens the server DSN names (its variable, or the local default)
// and calls Require before using it: a stopped server skips the test,
// saying which variable to set, unless CI is set.
func ExampleServer() {
	s := testdb.Server{
		Name:    "PostgreSQL",
		Env:     "TESTDB_EXAMPLE_POSTGRES_DSN", // unset here
		Default: "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
	}
	fmt.Println(s.DSN())
	// Output: postgres://postgres@127.0.0.1:5432/test?sslmode=disable
}
