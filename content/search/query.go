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
// kept (not a stop word in any analysis of the language), its term in each
// analysis set, in the order of the profile's sets.
type words struct {
	p     profile
	terms [][]string // terms[word][set]
}

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

// read analyzes text with every set of p. The text is read as plain words:
// nothing in it is query syntax.
func (x *Index) read(p profile, text string) words {
	w := words{p: p}
	type pos struct {
		terms []string
		seen  int
	}
	byPos := map[int]*pos{}
	var order []int
	for i, s := range p.sets {
		for _, t := range x.analyzers[s.analyzer].Analyze([]byte(text)) {
			if len(t.Term) == 0 {
				continue
			}
			e := byPos[t.Position]
			if e == nil {
				e = &pos{terms: make([]string, len(p.sets))}
				byPos[t.Position] = e
				order = append(order, t.Position)
			}
			if e.terms[i] == "" {
				e.terms[i] = string(t.Term)
				e.seen++
			}
		}
	}
	slices.Sort(order)
	for _, at := range order {
		e := byPos[at]
		// A word some analysis drops as a stop word is left out: requiring
		// it in the other analysis would demand a stop word.
		if e.seen < len(p.sets) || slices.ContainsFunc(w.terms, func(t []string) bool { return slices.Equal(t, e.terms) }) {
			continue
		}
		w.terms = append(w.terms, e.terms)
		if len(w.terms) == maxQueryWords {
			break
		}
	}
	return w
}

// query returns the query for w: with all, every word must match; else any
// word may, and articles matching more words score higher.
func (w words) query(all bool) query.Query {
	if len(w.terms) == 0 {
		return nil
	}
	clauses := make([]query.Query, 0, len(w.terms))
	for _, terms := range w.terms {
		sets := w.p.sets
		if len(sets) > 1 && !slices.ContainsFunc(terms, func(t string) bool { return t != terms[0] }) {
			// A word every analysis reads alike was typed without
			// diacritics ("stiri"): the folded fields, last, find every
			// article the others would, and searching them alone halves
			// the work. They weigh as much as exact matches here, since
			// nothing matches more exactly.
			last := sets[len(sets)-1]
			last.weight = sets[0].weight
			sets, terms = []analysisSet{last}, terms[len(terms)-1:]
		}
		var alts []query.Query
		for i, s := range sets {
			for _, f := range textFields {
				q := query.NewTermQuery(terms[i])
				q.SetField(f.name + s.suffix)
				q.SetBoost(f.boost * s.weight)
				alts = append(alts, q)
			}
		}
		clauses = append(clauses, query.NewDisjunctionQuery(alts))
	}
	if len(clauses) == 1 {
		return clauses[0]
	}
	if all {
		return query.NewConjunctionQuery(clauses)
	}
	return query.NewDisjunctionQuery(clauses)
}

// termSets returns, per analyzer, the terms w searches for, for snippets.
func (w words) termSets() map[string]map[string]bool {
	sets := make(map[string]map[string]bool, len(w.p.sets))
	for i, s := range w.p.sets {
		m := make(map[string]bool, len(w.terms))
		for _, t := range w.terms {
			m[t[i]] = true
		}
		sets[s.analyzer] = m
	}
	return sets
}
