package push

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
	"github.com/newsbot/newsbot/core"
)

// DefaultPreviewTTL is how long a broadcast preview can be confirmed.
const DefaultPreviewTTL = 10 * time.Minute

// pending is a previewed broadcast waiting for the moderator, kept in the
// cache under "bc:pending:<id>".
type pending struct {
	B     core.Broadcast `json:"b"`
	State string         `json:"state,omitempty"` // "", "started" or "cancelled"
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

func (d *Desk) needBroadcaster() error {
	if d.bcast == nil {
		return core.Errorf(core.CodeUnavailable, "err_breaking_unavailable", nil)
	}
	return nil
}

func (d *Desk) cmdBreaking(ctx context.Context, req core.Request, lang string, cmd core.Command) (core.Reply, error) {
	if !core.HasWords(cmd.Rest) {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "bc_breaking_usage", nil)
	}
	if err := d.needBroadcaster(); err != nil {
		return core.Reply{}, err
	}
	b := core.Broadcast{Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking, Section: content.Breaking}
	art, err := d.articleRef(ctx, cmd.Rest)
	if err != nil {
		return core.Reply{}, err
	}
	if art != nil {
		b.ArticleID = art.ID
		if b.Messages, err = d.articleMessages(ctx, *art, "bc_breaking_title"); err != nil {
			return core.Reply{}, err
		}
		b.Fallback = art.Lang
	} else if err := d.textMessages(ctx, &b, lang, cmd.Rest, "bc_breaking_title"); err != nil {
		return core.Reply{}, err
	}
	reach, err := d.reach(ctx, b.Section)
	if err != nil {
		return core.Reply{}, err
	}
	if reach.total == 0 {
		// Nothing to confirm: the moderator sees the text and why it
		// cannot go anywhere, and no button offers to send it.
		r := d.previewReply(lang, b)
		r.Footer = d.cat.T(lang, "bc_preview_nobody", nil)
		return r, nil
	}
	return d.preview(ctx, req, lang, pending{B: b}, d.reachLines(lang, reach))
}

func (d *Desk) cmdRetract(ctx context.Context, req core.Request, lang string, cmd core.Command) (core.Reply, error) {
	if len(cmd.Args) == 0 {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "bc_id_missing", nil)
	}
	if len(cmd.Args) > 1 {
		extra := strings.TrimSpace(strings.TrimPrefix(cmd.Rest, cmd.Args[0]))
		return core.Reply{}, core.Errorf(core.CodeInvalid, "bc_retract_extra", map[string]any{"ID": core.Clip(cmd.Args[0], 20), "Extra": core.Clip(extra, 40)})
	}
	target, err := d.editableBroadcast(ctx, cmd.Args[0])
	if err != nil {
		return core.Reply{}, err
	}
	b := core.Broadcast{Kind: core.BroadcastRetract, Priority: target.Broadcast.Priority, Target: target.Broadcast.ID}
	footer := []string{d.cat.T(lang, "bc_retract_preview", map[string]any{"ID": target.Broadcast.ID, "Count": target.Sent})}
	return d.preview(ctx, req, lang, pending{B: b}, footer)
}

// editableBroadcast returns the status of a breaking news or alert
// broadcast that a correction or retraction may target: not itself a
// correction or retraction, and not retracted.
func (d *Desk) editableBroadcast(ctx context.Context, id string) (core.BroadcastStatus, error) {
	if err := d.needBroadcaster(); err != nil {
		return core.BroadcastStatus{}, err
	}
	id = strings.ToLower(id)
	st, err := d.bcast.Status(ctx, id)
	if core.ErrorCode(err) == core.CodeNotFound {
		return st, core.Errorf(core.CodeNotFound, "bc_not_found", map[string]any{"ID": core.Clip(id, 20)})
	}
	if err != nil {
		return st, core.Unavailable(err)
	}
	if k := st.Broadcast.Kind; k != core.BroadcastBreaking && k != core.BroadcastAlert {
		return st, core.Errorf(core.CodeInvalid, "bc_not_editable", map[string]any{"ID": id})
	}
	f, ok, err := d.fix(ctx, id)
	if err != nil {
		return st, core.Unavailable(err)
	}
	if ok && f.Retracted {
		return st, core.Errorf(core.CodeInvalid, "bc_already_retracted", map[string]any{"ID": id})
	}
	return st, nil
}

