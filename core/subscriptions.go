package core

import (
	"context"
	"slices"
	"strings"

	"github.com/newsbot/newsbot/content"
)

// resolveSection finds the section a user means: its ID or its name in any
// configured language, case- and diacritics-insensitive.
func (e *Engine) resolveSection(s string) (string, error) {
	f := Fold(s)
	for _, id := range e.render.Sections() {
		if Fold(id) == f {
			return id, nil
		}
		for _, l := range e.cat.Langs() {
			if Fold(e.render.SectionName(l, id)) == f {
				return id, nil
			}
		}
	}
	return "", Errorf(CodeInvalid, "err_unknown_section", map[string]any{"Section": Clip(s, 40)})
}

func (e *Engine) cmdSections(ctx context.Context, req Request, lang string, _ Command) (Reply, error) {
	return e.sectionsReply(ctx, req, lang)
}

func (e *Engine) sectionsReply(ctx context.Context, req Request, lang string) (Reply, error) {
	subs, err := e.store.ChatSections(ctx, req.ChatRef())
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	r := Reply{Lang: lang, Title: e.cat.T(lang, "sections_title", nil)}
	manage := req.MayManage()
	var row []Button
	for _, id := range e.render.Sections() {
		mark, change := "▫️", "/subscribe "
		if slices.Contains(subs, id) {
			mark, change = "✅", "/unsubscribe "
		}
		r.Text = append(r.Text, mark+" "+e.render.SectionName(lang, id)+" — "+change+id)
		if manage {
			row = append(row, Button{Label: mark + " " + e.render.SectionName(lang, id), Data: EncodeButton(btnToggle, id)})
			if len(row) == 2 {
				r.Buttons, row = append(r.Buttons, row), nil
			}
		}
	}
	if len(row) > 0 {
		r.Buttons = append(r.Buttons, row)
	}
	hint := "sections_hint"
	if !manage {
		hint = "sections_hint_admins"
	}
	r.Footer = e.cat.T(lang, hint, nil)
	return r, nil
}

func (e *Engine) cmdSubscribe(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if cmd.Rest == "" {
		return Reply{}, Errorf(CodeInvalid, "err_section_missing", nil)
	}
	if !req.MayManage() {
		return Reply{}, Errorf(CodeForbidden, "err_admins_only", nil)
	}
	id, err := e.resolveSection(cmd.Rest)
	if err != nil {
		return Reply{}, err
	}
	added, err := e.subscribe(ctx, req.ChatRef(), id, e.alertLang(req, lang))
	if err != nil {
		return Reply{}, err
	}
	return e.subscribedReply(lang, id, added), nil
}

// subscribe subscribes chat to section and, unless the chat opted out, to
// breaking news. A chat that has no alert language yet gets lang, the
// language of whoever subscribes it, so that alerts come in the language its
// members read. It returns the sections that were added.
func (e *Engine) subscribe(ctx context.Context, chat ChatRef, section, lang string) ([]string, error) {
	settings, err := e.store.ChatSettings(ctx, chat)
	if err != nil {
		return nil, Unavailable(err)
	}
	changed := false
	if settings.Lang == "" && e.cat.Has(lang) {
		settings.Lang, changed = lang, true
	}
	if section == content.Breaking && settings.NoBreaking {
		settings.NoBreaking, changed = false, true
	}
	if changed {
		if err := e.store.SaveChatSettings(ctx, chat, settings); err != nil {
			return nil, Unavailable(err)
		}
	}
	sections := []string{section}
	if section != content.Breaking && !settings.NoBreaking {
		sections = append(sections, content.Breaking)
	}
	added, err := e.store.Subscribe(ctx, chat, sections...)
	if err != nil {
		return nil, Unavailable(err)
	}
	return added, nil
}

// alertLang is the language a chat subscribed by req gets alerts in when
// it has none yet: the chat's own locale when it is one of the bot's
// languages, else lang, the subscriber's.
func (e *Engine) alertLang(req Request, lang string) string {
	if l := e.cat.Match(req.Chat.Locale); l != "" {
		return l
	}
	return lang
}

func (e *Engine) subscribedReply(lang, id string, added []string) Reply {
	args := map[string]any{"Section": e.render.SectionName(lang, id)}
	r := Reply{Lang: lang}
	switch {
	case !slices.Contains(added, id):
		r.Text = []string{e.cat.T(lang, "already_subscribed", args)}
	case slices.Contains(added, content.Breaking) && id != content.Breaking:
		r.Text = []string{e.cat.T(lang, "subscribed", args), e.cat.T(lang, "subscribed_breaking_too", nil)}
	default:
		r.Text = []string{e.cat.T(lang, "subscribed", args)}
	}
	r.Notice = r.Text[0]
	return r
}

