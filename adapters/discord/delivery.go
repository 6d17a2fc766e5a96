package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/core"
)

// Discord's JSON error codes that the sender acts on.
const (
	codeUnknownChannel    = 10003
	codeUnknownMessage    = 10008
	codeMissingAccess     = 50001
	codeCannotMessageUser = 50007
	codeMissingPerms      = 50013
)

// Send posts r to the channel chat.ID (a server channel or a DM channel)
// as one message of embeds and buttons, with mentions off, and returns its
// reference. Errors are *core.DeliveryError (see classify).
func (b *Bot) Send(ctx context.Context, chat core.ChatRef, r core.Reply) (core.SentRef, error) {
	out := render(b.cat, r)
	if out.empty() {
		return core.SentRef{}, &core.DeliveryError{Class: core.DeliveryRejected, Reason: "empty", Err: errors.New("discord: the reply renders to nothing")}
	}
	if !snowflake(chat.ID) {
		return core.SentRef{}, &core.DeliveryError{Class: core.DeliveryGone, Reason: "bad_chat_id", Err: fmt.Errorf("discord: %q is not a channel ID", chat.ID)}
	}
	m, err := b.s.ChannelMessageSendComplex(chat.ID, &discordgo.MessageSend{
		Embeds:          out.Embeds,
		Components:      out.Components,
		AllowedMentions: noMentions(),
	}, b.opts(ctx)...)
	if err != nil {
		return core.SentRef{}, b.classify(err)
	}
	return core.SentRef{Chat: core.ChatRef{Platform: Platform, ID: chat.ID}, MessageID: m.ID}, nil
}

// Edit replaces the embeds and buttons of a sent message with r's, mentions
// off. Errors are *core.DeliveryError; an unknown message is
// DeliveryRejected "message_not_found".
func (b *Bot) Edit(ctx context.Context, ref core.SentRef, r core.Reply) error {
	out := render(b.cat, r)
	if out.empty() {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "empty", Err: errors.New("discord: the reply renders to nothing")}
	}
	if !snowflake(ref.Chat.ID) || !snowflake(ref.MessageID) {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "bad_ref", Err: fmt.Errorf("discord: %q/%q is not a message reference", ref.Chat.ID, ref.MessageID)}
	}
	comps := out.Components
	if comps == nil {
		comps = []discordgo.MessageComponent{} // an edit without buttons removes them
	}
	_, err := b.s.ChannelMessageEditComplex(&discordgo.MessageEdit{
		ID:              ref.MessageID,
		Channel:         ref.Chat.ID,
		Embeds:          &out.Embeds,
		Components:      &comps,
		AllowedMentions: noMentions(),
	}, b.opts(ctx)...)
	return b.classify(err)
}

// Delete deletes a sent message; one already gone counts as deleted.
func (b *Bot) Delete(ctx context.Context, ref core.SentRef) error {
	if !snowflake(ref.Chat.ID) || !snowflake(ref.MessageID) {
		return &core.DeliveryError{Class: core.DeliveryRejected, Reason: "bad_ref", Err: fmt.Errorf("discord: %q/%q is not a message reference", ref.Chat.ID, ref.MessageID)}
	}
	err := b.s.ChannelMessageDelete(ref.Chat.ID, ref.MessageID, b.opts(ctx)...)
	if apiCode(err) == codeUnknownMessage {
		return nil
	}
	return b.classify(err)
}

// opts binds a REST call to ctx; the library neither sleeps on a 429 nor
// retries a 502 (see New), so that delivery decides.
func (b *Bot) opts(ctx context.Context) []discordgo.RequestOption {
	return []discordgo.RequestOption{discordgo.WithContext(ctx), discordgo.WithRetryOnRatelimit(false), discordgo.WithRestRetries(0)}
}

// classify turns a REST failure into a *core.DeliveryError:
//
//   - 429 → DeliveryRetryAfter after the body's retry_after; a global
//     limit (X-RateLimit-Global) also pauses every request of the session
//     until it ends, in the library's rate limiter;
//   - 50001 Missing Access, 50013 Missing Permissions, 10003 Unknown
//     Channel, 50007 cannot message the user → DeliveryGone, the reason
//     naming which;
//   - 5xx, 401, network errors and unreadable answers → DeliveryTransient;
//   - other 4xx (invalid form body, unknown message…) → DeliveryRejected.
//
// Error texts never contain the token.
func (b *Bot) classify(err error) error {
	if err == nil {
		return nil
	}
	var rl *discordgo.RateLimitError
	if errors.As(err, &rl) && rl.TooManyRequests != nil {
		return &core.DeliveryError{Class: core.DeliveryRetryAfter, Reason: "rate_limited", RetryAfter: max(rl.RetryAfter, time.Millisecond), Err: rl}
	}
	var re *discordgo.RESTError
	if !errors.As(err, &re) || re.Response == nil {
		if strings.HasPrefix(err.Error(), "Exceeded Max retries HTTP 502") {
			// The library reports a 502 as a plain error.
			return &core.DeliveryError{Class: core.DeliveryTransient, Reason: "api_502", Err: err}
		}
		return &core.DeliveryError{Class: core.DeliveryTransient, Reason: "network", Err: errors.New(redact(err.Error(), b.cfg.Token))}
	}
	status := re.Response.StatusCode
	code := apiCode(err)
	cause := fmt.Errorf("discord: HTTP %d, code %d: %s", status, code, apiMessage(re))
	de := &core.DeliveryError{Err: cause}
	switch {
	case code == codeMissingAccess:
		de.Class, de.Reason = core.DeliveryGone, "missing_access"
	case code == codeMissingPerms:
		de.Class, de.Reason = core.DeliveryGone, "missing_permissions"
	case code == codeUnknownChannel:
		de.Class, de.Reason = core.DeliveryGone, "unknown_channel"
	case code == codeCannotMessageUser:
		de.Class, de.Reason = core.DeliveryGone, "cannot_message_user"
	case status >= 500, status == http.StatusUnauthorized:
		de.Class, de.Reason = core.DeliveryTransient, "api_"+strconv.Itoa(status)
	case code == codeUnknownMessage:
		de.Class, de.Reason = core.DeliveryRejected, "message_not_found"
	default:
		de.Class, de.Reason = core.DeliveryRejected, "api_"+strconv.Itoa(code)
	}
	return de
}

// apiCode is the JSON error code of a REST error, 0 for anything else.
func apiCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return 0
}

func apiMessage(re *discordgo.RESTError) string {
	if re.Message != nil && re.Message.Message != "" {
		return re.Message.Message
	}
	return clip(string(re.ResponseBody), 200)
}

// snowflake reports whether s looks like a Discord ID.
func snowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}
