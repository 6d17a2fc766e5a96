package telegram_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/core"
)

func alert(title string) core.Reply {
	return core.Reply{Lang: "en", Title: title, Card: &core.Card{ArticleID: "heat-en", Title: title + " <&>", Section: "Economy",
		Time: "2 hours ago", Lead: "Lead & more.", URL: "https://newsbot.example/en/x"}}
}

func ref(chat int64) core.ChatRef {
	return core.ChatRef{Platform: telegram.Platform, ID: strconv.FormatInt(chat, 10)}
}

func TestSendClassifiesErrors(t *testing.T) {
	h := start(t, setup{})
	chats := []telegramtest.Chat{
		{ID: 10, Type: "private"},
		{ID: 11, Type: "private", Blocked: "Forbidden: bot was blocked by the user"},
		{ID: 12, Type: "private", Blocked: "Forbidden: user is deactivated"},
		{ID: -13, Type: "group", BotStatus: "kicked"},
		{ID: -14, Type: "group", MigrateTo: -1009914},
		{ID: -15, Type: "channel", BotStatus: "member"},
	}
	for _, c := range chats {
		h.srv.AddChat(c)
	}
	tests := []struct {
		name   string
		chat   int64
		fault  *telegramtest.Fault
		class  core.DeliveryClass
		reason string
		check  func(t *testing.T, de *core.DeliveryError)
	}{
		{name: "delivered", chat: 10},
		{name: "blocked", chat: 11, class: core.DeliveryGone, reason: "blocked"},
		{name: "deactivated", chat: 12, class: core.DeliveryGone, reason: "deactivated"},
		{name: "kicked", chat: -13, class: core.DeliveryGone, reason: "kicked"},
		{name: "chat not found", chat: 999, class: core.DeliveryGone, reason: "chat_not_found"},
		{name: "no rights in channel", chat: -15, class: core.DeliveryGone, reason: "no_rights"},
		{name: "migrated", chat: -14, class: core.DeliveryMoved, check: func(t *testing.T, de *core.DeliveryError) {
			if de.MovedTo != "-1009914" {
				t.Errorf("MovedTo %q", de.MovedTo)
			}
		}},
		{name: "rate limited", chat: 10, fault: &telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 7", RetryAfter: 7},
			class: core.DeliveryRetryAfter, check: func(t *testing.T, de *core.DeliveryError) {
				if de.RetryAfter != 7*time.Second {
					t.Errorf("RetryAfter %v, want 7s", de.RetryAfter)
				}
			}},
		{name: "server error", chat: 10, fault: &telegramtest.Fault{Code: 500, Description: "Internal Server Error"}, class: core.DeliveryTransient},
		{name: "proxy error page", chat: 10, fault: &telegramtest.Fault{Code: 502, Raw: "<html>Bad Gateway</html>"}, class: core.DeliveryTransient},
		{name: "bad markup", chat: 10, fault: &telegramtest.Fault{Code: 400, Description: "Bad Request: can't parse entities: unsupported start tag \"x\""},
			class: core.DeliveryRejected, reason: "bad_markup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.fault != nil {
				h.srv.Fail("sendMessage", *tt.fault)
			}
			sent, err := h.bot.Send(context.Background(), ref(tt.chat), alert(tt.name))
			class, de := core.ClassifyDelivery(err)
			if class != tt.class {
				t.Fatalf("class %q (%v), want %q", class, err, tt.class)
			}
			if err == nil {
				if sent.MessageID == "" || sent.Chat != ref(tt.chat) {
					t.Errorf("SentRef %+v", sent)
				}
				msgs := h.srv.Messages(tt.chat)
				if last := msgs[len(msgs)-1]; last.ParseMode != "HTML" || !strings.Contains(last.HTML, "&lt;&amp;&gt;") || last.NoPreview {
					t.Errorf("sent %+v", last)
				}
				return
			}
			if de == nil {
				t.Fatalf("%v is not a *core.DeliveryError", err)
			}
			if tt.reason != "" && de.Reason != tt.reason {
				t.Errorf("reason %q, want %q", de.Reason, tt.reason)
			}
			if tt.check != nil {
				tt.check(t, de)
			}
		})
	}
}

