package core

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/newsbot/newsbot/content"
)

// Limits of /search.
const (
	MaxQueryRunes = 200
	searchPage    = 5
	queryTTL      = 24 * time.Hour
)

func (e *Engine) cmdSearch(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if cmd.Rest == "" {
		return Reply{}, Errorf(CodeInvalid, "err_search_empty", nil)
	}
	return e.searchReply(ctx, req, lang, cmd.Rest, 0)
}

// savedQuery is a search kept in the cache so that "more" buttons can name
// it with a short key.
type savedQuery struct {
	Text string `json:"t"`
	Lang string `json:"l"` // "" for every language
}

func (e *Engine) searchReply(ctx context.Context, req Request, lang, text string, offset int) (Reply, error) {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) > MaxQueryRunes {
		return Reply{}, Errorf(CodeInvalid, "err_search_too_long", map[string]any{"Max": MaxQueryRunes})
	}
	if !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return Reply{}, Errorf(CodeInvalid, "err_search_empty", nil)
	}
	q := savedQuery{Text: text, Lang: lang}
	res, err := e.search.Search(ctx, SearchQuery{Text: text, Lang: lang, Offset: offset, Limit: searchPage})
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	r := Reply{Lang: lang, Title: e.cat.T(lang, "search_title", map[string]any{"Query": Clip(text, 60)})}
	if res.Total == 0 {
		// Nothing in the reader's language: look in the other editions.
		q.Lang = ""
		if res, err = e.search.Search(ctx, SearchQuery{Text: text, Offset: offset, Limit: searchPage}); err != nil {
			return Reply{}, Unavailable(err)
		}
		if res.Total == 0 {
			r.Text = []string{e.cat.T(lang, "search_none", map[string]any{"Query": Clip(text, 60)})}
			return r, nil
		}
		r.Text = []string{e.cat.T(lang, "search_other_langs", map[string]any{"Lang": e.render.LangIn(lang, lang)})}
	}
	return e.searchResults(ctx, lang, q, res, offset, r)
}

func (e *Engine) searchResults(ctx context.Context, lang string, q savedQuery, res SearchResult, offset int, r Reply) (Reply, error) {
	for _, h := range res.Hits {
		a, err := e.store.Article(ctx, h.ArticleID)
		if ErrorCode(err) == CodeNotFound {
			continue // indexed but since removed
		}
		if err != nil {
			return Reply{}, Unavailable(err)
		}
		r.Items = append(r.Items, e.render.Item(lang, a, h.Snippet))
	}
	r.ItemLabel = e.cat.T(lang, "item_read", nil)
	r.Footer = e.cat.T(lang, "search_footer", map[string]any{"Articles": e.cat.N(lang, "articles_count", res.Total, nil), "From": offset + 1, "To": offset + len(res.Hits)})
	if offset+len(res.Hits) < res.Total {
		key, err := e.saveQuery(ctx, q)
		if err != nil {
			return Reply{}, err
		}
		r.Buttons = [][]Button{{{Label: e.cat.T(lang, "button_more", nil), Data: EncodeButton(btnSearch, key, strconv.Itoa(offset+len(res.Hits)))}}}
	}
	return r, nil
}

func (e *Engine) saveQuery(ctx context.Context, q savedQuery) (string, error) {
	b, _ := json.Marshal(q)
	sum := sha256.Sum256(b)
	key := strings.ToLower(base32.StdEncoding.EncodeToString(sum[:])[:12])
	if err := e.store.Set(ctx, "query:"+key, b, queryTTL); err != nil {
		return "", Unavailable(err)
	}
	return key, nil
}

