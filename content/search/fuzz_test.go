package search

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbot/newsbot/core"
)

// FuzzSearch feeds arbitrary user text to Search: it must never fail, panic
// or return a malformed page or snippet.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{
		"", " ", "știri", "ştiri", "stiri", "выборы", "ёлка", "elections", "Chișinău",
		`title:festival`, `+a -b`, `"unclosed`, `a~2`, `fest*`, `/re[/`, `\`, `a AND OR NOT b`, `^3`, `lang:ro`,
		"s\u0326tiri", "\xff\xfe", string(core.MarkStart) + "x" + string(core.MarkEnd), "🎬", "\u202e", "\x00",
		strings.Repeat("a ", 100), strings.Repeat("ș", 600),
	} {
		f.Add(s, "", 0, 5)
		f.Add(s, "ro", 5, 5)
	}
	x := testIndex(f)
	f.Fuzz(func(t *testing.T, text, lang string, offset, limit int) {
		r, err := x.Search(context.Background(), core.SearchQuery{Text: text, Lang: lang, Offset: offset, Limit: limit})
		if err != nil {
			t.Fatalf("Search(%q, %q): %v", text, lang, err)
		}
		want := limit
		if want <= 0 {
			want = DefaultLimit
		}
		checkResult(t, r, min(want, MaxLimit))
		for _, h := range r.Hits {
			if h.ArticleID == "" || !utf8.ValidString(h.Snippet) {
				t.Errorf("bad hit %+v", h)
			}
		}
	})
}
