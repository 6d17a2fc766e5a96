package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// Send posts r to chat (a numeric chat ID, or "@channelname") and returns
// a reference to its first message. A reply longer than one message goes
// out as several, the keyboard under the last; the rendering is the same
// as for answers. Errors are *core.DeliveryError (see classify).
//
// Only a failure of the first part may ask for a retry of the whole
// reply; once it is out, nothing is sent twice. The later parts are
// spaced to keep within the chat's rate limit (Config.PartGap, or
// GroupPartGap in groups and channels) and retried in place after a 429
// (honouring retry_after) or a server error, for at most Config.PartsWait
// and while ctx lasts. A group upgraded to a supergroup between two parts
// gets the rest in the supergroup. If a later part fails for good, Send
// returns the first part's SentRef with an error that is never retryable:
//
//   - DeliveryGone, with the failure's reason (e.g. "blocked"), when the
//     chat went away: it is unsubscribed as usual, and since it is gone
//     there is nothing to resend;
//   - DeliveryRejected, with the failure's reason prefixed "partial_"
//     (e.g. "partial_rate_limited", "partial_bad_markup"), otherwise: the
//     reader has the first parts, and sending the reply again would repeat
//     them.
func (b *Bot) Send(ctx context.Context, chat core.ChatRef, r core.Reply) (core.SentRef, error) {
	out := render(b.cat, r)
	if len(out.Chunks) == 0 {
		return core.SentRef{}, &core.DeliveryError{Class: core.DeliveryRejected, Reason: "empty", Err: errors.New("telegram: the reply renders to no text")}
	}
	first, err := b.sendChunks(ctx, chat.ID, out, false)
	if first == "" {
		return core.SentRef{}, err
	}
	return core.SentRef{Chat: core.ChatRef{Platform: Platform, ID: chat.ID}, MessageID: first}, err
}

// sendChunks sends rendered messages to chat and returns the first
// message's reference (see messageRef), "" when the first failed; errors
// are classified, and never retryable once the first message is out (see
// Send). A reply's first message goes through the gate and its retries
// (sendReply); a broadcast's was spaced by delivery, which retries it. The
// later parts go through the gate at the priority ctx carries
// (core.PriorityOf).
//
// A card that fits a caption goes as a photo. If Telegram refuses the
// picture (see imageRefused), the card goes once more as text, the
// picture remembered so that other chats get the text at once; nothing was
// sent the first time, so nothing is sent twice.
func (b *Bot) sendChunks(ctx context.Context, chat string, out rendered, reply bool) (string, error) {
	if out.AsPhoto && b.pics.refusedLately(out.Image) {
		out = out.asText()
	}
	if out.AsPhoto {
		sent, ok, called, err := b.sendPhoto(ctx, chat, out, reply)
		if err != nil {
			return "", err
		}
		if ok {
			return messageRef{id: sent.MessageID, photo: true}.String(), nil
		}
		out = out.asText()
		if called {
			if err := b.another(ctx, chat, reply); err != nil {
				return "", err
			}
		}
	}
	c, err := firstCall(chat, out)
	if err != nil {
		return "", err
	}
	sent, err := b.sendFirst(ctx, chat, c, reply)
	if err != nil {
		return "", err
	}
	return strconv.Itoa(sent.MessageID), b.sendRest(ctx, chat, out, 1)
}

// maxPartFailures bounds the retries of one later part after server or
// network errors.
const maxPartFailures = 3

