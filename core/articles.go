package core

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/newsbot/newsbot/content"
)

// Limits of /latest.
const (
	DefaultLatest = 5
	MaxLatest     = 20
)

func (e *Engine) cmdLatest(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	n := DefaultLatest
	var words []string
	counted := false
	for _, a := range cmd.Args {
		if isNumber(a) {
			v, err := strconv.Atoi(Fold(a))
			if err != nil || v < 1 || v > MaxLatest || counted {
				return Reply{}, Errorf(CodeInvalid, "err_latest_count", map[string]any{"Max": MaxLatest})
			}
			n, counted = v, true
			continue
		}
		words = append(words, a)
	}
	section := ""
	if len(words) > 0 {
		var err error
		if section, err = e.resolveSection(strings.Join(words, " ")); err != nil {
			return Reply{}, err
		}
	}
	return e.latest(ctx, req, lang, section, 0, n)
}

// isNumber reports whether s looks like a number: digits (any script's,
// folded later), maybe signed or with a decimal point, so that "-1", "1.5" and
// "99999999999999999999" are explained as counts, not taken for sections.
func isNumber(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case (r == '-' || r == '+') && i == 0, r == '.' || r == ',':
		default:
			return false
		}
	}
	return digits > 0
}

func (e *Engine) latestPage(ctx context.Context, req Request, lang string, f []string) (Reply, error) {
	if len(f) != 3 {
		return Reply{}, Errorf(CodeInvalid, "err_button_stale", nil)
	}
	off, err1 := strconv.Atoi(f[1])
	n, err2 := strconv.Atoi(f[2])
	if err1 != nil || err2 != nil || off < 0 || n < 1 || n > MaxLatest || (f[0] != "" && !slices.Contains(e.cfg.Sections, f[0])) {
		return Reply{}, Errorf(CodeInvalid, "err_button_stale", nil)
	}
	r, err := e.latest(ctx, req, lang, f[0], off, n)
	r.Edit = true
	return r, err
}

// latest lists n articles in lang from offset, newest first, with a "more"
// button when there may be more.
func (e *Engine) latest(ctx context.Context, req Request, lang, section string, offset, n int) (Reply, error) {
	arts, err := e.store.FindArticles(ctx, ArticleFilter{Lang: lang, Section: section, Offset: offset, Limit: n + 1})
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	r := Reply{Lang: lang, Title: e.cat.T(lang, "latest_title", nil)}
	if section != "" {
		r.Title = e.cat.T(lang, "latest_title_section", map[string]any{"Section": e.sectionName(lang, section)})
	}
	if len(arts) == 0 {
		if offset > 0 {
			r.Text = []string{e.cat.T(lang, "latest_no_more", nil)}
		} else {
			r.Text = []string{e.cat.T(lang, "latest_empty", map[string]any{"Lang": e.langIn(lang, lang)})}
		}
		return r, nil
	}
	more := len(arts) > n
	if more {
		arts = arts[:n]
	}
	for _, a := range arts {
		r.Items = append(r.Items, e.item(lang, a, ""))
	}
	r.ItemLabel = e.cat.T(lang, "item_read", nil)
	if more {
		r.Buttons = [][]Button{{{Label: e.cat.T(lang, "button_more", nil), Data: encodeButton(btnLatest, section, strconv.Itoa(offset+n), strconv.Itoa(n))}}}
	}
	if offset > 0 && len(arts) > 1 {
		r.Footer = e.cat.T(lang, "list_range", map[string]any{"From": offset + 1, "To": offset + len(arts)})
	}
	return r, nil
}

func (e *Engine) item(lang string, a content.Article, snippet string) Item {
	it := Item{ArticleID: a.ID, Title: a.Title, Section: e.sectionName(lang, a.Section), Time: e.formatTime(lang, a.Published), Snippet: snippet}
	if a.Lang != lang {
		it.Lang = e.langName(a.Lang)
	}
	return it
}

// formatTime shows t relative to now when recent ("5 minutes ago"), else as
// a date in the configured time zone.
func (e *Engine) formatTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := e.now().Sub(t)
	switch {
	case d < 0:
	case d < time.Minute:
		return e.cat.T(lang, "time_just_now", nil)
	case d < time.Hour:
		return e.cat.N(lang, "time_minutes_ago", int(d/time.Minute), nil)
	case d < 24*time.Hour:
		return e.cat.N(lang, "time_hours_ago", int(d/time.Hour), nil)
	}
	return t.In(e.cfg.Location).Format(e.cat.T(lang, "time_layout", nil))
}

func (e *Engine) cmdRead(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	switch {
	case len(cmd.Args) == 0:
		return Reply{}, Errorf(CodeInvalid, "err_read_id", nil)
	case !content.ValidID(cmd.Args[0]):
		return Reply{}, Errorf(CodeInvalid, "err_read_bad_id", map[string]any{"ID": clip(cmd.Args[0], 40)})
	case len(cmd.Args) > 1:
		extra := strings.TrimSpace(strings.TrimPrefix(cmd.Rest, cmd.Args[0]))
		return Reply{}, Errorf(CodeInvalid, "err_read_extra", map[string]any{"ID": cmd.Args[0], "Extra": clip(extra, 40)})
	}
	id := cmd.Args[0]
	a, err := e.store.Article(ctx, id)
	if errors.Is(err, ErrNotFound) || ErrorCode(err) == CodeNotFound {
		// IDs are typed by hand: forgive the case.
		if low := strings.ToLower(id); low != id {
			a, err = e.store.Article(ctx, low)
		}
	}
	if ErrorCode(err) == CodeNotFound {
		return Reply{}, Errorf(CodeNotFound, "err_article_not_found", map[string]any{"ID": id})
	}
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	return e.readReply(ctx, lang, a)
}

