package telegram

import (
	"context"
	"errors"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/core"
)

// allowedUpdates are the kinds of update the bot asks Telegram for; others
// are ignored should they come anyway.
var allowedUpdates = []string{"message", "callback_query", "my_chat_member"}

// handleTimeout bounds the handling of one update before its replies,
// which have Config.ReplyDeadline more.
const handleTimeout = 30 * time.Second

// dispatch handles u on a worker, waiting for a free one until ctx ends
// (then it reports false and u is not handled). Once Run is stopping it
// reports false too: Run waits only for the updates accepted before.
// Handling goes on after ctx ends, bounded by handleTimeout, so that an
// answer in progress is sent; Run waits for it. Updates seen recently (a
// webhook redelivery) are skipped.
func (b *Bot) dispatch(ctx context.Context, u tgbotapi.Update) bool {
	if b.seen.check(u.UpdateID) {
		b.log.Debug("duplicate update skipped", slog.Int("update", u.UpdateID))
		return true
	}
	select {
	case b.work <- struct{}{}:
	case <-ctx.Done():
		b.seen.forget(u.UpdateID)
		return false
	}
	if !b.door.Enter() {
		<-b.work
		b.seen.forget(u.UpdateID)
		return false
	}
	go func() {
		defer func() {
			if p := recover(); p != nil {
				b.log.Error("panic handling an update", slog.Any("panic", p), slog.String("stack", string(debug.Stack())), slog.Int("update", u.UpdateID))
			}
			<-b.work
			b.door.Leave()
		}()
		hctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), handleTimeout+b.cfg.ReplyDeadline)
		defer cancel()
		b.handleUpdate(hctx, u)
	}()
	return true
}

func (b *Bot) handleUpdate(ctx context.Context, u tgbotapi.Update) {
	switch {
	case u.Message != nil:
		b.handleMessage(ctx, u.Message)
	case u.CallbackQuery != nil:
		b.handleCallback(ctx, u.CallbackQuery)
	case u.MyChatMember != nil:
		b.handleMyChatMember(ctx, u.MyChatMember)
	default:
		b.log.Debug("update ignored", slog.Int("update", u.UpdateID))
	}
}

// chatKind maps Telegram's chat type; ok is false for types the bot does
// not talk in.
func chatKind(t string) (core.ChatKind, bool) {
	switch t {
	case "private":
		return core.ChatPrivate, true
	case "group", "supergroup":
		return core.ChatGroup, true
	case "channel":
		return core.ChatChannel, true
	}
	return "", false
}

func (b *Bot) user(u *tgbotapi.User) core.User {
	return core.User{
		ID:        strconv.FormatInt(u.ID, 10),
		Name:      u.String(),
		Locale:    u.LanguageCode,
		Moderator: b.moderators[u.ID],
	}
}

// canManage reports whether user manages chat: always in a private chat;
// in a group, its administrators (anonymous ones included).
func (b *Bot) canManage(ctx context.Context, chat *tgbotapi.Chat, user int64, anonymousAdmin bool) bool {
	if chat.Type == "private" {
		return true
	}
	if anonymousAdmin {
		return true
	}
	ok, err := b.admins.isAdmin(ctx, chat.ID, user)
	if err != nil {
		b.log.Warn("reading group administrators", slog.Int64("chat", chat.ID), slog.Any("err", err))
		return false
	}
	return ok
}

func (b *Bot) handleMessage(ctx context.Context, m *tgbotapi.Message) {
	if m.Chat != nil && (m.MigrateToChatID != 0 || m.MigrateFromChatID != 0) {
		b.handleMigration(ctx, m)
		return
	}
	if m.From == nil || m.Chat == nil || m.Text == "" {
		return
	}
	kind, ok := chatKind(m.Chat.Type)
	if !ok || kind == core.ChatChannel {
		return
	}
	anonymousAdmin := m.SenderChat != nil && m.SenderChat.ID == m.Chat.ID
	if m.From.IsBot && !anonymousAdmin {
		return
	}
	cmd, isCmd := core.ParseCommand(m.Text)
	if kind == core.ChatGroup && !isCmd {
		return // talk in a group is not for the bot
	}
	if isCmd && cmd.Bot != "" && !strings.EqualFold(cmd.Bot, b.self.UserName) {
		return // addressed to another bot
	}
	req := core.Request{
		Platform: Platform,
		User:     b.user(m.From),
		Chat:     core.Chat{ID: strconv.FormatInt(m.Chat.ID, 10), Kind: kind},
		Text:     decodeReadCommand(m.Text),
		Time:     time.Unix(int64(m.Date), 0),
	}
	if !b.allow(ctx, req, m.From.ID, m.Chat.ID) {
		return
	}
	var reply core.Reply
	if kind == core.ChatPrivate && isCmd && channelCommands[cmd.Name] && len(cmd.Args) > 0 && strings.HasPrefix(cmd.Args[0], "@") {
		reply = b.channelCommand(ctx, req, m.From.ID, cmd)
	} else {
		req.Chat.CanManage = b.canManage(ctx, m.Chat, m.From.ID, anonymousAdmin)
		reply = b.engine.Handle(ctx, req)
	}
	if reply.Empty() {
		return
	}
	b.reply(ctx, m.Chat.ID, reply)
}

