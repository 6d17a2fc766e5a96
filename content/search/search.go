package search

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/newsbot/newsbot/core"
)

// Paging bounds.
const (
	// DefaultLimit is the page size of a query that sets none.
	DefaultLimit = 10
	// MaxLimit is the largest page.
	MaxLimit = 100
	// MaxOffset is the deepest page start; deeper pages are empty. Nobody
	// reads that far, and deep pages cost memory.
	MaxOffset = 10_000
)

// Search returns one page of the articles that match q.Text, best first.
//
// The text is read as words in the analysis of the language searched (every
// language when q.Lang is ""), never as query syntax, so no text makes
// Search fail. Every word must match, in the title, lead or body; when no
// article has them all, articles with any of them are returned, those with
// more first. Text with no searchable word (empty, only punctuation or stop
// words) matches nothing.
//
// Search fails only when the index does (it is closed, or ctx is done).
func (x *Index) Search(ctx context.Context, q core.SearchQuery) (core.SearchResult, error) {
	text := cleanText(q.Text)
	lang := normLang(q.Lang)
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	limit = min(limit, MaxLimit)
	offset := max(q.Offset, 0)

	var ws []words
	if lang != "" {
		ws = []words{x.read(profileFor(lang), text)}
	} else {
		for _, p := range profiles {
			ws = append(ws, x.read(p, text))
		}
	}
	multi := false
	for _, w := range ws {
		multi = multi || len(w.terms) > 1
	}

	x.mu.RLock()
	defer x.mu.RUnlock()
	v, err := x.vocabulary()
	if err != nil {
		return core.SearchResult{}, err
	}
	defer v.close()
	for i := range ws {
		ws[i] = ws[i].dropAbsent(v.has)
	}
	res, err := x.page(ctx, ws, true, v.has, lang, q.Section, offset, limit)
	if err == nil && (res == nil || res.Total == 0) && multi {
		res, err = x.page(ctx, ws, false, v.has, lang, q.Section, offset, limit)
	}
	if err != nil || res == nil {
		return core.SearchResult{}, err
	}

	out := core.SearchResult{Total: int(res.Total), Hits: make([]core.SearchHit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		out.Hits = append(out.Hits, core.SearchHit{ArticleID: h.ID, Score: h.Score, Snippet: x.snippet(h, ws)})
	}
	return out, nil
}

// maxTieWindow bounds the hits page reads around a page to order ties: a
// run of equal scores longer than that keeps index order at its edges.
const maxTieWindow = 1024

// page returns the hits offset to offset+limit of the search for ws (see
// run), ordered by score and, among equal scores, newer articles first.
//
// bleve orders equal scores by index order. page asks for the page with a
// hit or more on each side; when the hits of equal score at the page's
// edges do not run to the ends of what it read, the page holds the same
// articles in any order of ties, and it sorts them (newerFirst). Else it
// reads a wider window, so that each page of a long run of ties holds the
// articles that order gives it, and none twice.
func (x *Index) page(ctx context.Context, ws []words, all bool, has func(field, term string) bool, lang, section string, offset, limit int) (*bleve.SearchResult, error) {
	if offset > MaxOffset {
		return x.run(ctx, ws, all, has, lang, section, offset, limit)
	}
	for slack := 1; ; slack *= 8 {
		from := max(0, offset-slack)
		size := offset + limit + slack - from
		res, err := x.run(ctx, ws, all, has, lang, section, from, size)
		if err != nil || res == nil {
			return res, err
		}
		hits := res.Hits
		lo := min(offset-from, len(hits))
		hi := min(lo+limit, len(hits))
		settled := lo == hi ||
			(from == 0 || hits[0].Score != hits[lo].Score) &&
				(len(hits) < size || hits[len(hits)-1].Score != hits[hi-1].Score)
		if settled || 2*slack+limit > maxTieWindow {
			newerFirst(hits)
			res.Hits = hits[lo:hi]
			return res, nil
		}
	}
}

// newerFirst sorts hits, ordered by score, so that among equal scores the
// newer article comes first; articles of the same time keep their order.
func newerFirst(hits search.DocumentMatchCollection) {
	published := func(h *search.DocumentMatch) int64 {
		s, _ := h.Fields[fieldPublished].(string)
		n, _ := strconv.ParseInt(s, 10, 64)
		return n
	}
	slices.SortStableFunc(hits, func(a, b *search.DocumentMatch) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		return cmp.Compare(published(b), published(a))
	})
}

