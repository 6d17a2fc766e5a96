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
// has tells whether a field of the index holds a term at all: the query
// leaves out the terms no article has, and is nil when w cannot match
// (with all, when one of its words is nowhere). A clause that can match
// nothing still costs time: bleve advances it with the others at every
// candidate article.
func (w words) query(all bool, has func(field, term string) bool) query.Query {
	clauses := make([]query.Query, 0, len(w.terms))
	for _, terms := range w.terms {
		var alts []query.Query
		for i, term := range terms {
			weight := 1.0
			if i == 0 && len(terms) > 1 {
				weight = foldedWeight
			}
			for _, f := range textFields {
				field := f.name + w.p.suffix
				if !has(field, term) {
					continue
				}
				q := query.NewTermQuery(term)
				q.SetField(field)
				q.SetBoost(f.boost * weight)
				alts = append(alts, q)
			}
		}
		switch {
		case len(alts) > 0:
			clauses = append(clauses, query.NewDisjunctionQuery(alts))
		case all:
			return nil
		}
	}
	switch {
	case len(clauses) == 0:
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
