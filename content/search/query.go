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
// kept (not a stop word), its terms. The first is the term every spelling
// of the word shares; a Romanian word typed with diacritics has a second
// one, its exact term (see roFilter).
type words struct {
	p     profile
	terms [][]string // terms[word]
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
// nothing in it is query syntax.
func (x *Index) read(p profile, text string) words {
	w := words{p: p}
	byPos := map[int][]string{}
	var order []int
	for _, t := range x.analyzers[p.analyzer].Analyze([]byte(text)) {
		if len(t.Term) == 0 {
			continue
		}
		if _, ok := byPos[t.Position]; !ok {
			order = append(order, t.Position)
		}
		byPos[t.Position] = append(byPos[t.Position], string(t.Term))
	}
	slices.Sort(order)
	for _, at := range order {
		terms := byPos[at]
		if slices.ContainsFunc(w.terms, func(t []string) bool { return slices.Equal(t, terms) }) {
			continue
		}
		w.terms = append(w.terms, terms)
		if len(w.terms) == maxQueryWords {
			break
		}
	}
	return w
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
		for i, term := range terms {
			weight := 1.0
			if i == 0 && len(terms) > 1 {
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
