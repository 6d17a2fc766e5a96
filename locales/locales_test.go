package locales

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// sameAsEnglish lists keys whose text may equal the English one in a
// language because the word is the same there.
var sameAsEnglish = map[string][]string{
	"ro": {"section_sport"},
}

func bundled(t *testing.T) []string {
	t.Helper()
	names, err := fs.Glob(FS(), "*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var langs []string
	for _, n := range names {
		langs = append(langs, strings.TrimSuffix(n, ".yaml"))
	}
	if len(langs) < 3 {
		t.Fatalf("bundled languages %v: want ro, ru, en at least", langs)
	}
	return langs
}

func messages(t *testing.T, lang string) map[string]any {
	t.Helper()
	buf, err := fs.ReadFile(FS(), lang+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(buf, &m); err != nil {
		t.Fatalf("%s.yaml: %v", lang, err)
	}
	return m
}

var placeholder = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(v any) []string {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case map[string]any:
		for _, x := range v {
			s += " " + x.(string)
		}
	}
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(s, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// TestComplete fails when any bundled locale lacks a key of the English
// file, has a key English lacks, leaves a text empty or untranslated, or
// uses other placeholders than English.
func TestComplete(t *testing.T) {
	en := messages(t, "en")
	for _, lang := range bundled(t) {
		if lang == "en" {
			continue
		}
		t.Run(lang, func(t *testing.T) {
			m := messages(t, lang)
			for key, want := range en {
				got, ok := m[key]
				if !ok {
					t.Errorf("%s.yaml lacks %q", lang, key)
					continue
				}
				if s, ok := got.(string); ok && strings.TrimSpace(s) == "" {
					t.Errorf("%s.yaml: %q is empty", lang, key)
				}
				if gs, ok := got.(string); ok && gs == want && !slices.Contains(sameAsEnglish[lang], key) && strings.ContainsFunc(gs, isLetter) {
					t.Errorf("%s.yaml: %q is the English text %q: untranslated?", lang, key, gs)
				}
				if pw, pg := placeholders(want), placeholders(got); !slices.Equal(pw, pg) {
					t.Errorf("%s.yaml: %q uses placeholders %v, English uses %v", lang, key, pg, pw)
				}
			}
			for key := range m {
				if _, ok := en[key]; !ok {
					t.Errorf("%s.yaml has %q, which en.yaml lacks", lang, key)
				}
			}
		})
	}
}

func isLetter(r rune) bool { return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' }

// TestPluralForms fails when a plural message lacks a form its language
// needs under CLDR rules: every count must produce a text, not the key.
func TestPluralForms(t *testing.T) {
	langs := bundled(t)
	c, err := Load(FS(), langs...)
	if err != nil {
		t.Fatal(err)
	}
	en := messages(t, "en")
	for _, lang := range langs {
		for key, v := range en {
			if _, plural := v.(map[string]any); !plural {
				continue
			}
			for n := 0; n <= 1000; n++ {
				if got := c.N(lang, key, n, nil); got == key || strings.Contains(got, "<no value>") {
					t.Errorf("%s %s count %d: %q", lang, key, n, got)
					break
				}
			}
		}
	}
}

func TestPlurals(t *testing.T) {
	c, err := Load(FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		lang  string
		count int
		want  string
	}{
		{"ro", 1, "1 articol"},
		{"ro", 2, "2 articole"},
		{"ro", 19, "19 articole"},
		{"ro", 20, "20 de articole"},
		{"ro", 101, "101 articole"},
		{"ro", 120, "120 de articole"},
		{"ru", 1, "1 статья"},
		{"ru", 2, "2 статьи"},
		{"ru", 5, "5 статей"},
		{"ru", 11, "11 статей"},
		{"ru", 21, "21 статья"},
		{"ru", 24, "24 статьи"},
		{"en", 1, "1 article"},
		{"en", 0, "0 articles"},
		{"en", 2, "2 articles"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+"/"+tt.want, func(t *testing.T) {
			if got := c.N(tt.lang, "articles_count", tt.count, nil); got != tt.want {
				t.Errorf("N(%s, %d) = %q, want %q", tt.lang, tt.count, got, tt.want)
			}
		})
	}
}

func TestMatch(t *testing.T) {
	c, err := Load(FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{
		"ru-RU": "ru", "en-GB": "en", "en_US": "en", "RO": "ro", "ro": "ro",
		"de": "", "": "", "  ru ": "ru", "zh-Hans-CN": "",
		"ro_MD.UTF-8": "ro", "de_DE": "", "sr@latin": "", "ru_RU.UTF-8@euro": "ru",
	} {
		if got := c.Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(FS(), "xx"); err == nil || !strings.Contains(err.Error(), "xx.yaml") {
		t.Errorf("Load of a language without a file: err = %v, want one naming xx.yaml", err)
	}
	if _, err := Load(FS()); err == nil {
		t.Error("Load with no languages: want an error")
	}
}

func TestUnknownKeyShowsKey(t *testing.T) {
	c, err := Load(FS(), "en")
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("en", "no_such_key", nil); got != "no_such_key" {
		t.Errorf("T(no_such_key) = %q", got)
	}
}

// TestEnglishQuotes: English texts quote with “…”, not the «…» of Russian
// (or the „…” of Romanian).
func TestEnglishQuotes(t *testing.T) {
	for key, v := range messages(t, "en") {
		if strings.ContainsAny(fmt.Sprint(v), "«»„") {
			t.Errorf("en.yaml %s quotes the Russian or Romanian way: %v", key, v)
		}
	}
}
