package locales

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// keyUses finds message keys named in Go code: T(lang, "key"…),
// N(lang, "key"…), Key: "key", Errorf(code, "key"…) and Key… = "key".
var keyUses = []*regexp.Regexp{
	regexp.MustCompile(`\.(?:T|N)\([^,()]+,\s*"([a-z][a-z0-9_]*)"\s*[,)]`),
	regexp.MustCompile(`Key:\s*"([a-z][a-z0-9_]*)"`),
	regexp.MustCompile(`Errorf\([^,()]+,\s*"([a-z][a-z0-9_]*)"\s*[,)]`),
	regexp.MustCompile(`\bKey[A-Z]\w*\s*=\s*"([a-z][a-z0-9_]*)"`),
}

// TestKeysUsedExist fails when code outside tests names a message key that
// en.yaml lacks: such a message would reach users as its bare key.
func TestKeysUsedExist(t *testing.T) {
	en := messages(t, "en")
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		buf, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, re := range keyUses {
			for _, m := range re.FindAllStringSubmatch(string(buf), -1) {
				if _, ok := en[m[1]]; !ok {
					t.Errorf("%s names message key %q, which en.yaml lacks", path, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
