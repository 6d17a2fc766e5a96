package telegram

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

var (
	menuCommand  = regexp.MustCompile(`^[a-z0-9_]{1,32}$`)
	languageCode = regexp.MustCompile(`^[a-z]{2}$`)
)

// setCommands publishes the command menu: one per configured language
// (Telegram shows users the menu of their language_code) and a default in
// the engine's default language, all without moderator commands; and for
// each moderator's private chat, the same menus with them.
func (b *Bot) setCommands(ctx context.Context) error {
	cat := b.engine.Catalog()
	def := b.engine.DefaultLang()
	var errs []error
	set := func(lang, code string, scope *tgbotapi.BotCommandScope, moderator bool) {
		cfg := tgbotapi.SetMyCommandsConfig{Commands: b.menu(lang, moderator), Scope: scope, LanguageCode: code}
		if err := b.request(ctx, cfg); err != nil {
			errs = append(errs, fmt.Errorf("setMyCommands %q: %w", code, err))
		}
	}
	scopes := []*tgbotapi.BotCommandScope{nil}
	for _, id := range b.cfg.Moderators {
		scopes = append(scopes, &tgbotapi.BotCommandScope{Type: "chat", ChatID: id})
	}
	for i, scope := range scopes {
		for _, lang := range cat.Langs() {
			if languageCode.MatchString(lang) {
				set(lang, lang, scope, i > 0)
			}
		}
		set(def, "", scope, i > 0)
	}
	return errors.Join(errs...)
}

func (b *Bot) menu(lang string, moderator bool) []tgbotapi.BotCommand {
	var out []tgbotapi.BotCommand
	for _, c := range b.engine.Commands(lang) {
		if (c.Moderator && !moderator) || !menuCommand.MatchString(c.Name) {
			continue
		}
		desc := clipUnits(c.Description, 256)
		if desc == "" {
			desc = "/" + c.Name
		}
		out = append(out, tgbotapi.BotCommand{Command: c.Name, Description: desc})
	}
	return out
}

// clipUnits shortens s to at most n UTF-16 code units.
func clipUnits(s string, n int) string {
	u := 0
	for i, r := range s {
		if u+runeUnits(r) > n {
			return s[:i]
		}
		u += runeUnits(r)
	}
	return s
}
