package content

import (
	"encoding/json"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode"
)

// sample returns Sample(), failing the test instead of panicking when the
// embedded data is broken.
func sample(t *testing.T) []Article {
	t.Helper()
	if _, err := loadSample(); err != nil {
		t.Fatalf("the bundled sample does not load:\n%v", err)
	}
	return Sample()
}

func TestSample(t *testing.T) {
	articles := sample(t)
	if len(articles) < 36 {
		t.Errorf("Sample has %d articles, want at least 36", len(articles))
	}

	sections := map[string]int{}
	langs := map[string]int{}
	groups := map[string][]Article{}
	ids := map[string]bool{}
	for _, a := range articles {
		if !ValidID(a.ID) || len(a.ID) > 12 || a.ID != strings.ToLower(a.ID) {
			t.Errorf("%s: ID is not short, lowercase and valid", a.ID)
		}
		if ids[a.ID] {
			t.Errorf("%s: ID used twice", a.ID)
		}
		ids[a.ID] = true
		if !slices.Contains(DefaultSections, a.Section) || a.Section == Breaking {
			t.Errorf("%s: section %q is not a default section other than %q", a.ID, a.Section, Breaking)
		}
		sections[a.Section]++
		langs[a.Lang]++
		if a.Group != "" {
			groups[a.Group] = append(groups[a.Group], a)
		}
	}
	if len(sections) < 6 {
		t.Errorf("Sample covers %d sections (%v), want at least 6", len(sections), sections)
	}
	for _, l := range []string{"ro", "ru", "en"} {
		if langs[l] == 0 {
			t.Errorf("Sample has no %q articles", l)
		}
	}
	if len(langs) != 3 {
		t.Errorf("Sample languages = %v, want ro, ru and en only", langs)
	}

	complete, partial, single := 0, 0, 0
	for g, eds := range groups {
		var ls []string
		originals := 0
		for _, a := range eds {
			ls = append(ls, a.Lang)
			if a.Section != eds[0].Section {
				t.Errorf("group %s: %s is in %q, %s in %q", g, a.ID, a.Section, eds[0].ID, eds[0].Section)
			}
			if a.Translator == "" {
				originals++
			}
		}
		if originals != 1 {
			t.Errorf("group %s: %d editions without a translator, want exactly one original", g, originals)
		}
		slices.Sort(ls)
		switch len(ls) {
		case 3:
			if slices.Equal(ls, []string{"en", "ro", "ru"}) {
				complete++
			}
		case 2:
			partial++
		}
	}
	for _, a := range articles {
		if a.Group == "" {
			single++
		}
	}
	if complete < 8 || partial < 2 || single < 3 {
		t.Errorf("Sample has %d stories in ro+ru+en, %d in two languages, %d in one; want at least 8, 2 and 3", complete, partial, single)
	}
}

// Patterns for house style. Numbers: a decimal comma in ro and ru (3,5%),
// a decimal point in en (3.5%); thousands are 3 digits, so one or two digits
// after the separator mean a fraction.
var (
	decimalPoint = regexp.MustCompile(`\b\d+\.\d{1,2}\b`)
	decimalComma = regexp.MustCompile(`\b\d+,\d{1,2}\b`)
	initials     = regexp.MustCompile(`(^|[\s(])\p{Lu}\. \p{Lu}\p{Ll}+`)
)

