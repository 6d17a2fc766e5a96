package push

import (
	"context"
	"maps"
	"slices"
	"strings"

	"github.com/newsbot/newsbot/core"
)

// cmdCorrect is /correct <id> <text>: it previews a correction of a
// breaking news or alert broadcast. The text is written like /breaking's:
// "ro: … | ru: …" corrects the languages it names; a text without
// language codes corrects the moderator's language only. Every other
// language keeps its text, unless it had none of its own (it showed a copy
// or a translation of another language's text) and that text changes: it
// then follows the corrected text. The preview says which languages change.
func (d *Desk) cmdCorrect(ctx context.Context, req core.Request, lang string, cmd core.Command) (core.Reply, error) {
	if len(cmd.Args) == 0 {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "bc_id_missing", nil)
	}
	target, err := d.editableBroadcast(ctx, cmd.Args[0])
	if err != nil {
		return core.Reply{}, err
	}
	text := strings.TrimSpace(strings.TrimPrefix(cmd.Rest, cmd.Args[0]))
	if !core.HasWords(text) {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "bc_correct_text_missing", nil)
	}
	given, order, plain, err := d.parseTexts(text, lang)
	if err != nil {
		return core.Reply{}, err
	}
	base, err := d.currentVersion(ctx, target.Broadcast)
	if err != nil {
		return core.Reply{}, err
	}
	b := core.Broadcast{Kind: core.BroadcastCorrect, Priority: target.Broadcast.Priority, Target: target.Broadcast.ID}
	d.correctedMessages(ctx, &b, base, given, order)
	var changed, kept []string
	for _, l := range d.cat.Langs() {
		if old := base.Message(l); old.Card == nil && slices.Equal(old.Text, b.Messages[l].Text) {
			kept = append(kept, d.render.LangName(l))
		} else {
			changed = append(changed, d.render.LangName(l))
		}
	}
	if len(changed) == 0 {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "bc_correct_unchanged", map[string]any{"ID": target.Broadcast.ID})
	}
	footer := []string{d.cat.T(lang, "bc_correct_changes", map[string]any{"Langs": strings.Join(changed, ", ")})}
	if len(kept) > 0 {
		footer = append(footer, d.cat.T(lang, "bc_correct_kept", map[string]any{"Langs": strings.Join(kept, ", ")}))
		if plain {
			footer = append(footer, d.cat.T(lang, "bc_correct_plain_hint", map[string]any{"Lang": d.render.LangName(lang)}))
		}
	}
	footer = append(footer, d.cat.T(lang, "bc_correct_preview", map[string]any{"ID": target.Broadcast.ID, "Count": target.Sent}))
	p := pending{B: b}
	if base.ID != target.Broadcast.ID {
		p.Base = base.ID
	}
	return d.preview(ctx, req, lang, p, footer)
}

// currentVersion returns what the chats that got target show now: its
// latest confirmed correction, else target itself.
func (d *Desk) currentVersion(ctx context.Context, target core.Broadcast) (core.Broadcast, error) {
	f, ok, err := d.fix(ctx, target.ID)
	if err != nil {
		return core.Broadcast{}, core.Unavailable(err)
	}
	if !ok || f.Latest == "" || f.Retracted {
		return target, nil
	}
	st, err := d.bcast.Status(ctx, f.Latest)
	switch {
	case core.ErrorCode(err) == core.CodeNotFound:
		return target, nil
	case err != nil:
		return core.Broadcast{}, core.Unavailable(err)
	case st.Broadcast.Kind != core.BroadcastCorrect || st.Broadcast.Target != target.ID:
		return target, nil
	}
	return st.Broadcast, nil
}

// correctedMessages renders correction b of base (the target's current
// version) with the moderator's texts given by language, in order as
// written. A language with a text of its own, given or in base, shows it.
// A language without one follows the text of b's fallback language: it
// keeps base's message while that text is unchanged, and otherwise gets
// the corrected text, translated when a translator is configured.
func (d *Desk) correctedMessages(ctx context.Context, b *core.Broadcast, base core.Broadcast, given map[string]string, order []string) {
	texts := maps.Clone(base.Texts)
	if texts == nil {
		texts = map[string]string{}
	}
	maps.Copy(texts, given)
	fallback := base.Fallback
	if _, ok := texts[fallback]; !ok {
		// base was an article's card, or its fallback had no text: the
		// correction's first language leads.
		fallback = order[0]
	}
	_, sourceChanged := given[fallback]
	b.Texts, b.Fallback = texts, fallback
	b.Messages = map[string]core.Reply{}
	for _, l := range d.cat.Langs() {
		m := core.Reply{Lang: l, Title: d.cat.T(l, "bc_corrected_title", nil)}
		old, hadOwn := base.Messages[l]
		switch t, ok := texts[l]; {
		case ok:
			m.Text = []string{t}
		case !sourceChanged && hadOwn && old.Card == nil && len(old.Text) > 0:
			m.Text = slices.Clone(old.Text)
		default:
			m.Text = []string{d.derivedText(ctx, texts[fallback], fallback, l)}
		}
		b.Messages[l] = m
	}
}
