package main

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

// newsroom serves one RSS feed per language and the article pages behind
// them, whose <link rel="alternate" hreflang> list the editions published
// so far, as multilingual news sites do.
type newsroom struct {
	mu       sync.Mutex
	base     string
	editions []roomEdition
}

type roomEdition struct {
	lang, path, title, lead string
	published               time.Time
	story                   string // editions of one story share it; "" for none
}

func (n *newsroom) publish(e roomEdition) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.editions = append(n.editions, e)
}

func (n *newsroom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if lang, ok := strings.CutSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml"); ok {
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News %s</title><link>%s/%s/</link>`, lang, n.base, lang)
		for _, e := range n.editions {
			if e.lang == lang {
				fmt.Fprintf(w, `<item><title>%s</title><link>%s%s</link><guid>%s%s</guid><pubDate>%s</pubDate><description>%s</description></item>`,
					html.EscapeString(e.title), n.base, e.path, n.base, e.path, e.published.Format(time.RFC1123Z), html.EscapeString(e.lead))
			}
		}
		fmt.Fprint(w, `</channel></rss>`)
		return
	}
	for _, e := range n.editions {
		if e.path != r.URL.Path {
			continue
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!DOCTYPE html><html lang="%s"><head><title>%s</title><link rel="canonical" href="%s%s">`, e.lang, html.EscapeString(e.title), n.base, e.path)
		for _, o := range n.editions {
			if o.story != "" && o.story == e.story {
				fmt.Fprintf(w, `<link rel="alternate" hreflang="%s" href="%s%s">`, o.lang, n.base, o.path)
			}
		}
		fmt.Fprintf(w, `</head><body><article><h1>%s</h1><p>%s</p><p>%s The council will publish the full decision on Monday, after the committee's review.</p></article></body></html>`,
			html.EscapeString(e.title), html.EscapeString(e.lead), html.EscapeString(e.lead))
		return
	}
	http.NotFound(w, r)
}

// captureSender is a platform that keeps every message sent to it.
type captureSender struct {
	mu   sync.Mutex
	sent map[core.ChatRef][]core.Reply
}

func (c *captureSender) Send(_ context.Context, chat core.ChatRef, r core.Reply) (core.SentRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sent[chat] = append(c.sent[chat], r)
	return core.SentRef{Chat: chat, MessageID: fmt.Sprint(len(c.sent[chat]))}, nil
}

func (c *captureSender) got(chat core.ChatRef) []core.Reply {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]core.Reply(nil), c.sent[chat]...)
}