// sendRest sends out.Chunks[from:] to chat, the parts before from being
// out already: each through the gate at the priority ctx carries (or,
// without a gate, after the chat's gap), retried in place on 429 and
// server errors within Config.PartsWait. Its errors are DeliveryGone or
// DeliveryRejected "partial_…" (see Send).
func (b *Bot) sendRest(ctx context.Context, chat string, out rendered, from int) error {
	giveUp := time.Now().Add(b.cfg.PartsWait)
	last := time.Now() // when the previous part went out
	moved := false
	prio := core.PriorityOf(ctx)
	for i := from; i < len(out.Chunks); i++ {
		var wait time.Duration
		if b.cfg.Gate == nil {
			wait = b.partGap(chat) - time.Since(last)
		}
		failures := 0
		var lastErr *core.DeliveryError // the part's last failure
		for {
			err := pause(ctx, wait, giveUp)
			if err == nil {
				err = b.pass(ctx, chat, prio, giveUp)
			}
			if err != nil {
				if lastErr == nil {
					reason := "cancelled"
					if errors.Is(err, errWaitTooLong) {
						reason = "timeout"
					}
					lastErr = &core.DeliveryError{Class: core.DeliveryTransient, Reason: reason, Err: err}
				}
				return b.partFailed(chat, i, len(out.Chunks), lastErr)
			}
			m, err := chunkMessage(chat, out, i)
			if err != nil {
				_, de := core.ClassifyDelivery(err)
				return b.partFailed(chat, i, len(out.Chunks), de)
			}
			_, err = b.send(ctx, m)
			last = time.Now()
			_, de := core.ClassifyDelivery(classify(err))
			if de == nil {
				break
			}
			lastErr = de
			switch de.Class {
			case core.DeliveryRetryAfter:
				b.penalize(ctx, chat, de.RetryAfter)
				wait = de.RetryAfter
				if b.cfg.Gate == nil {
					wait = max(wait, b.partGap(chat))
				}
			case core.DeliveryTransient:
				failures++
				if failures > maxPartFailures {
					return b.partFailed(chat, i, len(out.Chunks), de)
				}
				wait = time.Second << (failures - 1)
			case core.DeliveryMoved:
				if moved || de.MovedTo == "" {
					return b.partFailed(chat, i, len(out.Chunks), de)
				}
				b.log.Info("chat upgraded to a supergroup between two parts; the rest goes there", slog.String("chat", chat), slog.String("to", de.MovedTo))
				chat, moved, wait = de.MovedTo, true, 0
			default:
				return b.partFailed(chat, i, len(out.Chunks), de)
			}
		}
	}
	return nil
}

// partFailed is the error of a reply whose part i of n failed for good
// with de after the first part went out: never retryable (see Send).
func (b *Bot) partFailed(chat string, i, n int, de *core.DeliveryError) error {
	b.log.Warn("the rest of a long message was given up", slog.String("chat", chat), slog.Int("part", i+1), slog.Int("parts", n), slog.Any("err", de))
	err := fmt.Errorf("telegram: part %d of %d not sent after the first: %w", i+1, n, de)
	if de.Class == core.DeliveryGone {
		return &core.DeliveryError{Class: core.DeliveryGone, Reason: de.Reason, Err: err}
	}
	return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "partial_" + de.Reason, Err: err}
}

// partGap is the wait between two parts of a message to chat: Telegram
// allows about one message a second in a private chat (positive IDs) and
// 20 a minute in groups and channels.
func (b *Bot) partGap(chat string) time.Duration {
	if id, err := strconv.ParseInt(chat, 10, 64); err == nil && id > 0 {
		return b.cfg.PartGap
	}
	return b.cfg.GroupPartGap
}

// errWaitTooLong means a later part would have to wait past
// Config.PartsWait or ctx's deadline.
var errWaitTooLong = errors.New("telegram: the rest of the message would wait too long")

// pause waits d, unless that ends after giveUp or ctx's deadline (it
// returns errWaitTooLong at once) or ctx ends first (ctx's error). A d of
// 0 or less returns ctx's error at once.
func pause(ctx context.Context, d time.Duration, giveUp time.Time) error {
	if d <= 0 {
		return ctx.Err()
	}
	end := time.Now().Add(d)
	if dl, ok := ctx.Deadline(); end.After(giveUp) || (ok && end.After(dl)) {
		return errWaitTooLong
	}
	if core.Sleep(ctx, d) != nil {
		return ctx.Err()
	}
	return nil
}

// chunkMessage is the message of out's part i to chat, with the keyboard
// when it is the last.
func chunkMessage(chat string, out rendered, i int) (tgbotapi.MessageConfig, error) {
	m, err := newMessage(chat, out.Chunks[i])
	if err != nil {
		return m, err
	}
	// A card's picture shows above its first part only.
	m.DisableWebPagePreview = out.NoPreview || out.Image != ""
	if i == len(out.Chunks)-1 && out.Keyboard != nil {
		m.ReplyMarkup = *out.Keyboard
	}
	return m, nil
}

