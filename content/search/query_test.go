package search

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// TestQueryLeavesOutAbsentTerms checks that a query holds term queries
// only for the terms its fields have, matching nothing in place of the
// others so that each word keeps its number of clauses, and that requiring
// every word of which one is nowhere gives no query at all.
func TestQueryLeavesOutAbsentTerms(t *testing.T) {
	w := words{p: profileRo, terms: [][]string{{"tar", "=ţăr"}, {"stir"}}}
	// "=ţăr" is in no field, "stir" only in bodies.
	has := func(field, term string) bool { return term == "tar" || term == "stir" && field == fieldBody+"_ro" }
	var count func(q query.Query) (terms, none int)
	count = func(q query.Query) (terms, none int) {
		add := func(qs []query.Query) {
			for _, c := range qs {
				t, n := count(c)
				terms, none = terms+t, none+n
			}
		}
		switch q := q.(type) {
		case *query.TermQuery:
			return 1, 0
		case *query.MatchNoneQuery:
			return 0, 1
		case *query.DisjunctionQuery:
			add(q.Disjuncts)
		case *query.ConjunctionQuery:
			add(q.Conjuncts)
		}
		return terms, none
	}
	if terms, none := count(w.query(true, has)); terms != 4 || none != 5 {
		t.Errorf("every word: %d term queries and %d matching nothing, want 4 (tar in 3 fields, stir in 1) and 5", terms, none)
	}
	nowhere := func(field, term string) bool { return term == "tar" }
	if q := w.query(true, nowhere); q != nil {
		t.Errorf("every word, one nowhere: %#v, want nil", q)
	}
	if terms, none := count(w.query(false, nowhere)); terms != 3 || none != 4 {
		t.Errorf("any word, one nowhere: %d term queries and %d matching nothing, want 3 and 4 (=ţăr in 3 fields, stir)", terms, none)
	}
	if q := w.query(false, func(string, string) bool { return false }); q != nil {
		t.Errorf("nothing anywhere: %#v, want nil", q)
	}
}

// TestPruningKeepsScores checks that leaving out the terms no article has
// changes no result: the same articles, in the same order, with scores in
// the same proportions as the query with every term, for the benchmark's
// query mix over a small synthetic corpus and for queries whose words sit
// in one field only.
func TestPruningKeepsScores(t *testing.T) {
	ctx := context.Background()
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	articles := append(synthetic(600),
		content.Article{ID: "en-d1", Lang: "en", Section: "politics", Title: "Alpha news", Lead: "Nothing here.", Body: []string{"Plain text."}},
		content.Article{ID: "en-d2", Lang: "en", Section: "politics", Title: "Other news", Lead: "Nothing here.", Body: []string{"Beta is here."}},
		content.Article{ID: "en-d3", Lang: "en", Section: "economy", Title: "Alpha", Lead: "Alpha again.", Body: []string{"Alpha once more."}},
	)
	if err := x.Index(ctx, articles...); err != nil {
		t.Fatal(err)
	}
	qs := append(benchQueryMix()[:300],
		core.SearchQuery{Text: "alpha beta", Lang: "en", Limit: 10},
		core.SearchQuery{Text: "alpha beta", Limit: 10},
		core.SearchQuery{Text: "știri țara moldova", Lang: "ro", Limit: 10},
	)
	v, err := x.vocabulary()
	if err != nil {
		t.Fatal(err)
	}
	defer v.close()
	every := func(string, string) bool { return true }
	for _, q := range qs {
		var ws []words
		if q.Lang != "" {
			ws = []words{x.read(profileFor(q.Lang), q.Text)}
		} else {
			for _, p := range profiles {
				ws = append(ws, x.read(p, q.Text))
			}
		}
		for _, all := range []bool{true, false} {
			want, err := x.run(ctx, ws, all, every, q.Lang, q.Section, 0, 20)
			if err != nil {
				t.Fatal(err)
			}
			got, err := x.run(ctx, ws, all, v.has, q.Lang, q.Section, 0, 20)
			if err != nil {
				t.Fatal(err)
			}
			if want == nil || want.Total == 0 {
				if got != nil && got.Total != 0 {
					t.Errorf("%+v all=%v: pruned %v, full found nothing", q, all, hitList(got))
				}
				continue
			}
			// bleve normalises scores by the weights of all the query's
			// terms, absent ones too: scores may differ by one factor.
			same := got != nil && got.Total == want.Total && len(got.Hits) == len(want.Hits)
			for i := 0; same && i < len(got.Hits); i++ {
				factor := got.Hits[0].Score / want.Hits[0].Score
				same = got.Hits[i].ID == want.Hits[i].ID && math.Abs(got.Hits[i].Score-factor*want.Hits[i].Score) <= 1e-9*got.Hits[i].Score
			}
			if !same {
				t.Errorf("%+v all=%v: pruned %v, full %d hits %v", q, all, hitList(got), want.Total, hitList(want))
			}
		}
	}
}

func hitList(r *bleve.SearchResult) []string {
	if r == nil {
		return nil
	}
	var out []string
	for _, h := range r.Hits {
		out = append(out, fmt.Sprintf("%s:%.6f", h.ID, h.Score))
	}
	return out
}

// TestDropAbsent checks that the terms of other case forms that no field
// has are dropped, and that a word's own terms stay.
func TestDropAbsent(t *testing.T) {
	w := words{p: profileRo, terms: [][]string{{"moldov", "moldove", "moldovul"}, {"x", "=x", "y"}}, own: []int{1, 2}}
	has := func(field, term string) bool { return term == "moldove" && field == fieldBody+"_ro" }
	got := w.dropAbsent(has)
	want := [][]string{{"moldov", "moldove"}, {"x", "=x"}}
	if fmt.Sprint(got.terms) != fmt.Sprint(want) {
		t.Errorf("dropAbsent = %q, want %q", got.terms, want)
	}
	if fmt.Sprint(w.terms[0]) != "[moldov moldove moldovul]" {
		t.Errorf("dropAbsent changed its input: %q", w.terms)
	}
}
