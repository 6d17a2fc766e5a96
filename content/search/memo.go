package search

import (
	"bytes"
	"hash/maphash"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2/analysis"
)

// memoAnalyzer splits text into words with eachWord and runs each
// word through its token filters, remembering what the filters made of
// recent words: news reuses its words, and looking a word up costs a
// fraction of lower-casing, folding, checking the stop list and stemming
// it again (analysis took a third of the indexing time before).
//
// Every filter of the chain must work word by word: what it makes of a
// token may depend on the token's term alone, not on its neighbours, its
// position or its type. The filters may drop a word (a stop word) or give
// it more than one term at the same position (see roFilter); the extra
// terms go after the others, in the order of their words.
//
// The terms it returns may be shared with its memory: nothing may change a
// term in place (their capacity ends with them, so appending copies).
type memoAnalyzer struct {
	filters []analysis.TokenFilter
	memo    *wordMemo
}

func newMemoAnalyzer(filters ...analysis.TokenFilter) *memoAnalyzer {
	return &memoAnalyzer{filters: filters, memo: new(wordMemo)}
}

func (a *memoAnalyzer) Analyze(input []byte) analysis.TokenStream {
	// Tokens are made only for the terms kept, not for stop words, in
	// chunks: a token per kept word takes about twelve bytes of text in
	// our languages (a Cyrillic letter takes two).
	tokens := tokenChunks{next: make([]analysis.Token, 0, min(len(input)/12+1, 512))}
	out := make(analysis.TokenStream, 0, cap(tokens.next))
	var extra analysis.TokenStream
	pos := 0
	eachWord(input, func(start, end int, numeric bool) {
		pos++
		word := input[start:end:end]
		emit := func(i int, term []byte) {
			t := tokens.new()
			*t = analysis.Token{Term: term, Start: start, End: end, Position: pos, Type: tokenType(numeric)}
			if i == 0 {
				out = append(out, t)
			} else {
				extra = append(extra, t)
			}
		}
		if e := a.memo.load(word); e != nil {
			for i := range int(e.k) {
				emit(i, e.term(i))
			}
			return
		}
		for i, term := range a.learn(word) {
			emit(i, term)
		}
	})
	return append(out, extra...)
}

// tokenChunks hands out tokens from slices of a few at a time.
type tokenChunks struct{ next []analysis.Token }

func (c *tokenChunks) new() *analysis.Token {
	if len(c.next) == cap(c.next) {
		c.next = make([]analysis.Token, 0, 64)
	}
	c.next = c.next[:len(c.next)+1]
	return &c.next[len(c.next)-1]
}

// learn runs word through the filters, remembers the terms they make of it
// when they fit in the memory, and returns them.
func (a *memoAnalyzer) learn(word []byte) [][]byte {
	word = bytes.Clone(word) // filters may change the term in place
	one := analysis.TokenStream{{Term: bytes.Clone(word), End: len(word), Position: 1, Type: analysis.AlphaNumeric}}
	for _, f := range a.filters {
		one = f.Filter(one)
	}
	terms := make([][]byte, len(one))
	for i, t := range one {
		terms[i] = t.Term
	}
	a.memo.store(word, terms)
	return terms
}

// wordMemo remembers the terms of recent words. It is direct-mapped, one
// word a slot, read and written with atomic pointers: the analysis
// goroutines of a batch share it without locks, and a word that collides
// with another only costs running the filters again.
type wordMemo struct {
	slots [memoSlots]atomic.Pointer[memoEntry]
}

// memoSlots is how many words a memory holds: enough for the frequent
// words of news (most misses are words met for the first time), small
// enough that the slots stay in the processor's caches.
const memoSlots = 1 << 17

// memoEntry is a remembered word and its terms, in one 64-byte cache line:
// a lookup reads the slot and the entry and nothing else.
type memoEntry struct {
	n, k uint8    // the length of the word, the number of its terms (0 to 2)
	m    [2]uint8 // the lengths of the terms
	buf  [memoBytes]byte
}

// memoBytes is the room for a word and its terms; words that need more are
// run through the filters every time.
const memoBytes = 60

// memoSeed keys the hash of the slots; any seed spreads words alike.
var memoSeed = maphash.MakeSeed()

func (m *wordMemo) slot(word []byte) *atomic.Pointer[memoEntry] {
	return &m.slots[maphash.Bytes(memoSeed, word)%memoSlots]
}

// load returns the entry of word, or nil when word is not remembered.
func (m *wordMemo) load(word []byte) *memoEntry {
	e := m.slot(word).Load()
	if e == nil || int(e.n) != len(word) || string(e.buf[:e.n]) != string(word) {
		return nil
	}
	return e
}

// store remembers the terms of word when they fit in an entry.
func (m *wordMemo) store(word []byte, terms [][]byte) {
	size := len(word)
	for _, t := range terms {
		size += len(t)
	}
	if len(terms) > len(memoEntry{}.m) || size > memoBytes {
		return
	}
	e := &memoEntry{n: uint8(len(word)), k: uint8(len(terms))}
	at := copy(e.buf[:], word)
	for i, t := range terms {
		e.m[i] = uint8(len(t))
		at += copy(e.buf[at:], t)
	}
	m.slot(word).Store(e)
}

// term returns the i-th term of e, shared with e.
func (e *memoEntry) term(i int) []byte {
	start := int(e.n)
	for j := range i {
		start += int(e.m[j])
	}
	end := start + int(e.m[i])
	return e.buf[start:end:end]
}
