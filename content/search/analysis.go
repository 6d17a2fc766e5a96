package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	"github.com/blevesearch/bleve/v2/registry"
	"golang.org/x/text/unicode/norm"
)

// The analyzers of the index, registered with bleve under these names so
// that a persisted index finds them again when it is opened.
const (
	// analyzerRo is Romanian, with and without diacritics in one field:
	// see roFilter.
	analyzerRo = "newsbot_ro"
	// analyzerRu is Russian with ё read as е, as the Snowball stemmer and
	// the stop list expect.
	analyzerRu = "newsbot_ru"
	// analyzerEn is bleve's English analysis (possessives, stop words, the
	// Porter stemmer) with diacritics folded: English news spells local
	// names both ways, "Chișinău" and "Chisinau".
	analyzerEn = "newsbot_en"
	// analyzerOther serves every other language: words lower-cased and
	// without diacritics, with no stop list and no stemming, so any
	// language matches on whole words.
	analyzerOther = "newsbot_other"
)

// Token filters of our own.
const (
	filterRo   = "newsbot_ro"
	filterRuYo = "newsbot_ru_yo"
	filterFold = "newsbot_fold"
)

// exactMark starts the terms of roFilter that keep a word's diacritics, so
// that they never equal a term without them. The tokenizer never puts it in
// a word.
const exactMark = "="

func init() {
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	filter := func(f analysis.TokenFilter) registry.TokenFilterConstructor {
		return func(map[string]any, *registry.Cache) (analysis.TokenFilter, error) { return f, nil }
	}
	must(registry.RegisterTokenFilter(filterRo, func(_ map[string]any, c *registry.Cache) (analysis.TokenFilter, error) {
		words, err := c.TokenMapNamed(ro.StopName)
		if err != nil {
			return nil, err
		}
		return newRoFilter(words), nil
	}))
	must(registry.RegisterTokenFilter(filterRuYo, filter(tokenFilter(ruYo))))
	must(registry.RegisterTokenFilter(filterFold, filter(tokenFilter(fold))))
	must(registry.RegisterAnalyzer(analyzerRo, chain(lowercase.Name, filterRo)))
	must(registry.RegisterAnalyzer(analyzerRu, chain(lowercase.Name, filterRuYo, ru.StopName, ru.SnowballStemmerName)))
	must(registry.RegisterAnalyzer(analyzerEn, chain(en.PossessiveName, lowercase.Name, filterFold, en.StopName, porter.Name)))
	must(registry.RegisterAnalyzer(analyzerOther, chain(lowercase.Name, filterFold)))
}

// chain returns the constructor of an analyzer that splits text into words
// with eachWord and runs the named token filters, which must work
// word by word (see memoAnalyzer).
func chain(filters ...string) registry.AnalyzerConstructor {
	return func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		var fs []analysis.TokenFilter
		for _, name := range filters {
			f, err := c.TokenFilterNamed(name)
			if err != nil {
				return nil, err
			}
			fs = append(fs, f)
		}
		return newMemoAnalyzer(fs...), nil
	}
}

// tokenFilter rewrites each token's term with f. Token offsets still point
// into the original text, so that snippets can mark the original words.
type tokenFilter func(term []byte) []byte

func (f tokenFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		t.Term = f(t.Term)
	}
	return in
}

// The letters Romanian writes in two forms. The comma-below forms are the
// correct ones; the cedilla forms come from old keyboards and fonts and are
// still common in feeds. Both take two bytes in UTF-8.
const (
	sComma   = 'ș' // U+0219
	tComma   = 'ț' // U+021B
	sCedilla = 'ş' // U+015F
	tCedilla = 'ţ' // U+0163
)

// roCedilla rewrites a lower-cased Romanian word into the form bleve's
// Romanian stop list and Snowball stemmer are written in, which is the
// cedilla form ş/ţ (checked in bleve v2.6.3 analysis/lang/ro and
// snowballstem/romanian). Decomposed letters (s + combining comma) are
// composed first.
func roCedilla(term []byte) []byte {
	if isASCII(term) {
		return term
	}
	if !norm.NFC.IsNormal(term) {
		term = norm.NFC.Bytes(term)
	}
	for i := 0; i < len(term); {
		r, n := utf8.DecodeRune(term[i:])
		switch r {
		case sComma:
			utf8.EncodeRune(term[i:], sCedilla)
		case tComma:
			utf8.EncodeRune(term[i:], tCedilla)
		}
		i += n
	}
	return term
}

// ruYo reads ё as е in a lower-cased Russian word, as Russian print mostly
// does; both letters take two bytes in UTF-8.
func ruYo(term []byte) []byte {
	if isASCII(term) {
		return term
	}
	for i := 0; i+1 < len(term); i++ {
		if term[i] == 0xD1 && term[i+1] == 0x91 { // ё
			term[i], term[i+1] = 0xD0, 0xB5 // е
		}
	}
	return term
}

// latinFold maps the Latin letters with diacritics in U+00C0..U+024F to
// their base letters: ă, â and à to a, ș and ş to s, and so on.
var latinFold = func() map[rune]rune {
	m := make(map[rune]rune)
	for r := rune(0xC0); r <= 0x24F; r++ {
		d := []rune(norm.NFD.String(string(r)))
		if len(d) > 1 && d[0] < utf8.RuneSelf && allMarks(d[1:]) {
			m[r] = d[0]
		}
	}
	return m
}()

func allMarks(rs []rune) bool {
	for _, r := range rs {
		if !unicode.Is(unicode.Mn, r) {
			return false
		}
	}
	return true
}

// fold removes the diacritics of Latin letters and drops combining marks.
// Other scripts are left alone: folding й to и would merge Russian words.
func fold(term []byte) []byte {
	if isASCII(term) {
		return term
	}
	out := make([]byte, 0, len(term))
	for _, r := range string(term) {
		if b, ok := latinFold[r]; ok {
			r = b
		} else if unicode.Is(unicode.Mn, r) {
			continue
		}
		out = utf8.AppendRune(out, r)
	}
	return out
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
