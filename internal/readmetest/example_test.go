package readmetest

import "fmt"

// A README fragment that names the wrapper main, and the Go file the test
// compiles it as: the packages it uses imported, its lines those of the
// README.
func Example() {
	s := snippet{Line: 12, Wrap: "main", Code: "p, err := core.New(core.Config{Store: memstore.New()})\nif err != nil {\n\tlog.Fatal(err)\n}\nlog.Fatal(http.ListenAndServe(\"127.0.0.1:8080\", p.RequestTokenHandler()))\n"}
	src, err := source("README.md", s)
	fmt.Print(src, err)
	// Output:
	// package snippets
	//
	// import (
	// 	"github.com/go-oauth1/provider/core"
	// 	"github.com/go-oauth1/provider/core/memstore"
	// 	"log"
	// 	"net/http"
	// )
	//
	// func _() {
	// //line README.md:12:1
	// p, err := core.New(core.Config{Store: memstore.New()})
	// if err != nil {
	// 	log.Fatal(err)
	// }
	// log.Fatal(http.ListenAndServe("127.0.0.1:8080", p.RequestTokenHandler()))
	// }
	// <nil>
}
