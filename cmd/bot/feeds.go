package main

import (
	"context"
	"log/slog"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/core"
)

// indexingStore indexes every article it stores for the first time or as a
// new version, so that feeds and moderators' edits reach search at once.
type indexingStore struct {
	core.ArticleStore
	index core.Indexer
	log   *slog.Logger
}

func (s indexingStore) SaveArticle(ctx context.Context, a content.Article) (core.SaveResult, error) {
	res, err := s.ArticleStore.SaveArticle(ctx, a)
	if err != nil || !(res.Created || res.Updated) {
		return res, err
	}
	stored, err := s.ArticleStore.Article(ctx, a.ID)
	if err != nil {
		s.log.Warn("reading a stored article to index it", slog.String("article", a.ID), slog.Any("err", err))
		return res, nil
	}
	if err := s.index.Index(ctx, stored); err != nil {
		// The article is stored; the next rebuild of the index will have it.
		s.log.Warn("indexing an article", slog.String("article", a.ID), slog.Any("err", err))
	}
	return res, nil
}

// feedOptions are the poller options every use of the feeds shares.
func (a *app) feedOptions(log *slog.Logger) []feed.Option {
	names := map[string]string{}
	cat := a.Engine.Catalog()
	for _, l := range cat.Langs() {
		for _, id := range content.DefaultSections {
			names[cat.T(l, "section_"+id, nil)] = id
		}
	}
	// The feed log is the store's, so that a restart is no first poll.
	opts := []feed.Option{feed.WithSectionNames(feed.NamesMatcher(names)), feed.WithLogger(log), feed.WithFeedLog(a.Store)}
	if a.Locker != nil {
		opts = append(opts, feed.WithLocker(a.Locker))
	}
	for _, l := range a.Listeners {
		opts = append(opts, feed.WithListener(l))
	}
	return opts
}

// articleSink is where feeds store: the store, indexing as it goes.
func (a *app) articleSink(log *slog.Logger) core.ArticleStore {
	return indexingStore{ArticleStore: a.Store, index: a.Index, log: log}
}
