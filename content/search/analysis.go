package search

import (
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
	porterstemmer "github.com/blevesearch/go-porterstemmer"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/russian"
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
	filterRo     = "newsbot_ro"
	filterRuYo   = "newsbot_ru_yo"
	filterFold   = "newsbot_fold"
	filterRuStem = "newsbot_ru_stem"
	filterEnStem = "newsbot_en_stem"
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
	must(registry.RegisterTokenizer(tokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return wordTokenizer{}, nil
	}))
	must(registry.RegisterTokenFilter(filterRo, func(_ map[string]any, c *registry.Cache) (analysis.TokenFilter, error) {
		words, err := c.TokenMapNamed(ro.StopName)
		if err != nil {
			return nil, err
		}
		return newRoFilter(words), nil
	}))
	must(registry.RegisterTokenFilter(filterRuYo, filter(tokenFilter(ruYo))))
	must(registry.RegisterTokenFilter(filterFold, filter(tokenFilter(fold))))
	must(registry.RegisterTokenFilter(filterRuStem, filter(newStemmer(snowball(russian.Stem), ""))))
	must(registry.RegisterTokenFilter(filterEnStem, filter(newStemmer(porterStem, ""))))
	must(registry.RegisterAnalyzer(analyzerRo, chain(lowercase.Name, filterRo)))
	must(registry.RegisterAnalyzer(analyzerRu, chain(lowercase.Name, filterRuYo, ru.StopName, filterRuStem)))
	must(registry.RegisterAnalyzer(analyzerEn, chain(en.PossessiveName, lowercase.Name, filterFold, en.StopName, filterEnStem)))
	must(registry.RegisterAnalyzer(analyzerOther, chain(lowercase.Name, filterFold)))
}

// chain returns the constructor of an analyzer that splits text into words
// with wordTokenizer and runs the named token filters.
func chain(filters ...string) registry.AnalyzerConstructor {
	return func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		tok, err := c.TokenizerNamed(tokenizerName)
		if err != nil {
			return nil, err
		}
		a := &analysis.DefaultAnalyzer{Tokenizer: tok}
		for _, name := range filters {
			f, err := c.TokenFilterNamed(name)
			if err != nil {
				return nil, err
			}
			a.TokenFilters = append(a.TokenFilters, f)
		}
		return a, nil
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

// stemmer is a stemmer as a token filter, with an optional prefix
// put before every stem. It remembers the stems of recent words: news
// reuses its words, and looking a word up costs a fraction of stemming it.
//
// Its memory is direct-mapped, one word a slot, read and written with
// atomic pointers: the analysis goroutines of a batch share it without
// locks, and a word that collides with another only costs a stemming.
type stemmer struct {
	stem   func(word string) string
	prefix string
	slots  [stemSlots]atomic.Pointer[stemEntry]
}

// stemSlots is how many words a stemmer remembers: enough for the frequent
// words of news, small enough to stay in the processor's caches.
const stemSlots = 1 << 16

// stemEntry is a remembered word and its stem, in one cache line: the
// lookup of a word reads the slot and the entry and nothing else, where
// separate strings cost a cache miss more each (a lookup missing the
// processor's caches took an eighth of the indexing time).
type stemEntry struct {
	n, m uint8 // the lengths of the word and of the stem, in buf
	buf  [stemEntryBytes]byte
}

// stemEntryBytes is the room for a word and its stem; longer words are
// stemmed every time.
const stemEntryBytes = 62

func newStemmer(stem func(word string) string, prefix string) *stemmer {
	return &stemmer{stem: stem, prefix: prefix}
}

// snowball returns the stemming function of a Snowball stemmer.
func snowball(stem func(*snowballstem.Env) bool) func(string) string {
	return func(word string) string {
		env := snowballstem.NewEnv(word)
		stem(env)
		return env.Current()
	}
}

// porterStem stems an English word as bleve's "stem_porter" token filter
// does, which it replaces in analyzerEn to use the stemmer's memory.
func porterStem(word string) string {
	return string(porterstemmer.StemWithoutLowerCasing([]rune(word)))
}

// Filter stems the tokens. The stems it puts in tokens are shared with its
// memory: token filters after it must not change terms in place.
func (s *stemmer) Filter(in analysis.TokenStream) analysis.TokenStream {
	for _, t := range in {
		if t.KeyWord || len(t.Term) == 0 {
			continue
		}
		t.Term = s.of(t.Term)
	}
	return in
}

// of returns the stem of word, with the prefix. The stem may be shared:
// callers must not change it in place (its capacity ends with it, so
// appending copies).
func (s *stemmer) of(word []byte) []byte {
	slot := &s.slots[hashOf(word)%stemSlots]
	if e := slot.Load(); e != nil && int(e.n) == len(word) && string(e.buf[:e.n]) == string(word) {
		end := int(e.n) + int(e.m)
		return e.buf[e.n:end:end]
	}
	stem := s.stem(string(word))
	if len(word)+len(s.prefix)+len(stem) > stemEntryBytes {
		return []byte(s.prefix + stem)
	}
	e := &stemEntry{n: uint8(len(word)), m: uint8(len(s.prefix) + len(stem))}
	copy(e.buf[copy(e.buf[:], word):], s.prefix)
	copy(e.buf[len(word)+len(s.prefix):], stem)
	slot.Store(e)
	end := int(e.n) + int(e.m)
	return e.buf[e.n:end:end]
}

func hashOf(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	return h
}