// run searches for ws, with every word required or any, within lang and
// section. It returns nil when there is nothing to search for, or nothing
// that can match (see words.query).
func (x *Index) run(ctx context.Context, ws []words, all bool, has func(field, term string) bool, lang, section string, offset, limit int) (*bleve.SearchResult, error) {
	var alts []query.Query
	for _, w := range ws {
		if q := w.query(all, has); q != nil {
			alts = append(alts, q)
		}
	}
	if len(alts) == 0 {
		return nil, nil
	}
	var text query.Query = query.NewDisjunctionQuery(alts)
	if len(alts) == 1 {
		text = alts[0]
	}

	// Filters are clauses of a conjunction with no weight, not a
	// BooleanQuery filter: bleve applies that one after scoring every
	// text match, while a conjunction skips the articles outside the
	// filter.
	clauses := []query.Query{text}
	// Fields of ro, ru and en hold only their language; the fallback
	// fields hold every other language, so those need the filter.
	if lang != "" && profileFor(lang).lang == "" {
		clauses = append(clauses, filterQuery(fieldLang, lang))
	}
	if s := strings.ToLower(strings.TrimSpace(section)); s != "" {
		clauses = append(clauses, filterQuery(fieldSection, s))
	}
	q := text
	if len(clauses) > 1 {
		q = query.NewConjunctionQuery(clauses)
	}

	// Asking past MaxOffset still counts the matches, for the caller's
	// "page N of M".
	size := limit
	if offset > MaxOffset {
		offset, size = 0, 0
	}
	req := bleve.NewSearchRequestOptions(q, size, offset, false)
	req.Fields = []string{fieldLang, fieldPublished, fieldTitle, fieldLead, fieldBody}
	// Scores alone: page orders ties. Sorting ties here by date would read
	// a doc value of every match, which costs more than the search.
	req.SortBy([]string{"-_score"})
	res, err := x.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return res, nil
}

// filterQuery matches the articles whose keyword field is value, adding
// nothing to their scores.
func filterQuery(field, value string) query.Query {
	q := query.NewTermQuery(value)
	q.SetField(field)
	q.SetBoost(0)
	return q
}

// vocabulary tells which terms the index holds, from one snapshot of it.
// The search that follows reads a snapshot of its own: an article indexed
// in between may be missed by that one search, as if it came a moment
// later.
type vocabulary struct {
	reader index.IndexReader
	dicts  map[string]index.FieldDictContains
}

// vocabulary reads the index: the caller holds x.mu.
func (x *Index) vocabulary() (*vocabulary, error) {
	if x.closed.Load() {
		return nil, fmt.Errorf("search: %w", bleve.ErrorIndexClosed)
	}
	adv, err := x.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("search: %w", err)
	}
	return &vocabulary{reader: r, dicts: make(map[string]index.FieldDictContains)}, nil
}

// has reports whether any article has term in field. When the index cannot
// tell, it reports true and leaves the answer to the search.
func (v *vocabulary) has(field, term string) bool {
	d, ok := v.dicts[field]
	if !ok {
		if rc, isRC := v.reader.(index.IndexReaderContains); isRC {
			if fd, err := rc.FieldDictContains(field); err == nil {
				d = fd
			}
		}
		v.dicts[field] = d
	}
	if d == nil {
		return true
	}
	found, err := d.Contains([]byte(term))
	return found || err != nil
}

func (v *vocabulary) close() { _ = v.reader.Close() }
