package core

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/content"
)

// DefaultPreviewTTL is how long a broadcast preview can be confirmed.
const DefaultPreviewTTL = 10 * time.Minute

// pending is a previewed broadcast waiting for the moderator, kept in the
// cache under "bc:pending:<id>".
type pending struct {
	B     Broadcast `json:"b"`
	State string    `json:"state,omitempty"` // "", "started" or "cancelled"
	// Base is, for a correction, the ID of the target's latest correction
	// that it was written over ("" for the original): confirming it after
	// another correction would silently undo that one.
	Base string `json:"base,omitempty"`
}

func pendingKey(id string) string { return "bc:pending:" + id }

// newBroadcastID returns a short, typeable broadcast ID: "b" and seven
// base-36 characters.
func newBroadcastID() string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	var buf [7]byte
	_, _ = rand.Read(buf[:])
	id := []byte{'b'}
	for _, c := range buf {
		id = append(id, digits[int(c)%len(digits)])
	}
	return string(id)
}

func (e *Engine) needBroadcaster() error {
	if e.bcast == nil {
		return Errorf(CodeUnavailable, "err_breaking_unavailable", nil)
	}
	return nil
}

func (e *Engine) cmdBreaking(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if !hasWords(cmd.Rest) {
		return Reply{}, Errorf(CodeInvalid, "bc_breaking_usage", nil)
	}
	if err := e.needBroadcaster(); err != nil {
		return Reply{}, err
	}
	b := Broadcast{Kind: BroadcastBreaking, Priority: PriorityBreaking, Section: content.Breaking}
	art, err := e.articleRef(ctx, cmd.Rest)
	if err != nil {
		return Reply{}, err
	}
	if art != nil {
		b.ArticleID = art.ID
		if b.Messages, err = e.articleMessages(ctx, *art, "bc_breaking_title"); err != nil {
			return Reply{}, err
		}
		b.Fallback = art.Lang
	} else if err := e.textMessages(ctx, &b, lang, cmd.Rest, "bc_breaking_title"); err != nil {
		return Reply{}, err
	}
	reach, err := e.reach(ctx, b.Section)
	if err != nil {
		return Reply{}, err
	}
	if reach.total == 0 {
		// Nothing to confirm: the moderator sees the text and why it
		// cannot go anywhere, and no button offers to send it.
		r := e.previewReply(lang, b)
		r.Footer = e.cat.T(lang, "bc_preview_nobody", nil)
		return r, nil
	}
	return e.preview(ctx, req, lang, pending{B: b}, e.reachLines(lang, reach))
}

func (e *Engine) cmdRetract(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) == 0 {
		return Reply{}, Errorf(CodeInvalid, "bc_id_missing", nil)
	}
	if len(cmd.Args) > 1 {
		extra := strings.TrimSpace(strings.TrimPrefix(cmd.Rest, cmd.Args[0]))
		return Reply{}, Errorf(CodeInvalid, "bc_retract_extra", map[string]any{"ID": clip(cmd.Args[0], 20), "Extra": clip(extra, 40)})
	}
	target, err := e.editableBroadcast(ctx, cmd.Args[0])
	if err != nil {
		return Reply{}, err
	}
	b := Broadcast{Kind: BroadcastRetract, Priority: target.Broadcast.Priority, Target: target.Broadcast.ID}
	footer := []string{e.cat.T(lang, "bc_retract_preview", map[string]any{"ID": target.Broadcast.ID, "Count": target.Sent})}
	return e.preview(ctx, req, lang, pending{B: b}, footer)
}

// editableBroadcast returns the status of a breaking news or alert
// broadcast that a correction or retraction may target: not itself a
// correction or retraction, and not retracted.
func (e *Engine) editableBroadcast(ctx context.Context, id string) (BroadcastStatus, error) {
	if err := e.needBroadcaster(); err != nil {
		return BroadcastStatus{}, err
	}
	id = strings.ToLower(id)
	st, err := e.bcast.Status(ctx, id)
	if ErrorCode(err) == CodeNotFound {
		return st, Errorf(CodeNotFound, "bc_not_found", map[string]any{"ID": clip(id, 20)})
	}
	if err != nil {
		return st, Unavailable(err)
	}
	if k := st.Broadcast.Kind; k != BroadcastBreaking && k != BroadcastAlert {
		return st, Errorf(CodeInvalid, "bc_not_editable", map[string]any{"ID": id})
	}
	f, ok, err := e.fix(ctx, id)
	if err != nil {
		return st, Unavailable(err)
	}
	if ok && f.Retracted {
		return st, Errorf(CodeInvalid, "bc_already_retracted", map[string]any{"ID": id})
	}
	return st, nil
}

