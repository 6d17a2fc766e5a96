package summary

import (
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/lang/ro"
	"github.com/blevesearch/bleve/v2/analysis/lang/ru"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/romanian"
	"github.com/blevesearch/snowballstem/russian"
)

// analyzer turns text into the terms that sentences are compared by:
// normalised words without stop words, stemmed with the language's Snowball
// stemmer. A language without one gets normalised words only.
type analyzer struct {
	stop map[string]bool
	stem func(string) string

	mu    sync.Mutex
	cache map[string]string // word -> stem; reset when it grows past maxStems
}

// maxStems bounds an analyzer's stem cache.
const maxStems = 1 << 16

var (
	analyzersOnce sync.Once
	analyzers     map[string]*analyzer
	generic       = &analyzer{stop: map[string]bool{}}
)

// analyzerFor returns the analyzer of lang, or a generic one.
func analyzerFor(lang string) *analyzer {
	analyzersOnce.Do(func() {
		analyzers = map[string]*analyzer{
			"en": {stop: stopSet(en.EnglishStopWords), stem: snowball(english.Stem, nil)},
			"ro": {stop: stopSet(ro.RomanianStopWords), stem: snowball(romanian.Stem, toCedilla)},
			"ru": {stop: stopSet(ru.RussianStopWords), stem: snowball(russian.Stem, nil)},
		}
	})
	if a, ok := analyzers[lang]; ok {
		return a
	}
	return generic
}

// toCedilla rewrites ș/ț with comma below, our normal form, as the ş/ţ with
// cedilla that the Snowball Romanian stemmer expects.
var toCedilla = strings.NewReplacer("ș", "ş", "ț", "ţ")

// snowball wraps a generated Snowball stemmer.
func snowball(stem func(*snowballstem.Env) bool, pre *strings.Replacer) func(string) string {
	return func(w string) string {
		if pre != nil {
			w = pre.Replace(w)
		}
		env := snowballstem.NewEnv(w)
		stem(env)
		return env.Current()
	}
}

// stopSet parses a Lucene or Snowball stop word file: one word at the start
// of each line, comments after '#' or '|'.
func stopSet(data []byte) map[string]bool {
	set := make(map[string]bool)
	for _, line := range strings.Split(string(data), "\n") {
		if i := strings.IndexAny(line, "#|"); i >= 0 {
			line = line[:i]
		}
		for _, w := range strings.Fields(line) {
			set[Normalize(w)] = true
		}
	}
	return set
}

// terms appends the terms of s to dst.
func (a *analyzer) terms(dst []string, s string) []string {
	for _, w := range Words(s) {
		// A single byte is a letter like the "s" of "Putin's": no meaning alone.
		if a.stop[w] || len(w) == 1 {
			continue
		}
		dst = append(dst, a.stemWord(w))
	}
	return dst
}

// stemWord returns the stem of the normalised word w, from the cache when it
// can.
func (a *analyzer) stemWord(w string) string {
	if a.stem == nil {
		return w
	}
	a.mu.Lock()
	s, ok := a.cache[w]
	a.mu.Unlock()
	if ok {
		return s
	}
	s = a.stem(w)
	a.mu.Lock()
	if a.cache == nil || len(a.cache) >= maxStems {
		a.cache = make(map[string]string)
	}
	a.cache[w] = s
	a.mu.Unlock()
	return s
}
