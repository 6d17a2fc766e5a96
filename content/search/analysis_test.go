package search

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"
)

// terms returns what analyzer makes of text.
func terms(t *testing.T, analyzer, text string) []string {
	t.Helper()
	a, err := registry.NewCache().AnalyzerNamed(analyzer)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, tok := range a.Analyze([]byte(text)) {
		out = append(out, string(tok.Term))
	}
	return out
}

func TestAnalyzers(t *testing.T) {
	tests := []struct {
		name, analyzer, text string
		want                 []string
	}{
		// Every Romanian word is stemmed without its diacritics, as a
		// query typed without them is; a word with diacritics also has its
		// exact stem, marked, after the others. bleve's Romanian stop list
		// and stemmer are written with the cedilla ş/ţ: comma-below text
		// must be rewritten to match them.
		{"ro comma-below", analyzerRo, "Știrile țării", []string{"stir", "tar", "=ştir", "=ţăr"}},
		{"ro cedilla", analyzerRo, "Ştirile ţării", []string{"stir", "tar", "=ştir", "=ţăr"}},
		{"ro decomposed", analyzerRo, "S\u0326tirile", []string{"stir", "=ştir"}},
		{"ro without diacritics", analyzerRo, "Stirile tarii", []string{"stir", "tar"}},
		{"ro stemmed without diacritics first", analyzerRo, "Chișinău orașele", []string{"chisin", "ora", "=chişinău", "=oraş"}},
		{"ro comma-below stop words", analyzerRo, "și acești", nil},
		{"ro cedilla stop words", analyzerRo, "şi aceşti", nil},
		{"ro stop words without diacritics", analyzerRo, "si acesti sa", nil},
		{"ru stemming", analyzerRu, "выборы выборах выборов", []string{"выбор", "выбор", "выбор"}},
		{"ru yo", analyzerRu, "Ёлка ёлки елка", []string{"елк", "елк", "елк"}},
		{"ru yo stop word", analyzerRu, "всё", nil},
		{"ru keeps й", analyzerRu, "район", []string{"район"}},
		{"en stemming", analyzerEn, "Elections elected", []string{"elect", "elect"}},
		{"en possessive", analyzerEn, "Moldova's", []string{"moldova"}},
		{"en folded", analyzerEn, "Chișinău Chisinau", []string{"chisinau", "chisinau"}},
		{"other folded, no stemming", analyzerOther, "Veröffentlicht Wahlen", []string{"veroffentlicht", "wahlen"}},
		{"other keeps scripts", analyzerOther, "Київ", []string{"київ"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := terms(t, tc.analyzer, tc.text); !slices.Equal(got, tc.want) {
				t.Errorf("%s(%q) = %q, want %q", tc.analyzer, tc.text, got, tc.want)
			}
		})
	}
}

func TestTokenizer(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"words", "Hello, world!", []string{"Hello", "world"}},
		{"diacritics", "Știri din țară", []string{"Știri", "din", "țară"}},
		{"combining marks", "s\u0326tiri", []string{"s\u0326tiri"}},
		{"cyrillic", "Выборы — в марте.", []string{"Выборы", "в", "марте"}},
		{"hyphen", "s-a dus", []string{"s", "a", "dus"}},
		{"apostrophe", "it's Moldova’s", []string{"it's", "Moldova’s"}},
		{"apostrophe at the edges", "'quoted' rock'", []string{"quoted", "rock"}},
		{"numbers", "3.5% of 1,000 in 2026.", []string{"3.5", "of", "1,000", "in", "2026"}},
		{"han", "电影节 film", []string{"电", "影", "节", "film"}},
		{"emoji and symbols", "🎬 a+b=c", []string{"a", "b", "c"}},
		{"empty", "", nil},
		{"invalid UTF-8", "ab\xffcd", []string{"ab", "cd"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for i, tok := range (wordTokenizer{}).Tokenize([]byte(tc.text)) {
				got = append(got, string(tok.Term))
				if tok.Position != i+1 || tc.text[tok.Start:tok.End] != string(tok.Term) {
					t.Errorf("token %d: %+v", i, tok)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Tokenize(%q) = %q, want %q", tc.text, got, tc.want)
			}
		})
	}
}

// TestMemoAnalyzer checks that remembering words changes nothing: each
// analyzer gives the terms, positions and offsets its filters give without
// a memory, on words met for the first time and on words remembered, from
// goroutines sharing the memory.
func TestMemoAnalyzer(t *testing.T) {
	articles := synthetic(300)
	c := registry.NewCache()
	for _, p := range profiles {
		t.Run(p.analyzer, func(t *testing.T) {
			a, err := c.AnalyzerNamed(p.analyzer)
			if err != nil {
				t.Fatal(err)
			}
			memo := a.(*memoAnalyzer)
			plain := &analysis.DefaultAnalyzer{Tokenizer: wordTokenizer{}, TokenFilters: memo.filters}
			var texts []string
			for _, art := range articles {
				if p.lang == "" || art.Lang == p.lang {
					texts = append(texts, art.Title, art.Lead, strings.Join(art.Body, "\n"))
				}
			}
			texts = append(texts, "Știrile ţării Moldova's ЁЛКИ всё 3.5% "+strings.Repeat("ș", 40))
			var wg sync.WaitGroup
			for range 4 {
				wg.Go(func() {
					for pass := range 2 {
						for _, text := range texts {
							got, want := memo.Analyze([]byte(text)), plain.Analyze([]byte(text))
							if !sameTokens(got, want) {
								t.Errorf("pass %d: %q: memo %v, plain %v", pass, text, got, want)
								return
							}
						}
					}
				})
			}
			wg.Wait()
		})
	}
}

func sameTokens(a, b analysis.TokenStream) bool {
	return slices.EqualFunc(a, b, func(x, y *analysis.Token) bool {
		return string(x.Term) == string(y.Term) && x.Position == y.Position && x.Start == y.Start && x.End == y.End
	})
}

// wordTokenizer is eachWord as a bleve tokenizer, for the plain analyzers
// the tests compare memoAnalyzer with: a token for every word.
type wordTokenizer struct{}

func (wordTokenizer) Tokenize(in []byte) analysis.TokenStream {
	var out analysis.TokenStream
	eachWord(in, func(start, end int, numeric bool) {
		out = append(out, &analysis.Token{Term: in[start:end:end], Start: start, End: end, Position: len(out) + 1, Type: tokenType(numeric)})
	})
	return out
}