// readReply is an article in full, with its other editions. When the story
// has no edition in lang it says so.
func (e *Engine) readReply(ctx context.Context, lang string, a content.Article) (Reply, error) {
	card, editions, err := e.Card(ctx, lang, a)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Lang: lang, Card: &card}
	if a.Lang != lang && !slices.ContainsFunc(editions, func(x content.Article) bool { return x.Lang == lang }) {
		args := map[string]any{"Lang": e.langIn(lang, lang), "Edition": e.langIn(lang, a.Lang)}
		if tr, ok := e.translatedSummary(ctx, a, lang); ok {
			card.Summary = tr
			r.Text = append(r.Text, e.cat.T(lang, "summary_translated", args))
		} else {
			r.Text = append(r.Text, e.cat.T(lang, "no_edition_in_lang", args))
		}
	}
	return r, nil
}

// translatedSummary is a's summary translated into lang, when a translator
// is configured; cached per article, language and version like summaries.
func (e *Engine) translatedSummary(ctx context.Context, a content.Article, lang string) (string, bool) {
	if e.translr == nil {
		return "", false
	}
	key := "summary:" + e.cfg.SummaryKey + ":" + a.ID + ":" + a.Lang + ">" + lang + ":" + strconv.Itoa(a.Version)
	if b, ok, err := e.store.Get(ctx, key); err == nil && ok {
		return string(b), true
	}
	tr, err := e.translr.Translate(ctx, e.Summary(ctx, a), a.Lang, lang)
	if err != nil || strings.TrimSpace(tr) == "" {
		e.log.Warn("translating a summary", slog.String("article", a.ID), slog.String("to", lang), slog.Any("err", err))
		return "", false
	}
	if err := e.store.Set(ctx, key, []byte(tr), e.cfg.SummaryTTL); err != nil {
		e.log.Warn("summary cache write", slog.String("article", a.ID), slog.Any("err", err))
	}
	return tr, true
}

// Card renders article a for a reader of lang: localized section and time,
// summary (cached), byline, and the story's other editions, which it also
// returns.
func (e *Engine) Card(ctx context.Context, lang string, a content.Article) (Card, []content.Article, error) {
	var others []content.Article
	if a.Group != "" {
		eds, err := e.store.Editions(ctx, a.Group)
		if err != nil {
			return Card{}, nil, Unavailable(err)
		}
		for _, x := range eds {
			if x.ID != a.ID {
				others = append(others, x)
			}
		}
		slices.SortFunc(others, func(x, y content.Article) int { return e.langIndex(x.Lang) - e.langIndex(y.Lang) })
	}
	when := e.formatTime(lang, a.Published)
	if a.Updated.After(a.Published.Add(time.Minute)) {
		when = e.cat.T(lang, "time_updated", map[string]any{"Published": when, "Updated": e.formatTime(lang, a.Updated)})
	}
	c := Card{
		ArticleID: a.ID,
		Title:     a.Title,
		Section:   e.sectionName(lang, a.Section),
		Time:      when,
		Lead:      a.Lead,
		Summary:   e.Summary(ctx, a),
		URL:       a.URL,
	}
	switch {
	case a.Author != "" && a.Translator != "":
		c.Byline = e.cat.T(lang, "byline_translated", map[string]any{"Author": a.Author, "Translator": a.Translator})
	case a.Author != "":
		c.Byline = e.cat.T(lang, "byline", map[string]any{"Author": a.Author})
	}
	// Summaries often open with the lead, which the card already shows.
	c.Summary = strings.TrimSpace(strings.TrimPrefix(c.Summary, c.Lead))
	for _, x := range others {
		c.Editions = append(c.Editions, Edition{ArticleID: x.ID, Lang: x.Lang, LangName: e.langName(x.Lang), Title: x.Title})
	}
	return c, others, nil
}

// langIndex orders languages as configured; unknown ones go last.
func (e *Engine) langIndex(l string) int {
	if i := slices.Index(e.cat.Langs(), l); i >= 0 {
		return i
	}
	return len(e.cat.Langs())
}

// Summary returns a's summary in its own language, computed once per
// article version and cached. Without a summarizer, or when it fails, the
// lead is the summary.
func (e *Engine) Summary(ctx context.Context, a content.Article) string {
	if e.summary == nil {
		return a.Lead
	}
	key := "summary:" + e.cfg.SummaryKey + ":" + a.ID + ":" + a.Lang + ":" + strconv.Itoa(a.Version)
	if b, ok, err := e.store.Get(ctx, key); err == nil && ok {
		return string(b)
	} else if err != nil {
		e.log.Warn("summary cache read", slog.String("article", a.ID), slog.Any("err", err))
	}
	s, err := e.summary.Summarize(ctx, a)
	if err != nil || strings.TrimSpace(s) == "" {
		if err != nil {
			e.log.Warn("summarizing", slog.String("article", a.ID), slog.Any("err", err))
		}
		return a.Lead
	}
	if err := e.store.Set(ctx, key, []byte(s), e.cfg.SummaryTTL); err != nil {
		e.log.Warn("summary cache write", slog.String("article", a.ID), slog.Any("err", err))
	}
	return s
}
