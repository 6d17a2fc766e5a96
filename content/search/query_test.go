package search

import (
	"testing"

	"github.com/blevesearch/bleve/v2/search/query"
)

// TestQueryLeavesOutAbsentTerms checks that a query holds only the terms
// its fields have, and that requiring every word of which one is nowhere
// gives no query at all.
func TestQueryLeavesOutAbsentTerms(t *testing.T) {
	w := words{p: profileRo, terms: [][]string{{"tar", "=ţăr"}, {"stir"}}}
	// "=ţăr" is in no field, "stir" only in bodies.
	has := func(field, term string) bool { return term == "tar" || term == "stir" && field == fieldBody+"_ro" }
	var count func(q query.Query) int
	count = func(q query.Query) (n int) {
		switch q := q.(type) {
		case *query.TermQuery:
			return 1
		case *query.DisjunctionQuery:
			for _, c := range q.Disjuncts {
				n += count(c)
			}
		case *query.ConjunctionQuery:
			for _, c := range q.Conjuncts {
				n += count(c)
			}
		}
		return n
	}
	if n := count(w.query(true, has)); n != 4 {
		t.Errorf("every word: %d term queries, want 4 (tar in 3 fields, stir in 1)", n)
	}
	none := func(field, term string) bool { return term == "tar" }
	if q := w.query(true, none); q != nil {
		t.Errorf("every word, one nowhere: %#v, want nil", q)
	}
	if n := count(w.query(false, none)); n != 3 {
		t.Errorf("any word, one nowhere: %d term queries, want 3", n)
	}
	if q := w.query(false, func(string, string) bool { return false }); q != nil {
		t.Errorf("nothing anywhere: %#v, want nil", q)
	}
}
