package telegram_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/core"
)

// breakingText is the reviewer's case: 1,999 characters whose escaping
// ("R&D <b>" becomes "R&amp;D &lt;b&gt;") makes the HTML longer than one
// message, so that it goes out in two parts.
func breakingText() string {
	s := strings.Repeat("R&D <b> ", 250)
	return strings.TrimSpace(s[:1999])
}

// longAlert is an alert card too long for one message, with a keyboard.
func longAlert(title string) core.Reply {
	lead := strings.Repeat("R&D <b> spending rose in Chișinău & Bălți. ", 60)
	summary := strings.Repeat("Ministers said \"more\" is <coming>. ", 90)
	return core.Reply{Lang: "en", Title: title, Card: &core.Card{ArticleID: "rd-en", Title: title + " <R&D>", Section: "Economy",
		Time: "2 hours ago", Lead: lead, Summary: summary, Byline: "By Ana Rusu & John Smith", URL: "https://newsbot.example/en/rd?a=1&b=2",
		Editions: []core.Edition{{ArticleID: "rd-ro", LangName: "Română", Title: "Cercetare & dezvoltare"}}},
		Buttons: [][]core.Button{{{Label: "Summary", Data: "s|rd-en"}, {Label: "Română", Data: "r|rd-ro"}}}}
}

// deliverLikeEngine calls Send as the delivery engine does (see
// delivery/consumer.go): after a retry_after it waits and sends the whole
// reply again, after a transient error too, up to tries calls.
func deliverLikeEngine(t *testing.T, bot *telegram.Bot, chat core.ChatRef, r core.Reply, tries int) (core.SentRef, int, error) {
	t.Helper()
	for call := 1; ; call++ {
		ref, err := bot.Send(context.Background(), chat, r)
		class, de := core.ClassifyDelivery(err)
		if (class != core.DeliveryRetryAfter && class != core.DeliveryTransient) || call == tries {
			return ref, call, err
		}
		wait := time.Second
		if de != nil && de.RetryAfter > 0 {
			wait = de.RetryAfter
		}
		time.Sleep(wait)
	}
}

// TestLongBroadcastsUnderRateLimits sends three two-part broadcasts in a
// row to one private chat through Telegram's limits, retrying as the
// delivery engine does. Each part must arrive exactly once: a 429 on a
// later part is waited out inside Send, never answered by sending the
// whole reply again.
func TestLongBroadcastsUnderRateLimits(t *testing.T) {
	h := start(t, setup{opts: telegramtest.TelegramLimits()})
	const chat = 41
	h.srv.AddChat(telegramtest.Chat{ID: chat, Type: "private"})
	r := core.Reply{Lang: "en", Title: "Breaking", Text: []string{breakingText()}}
	var refs []core.SentRef
	for i := range 3 {
		sent, calls, err := deliverLikeEngine(t, h.bot, ref(chat), r, 5)
		if err != nil {
			t.Fatalf("broadcast %d: %v after %d calls", i+1, err, calls)
		}
		refs = append(refs, sent)
	}
	msgs := h.srv.Messages(chat)
	if len(msgs) != 6 {
		t.Fatalf("the chat got %d messages, want 3 broadcasts of 2 parts (%d answered 429)", len(msgs), h.srv.RateLimited())
	}
	for i, m := range msgs {
		if want := msgs[i%2].Text; m.Text != want {
			t.Errorf("message %d is not part %d of a broadcast:\n%.80s…", i, i%2+1, m.Text)
		}
	}
	for i, sent := range refs {
		if sent.MessageID != strconv.Itoa(msgs[2*i].MessageID) {
			t.Errorf("broadcast %d: SentRef %s, want its first part %d", i+1, sent.MessageID, msgs[2*i].MessageID)
		}
	}
	if got := noSpace(msgs[0].Text + msgs[1].Text); got != noSpace("Breaking"+breakingText()) {
		t.Errorf("the parts do not add up to the broadcast")
	}
}

