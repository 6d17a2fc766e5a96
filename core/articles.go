package core

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
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
	if err1 != nil || err2 != nil || off < 0 || n < 1 || n > MaxLatest || (f[0] != "" && !slices.Contains(e.render.Sections(), f[0])) {
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
		r.Title = e.cat.T(lang, "latest_title_section", map[string]any{"Section": e.render.SectionName(lang, section)})
	}
	if len(arts) == 0 {
		if offset > 0 {
			r.Text = []string{e.cat.T(lang, "latest_no_more", nil)}
		} else {
			r.Text = []string{e.cat.T(lang, "latest_empty", map[string]any{"Lang": e.render.LangIn(lang, lang)})}
		}
		return r, nil
	}
	more := len(arts) > n
	if more {
		arts = arts[:n]
	}
	for _, a := range arts {
		r.Items = append(r.Items, e.render.Item(lang, a, ""))
	}
	r.ItemLabel = e.cat.T(lang, "item_read", nil)
	if more {
		r.Buttons = [][]Button{{{Label: e.cat.T(lang, "button_more", nil), Data: EncodeButton(btnLatest, section, strconv.Itoa(offset+n), strconv.Itoa(n))}}}
	}
	if offset > 0 && len(arts) > 1 {
		r.Footer = e.cat.T(lang, "list_range", map[string]any{"From": offset + 1, "To": offset + len(arts)})
	}
	return r, nil
}

func (e *Engine) cmdRead(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	switch {
	case len(cmd.Args) == 0:
		return Reply{}, Errorf(CodeInvalid, "err_read_id", nil)
	case !content.ValidID(cmd.Args[0]):
		return Reply{}, Errorf(CodeInvalid, "err_read_bad_id", map[string]any{"ID": Clip(cmd.Args[0], 40)})
	case len(cmd.Args) > 1:
		extra := strings.TrimSpace(strings.TrimPrefix(cmd.Rest, cmd.Args[0]))
		return Reply{}, Errorf(CodeInvalid, "err_read_extra", map[string]any{"ID": cmd.Args[0], "Extra": Clip(extra, 40)})
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
	card, editions, err := e.render.Card(ctx, lang, a)
	if err != nil {
		return Reply{}, err
	}
	r := Reply{Lang: lang, Card: &card}
	if a.Lang != lang && !slices.ContainsFunc(editions, func(x content.Article) bool { return x.Lang == lang }) {
		args := map[string]any{"Lang": e.render.LangIn(lang, lang), "Edition": e.render.LangIn(lang, a.Lang)}
		if tr, ok := e.render.TranslatedSummary(ctx, a, lang); ok {
			card.Summary = tr
			r.Text = append(r.Text, e.cat.T(lang, "summary_translated", args))
		} else {
			r.Text = append(r.Text, e.cat.T(lang, "no_edition_in_lang", args))
		}
	}
	return r, nil
}