// checkTarget repeats, when a correction or retraction is confirmed, the
// checks its preview made, for what may have happened since: the target
// retracted, or corrected again over p's base. A repeated confirmation of
// the one that did it passes, so a confirmation that failed halfway can be
// pressed again.
func (d *Desk) checkTarget(ctx context.Context, p pending) error {
	b := p.B
	if b.Target == "" || (b.Kind != core.BroadcastCorrect && b.Kind != core.BroadcastRetract) {
		return nil
	}
	f, ok, err := d.fix(ctx, b.Target)
	if err != nil {
		return core.Unavailable(err)
	}
	switch {
	case !ok || f.Latest == b.ID:
		return nil
	case f.Retracted:
		return core.Errorf(core.CodeInvalid, "bc_already_retracted", map[string]any{"ID": b.Target})
	case b.Kind == core.BroadcastCorrect && f.Latest != p.Base:
		return core.Errorf(core.CodeInvalid, "bc_correct_stale", map[string]any{"ID": b.Target})
	}
	return nil
}

// preview stores p's broadcast for confirmation and shows it as the
// moderator's language's subscribers will see it, with footer lines and
// the confirm and cancel buttons.
func (d *Desk) preview(ctx context.Context, req core.Request, lang string, p pending, footer []string) (core.Reply, error) {
	b := &p.B
	b.ID = newBroadcastID()
	b.By, b.ByName = req.UserRef(), req.User.Name
	b.Created = d.now()
	buf, err := json.Marshal(p)
	if err != nil {
		return core.Reply{}, err
	}
	if err := d.store.Set(ctx, pendingKey(b.ID), buf, d.cfg.PreviewTTL); err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	r := d.previewReply(lang, *b)
	minutes := int(d.cfg.PreviewTTL / time.Minute)
	footer = append(footer, d.cat.T(lang, "bc_preview_id", map[string]any{"ID": b.ID}), d.cat.N(lang, "bc_preview_expires", max(1, minutes), nil))
	r.Footer = strings.Join(footer, "\n")
	r.Buttons = [][]core.Button{{
		{Label: d.cat.T(lang, "bc_button_confirm", nil), Data: core.EncodeButton(btnSend, b.ID)},
		{Label: d.cat.T(lang, "bc_button_cancel", nil), Data: core.EncodeButton(btnCancel, b.ID)},
	}}
	return r, nil
}

// previewReply shows b as the moderator's language's subscribers will see
// it, followed by the other languages' texts so that the moderator checks
// them too.
func (d *Desk) previewReply(lang string, b core.Broadcast) core.Reply {
	r := core.Reply{Lang: lang}
	if len(b.Messages) == 0 {
		return r
	}
	m := b.Message(lang)
	r.Title, r.Text, r.Card = m.Title, append([]string(nil), m.Text...), m.Card
	for _, l := range d.cat.Langs() {
		if o, ok := b.Messages[l]; ok && l != lang && m.Card == nil && len(o.Text) > 0 {
			r.Text = append(r.Text, d.render.LangName(l)+": "+strings.Join(o.Text, "\n"))
		}
	}
	return r
}

// loadPending returns the pending broadcast id, or an error saying that the
// preview expired.
func (d *Desk) loadPending(ctx context.Context, req core.Request, id string) (pending, error) {
	var p pending
	if !req.User.Moderator {
		return p, core.Errorf(core.CodeForbidden, "err_moderators_only", nil)
	}
	buf, ok, err := d.store.Get(ctx, pendingKey(id))
	if err != nil {
		return p, core.Unavailable(err)
	}
	if !ok || json.Unmarshal(buf, &p) != nil || p.B.ID != id || d.now().Sub(p.B.Created) > d.cfg.PreviewTTL {
		return p, core.Errorf(core.CodeInvalid, "bc_expired", nil)
	}
	return p, nil
}

func (d *Desk) savePending(ctx context.Context, p pending) error {
	buf, err := json.Marshal(p)
	if err != nil {
		return err
	}
	left := d.cfg.PreviewTTL - d.now().Sub(p.B.Created)
	return d.store.Set(ctx, pendingKey(p.B.ID), buf, max(left, time.Second))
}

