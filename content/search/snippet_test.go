package search

import (
	"strings"
	"testing"

	"github.com/newsbot/newsbot/core"
)

// marked renders marks as [ and ].
func marked(s string) string {
	return strings.NewReplacer(string(core.MarkStart), "[", string(core.MarkEnd), "]").Replace(s)
}

func TestFragment(t *testing.T) {
	long := strings.Repeat("lorem ipsum dolor ", 20) // 360 characters
	at := func(text, word string) span {
		i := strings.Index(text, word)
		return span{i, i + len(word)}
	}
	mid := long + "ştirile de azi " + long
	tests := []struct {
		name, text string
		spans      []span
		want       string
	}{
		{"short", "Știrile de azi", []span{{0, len("Știrile")}}, "[Știrile] de azi"},
		{"no match", "Știrile  de\n azi", nil, "Știrile de azi"},
		{"white space collapsed", "a  \t b\n\nc", []span{{5, 6}}, "a [b] c"},
		{"marks in the text dropped", "a \u2063b\u2064 c", nil, "a b c"},
		{"match in the middle", mid, []span{at(mid, "ştirile")},
			"…ipsum dolor lorem ipsum dolor [ştirile] de azi lorem ipsum dolor lorem ipsum dolor lorem ipsum dolor lorem ipsum dolor lorem ipsum dolor lorem ipsum dolor lorem…"},
		{"no match in a long text", long, nil, strings.TrimSpace(long[:160])[:len("lorem ipsum dolor ")*8+len("lorem ipsum")] + "…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := fragment(tc.text, tc.spans)
			if marked(got) != tc.want {
				t.Errorf("fragment = %q\nwant       %q", marked(got), tc.want)
			}
			checkSnippet(t, got)
		})
	}
}

func TestFragmentWindow(t *testing.T) {
	// Two matches far apart and three close together: the window holds
	// the three.
	text := "alpha " + strings.Repeat("filler ", 30) + "beta gamma delta " + strings.Repeat("filler ", 30) + "alpha"
	var spans []span
	for _, w := range []string{"alpha", "beta", "gamma", "delta"} {
		i := strings.Index(text, w)
		spans = append(spans, span{i, i + len(w)})
	}
	last := strings.LastIndex(text, "alpha")
	spans = append(spans, span{last, last + 5})
	got := marked(fragment(text, spans))
	for _, w := range []string{"[beta]", "[gamma]", "[delta]"} {
		if !strings.Contains(got, w) {
			t.Errorf("%q lacks %s", got, w)
		}
	}
	if !strings.HasPrefix(got, "…filler") || !strings.HasSuffix(got, "…") {
		t.Errorf("%q does not start and end at whole words with ellipses", got)
	}
	checkSnippet(t, fragment(text, spans))
}

func TestFragmentLongWord(t *testing.T) {
	word := strings.Repeat("x", 400)
	got := fragment(word, []span{{0, len(word)}})
	checkSnippet(t, got)
	if strings.ContainsRune(got, core.MarkStart) {
		t.Errorf("marked a word cut in half: %q", got)
	}
}

func TestSnippetPicksBestParagraph(t *testing.T) {
	x := testIndex(t)
	tests := []struct {
		name string
		q    core.SearchQuery
		id   string
		want string
	}{
		{"body over title", core.SearchQuery{Text: "observatori", Lang: "ro"}, "ro-alegeri",
			"[Observatorii] internaționali vor monitoriza votul în secțiile din străinătate."},
		{"most words", core.SearchQuery{Text: "inflatiei tara", Lang: "ro"}, "ro-energie",
			"Ştirile economice arată o scădere a [inflaţiei] în [ţară] pentru a treia lună la rând."},
		{"title when only the title matches", core.SearchQuery{Text: "sportive", Lang: "ro"}, "ro-sport",
			"Știri [sportive]: Zimbru câștigă derbiul capitalei"},
		{"yo", core.SearchQuery{Text: "елку", Lang: "ru"}, "ru-elka",
			"[Ёлку] привезут из Кодр, украшения сделают школьники."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := x.Search(t.Context(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range r.Hits {
				if h.ArticleID == tc.id {
					if got := marked(h.Snippet); got != tc.want {
						t.Errorf("snippet = %q\nwant      %q", got, tc.want)
					}
					return
				}
			}
			t.Errorf("%s not found: %v", tc.id, ids(r))
		})
	}
}
