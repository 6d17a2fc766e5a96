package core

import (
	"context"
	"log/slog"
	"strings"
)

// UserLang returns the language to answer req in: the user's explicit
// choice, else the platform locale when it is a configured language, else
// the chat's language (a group that chose one), else the default. A store
// failure is logged and skipped, so that even an outage is explained in a
// sensible language.
func (e *Engine) UserLang(ctx context.Context, req Request) string {
	s, err := e.store.UserSettings(ctx, req.UserRef())
	if err != nil {
		e.log.Warn("reading user settings", slog.String("user", req.UserRef().String()), slog.Any("err", err))
	} else if e.cat.Has(s.Lang) {
		return s.Lang
	}
	if l := e.cat.Match(req.User.Locale); l != "" {
		return l
	}
	return e.cfg.DefaultLang
}

// matchLang finds the configured language a user means by s: a code
// ("ru", "ru-RU") or a language's own name in any case and with or without
// diacritics ("русский", "romana").
func (e *Engine) matchLang(s string) string {
	if l := e.cat.Match(s); l != "" {
		return l
	}
	f := Fold(s)
	for _, l := range e.cat.Langs() {
		if Fold(e.render.LangName(l)) == f {
			return l
		}
	}
	return ""
}

func (e *Engine) cmdLang(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) == 0 {
		return e.langChoices(req, lang), nil
	}
	want := e.matchLang(cmd.Rest)
	if want == "" {
		return Reply{}, Errorf(CodeInvalid, "err_unknown_lang", map[string]any{"Lang": Clip(cmd.Rest, 20), "Choices": e.langCodes()})
	}
	return e.setLang(ctx, req, want)
}

func (e *Engine) langCodes() string { return strings.Join(e.cat.Langs(), ", ") }

func (e *Engine) langChoices(req Request, lang string) Reply {
	r := Reply{Lang: lang, Title: e.cat.T(lang, "lang_title", nil)}
	var row []Button
	for _, l := range e.cat.Langs() {
		mark := ""
		if l == lang {
			mark = "✓ "
		}
		r.Text = append(r.Text, mark+e.render.LangName(l)+" — /lang "+l)
		row = append(row, Button{Label: e.render.LangName(l), Data: EncodeButton(btnLang, l)})
	}
	r.Buttons = [][]Button{row}
	return r
}

// setLang records want as the user's language and, where the user manages
// the chat (always in a private chat), as the chat's alert language. The
// reply is in the new language.
func (e *Engine) setLang(ctx context.Context, req Request, want string) (Reply, error) {
	u, err := e.store.UserSettings(ctx, req.UserRef())
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	u.Lang = want
	if err := e.store.SaveUserSettings(ctx, req.UserRef(), u); err != nil {
		return Reply{}, Unavailable(err)
	}
	args := map[string]any{"Lang": e.render.LangIn(want, want)}
	r := Reply{Lang: want, Text: []string{e.cat.T(want, "lang_set", map[string]any{"Lang": e.render.LangName(want)})}}
	if req.MayManage() {
		c, err := e.store.ChatSettings(ctx, req.ChatRef())
		if err != nil {
			return Reply{}, Unavailable(err)
		}
		c.Lang = want
		if err := e.store.SaveChatSettings(ctx, req.ChatRef(), c); err != nil {
			return Reply{}, Unavailable(err)
		}
		if req.Chat.Kind != ChatPrivate && req.Chat.Kind != "" {
			r.Text = append(r.Text, e.cat.T(want, "lang_set_chat", args))
		}
	} else {
		chatLang, err := e.chats.Lang(ctx, req.ChatRef())
		if err != nil {
			return Reply{}, Unavailable(err)
		}
		r.Text = append(r.Text, e.cat.T(want, "lang_chat_unchanged", map[string]any{"Lang": e.render.LangIn(want, chatLang)}))
	}
	r.Notice = r.Text[0]
	return r, nil
}

// Clip shortens s to at most n runes, for echoing user input back.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