// checkTarget repeats, when a correction or retraction is confirmed, the
// checks its preview made, for what may have happened since: the target
// retracted, or corrected again over p's base. A repeated confirmation of
// the one that did it passes, so a confirmation that failed halfway can be
// pressed again.
func (e *Engine) checkTarget(ctx context.Context, p pending) error {
	b := p.B
	if b.Target == "" || (b.Kind != BroadcastCorrect && b.Kind != BroadcastRetract) {
		return nil
	}
	f, ok, err := e.fix(ctx, b.Target)
	if err != nil {
		return Unavailable(err)
	}
	switch {
	case !ok || f.Latest == b.ID:
		return nil
	case f.Retracted:
		return Errorf(CodeInvalid, "bc_already_retracted", map[string]any{"ID": b.Target})
	case b.Kind == BroadcastCorrect && f.Latest != p.Base:
		return Errorf(CodeInvalid, "bc_correct_stale", map[string]any{"ID": b.Target})
	}
	return nil
}

// preview stores p's broadcast for confirmation and shows it as the
// moderator's language's subscribers will see it, with footer lines and
// the confirm and cancel buttons.
func (e *Engine) preview(ctx context.Context, req Request, lang string, p pending, footer []string) (Reply, error) {
	b := &p.B
	b.ID = newBroadcastID()
	b.By, b.ByName = req.UserRef(), req.User.Name
	b.Created = e.now()
	buf, err := json.Marshal(p)
	if err != nil {
		return Reply{}, err
	}
	if err := e.store.Set(ctx, pendingKey(b.ID), buf, e.cfg.PreviewTTL); err != nil {
		return Reply{}, Unavailable(err)
	}
	r := e.previewReply(lang, *b)
	minutes := int(e.cfg.PreviewTTL / time.Minute)
	footer = append(footer, e.cat.T(lang, "bc_preview_id", map[string]any{"ID": b.ID}), e.cat.N(lang, "bc_preview_expires", max(1, minutes), nil))
	r.Footer = strings.Join(footer, "\n")
	r.Buttons = [][]Button{{
		{Label: e.cat.T(lang, "bc_button_confirm", nil), Data: encodeButton(btnSend, b.ID)},
		{Label: e.cat.T(lang, "bc_button_cancel", nil), Data: encodeButton(btnCancel, b.ID)},
	}}
	return r, nil
}

// previewReply shows b as the moderator's language's subscribers will see
// it, followed by the other languages' texts so that the moderator checks
// them too.
func (e *Engine) previewReply(lang string, b Broadcast) Reply {
	r := Reply{Lang: lang}
	if len(b.Messages) == 0 {
		return r
	}
	m := b.Message(lang)
	r.Title, r.Text, r.Card = m.Title, append([]string(nil), m.Text...), m.Card
	for _, l := range e.cat.Langs() {
		if o, ok := b.Messages[l]; ok && l != lang && m.Card == nil && len(o.Text) > 0 {
			r.Text = append(r.Text, e.langName(l)+": "+strings.Join(o.Text, "\n"))
		}
	}
	return r
}

// loadPending returns the pending broadcast id, or an error saying that the
// preview expired.
func (e *Engine) loadPending(ctx context.Context, req Request, id string) (pending, error) {
	var p pending
	if !req.User.Moderator {
		return p, Errorf(CodeForbidden, "err_moderators_only", nil)
	}
	buf, ok, err := e.store.Get(ctx, pendingKey(id))
	if err != nil {
		return p, Unavailable(err)
	}
	if !ok || json.Unmarshal(buf, &p) != nil || p.B.ID != id || e.now().Sub(p.B.Created) > e.cfg.PreviewTTL {
		return p, Errorf(CodeInvalid, "bc_expired", nil)
	}
	return p, nil
}

func (e *Engine) savePending(ctx context.Context, p pending) error {
	buf, err := json.Marshal(p)
	if err != nil {
		return err
	}
	left := e.cfg.PreviewTTL - e.now().Sub(p.B.Created)
	return e.store.Set(ctx, pendingKey(p.B.ID), buf, max(left, time.Second))
}