func TestNetworkErrorsAreTransientAndRedacted(t *testing.T) {
	h := start(t, setup{})
	h.srv.Close()
	_, err := h.bot.Send(context.Background(), ref(10), alert("x"))
	if class, _ := core.ClassifyDelivery(err); class != core.DeliveryTransient {
		t.Errorf("class %q, want transient: %v", class, err)
	}
	if strings.Contains(err.Error(), h.srv.Token()) {
		t.Errorf("the error shows the token: %v", err)
	}
	if !h.srv.Await(wait, func() bool { return strings.Contains(h.logs.String(), "getUpdates failed") }) {
		t.Error("the polling failure was not logged")
	}
}

func TestEditAndDelete(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: 20, Type: "private"})
	ctx := context.Background()
	sent, err := h.bot.Send(ctx, ref(20), alert("First"))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.bot.Edit(ctx, sent, alert("Corrected")); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	if m := h.srv.Messages(20)[0]; m.Edits != 1 || !strings.Contains(m.Text, "Corrected") {
		t.Errorf("after Edit: %+v", m)
	}
	if err := h.bot.Edit(ctx, sent, alert("Corrected")); err != nil {
		t.Errorf("an edit to the same text: %v, want success (not modified)", err)
	}
	long := core.Reply{Lang: "en", Text: []string{strings.Repeat("Long sentence. ", 600)}}
	if class, _ := core.ClassifyDelivery(h.bot.Edit(ctx, sent, long)); class != core.DeliveryRejected {
		t.Errorf("an edit longer than a message: class %q, want rejected", class)
	}
	if err := h.bot.Delete(ctx, sent); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if err := h.bot.Delete(ctx, sent); err != nil {
		t.Errorf("deleting again: %v, want success", err)
	}
	if !h.srv.Messages(20)[0].Deleted {
		t.Error("the message was not deleted")
	}
	missing := core.SentRef{Chat: ref(20), MessageID: "77777"}
	if class, _ := core.ClassifyDelivery(h.bot.Edit(ctx, missing, alert("x"))); class != core.DeliveryRejected {
		t.Errorf("editing a missing message: class %q, want rejected", class)
	}
}

func TestLongRepliesAreSplit(t *testing.T) {
	// The spacing of parts is TestLongAlertCard's.
	h := start(t, setup{cfg: func(c *telegram.Config) { c.PartGap = 10 * time.Millisecond }})
	h.srv.AddChat(telegramtest.Chat{ID: 30, Type: "private"})
	para := strings.Repeat("Știri <din> Moldova & lume. ", 60)
	r := core.Reply{Lang: "en", Title: "Digest", Text: []string{para, para, para, para, para, para},
		Buttons: [][]core.Button{{{Label: "More", Data: "l||5|5"}}}}
	if _, err := h.bot.Send(context.Background(), ref(30), r); err != nil {
		t.Fatal(err)
	}
	msgs := h.srv.Messages(30)
	if len(msgs) < 3 {
		t.Fatalf("%d messages, want the reply split in 3 or more", len(msgs))
	}
	for i, m := range msgs {
		if telegramtest.TextLen(m.Text) > telegramtest.MaxMessageLen {
			t.Errorf("message %d: %d characters", i, telegramtest.TextLen(m.Text))
		}
		if (len(m.Keyboard) > 0) != (i == len(msgs)-1) {
			t.Errorf("message %d: keyboard %v; want it under the last message only", i, m.Keyboard)
		}
	}
}

// TestRateLimits sends a burst to one chat through Telegram-like limits:
// the fake answers 429 with retry_after, which Send reports as
// DeliveryRetryAfter for the delivery engine to honour.
func TestRateLimits(t *testing.T) {
	h := start(t, setup{opts: telegramtest.TelegramLimits()})
	h.srv.AddChat(telegramtest.Chat{ID: 40, Type: "private"})
	var limited *core.DeliveryError
	for i := 0; i < 10 && limited == nil; i++ {
		_, err := h.bot.Send(context.Background(), ref(40), alert("burst"))
		if err == nil {
			continue
		}
		if !errors.As(err, &limited) || limited.Class != core.DeliveryRetryAfter {
			t.Fatalf("send %d: %v, want retry_after", i, err)
		}
	}
	if limited == nil {
		t.Fatal("a burst of 10 to one chat was never rate-limited")
	}
	if limited.RetryAfter < time.Second {
		t.Errorf("RetryAfter %v, want at least 1s", limited.RetryAfter)
	}
}
