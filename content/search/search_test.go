package search

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// testArticles returns the articles of testdata/articles.json.
func testArticles(t testing.TB) []content.Article {
	t.Helper()
	b, err := os.ReadFile("testdata/articles.json")
	if err != nil {
		t.Fatal(err)
	}
	var as []content.Article
	if err := json.Unmarshal(b, &as); err != nil {
		t.Fatal(err)
	}
	return as
}

// testIndex returns a memory index of the test articles.
func testIndex(t testing.TB) *Index {
	t.Helper()
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if err := x.Index(context.Background(), testArticles(t)...); err != nil {
		t.Fatal(err)
	}
	return x
}

func ids(r core.SearchResult) []string {
	var out []string
	for _, h := range r.Hits {
		out = append(out, h.ArticleID)
	}
	return out
}

func TestSearch(t *testing.T) {
	x := testIndex(t)
	tests := []struct {
		name    string
		q       core.SearchQuery
		want    []string // exactly these, in any order; nil: nothing
		first   string   // when set, the best hit
		notWant []string
	}{
		{name: "ro comma-below", q: core.SearchQuery{Text: "știri", Lang: "ro"},
			want: []string{"ro-sport", "ro-alegeri", "ro-energie"}, first: "ro-sport"},
		{name: "ro cedilla", q: core.SearchQuery{Text: "ştiri", Lang: "ro"},
			want: []string{"ro-sport", "ro-alegeri", "ro-energie"}, first: "ro-sport"},
		{name: "ro without diacritics", q: core.SearchQuery{Text: "stiri", Lang: "ro"},
			want: []string{"ro-sport", "ro-alegeri", "ro-energie"}, first: "ro-sport"},
		{name: "ro upper case", q: core.SearchQuery{Text: "ŞTIRI", Lang: "ro"},
			want: []string{"ro-sport", "ro-alegeri", "ro-energie"}, first: "ro-sport"},
		{name: "ro inflection without diacritics", q: core.SearchQuery{Text: "tara", Lang: "ro"},
			want: []string{"ro-alegeri", "ro-energie", "ro-festival"}},
		{name: "ro name without diacritics", q: core.SearchQuery{Text: "Chisinau", Lang: "ro"},
			want: []string{"ro-festival", "ro-alegeri"}, first: "ro-festival"},
		{name: "ro stemming", q: core.SearchQuery{Text: "alegeri", Lang: "ro"},
			want: []string{"ro-alegeri"}},
		{name: "ro stop words only", q: core.SearchQuery{Text: "și de la", Lang: "ro"}},
		{name: "ru stemming", q: core.SearchQuery{Text: "выборы", Lang: "ru"},
			want: []string{"ru-vybory", "ru-energia"}, first: "ru-vybory"},
		{name: "ru yo in query", q: core.SearchQuery{Text: "ёлка", Lang: "ru"}, want: []string{"ru-elka"}},
		{name: "ru e for yo", q: core.SearchQuery{Text: "елка", Lang: "ru"}, want: []string{"ru-elka"}},
		{name: "ru e for yo in text", q: core.SearchQuery{Text: "режиссеров", Lang: "ru"},
			want: []string{"ru-kino"}},
		{name: "ru yo in query and text", q: core.SearchQuery{Text: "Кишинёва", Lang: "ru"},
			want: []string{"ru-kino", "ru-vybory"}, first: "ru-kino"},
		{name: "en stemming", q: core.SearchQuery{Text: "election", Lang: "en"},
			want: []string{"en-elections", "en-energy"}, first: "en-elections"},
		{name: "en diacritics folded", q: core.SearchQuery{Text: "Chișinău", Lang: "en"},
			want: []string{"en-festival", "en-elections"}, first: "en-festival"},
		{name: "all words required", q: core.SearchQuery{Text: "energy prices", Lang: "en"},
			want: []string{"en-energy"}},
		{name: "any word when none has all", q: core.SearchQuery{Text: "festival elections", Lang: "en"},
			want: []string{"en-festival", "en-elections", "en-energy"}},
		{name: "any word when one is in no article", q: core.SearchQuery{Text: "festival zzyzx", Lang: "en"},
			want: []string{"en-festival"}},
		{name: "every language, words of one", q: core.SearchQuery{Text: "выборы Кишинёва"},
			want: []string{"ru-vybory"}},
		{name: "language filter", q: core.SearchQuery{Text: "festival", Lang: "en"},
			want: []string{"en-festival"}},
		{name: "language tag", q: core.SearchQuery{Text: "festival", Lang: "EN-gb"},
			want: []string{"en-festival"}},
		{name: "every language", q: core.SearchQuery{Text: "festival"},
			want: []string{"en-festival", "ro-festival"}},
		{name: "section filter", q: core.SearchQuery{Text: "elections", Lang: "en", Section: "economy"},
			want: []string{"en-energy"}},
		{name: "section filter every language", q: core.SearchQuery{Text: "Moldova", Section: "politics"},
			want: []string{"en-elections", "ro-alegeri"}},
		{name: "unknown section", q: core.SearchQuery{Text: "festival", Section: "weather"}},
		{name: "fallback language", q: core.SearchQuery{Text: "wahlen", Lang: "de"}, want: []string{"de-wahlen"}},
		{name: "fallback language diacritics", q: core.SearchQuery{Text: "veroffentlicht", Lang: "de"}, want: []string{"de-wahlen"}},
		{name: "fallback language from every language", q: core.SearchQuery{Text: "Wahlen"}, want: []string{"de-wahlen"}},
		{name: "fallback language filtered", q: core.SearchQuery{Text: "wahlen", Lang: "fr"}},
		{name: "wrong language", q: core.SearchQuery{Text: "выборы", Lang: "en"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := x.Search(context.Background(), tc.q)
			if err != nil {
				t.Fatal(err)
			}
			got := ids(r)
			if !sameSet(got, tc.want) {
				t.Errorf("hits = %v, want %v", got, tc.want)
			}
			if r.Total != len(tc.want) {
				t.Errorf("Total = %d, want %d", r.Total, len(tc.want))
			}
			if tc.first != "" && (len(got) == 0 || got[0] != tc.first) {
				t.Errorf("first hit of %v, want %s", got, tc.first)
			}
			for i := 1; i < len(r.Hits); i++ {
				if r.Hits[i].Score > r.Hits[i-1].Score {
					t.Errorf("hit %d scores %v above hit %d (%v)", i, r.Hits[i].Score, i-1, r.Hits[i-1].Score)
				}
			}
			for _, h := range r.Hits {
				if !strings.ContainsRune(h.Snippet, core.MarkStart) {
					t.Errorf("snippet of %s has no mark: %q", h.ArticleID, h.Snippet)
				}
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// TestDiacriticsRank checks that a query spelled with diacritics ranks the
// articles that spell the word the same way above those that match only
// without diacritics.
func TestDiacriticsRank(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	err = x.Index(context.Background(),
		// The newer article would win a tie.
		content.Article{ID: "plain", Lang: "ro", Section: "society", Title: "Vesti de la sate", Body: []string{"Despre tara noastra."}, Published: day.Add(time.Hour)},
		content.Article{ID: "exact", Lang: "ro", Section: "society", Title: "Vești de la sate", Body: []string{"Despre țara noastră."}, Published: day},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"țara", "ţara"} {
		r, err := x.Search(context.Background(), core.SearchQuery{Text: q, Lang: "ro"})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(r); !slices.Equal(got, []string{"exact", "plain"}) {
			t.Errorf("%s: hits = %v, want [exact plain]", q, got)
		}
	}
}

// TestRanking checks that fields weigh title > lead > body, whatever the
// publication order.
func TestRanking(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	filler := "The council met on Tuesday to discuss the budget and the roads of the district."
	err = x.Index(context.Background(),
		content.Article{ID: "body", Lang: "en", Title: "Council meets", Lead: filler, Body: []string{"A flood hit the valley."}, Published: day.Add(2 * time.Hour)},
		content.Article{ID: "lead", Lang: "en", Title: "Council meets", Lead: "A flood hit the valley.", Body: []string{filler}, Published: day.Add(time.Hour)},
		content.Article{ID: "title", Lang: "en", Title: "Flood in the valley", Lead: filler, Body: []string{filler}, Published: day},
	)
	if err != nil {
		t.Fatal(err)
	}
	r, err := x.Search(context.Background(), core.SearchQuery{Text: "floods", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(r); !slices.Equal(got, []string{"title", "lead", "body"}) {
		t.Errorf("hits = %v, want [title lead body]", got)
	}
}

func TestPaging(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	const n = 23
	var as []content.Article
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		as = append(as, content.Article{
			ID: fmt.Sprintf("a%02d", i), Lang: "ro", Section: "economy",
			Title:     "Bugetul pe anul viitor",
			Body:      []string{strings.Repeat("Ministerul finanțelor a publicat proiectul. ", i%4+1)},
			Published: day.Add(time.Duration(i) * time.Minute),
		})
	}
	if err := x.Index(context.Background(), as...); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tc := range []struct {
		offset, limit, want int
	}{{0, 10, 10}, {10, 10, 10}, {20, 10, 3}, {30, 10, 0}, {MaxOffset + 1, 10, 0}} {
		t.Run(fmt.Sprintf("offset %d", tc.offset), func(t *testing.T) {
			r, err := x.Search(context.Background(), core.SearchQuery{Text: "bugetul", Lang: "ro", Offset: tc.offset, Limit: tc.limit})
			if err != nil {
				t.Fatal(err)
			}
			if r.Total != n {
				t.Errorf("Total = %d, want %d", r.Total, n)
			}
			if len(r.Hits) != tc.want {
				t.Errorf("%d hits, want %d", len(r.Hits), tc.want)
			}
			for _, h := range r.Hits {
				if seen[h.ArticleID] {
					t.Errorf("%s on two pages", h.ArticleID)
				}
				seen[h.ArticleID] = true
			}
		})
	}
	if len(seen) != n {
		t.Errorf("pages hold %d articles, want %d", len(seen), n)
	}
	t.Run("limits", func(t *testing.T) {
		for _, tc := range []struct{ limit, want int }{{0, DefaultLimit}, {-5, DefaultLimit}, {1000, n}} {
			r, err := x.Search(context.Background(), core.SearchQuery{Text: "bugetul", Limit: tc.limit, Offset: -3})
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) != tc.want {
				t.Errorf("limit %d: %d hits, want %d", tc.limit, len(r.Hits), tc.want)
			}
		}
	})
}

func TestReindexReplaces(t *testing.T) {
	x := testIndex(t)
	ctx := context.Background()
	a := testArticles(t)[0]
	a.Title = "Dezbatere televizată a candidaților"
	a.Lead = "Candidații au discutat despre economie."
	a.Body = []string{"Emisiunea a durat două ore."}
	if err := x.Index(ctx, a); err != nil {
		t.Fatal(err)
	}
	r, err := x.Search(ctx, core.SearchQuery{Text: "calendarul", Lang: "ro"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 0 {
		t.Errorf("old text still found: %v", ids(r))
	}
	r, err = x.Search(ctx, core.SearchQuery{Text: "candidati", Lang: "ro"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(r); !slices.Equal(got, []string{a.ID}) {
		t.Errorf("hits = %v, want [%s]", got, a.ID)
	}
}

// TestBulkIndexKeepsLastVersion checks that of an article given twice in
// one call of more than a batch, the later version stays, even when the
// two are in different languages and so in batches written concurrently.
func TestBulkIndexKeepsLastVersion(t *testing.T) {
	ctx := context.Background()
	articles := synthetic(BatchSize + 100)
	first := articles[0] // ro
	ru := first
	ru.Lang, ru.Title, ru.Lead, ru.Body = "ru", "Зимняя ярмарка", "Ярмарка открылась.", []string{"Ярмарка работает до марта."}
	en := articles[2] // en
	en2 := en
	en2.Title, en2.Lead, en2.Body = "Winter fair", "The fair opened.", []string{"The fair runs until March."}
	// A version in another language, then the first version again; a
	// second version in the same language.
	articles = slices.Insert(articles, 500, ru)
	articles = append(articles, first, en2)

	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if err := x.Index(ctx, articles...); err != nil {
		t.Fatal(err)
	}
	r, err := x.Search(ctx, core.SearchQuery{Text: "ярмарка", Lang: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	if r.Total != 0 {
		t.Errorf("the earlier Russian version of %s is found: %v", first.ID, ids(r))
	}
	r, err = x.Search(ctx, core.SearchQuery{Text: first.Title, Lang: "ro"})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(ids(r), first.ID) {
		t.Errorf("the later Romanian version of %s is not found", first.ID)
	}
	r, err = x.Search(ctx, core.SearchQuery{Text: "winter fair", Lang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(r); !slices.Equal(got, []string{en.ID}) {
		t.Errorf("later English version: hits %v, want [%s]", got, en.ID)
	}
	n, err := x.idx.DocCount()
	if err != nil {
		t.Fatal(err)
	}
	if n != BatchSize+100 {
		t.Errorf("%d documents, want %d", n, BatchSize+100)
	}
}

func TestLastVersions(t *testing.T) {
	art := func(id, lang string) content.Article { return content.Article{ID: id, Lang: lang} }
	in := []content.Article{art("a", "ro"), art("b", "en"), art("a", "ru"), art("c", "en"), art("b", "en")}
	want := []content.Article{art("a", "ru"), art("c", "en"), art("b", "en")}
	got := lastVersions(in)
	if !slices.EqualFunc(got, want, func(x, y content.Article) bool { return x.ID == y.ID && x.Lang == y.Lang }) {
		t.Errorf("lastVersions = %v, want %v", got, want)
	}
	unique := in[:2]
	if got := lastVersions(unique); &got[0] != &unique[0] {
		t.Error("lastVersions copied articles without duplicates")
	}
}

func TestIndexInvalidID(t *testing.T) {
	x := testIndex(t)
	err := x.Index(context.Background(), content.Article{ID: "ok", Lang: "en", Title: "Fine"}, content.Article{ID: "not ok", Lang: "en", Title: "Broken"})
	if err == nil {
		t.Fatal("no error for an invalid ID")
	}
	r, _ := x.Search(context.Background(), core.SearchQuery{Text: "fine", Lang: "en"})
	if r.Total != 0 {
		t.Errorf("the valid article of a failed call was indexed: %v", ids(r))
	}
}

func TestIndexCanceled(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := x.Index(ctx, testArticles(t)...); err == nil {
		t.Error("no error from a canceled context")
	}
}

func TestOddQueries(t *testing.T) {
	x := testIndex(t)
	tests := []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"white space", " \t\n\u00a0\u2003 "},
		{"punctuation", "?!.,;:—«»\"'()[]{}"},
		{"query syntax", `+title:festival -lang:ro "unclosed ~2 ^3 \ *fest* /re[/ AND OR NOT`},
		{"huge", strings.Repeat("festival știri выборы ", 20_000)},
		{"invalid UTF-8", "fest\xff\xfeival \xc3"},
		{"marks", string(core.MarkStart) + "festival" + string(core.MarkEnd)},
		{"emoji", "🎬 festival 👍🏽"},
		{"zero width and bidi", "fes\u200btival \u202eлавитсеф\u202c"},
		{"combining marks", "s\u0326tiri t\u0327ara"},
		{"control", "\x00\x01festival\x7f"},
		{"arabic and cjk", "مهرجان 电影节 映画祭"},
	}
	for _, tc := range tests {
		for _, lang := range []string{"", "ro", "ru", "en", "xx"} {
			t.Run(tc.name+"/"+lang, func(t *testing.T) {
				r, err := x.Search(context.Background(), core.SearchQuery{Text: tc.text, Lang: lang, Limit: 5})
				if err != nil {
					t.Fatalf("error: %v", err)
				}
				checkResult(t, r, 5)
			})
		}
	}
}

// checkResult checks what every result must be.
func checkResult(t *testing.T, r core.SearchResult, limit int) {
	t.Helper()
	if len(r.Hits) > limit || r.Total < len(r.Hits) {
		t.Errorf("%d hits of %d, limit %d", len(r.Hits), r.Total, limit)
	}
	for _, h := range r.Hits {
		checkSnippet(t, h.Snippet)
	}
}

// checkSnippet checks a snippet's length, encoding and marks.
func checkSnippet(t *testing.T, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("snippet is not UTF-8: %q", s)
	}
	text := strings.TrimSuffix(strings.TrimPrefix(s, ellipsis), ellipsis)
	text = strings.Map(func(r rune) rune {
		if r == core.MarkStart || r == core.MarkEnd {
			return -1
		}
		return r
	}, text)
	if n := utf8.RuneCountInString(text); n > SnippetRunes {
		t.Errorf("snippet has %d characters: %q", n, s)
	}
	open := false
	for _, r := range s {
		switch r {
		case core.MarkStart:
			if open {
				t.Errorf("nested mark in %q", s)
			}
			open = true
		case core.MarkEnd:
			if !open {
				t.Errorf("unopened mark in %q", s)
			}
			open = false
		}
	}
	if open {
		t.Errorf("unclosed mark in %q", s)
	}
}

func TestSearchClosed(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(x.temp); !os.IsNotExist(err) {
		t.Errorf("temporary directory %s left after Close: %v", x.temp, err)
	}
	if err := x.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := x.Search(context.Background(), core.SearchQuery{Text: "festival"}); err == nil {
		t.Error("no error from a closed index")
	}
}

// TestConcurrent indexes and searches at once; run it with -race.
func TestConcurrent(t *testing.T) {
	x := testIndex(t)
	ctx := context.Background()
	as := testArticles(t)
	done := make(chan error, 4)
	for g := range 4 {
		go func() {
			for i := range 20 {
				if g == 0 {
					a := as[i%len(as)]
					a.Title += fmt.Sprint(" ", i)
					if err := x.Index(ctx, a); err != nil {
						done <- err
						return
					}
					continue
				}
				if _, err := x.Search(ctx, core.SearchQuery{Text: "știri выборы elections", Limit: 3}); err != nil {
					done <- err
					return
				}
			}
			done <- nil
		}()
	}
	for range 4 {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

// TestFiltersKeepScores checks that section filters, alone and with the
// language filter of the fallback fields, choose articles without changing
// their scores.
func TestFiltersKeepScores(t *testing.T) {
	x := testIndex(t)
	ctx := context.Background()
	for _, q := range []core.SearchQuery{
		{Text: "Moldova festival", Section: "politics"},
		{Text: "Moldova festival", Section: "culture"},
		{Text: "wahlen", Lang: "de", Section: "politics"},
	} {
		t.Run(q.Text+"/"+q.Section, func(t *testing.T) {
			unfiltered := q
			unfiltered.Section, unfiltered.Limit = "", MaxLimit
			all, err := x.Search(ctx, unfiltered)
			if err != nil {
				t.Fatal(err)
			}
			scores := map[string]float64{}
			for _, h := range all.Hits {
				scores[h.ArticleID] = h.Score
			}
			r, err := x.Search(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Hits) == 0 {
				t.Fatal("no hits")
			}
			for _, h := range r.Hits {
				if want, ok := scores[h.ArticleID]; !ok || h.Score != want {
					t.Errorf("%s scores %v, %v without the section filter", h.ArticleID, h.Score, want)
				}
			}
		})
	}
}
