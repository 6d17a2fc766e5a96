package core

import (
	"context"
	"maps"
	"slices"
	"strings"
)

// cmdCorrect is /correct <id> <text>: it previews a correction of a
// breaking news or alert broadcast. The text is written like /breaking's:
// "ro: … | ru: …" corrects the languages it names; a text without
// language codes corrects the moderator's language only. Every other
// language keeps its text, unless it had none of its own (it showed a copy
// or a translation of another language's text) and that text changes: it
// then follows the corrected text. The preview says which languages change.
func (e *Engine) cmdCorrect(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) == 0 {
		return Reply{}, Errorf(CodeInvalid, "bc_id_missing", nil)
	}
	target, err := e.editableBroadcast(ctx, cmd.Args[0])
	if err != nil {
		return Reply{}, err
	}
	text := strings.TrimSpace(strings.TrimPrefix(cmd.Rest, cmd.Args[0]))
	if !hasWords(text) {
		return Reply{}, Errorf(CodeInvalid, "bc_correct_text_missing", nil)
	}
	given, order, plain, err := e.parseTexts(text, lang)
	if err != nil {
		return Reply{}, err
	}
	base, err := e.currentVersion(ctx, target.Broadcast)
	if err != nil {
		return Reply{}, err
	}
	b := Broadcast{Kind: BroadcastCorrect, Priority: target.Broadcast.Priority, Target: target.Broadcast.ID}
	e.correctedMessages(ctx, &b, base, given, order)
	var changed, kept []string
	for _, l := range e.cat.Langs() {
		if old := base.Message(l); old.Card == nil && slices.Equal(old.Text, b.Messages[l].Text) {
			kept = append(kept, e.langName(l))
		} else {
			changed = append(changed, e.langName(l))
		}
	}
	if len(changed) == 0 {
		return Reply{}, Errorf(CodeInvalid, "bc_correct_unchanged", map[string]any{"ID": target.Broadcast.ID})
	}
	footer := []string{e.cat.T(lang, "bc_correct_changes", map[string]any{"Langs": strings.Join(changed, ", ")})}
	if len(kept) > 0 {
		footer = append(footer, e.cat.T(lang, "bc_correct_kept", map[string]any{"Langs": strings.Join(kept, ", ")}))
		if plain {
			footer = append(footer, e.cat.T(lang, "bc_correct_plain_hint", map[string]any{"Lang": e.langName(lang)}))
		}
	}
	footer = append(footer, e.cat.T(lang, "bc_correct_preview", map[string]any{"ID": target.Broadcast.ID, "Count": target.Sent}))
	p := pending{B: b}
	if base.ID != target.Broadcast.ID {
		p.Base = base.ID
	}
	return e.preview(ctx, req, lang, p, footer)
}

// currentVersion returns what the chats that got target show now: its
// latest confirmed correction, else target itself.
func (e *Engine) currentVersion(ctx context.Context, target Broadcast) (Broadcast, error) {
	f, ok, err := e.fix(ctx, target.ID)
	if err != nil {
		return Broadcast{}, Unavailable(err)
	}
	if !ok || f.Latest == "" || f.Retracted {
		return target, nil
	}
	st, err := e.bcast.Status(ctx, f.Latest)
	switch {
	case ErrorCode(err) == CodeNotFound:
		return target, nil
	case err != nil:
		return Broadcast{}, Unavailable(err)
	case st.Broadcast.Kind != BroadcastCorrect || st.Broadcast.Target != target.ID:
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
func (e *Engine) correctedMessages(ctx context.Context, b *Broadcast, base Broadcast, given map[string]string, order []string) {
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
	b.Messages = map[string]Reply{}
	for _, l := range e.cat.Langs() {
		m := Reply{Lang: l, Title: e.cat.T(l, "bc_corrected_title", nil)}
		old, hadOwn := base.Messages[l]
		switch t, ok := texts[l]; {
		case ok:
			m.Text = []string{t}
		case !sourceChanged && hadOwn && old.Card == nil && len(old.Text) > 0:
			m.Text = slices.Clone(old.Text)
		default:
			m.Text = []string{e.derivedText(ctx, texts[fallback], fallback, l)}
		}
		b.Messages[l] = m
	}
}