// confirmBroadcast starts a previewed broadcast. Nothing is sent before it.
func (d *Desk) confirmBroadcast(ctx context.Context, req core.Request, lang string, fields []string) (core.Reply, error) {
	id := fields[0]
	if err := d.needBroadcaster(); err != nil {
		return core.Reply{}, err
	}
	p, err := d.loadPending(ctx, req, id)
	if err != nil {
		return core.Reply{}, err
	}
	switch p.State {
	case "cancelled":
		return core.Reply{}, core.Errorf(core.CodeInvalid, "bc_expired", nil)
	case "started":
		r := core.Reply{Lang: lang, Notice: d.cat.T(lang, "bc_already_started", map[string]any{"ID": id})}
		return r, nil
	}
	if err := d.checkTarget(ctx, p); err != nil {
		return core.Reply{}, err
	}
	b := p.B
	b.Confirmed = d.now()
	if req.MessageID != "" {
		b.Report = &core.SentRef{Chat: req.ChatRef(), MessageID: req.MessageID}
	}
	b.ReportLang = lang
	// The preview is marked started only once Start has succeeded: Start
	// is idempotent by ID, so a moderator whose confirmation failed presses
	// again and nothing is sent twice.
	if err := d.bcast.Start(ctx, b); err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	p.State = "started"
	if err := d.savePending(ctx, p); err != nil {
		// The broadcast is on its way; another press only repeats the
		// idempotent Start.
		d.log.Warn("marking a preview started", slog.String("broadcast", b.ID), slog.Any("err", err))
	}
	d.log.Info("broadcast confirmed", slog.String("broadcast", b.ID), slog.String("kind", string(b.Kind)),
		slog.String("by", b.By.String()), slog.String("target", b.Target))
	started := d.cat.T(lang, "bc_started", map[string]any{"ID": b.ID})
	return core.Reply{Lang: lang, Title: d.cat.T(lang, "bc_report_title", map[string]any{"ID": b.ID}), Text: []string{started}, Edit: true, Notice: started}, nil
}

func (d *Desk) cancelBroadcast(ctx context.Context, req core.Request, lang string, fields []string) (core.Reply, error) {
	id := fields[0]
	p, err := d.loadPending(ctx, req, id)
	if err != nil {
		return core.Reply{}, err
	}
	if p.State == "started" {
		return core.Reply{Lang: lang, Notice: d.cat.T(lang, "bc_already_started", map[string]any{"ID": id}), Alert: true}, nil
	}
	p.State = "cancelled"
	if err := d.savePending(ctx, p); err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	msg := d.cat.T(lang, "bc_cancelled", nil)
	return core.Reply{Lang: lang, Text: []string{msg}, Edit: true, Notice: msg}, nil
}

// MaxBroadcastsListed is how many broadcasts /broadcasts shows.
const MaxBroadcastsListed = 10

func (d *Desk) cmdBroadcasts(ctx context.Context, req core.Request, lang string, _ core.Command) (core.Reply, error) {
	if err := d.needBroadcaster(); err != nil {
		return core.Reply{}, err
	}
	list, err := d.bcast.Recent(ctx, MaxBroadcastsListed)
	if err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	r := core.Reply{Lang: lang, Title: d.cat.T(lang, "bc_list_title", nil)}
	if len(list) == 0 {
		r.Text = []string{d.cat.T(lang, "bc_list_empty", nil)}
		return r, nil
	}
	for _, st := range list {
		b := st.Broadcast
		by := b.ByName
		if by == "" {
			by = b.By.String()
		}
		if b.By.ID == "" {
			by = d.render.SectionName(lang, b.Section)
		}
		what := b.Target
		if m := b.Message(lang); b.Kind != core.BroadcastRetract && b.Kind != core.BroadcastCorrect {
			switch {
			case m.Card != nil:
				what = m.Card.Title
			case len(m.Text) > 0:
				what = m.Text[0]
			}
		}
		r.Text = append(r.Text, d.cat.T(lang, "bc_list_line", map[string]any{
			"ID": b.ID, "Time": d.render.FormatTime(lang, b.Confirmed), "Kind": d.cat.T(lang, "bc_kind_"+string(b.Kind), nil),
			"By": by, "What": core.Clip(strings.ReplaceAll(what, "\n", " "), 60),
			"Sent": st.Sent, "Total": st.Total, "Failed": st.FailedCount(),
		}))
	}
	return r, nil
}

