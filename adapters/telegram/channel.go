package telegram

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/core"
)

// channelCommands are the commands a channel's administrator may run from
// a private chat for the channel: "/subscribe @channel international".
var channelCommands = map[string]bool{"subscribe": true, "unsubscribe": true, "subscriptions": true}

// channelCommand runs cmd, whose first argument is "@channel", for that
// channel, after checking that the channel exists and that both the user
// and the bot administer it (the bot with the right to post). The reply
// goes to the private chat of req and is titled with the channel's name.
func (b *Bot) channelCommand(ctx context.Context, req core.Request, user int64, cmd core.Command) core.Reply {
	lang := b.engine.UserLang(ctx, req)
	cat := b.engine.Catalog()
	name := cmd.Args[0]
	args := map[string]any{"Channel": name}
	fail := func(code core.Code, key string) core.Reply {
		text := cat.T(lang, key, args)
		return core.Reply{Lang: lang, Text: []string{text}, Notice: text, Alert: true, Error: code}
	}
	api := b.call(ctx)
	chat, err := api.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{SuperGroupUsername: name}})
	switch {
	case isAPIError(err, 400, "chat not found"):
		return fail(core.CodeNotFound, "tg_channel_not_found")
	case err != nil:
		b.log.Warn("getChat", slog.String("channel", name), slog.Any("err", redact(err, b.cfg.Token)))
		return fail(core.CodeUnavailable, "err_unavailable")
	case chat.Type != "channel":
		return fail(core.CodeInvalid, "tg_not_a_channel")
	}
	member := func(id int64) (tgbotapi.ChatMember, error) {
		return api.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: chat.ID, UserID: id}})
	}
	botMember, err := member(b.self.ID)
	if err != nil {
		// Telegram hides a channel's members from bots that are not its
		// administrators.
		var te *tgbotapi.Error
		if errors.As(err, &te) {
			return fail(core.CodeForbidden, "tg_channel_bot_not_admin")
		}
		b.log.Warn("getChatMember", slog.Int64("channel", chat.ID), slog.Any("err", redact(err, b.cfg.Token)))
		return fail(core.CodeUnavailable, "err_unavailable")
	}
	if botMember.Status != "administrator" || !botMember.CanPostMessages {
		return fail(core.CodeForbidden, "tg_channel_bot_not_admin")
	}
	userMember, err := member(user)
	if err != nil {
		b.log.Warn("getChatMember", slog.Int64("channel", chat.ID), slog.Any("err", redact(err, b.cfg.Token)))
		return fail(core.CodeUnavailable, "err_unavailable")
	}
	if userMember.Status != "creator" && userMember.Status != "administrator" {
		return fail(core.CodeForbidden, "tg_channel_user_not_admin")
	}
	creq := req
	creq.Chat = core.Chat{ID: strconv.FormatInt(chat.ID, 10), Kind: core.ChatChannel, CanManage: true}
	creq.Text = strings.TrimSpace("/" + cmd.Name + " " + strings.TrimSpace(strings.TrimPrefix(cmd.Rest, name)))
	r := b.engine.Handle(ctx, creq)
	if chat.UserName != "" {
		args["Channel"] = "@" + chat.UserName
	}
	title := cat.T(lang, "tg_channel_title", args)
	if r.Title != "" {
		title += " · " + r.Title
	}
	r.Title = title
	return r
}