func (e *Engine) searchPage(ctx context.Context, req Request, lang string, f []string) (Reply, error) {
	if len(f) != 2 {
		return Reply{}, Errorf(CodeInvalid, "err_button_stale", nil)
	}
	off, err := strconv.Atoi(f[1])
	if err != nil || off < 0 {
		return Reply{}, Errorf(CodeInvalid, "err_button_stale", nil)
	}
	b, ok, err := e.store.Get(ctx, "query:"+f[0])
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	var q savedQuery
	if !ok || json.Unmarshal(b, &q) != nil {
		return Reply{}, Errorf(CodeInvalid, "err_search_expired", nil)
	}
	res, err := e.search.Search(ctx, SearchQuery{Text: q.Text, Lang: q.Lang, Offset: off, Limit: searchPage})
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	r := Reply{Lang: lang, Title: e.cat.T(lang, "search_title", map[string]any{"Query": Clip(q.Text, 60)}), Edit: true}
	if len(res.Hits) == 0 {
		r.Text = []string{e.cat.T(lang, "latest_no_more", nil)}
		return r, nil
	}
	return e.searchResults(ctx, lang, q, res, off, r)
}

// ScanSearcher is a simple, correct Searcher that scans stored articles:
// every query word must start a word of the article (case- and
// diacritics-insensitive); title matches weigh most, then lead, then body;
// ties go to the newest. It serves small newsrooms and tests; content/search
// is the real index.
type ScanSearcher struct {
	Articles ArticleStore
	Max      int // articles scanned at most; 0 means 100,000
}

var _ Searcher = (*ScanSearcher)(nil)

// Search implements Searcher.
func (s *ScanSearcher) Search(ctx context.Context, q SearchQuery) (SearchResult, error) {
	terms := words(Fold(q.Text))
	if len(terms) == 0 {
		return SearchResult{}, nil
	}
	limit := s.Max
	if limit == 0 {
		limit = 100000
	}
	arts, err := s.Articles.FindArticles(ctx, ArticleFilter{Lang: q.Lang, Section: q.Section, Limit: limit})
	if err != nil {
		return SearchResult{}, err
	}
	type scored struct {
		a     content.Article
		score float64
	}
	var hits []scored
	for _, a := range arts {
		title, lead, body := words(Fold(a.Title)), words(Fold(a.Lead)), words(Fold(a.Text()))
		score := 0.0
		for _, t := range terms {
			n := 3*countPrefix(title, t) + 2*countPrefix(lead, t) + countPrefix(body, t)
			if n == 0 {
				score = 0
				break
			}
			score += float64(n)
		}
		if score > 0 {
			hits = append(hits, scored{a, score})
		}
	}
	slices.SortStableFunc(hits, func(x, y scored) int {
		if x.score != y.score {
			if x.score > y.score {
				return -1
			}
			return 1
		}
		return y.a.Published.Compare(x.a.Published)
	})
	res := SearchResult{Total: len(hits)}
	limit = q.Limit
	if limit <= 0 {
		limit = 10
	}
	for i := q.Offset; i < len(hits) && i < q.Offset+limit; i++ {
		a := hits[i].a
		res.Hits = append(res.Hits, SearchHit{ArticleID: a.ID, Score: hits[i].score, Snippet: Snippet(append([]string{a.Lead}, a.Body...), terms, 160)})
	}
	return res, nil
}

// words splits folded text into words of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func countPrefix(ws []string, t string) int {
	n := 0
	for _, w := range ws {
		if strings.HasPrefix(w, t) {
			n++
		}
	}
	return n
}

// Snippet returns about maxRunes runes of the first paragraph that matches a
// term (folded), whole words only, with matched words between MarkStart and
// MarkEnd.
func Snippet(paragraphs []string, terms []string, maxRunes int) string {
	for _, p := range paragraphs {
		ws := strings.Fields(p)
		first := -1
		for i, w := range ws {
			for _, fw := range words(Fold(w)) {
				for _, t := range terms {
					if strings.HasPrefix(fw, t) {
						ws[i] = string(MarkStart) + w + string(MarkEnd)
						if first < 0 {
							first = i
						}
					}
				}
			}
		}
		if first < 0 {
			continue
		}
		start := max(0, first-6)
		var b strings.Builder
		if start > 0 {
			b.WriteString("…")
		}
		end := start
		for ; end < len(ws); end++ {
			if utf8.RuneCountInString(b.String())+utf8.RuneCountInString(ws[end]) > maxRunes && end > first {
				break
			}
			if end > start {
				b.WriteByte(' ')
			}
			b.WriteString(ws[end])
		}
		if end < len(ws) {
			b.WriteString(" …")
		}
		return b.String()
	}
	return ""
}