// allow applies the anti-flood limit to a request of user in chat, sending
// the one notice when the user goes past it.
func (b *Bot) allow(ctx context.Context, req core.Request, user, chat int64) bool {
	switch b.flood.check(user) {
	case floodAllow:
		return true
	case floodNotice:
		b.log.Info("user flood-limited", slog.Int64("user", user), slog.Int("per_minute", b.cfg.FloodPerMinute))
		lang := b.engine.UserLang(ctx, req)
		text := b.engine.Catalog().T(lang, "tg_flood", map[string]any{"Count": b.cfg.FloodPerMinute})
		b.reply(ctx, chat, core.Reply{Lang: lang, Text: []string{text}})
	}
	return false
}

// reply sends r to chat through the gate, first among the bot's messages,
// waiting out Telegram's 429s within Config.ReplyDeadline. A reply given
// up is counted by reason (ReplyStats) and logged once.
func (b *Bot) reply(ctx context.Context, chat int64, r core.Reply) {
	out := render(b.engine.Catalog(), r)
	if len(out.Chunks) == 0 {
		return
	}
	ctx, cancel := b.replyContext(ctx)
	defer cancel()
	if _, err := b.sendChunks(ctx, strconv.FormatInt(chat, 10), out, true); err != nil {
		b.replyDropped("sending a reply", chat, err)
		return
	}
	b.stats.sent.Add(1)
}

// replyContext is ctx for sending one reply: at PriorityReply, ending at
// the reply deadline.
func (b *Bot) replyContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(core.WithPriority(ctx, core.PriorityReply), b.cfg.ReplyDeadline)
}

// replyDropped counts and logs a reply given up with err.
func (b *Bot) replyDropped(what string, chat int64, err error) {
	reason := "deadline"
	if !errors.Is(err, errReplyDeadline) {
		class, _ := core.ClassifyDelivery(err)
		reason = string(class)
		if class == core.DeliveryRetryAfter {
			reason = "deadline"
		}
	}
	b.stats.drop(reason)
	b.logDelivery(what+" (given up: "+reason+")", chat, err)
}

func (b *Bot) logDelivery(what string, chat int64, err error) {
	class, _ := core.ClassifyDelivery(err)
	level := slog.LevelWarn
	if class == core.DeliveryGone {
		level = slog.LevelInfo
	}
	b.log.Log(context.Background(), level, what+" failed", slog.Int64("chat", chat), slog.String("class", string(class)), slog.Any("err", err))
}

func (b *Bot) handleCallback(ctx context.Context, q *tgbotapi.CallbackQuery) {
	answer := tgbotapi.NewCallback(q.ID, "")
	answered := false
	answerNow := func() {
		if answered {
			return
		}
		answered = true
		if err := b.request(ctx, answer); err != nil {
			b.log.Warn("answering a button press", slog.Any("err", err))
		}
	}
	// Every press is answered, or the user's button keeps spinning.
	defer answerNow()
	if q.From == nil || q.Message == nil || q.Message.Chat == nil || q.Data == "" {
		return
	}
	kind, ok := chatKind(q.Message.Chat.Type)
	if !ok {
		return
	}
	chat := q.Message.Chat.ID
	req := core.Request{
		Platform: Platform,
		User:     b.user(q.From),
		Chat:     core.Chat{ID: strconv.FormatInt(chat, 10), Kind: kind},
		Button:   q.Data,
		// The engine may keep it to edit later (a broadcast's report): a
		// photo's reference says so (see messageRef).
		MessageID: messageRef{id: q.Message.MessageID, photo: len(q.Message.Photo) > 0}.String(),
		Time:      time.Now(),
	}
	switch b.flood.check(q.From.ID) {
	case floodNotice:
		lang := b.engine.UserLang(ctx, req)
		answer.Text = notice(b.engine.Catalog().T(lang, "tg_flood", map[string]any{"Count": b.cfg.FloodPerMinute}))
		answer.ShowAlert = true
		return
	case floodSilent:
		return
	}
	req.Chat.CanManage = b.canManage(ctx, q.Message.Chat, q.From.ID, false)
	r := b.engine.Handle(ctx, req)
	answer.Text = notice(r.Notice)
	answer.ShowAlert = r.Alert || r.Error != ""
	if r.Error != "" || !r.HasContent() {
		return // the alert explains the error; nothing to post
	}
	// Answer before editing, so that the spinner stops at once.
	answerNow()
	if r.Edit {
		b.editInPlace(ctx, messageRef{chat: chat, id: q.Message.MessageID, photo: len(q.Message.Photo) > 0}, r)
		return
	}
	b.reply(ctx, chat, r)
}