func TestSampleStyle(t *testing.T) {
	start := time.Date(2026, 11, 20, 0, 0, 0, 0, time.FixedZone("EET", 2*3600))
	end := start.AddDate(0, 0, 9)
	for _, a := range sample(t) {
		text := strings.Join(append([]string{a.Title, a.Lead}, a.Body...), "\n")
		t.Run(a.ID, func(t *testing.T) {
			if n := len(a.Body); n < 3 || n > 6 {
				t.Errorf("%d paragraphs, want 3 to 6", n)
			}
			if n := countWords(strings.Join(a.Body, " ")); n < 150 || n > 350 {
				t.Errorf("body has %d words, want 150 to 350", n)
			}
			if a.Author == "" || a.Tags == nil {
				t.Errorf("author %q, tags %q: want both", a.Author, a.Tags)
			}
			if prefix := "https://newsbot.example/" + a.Lang + "/"; !strings.HasPrefix(a.URL, prefix) || len(a.URL) == len(prefix) {
				t.Errorf("URL %q, want %s<slug>", a.URL, prefix)
			}
			if _, off := a.Published.Zone(); off != 2*3600 || a.Published.Before(start) || !a.Published.Before(end) {
				t.Errorf("published %v, want 2026-11-20..28 at +02:00", a.Published)
			}
			if !initials.MatchString(text) {
				t.Errorf("no name given as initial and surname, as agencies write them")
			}
			switch a.Lang {
			case "ro":
				if strings.ContainsAny(text, "şţŞŢ") {
					t.Errorf("uses ş or ţ with cedilla; Romanian takes ș and ț with comma below")
				}
				if !strings.ContainsAny(text, "ăâîșțĂÂÎȘȚ") {
					t.Errorf("has no Romanian diacritics")
				}
				checkQuotes(t, text, "„”", "«»“")
				if m := decimalPoint.FindString(text); m != "" {
					t.Errorf("number %q: Romanian writes a decimal comma", m)
				}
			case "ru":
				checkQuotes(t, text, "«»", "„“”")
				if m := decimalPoint.FindString(text); m != "" {
					t.Errorf("number %q: Russian writes a decimal comma", m)
				}
				for _, w := range strings.FieldsFunc(text+"\n"+a.Author+"\n"+a.Translator, func(r rune) bool { return !unicode.IsLetter(r) }) {
					if hasScript(w, unicode.Cyrillic) && hasScript(w, unicode.Latin) {
						t.Errorf("word %q mixes Cyrillic and Latin letters", w)
					}
				}
				if !hasScript(a.Author, unicode.Cyrillic) {
					t.Errorf("author %q not written in Cyrillic", a.Author)
				}
			case "en":
				checkQuotes(t, text, "“”", "„«»")
				if m := decimalComma.FindString(text); m != "" {
					t.Errorf("number %q: English writes a decimal point", m)
				}
				if hasScript(text, unicode.Cyrillic) {
					t.Errorf("English text has Cyrillic letters")
				}
			}
		})
	}
}

// checkQuotes reports quote marks of another language and unbalanced ones.
func checkQuotes(t *testing.T, text, pair, foreign string) {
	t.Helper()
	if i := strings.IndexAny(text, foreign); i >= 0 {
		t.Errorf("quote mark %q belongs to another language; want %s", []rune(text[i:])[0], pair)
	}
	open, close := []rune(pair)[0], []rune(pair)[1]
	if o, c := strings.Count(text, string(open)), strings.Count(text, string(close)); o != c {
		t.Errorf("%d opening %c and %d closing %c quotes", o, open, c, close)
	}
	if strings.Contains(text, `"`) {
		t.Errorf("straight double quote; want %s", pair)
	}
}

func countWords(s string) int {
	n := 0
	for _, w := range strings.Fields(s) {
		if strings.IndexFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0 {
			n++
		}
	}
	return n
}

func hasScript(s string, script *unicode.RangeTable) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(script, r) }) >= 0
}

func TestSampleIsACopy(t *testing.T) {
	first := sample(t)
	first[0].Title = "changed"
	first[0].Body[0] = "changed"
	first[0].Tags[0] = "changed"
	second := Sample()
	if second[0].Title == "changed" || second[0].Body[0] == "changed" || second[0].Tags[0] == "changed" {
		t.Errorf("a change to one Sample result shows in the next: %+v", second[0])
	}
}

func TestSampleRoundTrip(t *testing.T) {
	// Articles written out with encoding/json, as a store export would,
	// load back unchanged.
	articles := sample(t)
	data, err := json.MarshalIndent(articles, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadDir(fstest.MapFS{"export.json": {Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(articles) {
		t.Fatalf("reloaded %d articles, want %d", len(again), len(articles))
	}
	for i := range articles {
		if !sameArticle(again[i], articles[i]) {
			t.Errorf("article %s changed on reload", articles[i].ID)
		}
	}
}
