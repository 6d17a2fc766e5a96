package feed

import (
	"context"
	"errors"
	"log/slog"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// What ingesting an item did.
const (
	kindSkipped   = ""
	kindNew       = "new"
	kindUpdated   = "updated"
	kindUnchanged = "unchanged"
)

// idAttempts is how many derived IDs are tried when an ID is already taken
// by an article of another language (a hash collision).
const idAttempts = 3

// ingest stores one item as an article of src's edition. It returns an
// error only when the store fails, which stops the feed's poll.
func (p *Poller) ingest(ctx context.Context, src *Source, it item, feedURL string) (string, error) {
	d, ok := p.buildArticle(src, it, feedURL)
	if !ok {
		return kindSkipped, nil
	}
	a := d.article
	var existing *content.Article
	found := false
	for attempt := 0; attempt < idAttempts && !found; attempt++ {
		a.ID = ArticleID(src.Lang, d.key, attempt)
		ex, err := p.store.Article(ctx, a.ID)
		switch {
		case errors.Is(err, core.ErrNotFound) || core.ErrorCode(err) == core.CodeNotFound:
			found = true
		case err != nil:
			return kindSkipped, err
		case ex.Lang == src.Lang:
			existing, found = &ex, true
		}
	}
	if !found {
		p.log.WarnContext(ctx, "feed item skipped: its IDs are taken by other editions",
			slog.String("lang", src.Lang), slog.String("key", d.key))
		return kindSkipped, nil
	}

	now := p.now().UTC().Truncate(1e9)
	if existing != nil {
		ex := *existing
		if !d.hasDate {
			a.Published = ex.Published
		}
		if ex.Group != "" {
			// Groups set by hand (Link) or learnt from a page stay.
			a.Group = ex.Group
		}
		a.Translator = ex.Translator
		if d.excerptOnly && ex.Title == a.Title && ex.Lead == a.Lead && ex.URL == a.URL && len(ex.Body) > len(a.Body) {
			// The body was taken from the page when the article was new;
			// the excerpt did not change, so neither did the page's text.
			a.Body = ex.Body
		}
		if ex.SameContent(a) {
			return kindUnchanged, nil
		}
		if !a.Updated.After(ex.LastChange()) {
			a.Updated = now
		}
	} else {
		if !d.hasDate {
			a.Published = now
		}
		if p.cfg.FetchPages && a.URL != "" {
			p.enrichFromPage(ctx, &a, d.excerptOnly)
		}
	}

	res, err := p.store.SaveArticle(ctx, a)
	if err != nil {
		return kindSkipped, err
	}
	a.Version = res.Version
	switch {
	case res.Created:
		p.stored(kindNew, a)
		p.announce(ctx, a)
		return kindNew, nil
	case res.Updated:
		p.stored(kindUpdated, a)
		return kindUpdated, nil
	default:
		return kindUnchanged, nil
	}
}

// enrichFromPage fills a new article's body (when the feed gave only an
// excerpt) and its group (from the hreflang links) from its page. A page
// that cannot be had leaves the article as the feed gave it.
func (p *Poller) enrichFromPage(ctx context.Context, a *content.Article, excerptOnly bool) {
	pg, err := p.fetchPage(ctx, a.URL)
	if err != nil {
		p.log.InfoContext(ctx, "article page not fetched", slog.String("url", a.URL), slog.Any("err", err))
		return
	}
	if excerptOnly && len(pg.body) > 0 {
		body := pg.body
		if len(body) > 0 && body[0] == a.Lead {
			body = body[1:]
		}
		if len(body) > len(a.Body) {
			a.Body = body
		}
	}
	if a.Group == "" && pg.editionKey != "" {
		a.Group = groupName(pg.editionKey)
	}
}

func (p *Poller) stored(kind string, a content.Article) {
	if p.onStored != nil {
		p.onStored(kind, a)
	}
}

// announce tells the listeners about a new article. A panicking listener
// is logged and does not stop the feed.
func (p *Poller) announce(ctx context.Context, a content.Article) {
	p.mu.Lock()
	ls := append([]Listener(nil), p.listeners...)
	p.mu.Unlock()
	for _, l := range ls {
		func() {
			defer func() {
				if r := recover(); r != nil {
					p.log.ErrorContext(ctx, "feed listener panicked", slog.String("article", a.ID), slog.Any("panic", r))
				}
			}()
			l.ArticleAdded(ctx, a)
		}()
	}
}
