package discord_test

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/discord/discordtest"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

func alert(title string) core.Reply {
	return core.Reply{Lang: "en", Card: &core.Card{ArticleID: "heat-en", Title: title, Section: "Economy",
		Time: "2 hours ago", Lead: "Lead with @everyone and <@&123> **bold**.", URL: "https://newsbot.example/en/x"}}
}

func chat(id string) core.ChatRef { return core.ChatRef{Platform: discord.Platform, ID: id} }

// sentBody is the JSON of a message the fake keeps.
type sentBody struct {
	Embeds []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		URL         string `json:"url"`
	} `json:"embeds"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

func decode(t *testing.T, raw json.RawMessage) sentBody {
	t.Helper()
	var b sentBody
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return b
}

func TestSendEditDelete(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	ref, err := h.bot.Send(ctx, chat(discordtest.Channel), alert("Heat wave"))
	if err != nil {
		t.Fatal(err)
	}
	if ref.Chat != chat(discordtest.Channel) || ref.MessageID == "" {
		t.Fatalf("ref = %+v", ref)
	}
	msgs := h.srv.Messages()
	if len(msgs) != 1 || msgs[0].ID != ref.MessageID || msgs[0].Channel != discordtest.Channel {
		t.Fatalf("messages = %+v", msgs)
	}
	b := decode(t, msgs[0].Body)
	if b.AllowedMentions == nil || b.AllowedMentions.Parse == nil || len(b.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions = %+v, want parse []", b.AllowedMentions)
	}
	if len(b.Embeds) != 1 || b.Embeds[0].Title != "Heat wave" || b.Embeds[0].URL != "https://newsbot.example/en/x" {
		t.Fatalf("embeds = %+v", b.Embeds)
	}
	if d := b.Embeds[0].Description; strings.Contains(d, "@everyone") || !strings.Contains(d, `\*\*bold\*\*`) {
		t.Errorf("description not escaped: %q", d)
	}

	if err := h.bot.Edit(ctx, ref, alert("Heat wave (corrected)")); err != nil {
		t.Fatal(err)
	}
	msgs = h.srv.Messages()
	if b := decode(t, msgs[0].Body); msgs[0].Edits != 1 || b.Embeds[0].Title != "Heat wave (corrected)" || b.AllowedMentions == nil {
		t.Fatalf("after the edit: %+v", msgs[0])
	}

	if err := h.bot.Delete(ctx, ref); err != nil {
		t.Fatal(err)
	}
	if !h.srv.Messages()[0].Deleted {
		t.Fatal("the message was not deleted")
	}
	// Deleting it again: already gone counts as deleted.
	if err := h.bot.Delete(ctx, ref); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	// Editing a message that is gone is refused for good.
	err = h.bot.Edit(ctx, ref, alert("late"))
	if class, de := core.ClassifyDelivery(err); class != core.DeliveryRejected || de.Reason != "message_not_found" {
		t.Fatalf("edit of a deleted message: %v", err)
	}
}

func TestSendClassifiesErrors(t *testing.T) {
	tests := []struct {
		name   string
		fail   discordtest.Failure
		class  core.DeliveryClass
		reason string
	}{
		{"missing access", discordtest.MissingAccess, core.DeliveryGone, "missing_access"},
		{"missing permissions", discordtest.MissingPermissions, core.DeliveryGone, "missing_permissions"},
		{"unknown channel", discordtest.UnknownChannel, core.DeliveryGone, "unknown_channel"},
		{"cannot message user", discordtest.CannotMessageUser, core.DeliveryGone, "cannot_message_user"},
		{"server error", discordtest.ServerError, core.DeliveryTransient, "api_500"},
		{"bad gateway", discordtest.Failure{Status: 502, Message: "502: Bad Gateway"}, core.DeliveryTransient, "api_502"},
		{"invalid form body", discordtest.Failure{Status: 400, Code: 50035, Message: "Invalid Form Body"}, core.DeliveryRejected, "api_50035"},
		{"rate limited", discordtest.RateLimited(0.25, false), core.DeliveryRetryAfter, "rate_limited"},
		{"globally rate limited", discordtest.RateLimited(0.05, true), core.DeliveryRetryAfter, "rate_limited"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil)
			h.srv.Fail(discordtest.Channel, tc.fail)
			ref, err := h.bot.Send(context.Background(), chat(discordtest.Channel), alert("Heat wave"))
			class, de := core.ClassifyDelivery(err)
			if class != tc.class || de == nil || de.Reason != tc.reason {
				t.Fatalf("err = %v, want %s (%s)", err, tc.class, tc.reason)
			}
			if ref.MessageID != "" {
				t.Errorf("a failed send returned %+v", ref)
			}
			if tc.class == core.DeliveryRetryAfter && de.RetryAfter != time.Duration(tc.fail.RetryAfter*float64(time.Second)) {
				t.Errorf("retry after %s, want the body's %gs", de.RetryAfter, tc.fail.RetryAfter)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("the error contains the token: %v", err)
			}
			// Nothing was posted, and one request was made: the library
			// neither slept on the 429 nor retried the 5xx itself.
			if n := len(h.srv.Messages()); n != 0 {
				t.Errorf("%d messages posted", n)
			}
			posts := 0
			for _, c := range h.srv.Calls() {
				if c.Method == "POST" {
					posts++
				}
			}
			if posts != 1 {
				t.Errorf("%d POSTs, want 1", posts)
			}
			if tc.class == core.DeliveryRetryAfter {
				// After the wait, the same send goes through.
				time.Sleep(de.RetryAfter)
				if _, err := h.bot.Send(context.Background(), chat(discordtest.Channel), alert("Heat wave")); err != nil {
					t.Fatalf("the retry failed: %v", err)
				}
			}
		})
	}
}

func TestSendRefusesBadInput(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	_, err := h.bot.Send(ctx, chat("@general"), alert("x"))
	if class, de := core.ClassifyDelivery(err); class != core.DeliveryGone || de.Reason != "bad_chat_id" {
		t.Errorf("bad chat ID: %v", err)
	}
	_, err = h.bot.Send(ctx, chat(discordtest.Channel), core.Reply{})
	if class, de := core.ClassifyDelivery(err); class != core.DeliveryRejected || de.Reason != "empty" {
		t.Errorf("empty reply: %v", err)
	}
	err = h.bot.Delete(ctx, core.SentRef{Chat: chat(discordtest.Channel), MessageID: "x"})
	if class, _ := core.ClassifyDelivery(err); class != core.DeliveryRejected {
		t.Errorf("bad reference: %v", err)
	}
	if n := len(h.srv.Calls()); n != 1 { // GET /users/@me only
		t.Errorf("%d calls, want only New's", n)
	}
}

func TestNewRejectsTokenWithoutLeakingIt(t *testing.T) {
	srv := discordtest.NewServer(t, "another-token")
	_, err := discord.New(context.Background(), discord.Config{Token: token, APIEndpoint: srv.URL}, catalog(t), slog.New(slog.DiscardHandler))
	if err == nil {
		t.Fatal("New accepted a token the server refuses")
	}
	if strings.Contains(err.Error(), token) {
		t.Errorf("the error contains the token: %v", err)
	}
	if calls := srv.Calls(); len(calls) != 1 || calls[0].Path != "/users/@me" || calls[0].Status != 401 {
		t.Errorf("calls = %+v", calls)
	}
	_, err = discord.New(context.Background(), discord.Config{Token: token, APIEndpoint: "ftp://x"}, catalog(t), nil)
	if err == nil || !strings.Contains(err.Error(), "DISCORD_API_ENDPOINT") {
		t.Errorf("bad endpoint: %v", err)
	}
	_, err = discord.New(context.Background(), discord.Config{}, catalog(t), nil)
	if err == nil || !strings.Contains(err.Error(), "DISCORD_BOT_TOKEN") {
		t.Errorf("no token: %v", err)
	}
	var de *core.DeliveryError
	if errors.As(err, &de) {
		t.Errorf("New's error is a delivery error: %v", err)
	}
}

// TestSendKeepsWithinDiscordLimits sends a reply past every limit of a
// message; the fake refuses what Discord would (Invalid Form Body).
func TestSendKeepsWithinDiscordLimits(t *testing.T) {
	h := newHarness(t, nil)
	long := strings.Repeat("Lorem ipsum dolor sit amet ", 200)
	r := core.Reply{Lang: "en", Title: long, Text: []string{long, long}, Footer: long, ItemLabel: "read"}
	for i := range 60 {
		r.Items = append(r.Items, core.Item{ArticleID: "a" + strings.Repeat("x", i), Title: long, Section: "Politics", Time: "today", Snippet: "a \u2063match\u2064 here"})
	}
	card := &core.Card{ArticleID: "c1", Title: long, Section: "Politics", Time: "today", Lead: long, Summary: long, Byline: long, URL: "https://newsbot.example/c1"}
	for i := range 30 {
		card.Editions = append(card.Editions, core.Edition{ArticleID: "e" + strings.Repeat("y", i), Lang: "xx", LangName: long, Title: long})
	}
	r.Card = card
	for i := range 7 {
		var row []core.Button
		for j := range 7 {
			row = append(row, core.Button{Label: long, Data: "b|" + strings.Repeat("z", i*7+j)})
		}
		r.Buttons = append(r.Buttons, row)
	}
	r.Buttons = append(r.Buttons, []core.Button{{Label: "too long", Data: strings.Repeat("q", 101)}})
	ref, err := h.bot.Send(context.Background(), chat(discordtest.Channel), r)
	if err != nil {
		t.Fatalf("the fake refused the message: %v", err)
	}
	var got struct {
		Embeds     []json.RawMessage `json:"embeds"`
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(h.srv.Messages()[0].Body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Embeds) != 2 || len(got.Components) != 5 || len(got.Components[0].Components) != 5 {
		t.Errorf("%d embeds, %d rows", len(got.Embeds), len(got.Components))
	}
	if err := h.bot.Edit(context.Background(), ref, r); err != nil {
		t.Fatalf("the fake refused the edit: %v", err)
	}
}

// TestThroughRESTProxy sends through a REST proxy that serves Discord's
// API under a path of its own, as DISCORD_API_ENDPOINT allows.
func TestThroughRESTProxy(t *testing.T) {
	srv := discordtest.NewServer(t, token)
	target, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	var proxied atomic.Int32
	rp := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.StripPrefix("/discord-proxy", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		rp.ServeHTTP(w, r)
	})))
	defer proxy.Close()
	bot, err := discord.New(context.Background(), discord.Config{Token: token, APIEndpoint: proxy.URL + "/discord-proxy/"}, catalog(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if bot.Username() != discordtest.BotName || bot.ApplicationID() != discordtest.BotID {
		t.Errorf("bot %q, application %q", bot.Username(), bot.ApplicationID())
	}
	if _, err := bot.Send(context.Background(), chat(discordtest.Channel), alert("Heat wave")); err != nil {
		t.Fatal(err)
	}
	if n := proxied.Load(); n != 2 || len(srv.Messages()) != 1 {
		t.Errorf("%d requests through the proxy, %d messages", n, len(srv.Messages()))
	}
}

// TestAlertCarriesPicture: an alert's card shows the story's picture as its
// embed's image, and a correction with another picture replaces it.
func TestAlertCarriesPicture(t *testing.T) {
	h := newHarness(t, nil)
	ctx := context.Background()
	r := alert("Bridge")
	r.Card.Image = content.Image{URL: "https://newsbot.example/media/bridge.jpg", Alt: "The bridge", Width: 1200, Height: 675}
	ref, err := h.bot.Send(ctx, chat(discordtest.Channel), r)
	if err != nil {
		t.Fatal(err)
	}
	image := func() string {
		var b struct {
			Embeds []struct {
				Image *struct {
					URL string `json:"url"`
				} `json:"image"`
			} `json:"embeds"`
		}
		if err := json.Unmarshal(h.srv.Messages()[0].Body, &b); err != nil || len(b.Embeds) != 1 || b.Embeds[0].Image == nil {
			t.Fatalf("embeds without an image (%v): %s", err, h.srv.Messages()[0].Body)
		}
		return b.Embeds[0].Image.URL
	}
	if got := image(); got != r.Card.Image.URL {
		t.Errorf("image %q, want %q", got, r.Card.Image.URL)
	}
	r.Card.Image.URL = "https://newsbot.example/media/right-bridge.jpg"
	if err := h.bot.Edit(ctx, ref, r); err != nil {
		t.Fatal(err)
	}
	if got := image(); got != r.Card.Image.URL {
		t.Errorf("after the correction: image %q, want %q", got, r.Card.Image.URL)
	}
}