func newMessage(chat, text string) (tgbotapi.MessageConfig, error) {
	var m tgbotapi.MessageConfig
	if id, err := strconv.ParseInt(chat, 10, 64); err == nil {
		m = tgbotapi.NewMessage(id, text)
	} else if strings.HasPrefix(chat, "@") && len(chat) > 1 {
		m = tgbotapi.NewMessageToChannel(chat, text)
	} else {
		return m, &core.DeliveryError{Class: core.DeliveryGone, Reason: "bad_chat_id", Err: fmt.Errorf("telegram: %q is not a chat ID", chat)}
	}
	m.ParseMode = tgbotapi.ModeHTML
	return m, nil
}

// Edit replaces the content of a sent message with r: a photo's caption
// (shortened to fit, see fitCaption), else its text and keyboard. A reply
// that does not fit is rejected (core.DeliveryRejected, reason
// "too_long"); Telegram's "message is not modified" is success.
func (b *Bot) Edit(ctx context.Context, ref core.SentRef, r core.Reply) error {
	m, err := parseRef(ref.Chat.ID, ref.MessageID)
	if err != nil {
		return err
	}
	out, ok := editContent(b.cat, m, r)
	if !ok {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "too_long", Err: fmt.Errorf("telegram: the edit of message %s does not fit one message", m)}
	}
	return b.editMessage(ctx, m, out, false)
}

// editContent renders r as the new content of message m: a caption that
// fits for a photo, else exactly one message; ok is false when it does not
// fit.
func editContent(cat *locales.Catalog, m messageRef, r core.Reply) (rendered, bool) {
	out := render(cat, r)
	if !m.photo {
		return out, len(out.Chunks) == 1
	}
	caption, ok := fitCaption(cat, r)
	out.Chunks = []string{caption}
	return out, ok
}

// editMessage replaces message m with out's first message; a reply's edit
// goes through the gate and its retries (sendReply), delivery's was spaced
// by delivery. A photo edited to a card with a picture takes the picture
// too (see editPhoto); when Telegram refuses it, only the caption changes.
func (b *Bot) editMessage(ctx context.Context, m messageRef, out rendered, reply bool) error {
	switch {
	case m.photo && out.Image != "" && out.PhotoOK && !b.pics.refusedLately(out.Image):
		err := b.editPhoto(ctx, m, out, reply)
		if !imageRefused(err) {
			return err
		}
		if !errors.Is(err, errRefusedLately) { // a call was made
			if err := b.another(ctx, strconv.FormatInt(m.chat, 10), reply); err != nil {
				return err
			}
		}
	case m.photo && out.Image == "" && !reply:
		// A correction that drops the picture (a wrong or withdrawn one):
		// Telegram cannot turn a photo into a text, so the caption is
		// corrected and the picture stays. Said, for the newsroom to act.
		b.log.Warn("a correction drops a photo's picture, which Telegram cannot remove from the message; its caption is corrected", slog.Int64("chat", m.chat), slog.Int("message", m.id))
	}
	c, err := editCall(m, out)
	if err != nil {
		return err
	}
	_, err = b.sendFirst(ctx, strconv.FormatInt(m.chat, 10), c, reply)
	return err
}

// editPhoto replaces photo m's picture and caption with out's (see
// withPicture): a correction may change the picture.
func (b *Bot) editPhoto(ctx context.Context, m messageRef, out rendered, reply bool) error {
	chat := strconv.FormatInt(m.chat, 10)
	_, err := b.withPicture(ctx, chat, out.Image, reply, "only the caption changes", func(media tgbotapi.RequestFileData) (tgbotapi.Message, error) {
		photo := tgbotapi.NewInputMediaPhoto(media)
		photo.Caption, photo.ParseMode = out.Chunks[0], tgbotapi.ModeHTML
		e := tgbotapi.EditMessageMediaConfig{BaseEdit: tgbotapi.BaseEdit{ChatID: m.chat, MessageID: m.id, ReplyMarkup: out.Keyboard}, Media: photo}
		return b.sendFirst(ctx, chat, apiCall{config: e}, reply)
	})
	return err
}

