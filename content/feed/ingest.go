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
	kindQuiet     = "quiet" // new, and not announced
	kindUpdated   = "updated"
	kindUnchanged = "unchanged"
)

// idAttempts is how many derived IDs are tried when an ID is already taken
// by an article of another language (a hash collision).
const idAttempts = 3

// ingest stores one item as an article of src's edition and, when announce
// is set and the article is new and recent enough, tells the listeners. It
// returns an error only when the store fails, which stops the feed's poll.
func (p *Poller) ingest(ctx context.Context, src *Source, it item, feedURL string, announce bool) (string, error) {
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

	// The feed's own story key (GroupPattern, <newsbot:group>) is
	// authoritative; without one the page's hreflang links decide.
	feedKeyed := a.Group != ""
	feedImage := a.Image != (content.Image{})
	wantPage := p.cfg.FetchPages == On && a.URL != "" && (!feedKeyed || d.excerptOnly)
	now := p.now().UTC().Truncate(1e9)
	var pg page
	pageRead := false
	if existing != nil {
		ex := *existing
		if !d.hasDate {
			a.Published = ex.Published
		}
		if ex.Group != "" {
			// Groups set by hand (Link) or learnt from a page stay, unless
			// the page links the article to an older story (below).
			a.Group = ex.Group
		}
		a.Translator = ex.Translator
		if !feedImage {
			a.Image = ex.Image // learnt from the page
		}
		keepBody := d.excerptOnly && len(ex.Body) > len(a.Body)
		if keepBody && ex.Title == a.Title && ex.Lead == a.Lead && ex.URL == a.URL {
			// The body was taken from the page; the excerpt did not
			// change, so neither did the page's text.
			a.Body = ex.Body
		}
		if ex.SameContent(a) {
			// Pages are read again only for a new version of the item.
			return kindUnchanged, nil
		}
		if wantPage {
			var notModified bool
			pg, notModified, pageRead = p.readPage(ctx, a.URL, true)
			if notModified && keepBody {
				a.Body = ex.Body
			}
		}
		if !a.Updated.After(ex.LastChange()) {
			a.Updated = now
		}
	} else {
		if !d.hasDate {
			a.Published = now
		}
		if wantPage {
			pg, _, pageRead = p.readPage(ctx, a.URL, false)
			if !pageRead && !feedKeyed {
				// The group the article would have had if its page named
				// no stored edition, so that a story keeps one name (and
				// one alert) however its editions are linked later.
				a.Group = editionGroup(a.ID)
			}
		}
	}
	if pageRead && !feedImage && pg.image != (content.Image{}) {
		// The feed gave no picture: the page's Open Graph image is the
		// one the outlet shows when the story is shared.
		a.Image = pg.image
	}
	if pageRead && d.excerptOnly && len(pg.body) > 0 {
		// The page as it is now says more than the excerpt: its text is
		// the body, also over a body taken from an older page.
		body := pg.body
		if body[0] == a.Lead {
			body = body[1:]
		}
		if len(body) > len(d.article.Body) {
			a.Body = body
		}
	}

	var res core.SaveResult
	var err error
	if pageRead && !feedKeyed {
		res, a, err = p.saveLinked(ctx, a, pg.alternates)
	} else {
		res, err = p.store.SaveArticle(ctx, a)
	}
	if err != nil {
		return kindSkipped, err
	}
	a.Version = res.Version
	switch {
	case res.Created:
		p.stored(kindNew, a)
		if !announce || p.now().Sub(a.Published) > p.cfg.MaxAlertAge {
			return kindQuiet, nil
		}
		p.announce(ctx, a)
		return kindNew, nil
	case res.Updated:
		p.stored(kindUpdated, a)
		return kindUpdated, nil
	default:
		return kindUnchanged, nil
	}
}

// readPage fetches the article page at u (conditionally, for an updated
// item). ok is false when the page cannot be had, or has not changed
// (notModified); the article then stays as the feed gave it.
func (p *Poller) readPage(ctx context.Context, u string, conditional bool) (pg page, notModified, ok bool) {
	pg, notModified, err := p.fetchPage(ctx, u, conditional)
	if err != nil {
		p.log.InfoContext(ctx, "article page not fetched", slog.String("url", u), slog.Any("err", err))
		return page{}, false, false
	}
	return pg, notModified, !notModified
}

// saveLinked saves a in the story its page's alternates link it to (see
// joinAlternates), after moving the editions that join that story. Links
// are made one at a time per poller, so that two editions of one story
// arriving together from two feeds see each other.
func (p *Poller) saveLinked(ctx context.Context, a content.Article, alts []string) (core.SaveResult, content.Article, error) {
	p.linkMu.Lock()
	defer p.linkMu.Unlock()
	a, moving, err := joinAlternates(ctx, p.store, a, alts)
	if err != nil {
		return core.SaveResult{}, a, err
	}
	if len(moving) > 0 {
		if err := moveTo(ctx, p.store, a.Group, moving); err != nil {
			return core.SaveResult{}, a, err
		}
		p.log.InfoContext(ctx, "feed editions linked by their pages",
			slog.String("article", a.ID), slog.String("group", a.Group), slog.Int("moved", len(moving)))
	}
	res, err := p.store.SaveArticle(ctx, a)
	return res, a, err
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