// editInPlace replaces message m with r; parts that do not fit follow as
// new messages, the keyboard under the last. A photo keeps its picture and
// takes r as its caption, shortened to fit when r is a card; any other
// reply too long for a caption goes as a new message.
func (b *Bot) editInPlace(ctx context.Context, m messageRef, r core.Reply) {
	out := render(b.engine.Catalog(), r)
	if len(out.Chunks) == 0 {
		return
	}
	if m.photo {
		caption, ok := fitCaption(b.engine.Catalog(), r)
		if !ok {
			b.reply(ctx, m.chat, r)
			return
		}
		out.Chunks = []string{caption}
	}
	first := out
	if len(out.Chunks) > 1 {
		first.Keyboard = nil
	}
	ctx, cancel := b.replyContext(ctx)
	defer cancel()
	if err := b.editMessage(ctx, m, first, true); err != nil {
		b.replyDropped("editing a message", m.chat, err)
		return
	}
	if err := b.sendRest(ctx, strconv.FormatInt(m.chat, 10), out, 1); err != nil {
		b.replyDropped("sending the rest of an edited reply", m.chat, err)
		return
	}
	b.stats.sent.Add(1)
}

// handleMyChatMember follows the bot's own membership: removed from a
// chat (or blocked in a private one), the chat's alerts stop.
func (b *Bot) handleMyChatMember(ctx context.Context, u *tgbotapi.ChatMemberUpdated) {
	if _, ok := chatKind(u.Chat.Type); !ok {
		return
	}
	status := u.NewChatMember.Status
	b.log.Info("bot membership changed", slog.Int64("chat", u.Chat.ID), slog.String("type", u.Chat.Type),
		slog.String("from", u.OldChatMember.Status), slog.String("to", status))
	if status != "left" && status != "kicked" {
		return
	}
	b.admins.forget(u.Chat.ID)
	// The bot can no longer post there: the chat's alerts stop.
	if err := b.engine.ForgetChat(ctx, core.ChatRef{Platform: Platform, ID: strconv.FormatInt(u.Chat.ID, 10)}); err != nil {
		b.log.Warn("unsubscribing a chat the bot left", slog.Int64("chat", u.Chat.ID), slog.Any("err", err))
	}
}

// handleMigration follows a group's upgrade to a supergroup, which gives
// the chat a new ID: its subscriptions and settings move to the new one.
// Telegram announces the upgrade twice, in the old chat (migrate_to_chat_id)
// and in the new (migrate_from_chat_id); moving again finds nothing left to
// move, so both are followed, whichever comes first.
func (b *Bot) handleMigration(ctx context.Context, m *tgbotapi.Message) {
	from, to := m.Chat.ID, m.MigrateToChatID
	if to == 0 {
		from, to = m.MigrateFromChatID, m.Chat.ID
	}
	if from == to {
		return
	}
	b.admins.forget(from)
	b.log.Info("group upgraded to a supergroup; its subscriptions follow", slog.Int64("from", from), slog.Int64("to", to))
	fromRef := core.ChatRef{Platform: Platform, ID: strconv.FormatInt(from, 10)}
	toRef := core.ChatRef{Platform: Platform, ID: strconv.FormatInt(to, 10)}
	if err := b.engine.MoveChat(ctx, fromRef, toRef); err != nil {
		b.log.Warn("moving the subscriptions of an upgraded group", slog.Int64("from", from), slog.Int64("to", to), slog.Any("err", err))
	}
}

// recentUpdates remembers the last update IDs handled, to skip a webhook's
// redelivery. It is safe for concurrent use.
type recentUpdates struct {
	mu   sync.Mutex
	ids  map[int]bool
	ring []int
	next int
}

func newRecentUpdates(n int) *recentUpdates {
	return &recentUpdates{ids: map[int]bool{}, ring: make([]int, n)}
}

// check records id and reports whether it was seen already.
func (r *recentUpdates) check(id int) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.ids[id] {
		return true
	}
	if old := r.ring[r.next]; old != 0 {
		delete(r.ids, old)
	}
	r.ring[r.next] = id
	r.next = (r.next + 1) % len(r.ring)
	r.ids[id] = true
	return false
}

func (r *recentUpdates) forget(id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.ids, id)
}
