package search

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search/query"
)

// Bounds of a query, so that no text a user can send makes a search slow.
const (
	maxQueryBytes = 1024
	maxQueryWords = 16
)

// words is a user's query read by one language's profile: for each word
// kept (not a stop word), its terms. A word's own terms come first: the
// term every spelling of the word shares, then, for a Romanian word typed
// with diacritics, its exact term (see roFilter). The terms of the word's
// other case forms follow (see forms).
type words struct {
	p     profile
	terms [][]string // terms[word]
	own   []int      // own[word]: how many of terms[word] are the word's own; all when own is nil
}

// foldedWeight is the weight of a match without the diacritics the query
// word was typed with: "țara" ranks "țara" above "tara".
const foldedWeight = 0.5

// cleanText makes user text safe to analyze: valid UTF-8, at most
// maxQueryBytes, without our highlight marks.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, " ")
	if len(s) > maxQueryBytes {
		cut := maxQueryBytes
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut]
	}
	return strings.Map(func(r rune) rune {
		if r == markStart || r == markEnd {
			return ' '
		}
		return r
	}, s)
}

// read analyzes text with p's analyzer. The text is read as plain words:
// nothing in it is query syntax. Each word also gets the terms of its case
// forms.
func (x *Index) read(p profile, text string) words {
	w := words{p: p}
	an := x.analyzers[p.analyzer]
	byPos := map[int][]string{}
	spans := map[int][2]int{}
	var order []int
	for _, t := range an.Analyze([]byte(text)) {
		if len(t.Term) == 0 {
			continue
		}
		if _, ok := byPos[t.Position]; !ok {
			order = append(order, t.Position)
			spans[t.Position] = [2]int{t.Start, t.End}
		}
		byPos[t.Position] = append(byPos[t.Position], string(t.Term))
	}
	slices.Sort(order)
	for _, at := range order {
		terms := byPos[at]
		own := len(terms)
		if fs := forms(p.lang, strings.ToLower(text[spans[at][0]:spans[at][1]])); len(fs) > 0 {
			for _, t := range an.Analyze([]byte(strings.Join(fs, " "))) {
				if term := string(t.Term); term != "" && !slices.Contains(terms, term) {
					terms = append(terms, term)
				}
			}
		}
		if slices.ContainsFunc(w.terms, func(t []string) bool { return sameTerms(t, terms) }) {
			continue
		}
		w.terms = append(w.terms, terms)
		w.own = append(w.own, own)
		if len(w.terms) == maxQueryWords {
			break
		}
	}
	return w
}

// sameTerms reports whether a and b, lists without repeats, hold the same
// strings.
func sameTerms(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

// dropAbsent returns w without the terms of other case forms that no text
// field of w's language has: left in, they would only scale the word's
// score down (see query). The word's own terms stay.
func (w words) dropAbsent(has func(field, term string) bool) words {
	out := words{p: w.p, terms: make([][]string, len(w.terms)), own: w.own}
	for i, terms := range w.terms {
		own := len(terms)
		if w.own != nil {
			own = w.own[i]
		}
		kept := terms[:own:own]
		for _, term := range terms[own:] {
			for _, f := range textFields {
				if has(f.name+w.p.suffix, term) {
					kept = append(kept, term)
					break
				}
			}
		}
		out.terms[i] = kept
	}
	return out
}

// query returns the query for w: with all, every word must match; else any
// word may, and articles matching more words score higher.
//
// has tells whether a field of the index holds a term at all. A term no
// article has in a field becomes a query that matches nothing at no cost,
// where a term query would cost time (bleve advances it with the others at
// every candidate article); it still counts among the clauses of its
// word, since bleve scales a word's score by the share of its clauses an
// article matches, and a word no article has stays a clause of the query
// for the same reason. The query is nil when w cannot match: when none of
// its words is anywhere, or with all, when one of them is nowhere. (A nil
// query leaves out a whole language, which scales every article's score
// alike: an article matches the query of its language only.)
func (w words) query(all bool, has func(field, term string) bool) query.Query {
	clauses := make([]query.Query, 0, len(w.terms))
	matchable := false
	for _, terms := range w.terms {
		var alts []query.Query
		found := false
		hasExact := slices.ContainsFunc(terms, func(t string) bool { return strings.HasPrefix(t, exactMark) })
		for _, term := range terms {
			weight := 1.0
			if hasExact && !strings.HasPrefix(term, exactMark) {
				weight = foldedWeight
			}
			for _, f := range textFields {
				field := f.name + w.p.suffix
				if !has(field, term) {
					alts = append(alts, query.NewMatchNoneQuery())
					continue
				}
				q := query.NewTermQuery(term)
				q.SetField(field)
				q.SetBoost(f.boost * weight)
				alts = append(alts, q)
				found = true
			}
		}
		switch {
		case found:
			clauses = append(clauses, query.NewDisjunctionQuery(alts))
			matchable = true
		case all:
			return nil
		default:
			clauses = append(clauses, query.NewMatchNoneQuery())
		}
	}
	switch {
	case !matchable:
		return nil
	case len(clauses) == 1:
		return clauses[0]
	case all:
		return query.NewConjunctionQuery(clauses)
	}
	return query.NewDisjunctionQuery(clauses)
}

// termWords returns, for snippets, the word of w each term stands for.
func (w words) termWords() map[string]int {
	m := make(map[string]int, len(w.terms))
	for i, terms := range w.terms {
		for _, t := range terms {
			m[t] = i
		}
	}
	return m
}
