package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/content/search"
	"github.com/newsbot/newsbot/content/summary"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/store/memory"
)

// app is every part of a running bot, wired.
type app struct {
	Engine *core.Engine
	Store  core.Store
	Index  *search.Index
	// Locker lets one process of many poll each feed; nil polls always.
	Locker feed.Locker
	// Listeners hear of every new article from the feeds.
	Listeners []feed.Listener
	closers   []func() error
}

// Close releases the parts in reverse order of opening.
func (a *app) Close() error {
	var first error
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// build opens the store, loads content and wires the engine.
func build(ctx context.Context, cfg config, log *slog.Logger) (*app, error) {
	cat, err := locales.Load(locales.FS(), cfg.Langs...)
	if err != nil {
		return nil, &configError{"NEWSBOT_LANGS", err.Error()}
	}
	a := &app{}
	a.Store = memory.New()
	articles, err := loadContent(cfg)
	if err != nil {
		return nil, err
	}
	for _, art := range articles {
		if _, err := a.Store.SaveArticle(ctx, art); err != nil {
			a.Close()
			return nil, fmt.Errorf("storing article %s: %w", art.ID, err)
		}
	}
	log.Info("content loaded", slog.Int("articles", len(articles)))
	if err := a.openIndex(ctx, cfg, articles); err != nil {
		a.Close()
		return nil, err
	}
	a.Engine, err = core.NewEngine(core.Config{DefaultLang: cfg.DefaultLang, Location: cfg.Location},
		core.Deps{Store: a.Store, Catalog: cat, Logger: log, Searcher: a.Index, Summarizer: summary.New()})
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// loadContent returns the articles of NEWSBOT_CONTENT; else, for a bot
// with neither feeds nor Redis, the bundled sample, so that it has news to
// show; else none.
func loadContent(cfg config) ([]content.Article, error) {
	if cfg.ContentDir == "" {
		if len(cfg.Feeds.Sources) == 0 && cfg.RedisURL == "" {
			return content.Sample(), nil
		}
		return nil, nil
	}
	st, err := os.Stat(cfg.ContentDir)
	if err != nil || !st.IsDir() {
		return nil, &configError{"NEWSBOT_CONTENT", fmt.Sprintf("%q is not a readable directory of article JSON files", cfg.ContentDir)}
	}
	arts, err := content.LoadDir(os.DirFS(cfg.ContentDir))
	if err != nil {
		return nil, fmt.Errorf("NEWSBOT_CONTENT=%s: %w", cfg.ContentDir, err)
	}
	return arts, nil
}

// openIndex opens the search index: in memory, or persisted under
// NEWSBOT_DATA and rebuilt from the store when missing or corrupt. The
// articles loaded at start are indexed either way (re-indexing an ID
// replaces it).
func (a *app) openIndex(ctx context.Context, cfg config, loaded []content.Article) error {
	var err error
	if cfg.DataDir == "" {
		a.Index, err = search.NewMemory()
	} else {
		a.Index, err = search.Open(ctx, cfg.DataDir, func(ctx context.Context, add func(content.Article) error) error {
			arts, err := a.Store.FindArticles(ctx, core.ArticleFilter{Limit: 1 << 30})
			if err != nil {
				return err
			}
			for _, art := range arts {
				if err := add(art); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	a.closers = append(a.closers, a.Index.Close)
	if err := a.Index.Index(ctx, loaded...); err != nil {
		return fmt.Errorf("indexing content: %w", err)
	}
	return nil
}
