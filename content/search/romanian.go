package search

import (
	"bytes"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/romanian"
)

// roFilter reads Romanian words with and without their diacritics, into
// one field, after lower-casing.
//
// Readers often type Romanian without diacritics ("stiri" for "știri"),
// and Snowball stems the two spellings differently ("stir" but "ştir"),
// so for every word it emits the stem of the word without diacritics
// (folded first, stemmed after, exactly as a query typed without them is).
// Folding after stemming instead would miss about one word in twenty that
// has diacritics (in the benchmark corpus; "Chișinău" stems to "chişinău"
// but "Chisinau" to "chisin", "orașele" to "oraş" but "orasele" to "ora").
//
// A word written with diacritics also gets, at the same position, its
// stem with them, marked with exactMark, so that a query spelled with
// diacritics ranks the articles spelling it so first. Those second terms
// count in the field's length, which BM25 reads: it grows by the share of
// words with diacritics, alike for all Romanian text.
//
// bleve's Romanian stop list and Snowball stemmer (bleve v2.6.3,
// snowballstem v0.9.0) are written with the cedilla letters ş and ţ, so the
// comma-below ș and ț that current text uses are rewritten to them first. A
// word is a stop word when it is one with or without its diacritics.
type roFilter struct {
	stop, stopFolded analysis.TokenMap
}

func newRoFilter(stop analysis.TokenMap) *roFilter {
	f := &roFilter{stop: stop, stopFolded: analysis.NewTokenMap()}
	for w := range stop {
		f.stopFolded.AddToken(string(fold([]byte(w))))
	}
	return f
}

func (f *roFilter) Filter(in analysis.TokenStream) analysis.TokenStream {
	out := in[:0]
	var exact analysis.TokenStream // the terms with diacritics
	for _, t := range in {
		if t.KeyWord || len(t.Term) == 0 {
			out = append(out, t)
			continue
		}
		word := roCedilla(t.Term)
		folded := fold(word)
		if f.stop[string(word)] || f.stopFolded[string(folded)] {
			continue
		}
		t.Term = roStem(folded, "")
		out = append(out, t)
		if !bytes.Equal(word, folded) {
			e := *t
			e.Term = roStem(word, exactMark)
			exact = append(exact, &e)
		}
	}
	// Nothing reads the stream in position order: the second terms go last.
	return append(out, exact...)
}

// roStem returns prefix and the Snowball stem of a Romanian word.
func roStem(word []byte, prefix string) []byte {
	env := snowballstem.NewEnv(string(word))
	romanian.Stem(env)
	return []byte(prefix + env.Current())
}