func (e *Engine) cmdUnsubscribe(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if cmd.Rest == "" {
		return Reply{}, Errorf(CodeInvalid, "err_section_missing", nil)
	}
	if !req.MayManage() {
		return Reply{}, Errorf(CodeForbidden, "err_admins_only", nil)
	}
	if e.render.IsWord(cmd.Rest, "all", "word_all") {
		removed, err := e.store.UnsubscribeAll(ctx, req.ChatRef())
		if err != nil {
			return Reply{}, Unavailable(err)
		}
		if len(removed) == 0 {
			return Reply{Lang: lang, Text: []string{e.cat.T(lang, "subscriptions_none", nil)}}, nil
		}
		return Reply{Lang: lang, Text: []string{e.cat.N(lang, "unsubscribed_all", len(removed), nil)}}, nil
	}
	id, err := e.resolveSection(cmd.Rest)
	if err != nil {
		return Reply{}, err
	}
	removed, err := e.unsubscribe(ctx, req.ChatRef(), id)
	if err != nil {
		return Reply{}, err
	}
	r := e.unsubscribedReply(lang, id, removed)
	if left, err := e.store.ChatSections(ctx, req.ChatRef()); err == nil && len(left) == 1 && left[0] == content.Breaking {
		r.Text = append(r.Text, e.cat.T(lang, "breaking_still_on", nil))
	}
	return r, nil
}

// unsubscribe removes section from chat. Leaving breaking news is
// remembered, so that later subscriptions do not bring it back.
func (e *Engine) unsubscribe(ctx context.Context, chat ChatRef, section string) (bool, error) {
	if section == content.Breaking {
		settings, err := e.store.ChatSettings(ctx, chat)
		if err != nil {
			return false, Unavailable(err)
		}
		if !settings.NoBreaking {
			settings.NoBreaking = true
			if err := e.store.SaveChatSettings(ctx, chat, settings); err != nil {
				return false, Unavailable(err)
			}
		}
	}
	removed, err := e.store.Unsubscribe(ctx, chat, section)
	if err != nil {
		return false, Unavailable(err)
	}
	return len(removed) > 0, nil
}

func (e *Engine) unsubscribedReply(lang, id string, removed bool) Reply {
	args := map[string]any{"Section": e.render.SectionName(lang, id)}
	key := "unsubscribed"
	if !removed {
		key = "not_subscribed"
	}
	r := Reply{Lang: lang, Text: []string{e.cat.T(lang, key, args)}}
	r.Notice = r.Text[0]
	return r
}

func (e *Engine) toggleSection(ctx context.Context, req Request, lang, id string) (Reply, error) {
	if !slices.Contains(e.render.Sections(), id) {
		return Reply{}, Errorf(CodeInvalid, "err_button_stale", nil)
	}
	if !req.MayManage() {
		return Reply{}, Errorf(CodeForbidden, "err_admins_only", nil)
	}
	subs, err := e.store.ChatSections(ctx, req.ChatRef())
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	var notice string
	if slices.Contains(subs, id) {
		removed, err := e.unsubscribe(ctx, req.ChatRef(), id)
		if err != nil {
			return Reply{}, err
		}
		notice = e.unsubscribedReply(lang, id, removed).Notice
	} else {
		added, err := e.subscribe(ctx, req.ChatRef(), id, e.alertLang(req, lang))
		if err != nil {
			return Reply{}, err
		}
		// The whole answer, as /subscribe gives it: a section may bring
		// breaking news along, which the notice must not keep quiet.
		notice = strings.Join(e.subscribedReply(lang, id, added).Text, " ")
	}
	r, err := e.sectionsReply(ctx, req, lang)
	r.Edit, r.Notice = true, notice
	return r, err
}

func (e *Engine) cmdSubscriptions(ctx context.Context, req Request, lang string, _ Command) (Reply, error) {
	subs, err := e.store.ChatSections(ctx, req.ChatRef())
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	r := Reply{Lang: lang, Title: e.cat.T(lang, "subscriptions_title", nil)}
	if len(subs) == 0 {
		r.Text = []string{e.cat.T(lang, "subscriptions_none", nil)}
		return r, nil
	}
	// Show them in the configured order, then any the config no longer has.
	slices.SortStableFunc(subs, func(a, b string) int { return e.sectionIndex(a) - e.sectionIndex(b) })
	names := make([]string, len(subs))
	for i, id := range subs {
		names[i] = "• " + e.render.SectionName(lang, id)
	}
	r.Text = []string{strings.Join(names, "\n"), e.cat.N(lang, "subscriptions_count", len(subs), nil)}
	r.Footer = e.cat.T(lang, "subscriptions_hint", nil)
	return r, nil
}

func (e *Engine) sectionIndex(id string) int {
	if i := slices.Index(e.render.Sections(), id); i >= 0 {
		return i
	}
	return len(e.render.Sections())
}
