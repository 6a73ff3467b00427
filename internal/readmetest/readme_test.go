package readmetest

import (
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// snippet is one ```go block of a Markdown file.
type snippet struct {
	// Line is the Markdown line of the block's first line of code.
	Line int
	// Wrap is the wrapper named by <!-- wrap: NAME --> before the fence,
	// or "".
	Wrap string
	Code string
}

var wrapRE = regexp.MustCompile(`^<!--\s*wrap:\s*(\S+)\s*-->$`)

// extract returns the ```go blocks of md, each with the wrapper named on
// the last non-blank line before its fence.
func extract(md string) ([]snippet, error) {
	lines := strings.Split(md, "\n")
	var out []snippet
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		s := snippet{Line: i + 2}
		for j := i - 1; j >= 0; j-- {
			if prev := strings.TrimSpace(lines[j]); prev != "" {
				if m := wrapRE.FindStringSubmatch(prev); m != nil {
					s.Wrap = m[1]
				}
				break
			}
		}
		end := i + 1
		for end < len(lines) && strings.TrimSpace(lines[end]) != "```" {
			end++
		}
		if end == len(lines) {
			return nil, fmt.Errorf("line %d: the ```go block is never closed", i+1)
		}
		s.Code = strings.Join(lines[i+1:end], "\n") + "\n"
		out = append(out, s)
		i = end
	}
	return out, nil
}

// isFile reports whether code is a whole Go file: its first line that is
// not a comment is a package clause.
func isFile(code string) bool {
	for line := range strings.Lines(code) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "//") {
			continue
		}
		return strings.HasPrefix(line, "package ")
	}
	return false
}

// source returns the Go file that compiles s, whose positions are those of
// the Markdown file name: s itself for a whole file, s inside its wrapper
// otherwise, with the wrapper's packages it uses imported.
func source(name string, s snippet) (string, error) {
	directive := fmt.Sprintf("//line %s:%d:1\n", name, s.Line)
	if isFile(s.Code) {
		if s.Wrap != "" {
			return "", fmt.Errorf("%s:%d: a whole file needs no wrapper (wrap: %s)", name, s.Line, s.Wrap)
		}
		return directive + s.Code, nil
	}
	if s.Wrap == "" {
		return "", fmt.Errorf("%s:%d: a fragment needs <!-- wrap: NAME --> before its fence, NAME one of %v", name, s.Line, wrapperNames())
	}
	w, ok := wrappers[s.Wrap]
	if !ok {
		return "", fmt.Errorf("%s:%d: no wrapper %q; there are %v", name, s.Line, s.Wrap, wrapperNames())
	}
	body := w.Func + "\n" + directive + s.Code + "}\n"
	imports, err := usedImports(body, w.Imports)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString("package snippets\n\nimport (\n")
	for _, path := range imports {
		fmt.Fprintf(&b, "\t%q\n", path)
	}
	b.WriteString(")\n\n" + body)
	return b.String(), nil
}