// Delete deletes a sent message, a photo like a text. A message that is
// already gone counts as deleted.
func (b *Bot) Delete(ctx context.Context, ref core.SentRef) error {
	m, err := parseRef(ref.Chat.ID, ref.MessageID)
	if err != nil {
		return err
	}
	err = b.request(ctx, tgbotapi.NewDeleteMessage(m.chat, m.id))
	if isAPIError(err, 400, "message to delete not found") {
		return nil
	}
	return classify(err)
}

// classify turns a Bot API failure into a *core.DeliveryError:
//
//   - 429 → DeliveryRetryAfter after parameters.retry_after;
//   - migrate_to_chat_id → DeliveryMoved to the new chat;
//   - 403 (blocked, deactivated, kicked, not a member) and 400 "chat not
//     found" or missing rights to post → DeliveryGone;
//   - 5xx, 409, 401, network errors and unreadable answers → DeliveryTransient;
//   - other 4xx (bad markup, too long…) → DeliveryRejected;
//   - "message is not modified" → success (nil).
func classify(err error) error {
	if err == nil {
		return nil
	}
	var te *tgbotapi.Error
	if !errors.As(err, &te) {
		return &core.DeliveryError{Class: core.DeliveryTransient, Reason: "network", Err: err}
	}
	desc := strings.ToLower(te.Message)
	de := &core.DeliveryError{Err: err}
	switch {
	case strings.Contains(desc, "message is not modified"):
		return nil
	case te.Code == 429:
		de.Class, de.Reason = core.DeliveryRetryAfter, "rate_limited"
		de.RetryAfter = time.Duration(max(te.RetryAfter, 1)) * time.Second
	case te.MigrateToChatID != 0:
		de.Class, de.Reason = core.DeliveryMoved, "migrated"
		de.MovedTo = strconv.FormatInt(te.MigrateToChatID, 10)
	case te.Code == 403:
		de.Class, de.Reason = core.DeliveryGone, goneReason(desc)
	case te.Code == 400 && strings.Contains(desc, "chat not found"):
		de.Class, de.Reason = core.DeliveryGone, "chat_not_found"
	case te.Code == 400 && (strings.Contains(desc, "have no rights to send") || strings.Contains(desc, "not enough rights to send") ||
		strings.Contains(desc, "need administrator rights") || strings.Contains(desc, "chat_write_forbidden")):
		de.Class, de.Reason = core.DeliveryGone, "no_rights"
	case te.Code >= 500, te.Code == 409, te.Code == 401, te.Code == 0:
		de.Class, de.Reason = core.DeliveryTransient, "api_"+strconv.Itoa(te.Code)
	default:
		de.Class, de.Reason = core.DeliveryRejected, rejectReason(desc)
	}
	return de
}

func goneReason(desc string) string {
	switch {
	case strings.Contains(desc, "blocked"):
		return "blocked"
	case strings.Contains(desc, "deactivated"):
		return "deactivated"
	case strings.Contains(desc, "kicked"):
		return "kicked"
	case strings.Contains(desc, "not a member"):
		return "not_member"
	}
	return "forbidden"
}

func rejectReason(desc string) string {
	switch {
	case strings.Contains(desc, "can't parse entities"):
		return "bad_markup"
	case strings.Contains(desc, "too long"):
		return "too_long"
	case strings.Contains(desc, "message to edit not found"):
		return "message_not_found"
	case isImageProblem(desc):
		return "bad_image"
	}
	return "bad_request"
}

// isImageProblem reports whether a Bot API error description is about a
// photo Telegram could not fetch or read.
func isImageProblem(desc string) bool {
	for _, s := range []string{"wrong file identifier/http url specified", "failed to get http url content", "wrong type of the web page content",
		"wrong remote file identifier", "photo_invalid", "photo_save_file_invalid", "photo_ext_invalid", "photo_content_url_empty",
		"image_process_failed", "webpage_curl_failed", "webpage_media_empty", "file is too big"} {
		if strings.Contains(desc, s) {
			return true
		}
	}
	return false
}

// isAPIError reports whether err is a Bot API error with code whose
// description contains text.
func isAPIError(err error, code int, text string) bool {
	var te *tgbotapi.Error
	return errors.As(err, &te) && te.Code == code && strings.Contains(strings.ToLower(te.Message), text)
}
