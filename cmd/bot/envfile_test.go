package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// systemVars are read from the environment (systemLocale) but belong to
// the system, not to newsbot's settings: the README explains them,
// .env.example does not list them.
var systemVars = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

var envName = regexp.MustCompile(`^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$`)

// envVarsRead returns the environment variables the bot's code reads: the
// names given to getenv, os.Getenv or os.LookupEnv, and the names passed
// along with getenv to a helper (positiveInt(getenv, "X", 30)), as string
// literals or string constants. Test files and …test helper packages are
// left out.
func envVarsRead(t *testing.T) []string {
	t.Helper()
	fset := token.NewFileSet()
	var files []*ast.File
	err := filepath.WalkDir("../..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != "../.." && (strings.HasPrefix(name, ".") || name == "testdata" || strings.HasSuffix(name, "test")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			if vs, ok := n.(*ast.ValueSpec); ok {
				for i, name := range vs.Names {
					if i < len(vs.Values) {
						if lit, ok := vs.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							if s, err := strconv.Unquote(lit.Value); err == nil {
								consts[name.Name] = s
							}
						}
					}
				}
			}
			return true
		})
	}
	name := func(e ast.Expr) string {
		switch e := e.(type) {
		case *ast.Ident:
			return e.Name
		case *ast.SelectorExpr:
			return e.Sel.Name
		}
		return ""
	}
	str := func(e ast.Expr) string {
		if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, _ := strconv.Unquote(lit.Value)
			return s
		}
		return consts[name(e)]
	}
	seen := map[string]bool{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			var args []ast.Expr
			switch name(call.Fun) {
			case "getenv", "Getenv", "LookupEnv":
				args = call.Args[:1]
			default:
				if slices.ContainsFunc(call.Args, func(a ast.Expr) bool { return name(a) == "getenv" }) {
					args = call.Args
				}
			}
			for _, a := range args {
				if s := str(a); envName.MatchString(s) && strings.Contains(s, "_") || slices.Contains(systemVars, s) {
					seen[s] = true
				}
			}
			return true
		})
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// TestEveryVariableDocumented fails when the bot reads a variable that
// .env.example or the README's configuration table does not list, or when
// either lists one the bot no longer reads.
func TestEveryVariableDocumented(t *testing.T) {
	read := envVarsRead(t)
	// The scanner must see the ways the code reads variables: directly,
	// through a helper, and through another package's constants.
	for _, want := range []string{"REDIS_URL", "TELEGRAM_RATE_GLOBAL", "NEWSBOT_TRANSLATE_PER_MINUTE", "REDIS_TIMEOUT", "TELEGRAM_FLOOD_PER_MINUTE"} {
		if !slices.Contains(read, want) {
			t.Fatalf("the scanner missed %s; it found %v", want, read)
		}
	}

	example, err := os.ReadFile("../../.env.example")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	lines := strings.Split(string(example), "\n")
	setting := regexp.MustCompile(`^#? ?([A-Z][A-Z0-9_]+)=`)
	for i, line := range lines {
		m := setting.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		if listed[m[1]] {
			t.Errorf(".env.example lists %s twice", m[1])
		}
		listed[m[1]] = true
		if i == 0 || !strings.HasPrefix(lines[i-1], "# ") || setting.MatchString(lines[i-1]) {
			t.Errorf(".env.example: %s has no one-line comment above it", m[1])
		}
	}

	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	table := map[string]bool{}
	inConfig := false
	for _, line := range strings.Split(string(readme), "\n") {
		if strings.HasPrefix(line, "## ") {
			inConfig = line == "## Configuration"
		}
		if inConfig && strings.HasPrefix(line, "| `") {
			cell, _, _ := strings.Cut(strings.TrimPrefix(line, "| "), " |")
			for _, m := range regexp.MustCompile("`([A-Z][A-Z0-9_]+)`").FindAllStringSubmatch(cell, -1) {
				table[m[1]] = true
			}
		}
	}

	for _, v := range systemVars {
		if !strings.Contains(string(readme), "`"+v+"`") {
			t.Errorf("the README does not say that the terminal chat reads %s", v)
		}
	}
	for _, v := range read {
		if slices.Contains(systemVars, v) {
			continue
		}
		if !listed[v] {
			t.Errorf("the bot reads %s, which .env.example does not list", v)
		}
		if !table[v] {
			t.Errorf("the bot reads %s, which the README's configuration table does not list", v)
		}
	}
	for v := range listed {
		if !slices.Contains(read, v) {
			t.Errorf(".env.example lists %s, which the bot does not read", v)
		}
	}
	for v := range table {
		if !slices.Contains(read, v) {
			t.Errorf("the README's configuration table lists %s, which the bot does not read", v)
		}
	}
}