// confirmBroadcast starts a previewed broadcast. Nothing is sent before it.
func (e *Engine) confirmBroadcast(ctx context.Context, req Request, lang, id string) (Reply, error) {
	if err := e.needBroadcaster(); err != nil {
		return Reply{}, err
	}
	p, err := e.loadPending(ctx, req, id)
	if err != nil {
		return Reply{}, err
	}
	switch p.State {
	case "cancelled":
		return Reply{}, Errorf(CodeInvalid, "bc_expired", nil)
	case "started":
		r := Reply{Lang: lang, Notice: e.cat.T(lang, "bc_already_started", map[string]any{"ID": id})}
		return r, nil
	}
	if err := e.checkTarget(ctx, p); err != nil {
		return Reply{}, err
	}
	b := p.B
	b.Confirmed = e.now()
	if req.MessageID != "" {
		b.Report = &SentRef{Chat: req.ChatRef(), MessageID: req.MessageID}
	}
	b.ReportLang = lang
	// The preview is marked started only once Start has succeeded: Start
	// is idempotent by ID, so a moderator whose confirmation failed presses
	// again and nothing is sent twice.
	if err := e.bcast.Start(ctx, b); err != nil {
		return Reply{}, Unavailable(err)
	}
	if err := e.recordFix(ctx, b); err != nil {
		return Reply{}, Unavailable(err)
	}
	p.State = "started"
	if err := e.savePending(ctx, p); err != nil {
		// The broadcast is on its way; another press only repeats the
		// idempotent Start.
		e.log.Warn("marking a preview started", slog.String("broadcast", b.ID), slog.Any("err", err))
	}
	e.log.Info("broadcast confirmed", slog.String("broadcast", b.ID), slog.String("kind", string(b.Kind)),
		slog.String("by", b.By.String()), slog.String("target", b.Target))
	started := e.cat.T(lang, "bc_started", map[string]any{"ID": b.ID})
	return Reply{Lang: lang, Title: e.cat.T(lang, "bc_report_title", map[string]any{"ID": b.ID}), Text: []string{started}, Edit: true, Notice: started}, nil
}

func (e *Engine) cancelBroadcast(ctx context.Context, req Request, lang, id string) (Reply, error) {
	p, err := e.loadPending(ctx, req, id)
	if err != nil {
		return Reply{}, err
	}
	if p.State == "started" {
		return Reply{Lang: lang, Notice: e.cat.T(lang, "bc_already_started", map[string]any{"ID": id}), Alert: true}, nil
	}
	p.State = "cancelled"
	if err := e.savePending(ctx, p); err != nil {
		return Reply{}, Unavailable(err)
	}
	msg := e.cat.T(lang, "bc_cancelled", nil)
	return Reply{Lang: lang, Text: []string{msg}, Edit: true, Notice: msg}, nil
}

// MaxBroadcastsListed is how many broadcasts /broadcasts shows.
const MaxBroadcastsListed = 10

func (e *Engine) cmdBroadcasts(ctx context.Context, req Request, lang string, _ Command) (Reply, error) {
	if err := e.needBroadcaster(); err != nil {
		return Reply{}, err
	}
	list, err := e.bcast.Recent(ctx, MaxBroadcastsListed)
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	r := Reply{Lang: lang, Title: e.cat.T(lang, "bc_list_title", nil)}
	if len(list) == 0 {
		r.Text = []string{e.cat.T(lang, "bc_list_empty", nil)}
		return r, nil
	}
	for _, st := range list {
		b := st.Broadcast
		by := b.ByName
		if by == "" {
			by = b.By.String()
		}
		if b.By.ID == "" {
			by = e.sectionName(lang, b.Section)
		}
		what := b.Target
		if m := b.Message(lang); b.Kind != BroadcastRetract && b.Kind != BroadcastCorrect {
			switch {
			case m.Card != nil:
				what = m.Card.Title
			case len(m.Text) > 0:
				what = m.Text[0]
			}
		}
		r.Text = append(r.Text, e.cat.T(lang, "bc_list_line", map[string]any{
			"ID": b.ID, "Time": e.formatTime(lang, b.Confirmed), "Kind": e.cat.T(lang, "bc_kind_"+string(b.Kind), nil),
			"By": by, "What": clip(strings.ReplaceAll(what, "\n", " "), 60),
			"Sent": st.Sent, "Total": st.Total, "Failed": st.FailedCount(),
		}))
	}
	return r, nil
}

