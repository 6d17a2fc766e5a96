package core

import (
	"context"

	"github.com/newsbot/newsbot/content"
)

// SearchQuery is a full-text search.
type SearchQuery struct {
	Text    string
	Lang    string // the editions to search; "" means all
	Section string // "" means all
	Offset  int
	Limit   int
}

// SearchHit is one result, best first.
type SearchHit struct {
	ArticleID string
	Score     float64
	Snippet   string // a short excerpt with matches between MarkStart and MarkEnd
}

// SearchResult is one page of hits and the total number of matches.
type SearchResult struct {
	Hits  []SearchHit
	Total int
}

// Searcher finds articles by words. content/search implements it with bleve;
// the engine falls back to a simple scan when none is configured.
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) (SearchResult, error)
}

// Indexer is a Searcher that is told about stored articles.
type Indexer interface {
	Searcher
	Index(ctx context.Context, articles ...content.Article) error
}

// Summarizer computes a short summary of an article in its own language.
type Summarizer interface {
	Summarize(ctx context.Context, a content.Article) (string, error)
}