// textMessages renders a moderator's text (possibly one per language, see
// ParseTexts; a single text is in lang) for every configured language: its
// own text, else a translation of the first text when a translator is
// configured, else the first text.
func (d *Desk) textMessages(ctx context.Context, b *core.Broadcast, lang, raw, titleKey string) error {
	texts, order, _, err := d.parseTexts(raw, lang)
	if err != nil {
		return err
	}
	first := order[0]
	b.Texts, b.Fallback = texts, first
	b.Messages = map[string]core.Reply{}
	for _, l := range d.cat.Langs() {
		text, ok := texts[l]
		if !ok {
			text = d.derivedText(ctx, texts[first], first, l)
		}
		b.Messages[l] = core.Reply{Lang: l, Title: d.cat.T(l, titleKey, nil), Text: []string{text}}
	}
	return nil
}

// parseTexts is ParseTexts over the configured languages, with a single
// text without a language code (plain) taken as written in lang.
func (d *Desk) parseTexts(raw, lang string) (texts map[string]string, order []string, plain bool, err error) {
	texts, order, err = core.ParseTexts(raw, d.cat.Langs())
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
func (d *Desk) derivedText(ctx context.Context, text, from, to string) string {
	if d.translr == nil {
		return text
	}
	tr, err := d.translr.Translate(ctx, text, from, to)
	if err != nil {
		d.log.Warn("translating breaking news", slog.String("to", to), slog.Any("err", err))
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
func (d *Desk) articleRef(ctx context.Context, s string) (*content.Article, error) {
	if strings.ContainsAny(s, " \n|") {
		return nil, nil
	}
	if content.ValidID(s) {
		for _, id := range []string{s, strings.ToLower(s)} {
			a, err := d.store.Article(ctx, id)
			if err == nil {
				return &a, nil
			}
			if core.ErrorCode(err) != core.CodeNotFound {
				return nil, core.Unavailable(err)
			}
		}
		return nil, nil
	}
	if !strings.HasPrefix(s, "http://") && !strings.HasPrefix(s, "https://") {
		return nil, nil
	}
	const page, pages = 200, 5
	for i := range pages {
		arts, err := d.store.FindArticles(ctx, core.ArticleFilter{Offset: i * page, Limit: page})
		if err != nil {
			return nil, core.Unavailable(err)
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
	return nil, core.Errorf(core.CodeNotFound, "bc_article_not_found", map[string]any{"Ref": core.Clip(s, 60)})
}

// articleMessages renders article a's story for every configured language:
// the card of the edition in that language when the story has one, else the
// card of a with a note (and, with a translator, its title and lead
// translated).
func (d *Desk) articleMessages(ctx context.Context, a content.Article, titleKey string) (map[string]core.Reply, error) {
	eds := []content.Article{a}
	if a.Group != "" {
		all, err := d.store.Editions(ctx, a.Group)
		if err != nil {
			return nil, core.Unavailable(err)
		}
		for _, x := range all {
			if x.ID != a.ID {
				eds = append(eds, x)
			}
		}
	}
	out := map[string]core.Reply{}
	for _, l := range d.cat.Langs() {
		i := slices.IndexFunc(eds, func(x content.Article) bool { return x.Lang == l })
		ed := a
		if i >= 0 {
			ed = eds[i]
		}
		card, _, err := d.render.Card(ctx, l, ed)
		if err != nil {
			return nil, err
		}
		r := core.Reply{Lang: l, Title: d.cat.T(l, titleKey, map[string]any{"Section": d.render.SectionName(l, a.Section)}), Card: &card}
		if ed.Lang != l {
			args := map[string]any{"Lang": d.render.LangIn(l, l), "Edition": d.render.LangIn(l, ed.Lang)}
			r.Text = []string{d.cat.T(l, "bc_alert_other_lang", args)}
			if d.translr != nil {
				title, err1 := d.translr.Translate(ctx, card.Title, ed.Lang, l)
				lead, err2 := d.translr.Translate(ctx, card.Lead, ed.Lang, l)
				if err := errors.Join(err1, err2); err != nil {
					d.log.Warn("translating an alert", slog.String("article", ed.ID), slog.String("to", l), slog.Any("err", err))
				} else {
					card.Title, card.Lead, card.Summary = title, lead, ""
					r.Text = []string{d.cat.T(l, "bc_alert_translated", args)}
				}
			}
		}
		out[l] = r
	}
	return out, nil
}