// textMessages renders a moderator's text (possibly one per language, see
// ParseTexts; a single text is in lang) for every configured language: its
// own text, else a translation of the first text when a translator is
// configured, else the first text.
func (e *Engine) textMessages(ctx context.Context, b *Broadcast, lang, raw, titleKey string) error {
	texts, order, _, err := e.parseTexts(raw, lang)
	if err != nil {
		return err
	}
	first := order[0]
	b.Texts, b.Fallback = texts, first
	b.Messages = map[string]Reply{}
	for _, l := range e.cat.Langs() {
		text, ok := texts[l]
		if !ok {
			text = e.derivedText(ctx, texts[first], first, l)
		}
		b.Messages[l] = Reply{Lang: l, Title: e.cat.T(l, titleKey, nil), Text: []string{text}}
	}
	return nil
}

// parseTexts is ParseTexts over the configured languages, with a single
// text without a language code (plain) taken as written in lang.
func (e *Engine) parseTexts(raw, lang string) (texts map[string]string, order []string, plain bool, err error) {
	texts, order, err = ParseTexts(raw, e.cat.Langs())
	if err != nil {
		return nil, nil, false, err
	}
	if t, single := texts[""]; single {
		return map[string]string{lang: t}, []string{lang}, true, nil
	}
	return texts, order, false, nil
}

// derivedText is the text for language to of a broadcast that has none of
// its own: text (in from) translated when a translator is configured and
// works, else text itself.
func (e *Engine) derivedText(ctx context.Context, text, from, to string) string {
	if e.translr == nil {
		return text
	}
	tr, err := e.translr.Translate(ctx, text, from, to)
	if err != nil {
		e.log.Warn("translating breaking news", slog.String("to", to), slog.Any("err", err))
		return text
	}
	if strings.TrimSpace(tr) == "" {
		return text
	}
	return tr
}

// articleRef returns the stored article that s names by ID or URL, nil
// when s is not a single word naming one (it is then news text), or an
// error for a URL no stored article has.
func (e *Engine) articleRef(ctx context.Context, s string) (*content.Article, error) {
	if strings.ContainsAny(s, " \n|") {
		return nil, nil
	}
	if content.ValidID(s) {
		for _, id := range []string{s, strings.ToLower(s)} {
			a, err := e.store.Article(ctx, id)
			if err == nil {
				return &a, nil
			}
			if ErrorCode(err) != CodeNotFound {
				return nil, Unavailable(err)
			}
		}
		return nil, nil
	}
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return nil, nil
	}
	const page, pages = 200, 5
	for i := range pages {
		arts, err := e.store.FindArticles(ctx, ArticleFilter{Offset: i * page, Limit: page})
		if err != nil {
			return nil, Unavailable(err)
		}
		for _, a := range arts {
			if a.URL == s {
				return &a, nil
			}
		}
		if len(arts) < page {
			break
		}
	}
	return nil, Errorf(CodeNotFound, "bc_article_not_found", map[string]any{"Ref": clip(s, 60)})
}

// articleMessages renders article a's story for every configured language:
// the card of the edition in that language when the story has one, else the
// card of a with a note (and, with a translator, its title and lead
// translated).
func (e *Engine) articleMessages(ctx context.Context, a content.Article, titleKey string) (map[string]Reply, error) {
	eds := []content.Article{a}
	if a.Group != "" {
		all, err := e.store.Editions(ctx, a.Group)
		if err != nil {
			return nil, Unavailable(err)
		}
		for _, x := range all {
			if x.ID != a.ID {
				eds = append(eds, x)
			}
		}
	}
	out := map[string]Reply{}
	for _, l := range e.cat.Langs() {
		i := slices.IndexFunc(eds, func(x content.Article) bool { return x.Lang == l })
		ed := a
		if i >= 0 {
			ed = eds[i]
		}
		card, _, err := e.Card(ctx, l, ed)
		if err != nil {
			return nil, err
		}
		r := Reply{Lang: l, Title: e.cat.T(l, titleKey, map[string]any{"Section": e.sectionName(l, a.Section)}), Card: &card}
		if ed.Lang != l {
			args := map[string]any{"Lang": e.langName(l), "Edition": e.langName(ed.Lang)}
			r.Text = []string{e.cat.T(l, "bc_alert_other_lang", args)}
			if e.translr != nil {
				title, err1 := e.translr.Translate(ctx, card.Title, ed.Lang, l)
				lead, err2 := e.translr.Translate(ctx, card.Lead, ed.Lang, l)
				if err := errors.Join(err1, err2); err != nil {
					e.log.Warn("translating an alert", slog.String("article", ed.ID), slog.String("to", l), slog.Any("err", err))
				} else {
					card.Title, card.Lead, card.Summary = title, lead, ""
					r.Text = []string{e.cat.T(l, "bc_alert_translated", args)}
				}
			}
		}
		out[l] = r
	}
	return out, nil
}
