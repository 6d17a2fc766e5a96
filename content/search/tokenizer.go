package search

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
)

// wordByte tells which ASCII bytes are word characters.
var wordByte = func() (t [utf8.RuneSelf]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return wordByte[r]
	}
	if r < wordRunesLow {
		return wordRuneLow[r]
	}
	return isWordRuneSlow(r)
}

func isWordRuneSlow(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.In(r, unicode.Mn, unicode.Mc, unicode.Nl, unicode.No)
}

// wordRunesLow ends the runes whose answer isWordRune looks up in a
// table: Latin with diacritics, combining marks, Greek and Cyrillic, the
// letters of our languages, which the Unicode tables answer slowly.
const wordRunesLow = 0x530

var wordRuneLow = func() (t [wordRunesLow]bool) {
	for r := range rune(wordRunesLow) {
		t[r] = isWordRuneSlow(r)
	}
	return t
}()

func isIdeo(r rune) bool {
	return r >= 0x0E00 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai)
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= utf8.RuneSelf && unicode.IsDigit(r) }

func tokenType(numeric bool) analysis.TokenType {
	if numeric {
		return analysis.Numeric
	}
	return analysis.AlphaNumeric
}

// eachWord calls fn with the byte range of each word of in, in order, and
// whether the word is a number. Words are runs of letters, digits and
// combining marks. An apostrophe between letters stays inside a word
// ("it's", "l'aviz"), and so does a '.' or ',' between digits ("3.5",
// "1,000"). Han, Hiragana, Katakana and Thai characters are one word each,
// as in UAX #29 tokenizers, since those scripts do not separate words by
// spaces.
//
// It does what bleve's "unicode" tokenizer does for news text at a fraction
// of the cost: that one implements all of UAX #29 word boundaries, and took
// a fifth of the indexing time.
func eachWord(in []byte, fn func(start, end int, numeric bool)) {
	start := -1 // the current word's start, or -1 between words
	numeric := true
	var prev rune
	for i := 0; i < len(in); {
		r, n := rune(in[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(in[i:])
		}
		switch {
		case isIdeo(r):
			if start >= 0 {
				fn(start, i, numeric)
				start = -1
			}
			fn(i, i+n, false)
		case isWordRune(r):
			if start < 0 {
				start, numeric = i, true
			}
			numeric = numeric && isDigit(r)
		case start >= 0 && i+n < len(in) && joins(prev, r, in[i+n:]):
			// Inside a word: keep going.
		default:
			if start >= 0 {
				fn(start, i, numeric)
				start = -1
			}
		}
		prev = r
		i += n
	}
	if start >= 0 {
		fn(start, len(in), numeric)
	}
}

// joins reports whether r, between prev and the text rest, is inside a
// word: an apostrophe between letters, or a decimal point or thousands
// separator between digits.
func joins(prev, r rune, rest []byte) bool {
	next, _ := utf8.DecodeRune(rest)
	switch r {
	case '\'', '\u2019':
		return unicode.IsLetter(prev) && unicode.IsLetter(next)
	case '.', ',':
		return isDigit(prev) && isDigit(next)
	}
	return false
}