// TestLaterPartsFailInPlace makes the second part of a long alert fail in
// each way Telegram can fail it and checks what Send reports: success
// when the part goes through on a retry; else the first part's SentRef
// with an error the delivery engine never retries.
func TestLaterPartsFailInPlace(t *testing.T) {
	h := start(t, setup{cfg: func(c *telegram.Config) {
		c.PartGap, c.GroupPartGap, c.PartsWait = 20*time.Millisecond, 20*time.Millisecond, 5*time.Second
	}})
	const control = 50
	h.srv.AddChat(telegramtest.Chat{ID: control, Type: "private"})
	if _, err := h.bot.Send(context.Background(), ref(control), longAlert("R&D")); err != nil {
		t.Fatal(err)
	}
	want := h.srv.Messages(control)
	if len(want) < 3 {
		t.Fatalf("the alert went out in %d messages, want 3 or more", len(want))
	}
	const upgraded = -1009951
	h.srv.AddChat(telegramtest.Chat{ID: upgraded, Type: "supergroup"})
	tests := []struct {
		name     string
		fault    telegramtest.Fault
		class    core.DeliveryClass
		reason   string
		sent     int           // messages in the chat afterwards
		atLeast  time.Duration // Send takes at least this long
		atMost   time.Duration
		movedTo  int64 // the parts after the first went there
		canceled time.Duration
	}{
		{name: "rate limited, then sent", fault: telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1},
			sent: len(want), atLeast: time.Second},
		{name: "server error, then sent", fault: telegramtest.Fault{Code: 502, Description: "Bad Gateway"}, sent: len(want), atLeast: time.Second},
		{name: "blocked after the first part", fault: telegramtest.Fault{Code: 403, Description: "Forbidden: bot was blocked by the user"},
			class: core.DeliveryGone, reason: "blocked", sent: 1},
		{name: "part refused", fault: telegramtest.Fault{Code: 400, Description: "Bad Request: can't parse entities: unsupported start tag \"x\""},
			class: core.DeliveryRejected, reason: "partial_bad_markup", sent: 1},
		{name: "retry_after beyond PartsWait", fault: telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 600", RetryAfter: 600},
			class: core.DeliveryRejected, reason: "partial_rate_limited", sent: 1, atMost: time.Second},
		{name: "retry_after beyond the context", fault: telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 3", RetryAfter: 3},
			class: core.DeliveryRejected, reason: "partial_rate_limited", sent: 1, atMost: time.Second, canceled: 2 * time.Second},
		{name: "group upgraded between parts", fault: telegramtest.Fault{Code: 400, Description: "Bad Request: group chat was upgraded to a supergroup chat", MigrateTo: upgraded},
			sent: 1, movedTo: upgraded},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chat := int64(60 + i)
			h.srv.AddChat(telegramtest.Chat{ID: chat, Type: "private"})
			f := tt.fault
			f.Skip = 1
			h.srv.Fail("sendMessage", f)
			ctx := context.Background()
			if tt.canceled > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.canceled)
				defer cancel()
			}
			began := time.Now()
			sent, err := h.bot.Send(ctx, ref(chat), longAlert("R&D"))
			took := time.Since(began)
			class, de := core.ClassifyDelivery(err)
			if class != tt.class || (de != nil && de.Reason != tt.reason) {
				t.Fatalf("Send: %v; want class %q reason %q", err, tt.class, tt.reason)
			}
			msgs := h.srv.Messages(chat)
			if len(msgs) != tt.sent {
				t.Fatalf("%d messages in the chat, want %d", len(msgs), tt.sent)
			}
			if sent.Chat != ref(chat) || sent.MessageID != strconv.Itoa(msgs[0].MessageID) {
				t.Errorf("SentRef %+v, want the first part %d", sent, msgs[0].MessageID)
			}
			if took < tt.atLeast || (tt.atMost > 0 && took > tt.atMost) {
				t.Errorf("Send took %v, want %v to %v", took, tt.atLeast, tt.atMost)
			}
			if tt.movedTo != 0 {
				msgs = append(msgs, h.srv.Messages(tt.movedTo)...)
			}
			if class == "" {
				// Every part once, in order, the keyboard under the last.
				if len(msgs) != len(want) {
					t.Fatalf("%d parts delivered, want %d", len(msgs), len(want))
				}
				for j := range want {
					if msgs[j].Text != want[j].Text || (len(msgs[j].Keyboard) > 0) != (j == len(want)-1) {
						t.Errorf("part %d differs from the alert's: keyboard %v\n%.80s…", j+1, msgs[j].Keyboard, msgs[j].Text)
					}
				}
			}
		})
	}
}

// TestLongAlertCard checks a card that needs several messages, in a
// private chat and in a group: no text is lost, each message fits, the
// keyboard is under the last only, and the parts are spaced by the chat's
// gap.
func TestLongAlertCard(t *testing.T) {
	const gap, groupGap = 150 * time.Millisecond, 400 * time.Millisecond
	h := start(t, setup{cfg: func(c *telegram.Config) { c.PartGap, c.GroupPartGap = gap, groupGap }})
	addGroup(h)
	tests := []struct {
		name string
		chat int64
		gap  time.Duration
	}{
		{"private", 70, gap},
		{"group", groupID, groupGap},
	}
	r := longAlert("R&D budget")
	c := r.Card
	pieces := []string{r.Title, c.Title, c.Section, c.Time, c.Lead, c.Summary, c.Byline, "Română", c.Editions[0].Title, "/read_rd_ro"}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chat > 0 {
				h.srv.AddChat(telegramtest.Chat{ID: tt.chat, Type: "private"})
			}
			before := len(h.srv.Calls("sendMessage"))
			if _, err := h.bot.Send(context.Background(), ref(tt.chat), r); err != nil {
				t.Fatal(err)
			}
			msgs := h.srv.Messages(tt.chat)
			if len(msgs) < 3 {
				t.Fatalf("%d messages, want the card in 3 or more", len(msgs))
			}
			var all strings.Builder
			for i, m := range msgs {
				if telegramtest.TextLen(m.Text) > telegramtest.MaxMessageLen {
					t.Errorf("message %d: %d characters", i, telegramtest.TextLen(m.Text))
				}
				if (len(m.Keyboard) > 0) != (i == len(msgs)-1) {
					t.Errorf("message %d: keyboard %v; want it under the last message only", i, m.Keyboard)
				}
				all.WriteString(m.Text)
			}
			got := noSpace(all.String())
			at := 0
			for _, p := range pieces {
				i := strings.Index(got[at:], noSpace(p))
				if i < 0 {
					t.Fatalf("%q is missing or out of order in the parts", p)
				}
				at += i + len(noSpace(p))
			}
			if !strings.Contains(strings.Join([]string{msgs[len(msgs)-1].HTML, msgs[len(msgs)-2].HTML}, ""), `href="https://newsbot.example/en/rd?a=1&amp;b=2"`) {
				t.Error("the link to the article is missing")
			}
			calls := h.srv.Calls("sendMessage")[before:]
			for i := 1; i < len(calls); i++ {
				if d := calls[i].Time.Sub(calls[i-1].Time); d < tt.gap-10*time.Millisecond {
					t.Errorf("part %d went out %v after the previous, want at least %v", i+1, d, tt.gap)
				}
			}
		})
	}
}

// noSpace is s without white space, to compare texts cut in parts.
func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