// TestOneAlertPerStory is issue 11's scenario with its own numbers, on the
// real poller, push side and delivery: a feed's backlog at its first poll
// alerts nobody; then a story's Romanian, Russian and English editions
// appear 0 s, 2 s and 10 s apart, each page listing the editions that exist,
// with a 5 s grace. Each following chat gets exactly one alert: in its
// language where that edition existed when the alert went out, else the
// first edition with a note. /read of each edition lists the other two.
func TestOneAlertPerStory(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 15 s of real time")
	}
	t.Parallel()
	room := &newsroom{}
	srv := httptest.NewServer(room)
	defer srv.Close()
	room.base = srv.URL
	old := time.Now().Add(-3 * time.Hour)
	for _, l := range []string{"ro", "ru", "en"} {
		room.publish(roomEdition{lang: l, path: "/" + l + "/old", title: "Backlog " + l, lead: "Yesterday's news in " + l + ".", published: old})
	}
	dir := t.TempDir()
	conf := fmt.Sprintf("interval: 300ms\nfeeds:\n  - {lang: ro, url: %[1]s/ro.xml, section: economy}\n  - {lang: ru, url: %[1]s/ru.xml, section: economy}\n  - {lang: en, url: %[1]s/en.xml, section: economy}\n", srv.URL)
	if err := os.WriteFile(filepath.Join(dir, "feeds.yaml"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(env(map[string]string{"NEWSBOT_CONFIG": filepath.Join(dir, "feeds.yaml"), "NEWSBOT_ALERT_GRACE": "5s"}))
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	cat, err := loadCatalog(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sink := &captureSender{sent: map[core.ChatRef][]core.Reply{}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	app, err := build(ctx, cfg, log, cat, delivery.NewMemoryLimiter(nil), platform{Traits: core.Platform{Name: "test", MaxButtonData: core.MaxButtonPayload}, Sender: sink})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	waitDelivery := app.runDelivery(ctx, log)
	defer waitDelivery()
	defer cancel()

	chats := map[string]core.ChatRef{}
	for i, l := range []string{"ro", "ru", "en"} {
		chat := core.ChatRef{Platform: "test", ID: fmt.Sprint(i + 1)}
		chats[l] = chat
		for _, text := range []string{"/lang " + l, "/subscribe economy"} {
			r := app.Engine.Handle(ctx, core.Request{Platform: "test", User: core.User{ID: chat.ID}, Chat: core.Chat{ID: chat.ID, Kind: core.ChatPrivate}, Text: text})
			if r.Error != "" {
				t.Fatalf("%s: %v", text, r.Text)
			}
		}
	}
	poller := feed.NewPoller(cfg.Feeds, app.articleSink(log), app.feedOptions(log)...)
	go func() { _ = poller.Run(ctx) }()
	waitFor(t, 10*time.Second, "the first poll's backlog", func() bool {
		arts, err := app.Store.FindArticles(ctx, core.ArticleFilter{})
		return err == nil && len(arts) == 3
	})

	start := time.Now()
	story := func(lang, title string) roomEdition {
		return roomEdition{lang: lang, path: "/" + lang + "/bridge", title: title, lead: "Lead of " + title + ".", published: time.Now(), story: "bridge"}
	}
	room.publish(story("ro", "Podul de pe Prut se redeschide"))
	time.Sleep(time.Until(start.Add(2 * time.Second)))
	room.publish(story("ru", "Мост через Прут снова открыт"))
	time.Sleep(time.Until(start.Add(10 * time.Second)))
	room.publish(story("en", "The Prut bridge reopens"))
	waitFor(t, 10*time.Second, "the English edition", func() bool {
		arts, err := app.Store.FindArticles(ctx, core.ArticleFilter{Lang: "en"})
		return err == nil && len(arts) == 2
	})
	time.Sleep(2 * time.Second) // room for a second alert, which must not come

	ids := map[string]string{}
	for _, l := range []string{"ro", "ru", "en"} {
		a, err := app.Store.ArticleByURL(ctx, srv.URL+"/"+l+"/bridge")
		if err != nil {
			t.Fatalf("the %s edition: %v", l, err)
		}
		ids[l] = a.ID
	}
	want := map[string]string{"ro": ids["ro"], "ru": ids["ru"], "en": ids["ro"]} // English came after the alert
	for l, chat := range chats {
		got := sink.got(chat)
		if len(got) != 1 {
			t.Errorf("the %s chat got %d messages, want one alert", l, len(got))
			continue
		}
		if got[0].Card == nil || got[0].Card.ArticleID != want[l] {
			t.Errorf("the %s chat's alert shows %+v, want the card of %s", l, got[0].Card, want[l])
		}
		if note := cat.T("en", "bc_alert_other_lang", map[string]any{"Lang": "English", "Edition": "Romanian"}); l == "en" && (len(got[0].Text) == 0 || got[0].Text[0] != note) {
			t.Errorf("the English chat's alert lacks the note %q: %v", note, got[0].Text)
		}
	}
	for l, id := range ids {
		r := app.Engine.Handle(ctx, core.Request{Platform: "test", User: core.User{ID: "9", Locale: "en"}, Chat: core.Chat{ID: "9", Kind: core.ChatPrivate}, Text: "/read " + id})
		if r.Card == nil || len(r.Card.Editions) != 2 {
			t.Errorf("/read of the %s edition lists %+v, want the other two editions", l, r.Card)
		}
	}
}

// waitFor polls cond until it holds, or fails t after max.
func waitFor(t *testing.T, max time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(max)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", max, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