// usedImports returns the paths, sorted, of the packages of known that
// body (Go declarations) uses as pkg.Name. A syntax error is returned at
// its Markdown position.
func usedImports(body string, known map[string]string) ([]string, error) {
	f, err := parser.ParseFile(token.NewFileSet(), "", "package snippets\n"+body, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	var paths []string
	ast.Inspect(f, func(n ast.Node) bool {
		if sel, ok := n.(*ast.SelectorExpr); ok {
			if id, ok := sel.X.(*ast.Ident); ok {
				if path, ok := known[id.Name]; ok && !slices.Contains(paths, path) {
					paths = append(paths, path)
				}
			}
		}
		return true
	})
	slices.Sort(paths)
	return paths, nil
}

func wrapperNames() []string {
	var names []string
	for name := range wrappers {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// vet writes the snippets of md, the Markdown file path, into one
// temporary directory inside the module, each as a package of its own,
// and runs go vet on them all, once. It returns go vet's output when it
// fails, whose positions are lines of path (go vet reports the first type
// error of each package).
func vet(t *testing.T, path, md string) error {
	t.Helper()
	name, err := filepath.Abs(path)
	if err != nil {
		t.Fatal(err)
	}
	snippets, err := extract(md)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	if len(snippets) == 0 {
		return fmt.Errorf("%s has no ```go block", path)
	}
	dir, err := os.MkdirTemp("testdata", "snippets")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	var pkgs []string
	for i, s := range snippets {
		src, err := source(name, s)
		if err != nil {
			return err
		}
		pkg := fmt.Sprintf("snippet%d", i)
		if err := os.MkdirAll(filepath.Join(dir, pkg), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, pkg, fmt.Sprintf("snippet%d.go", i)), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, "./"+pkg)
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command, which compiles the snippets: %v", err)
	}
	cmd := exec.Command(gocmd, append([]string{"vet"}, pkgs...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go vet %s: %v\n%s", strings.Join(pkgs, " "), err, out)
	}
	return nil
}

// TestREADME compiles (and vets) every Go snippet of README.md, and
// checks that its whole files are formatted as gofmt formats them, for
// readers to copy.
func TestREADME(t *testing.T) {
	path := filepath.Join("..", "..", "README.md")
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := vet(t, path, string(md)); err != nil {
		t.Error(err)
	}
	snippets, _ := extract(string(md)) // vet reported its error
	for _, s := range snippets {
		if f, err := format.Source([]byte(s.Code)); isFile(s.Code) && err == nil && string(f) != s.Code {
			t.Errorf("README.md:%d: not formatted as gofmt formats it", s.Line)
		}
	}
}

// TestVet_Broken holds the test to its word: snippets that do not compile
// fail it, at their Markdown line.
func TestVet_Broken(t *testing.T) {
	md := strings.Join([]string{
		"# Broken", // 1
		"",
		"<!-- wrap: main -->", // 3
		"```go",
		`fmt.Println("fine")`, // 5
		"```",
		"",
		"<!-- wrap: main -->", // 8
		"```go",
		"r := gin.New() // a package the wrapper does not offer", // 10
		"```",
		"",
		"```go", // 13
		"package main",
		"",
		"func main() { _ = currentUser() }", // 16
		"```",
		"",
		"<!-- wrap: echo -->", // 19
		"```go",
		`mw := echooauth.Middleware(p) // declared and not used`, // 21
		"```",
	}, "\n")
	err := vet(t, "broken.md", md)
	if err == nil {
		t.Fatal("broken snippets passed")
	}
	for _, want := range []string{"broken.md:10:6: undefined: gin", "broken.md:16:19: undefined: currentUser", "broken.md:21:1: declared and not used: mw"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q:\n%v", want, err)
		}
	}
	if strings.Contains(err.Error(), "broken.md:5") {
		t.Errorf("the good snippet is reported:\n%v", err)
	}
}

// TestSource_Convention: a block is a whole file or names a known wrapper.
func TestSource_Convention(t *testing.T) {
	tests := []struct {
		name string
		s    snippet
		want string // in the error; "" for none
	}{
		{"whole file", snippet{Line: 3, Code: "// Command x.\npackage main\n\nfunc main() {}\n"}, ""},
		{"wrapped fragment", snippet{Line: 3, Wrap: "main", Code: "log.Print(1)\n"}, ""},
		{"fragment without wrapper", snippet{Line: 3, Code: "log.Print(1)\n"}, "x.md:3: a fragment needs <!-- wrap: NAME -->"},
		{"unknown wrapper", snippet{Line: 3, Wrap: "nope", Code: "log.Print(1)\n"}, `x.md:3: no wrapper "nope"`},
		{"wrapped whole file", snippet{Line: 3, Wrap: "main", Code: "package main\n"}, "x.md:3: a whole file needs no wrapper"},
		{"syntax error", snippet{Line: 3, Wrap: "main", Code: "log.Print(\n"}, "x.md:4:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := source("x.md", tt.s)
			if got := fmt.Sprint(err); (tt.want == "") != (err == nil) || !strings.Contains(got, tt.want) {
				t.Errorf("source = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestExtract: blocks, their first code lines, and the wrapper named on
// the last non-blank line before the fence.
func TestExtract(t *testing.T) {
	md := "text\n<!-- wrap: main -->\n\n```go\na()\nb()\n```\n```sh\nls\n```\n<!--wrap:echo-->\n```go\nc()\n```\n"
	got, err := extract(md)
	want := []snippet{{Line: 5, Wrap: "main", Code: "a()\nb()\n"}, {Line: 13, Wrap: "echo", Code: "c()\n"}}
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("extract = %+v, %v; want %+v", got, err, want)
	}
	if _, err := extract("```go\na()\n"); err == nil {
		t.Error("an unclosed block passed")
	}
}
