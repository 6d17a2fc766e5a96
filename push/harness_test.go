package push_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
	"github.com/newsbot/newsbot/store/memory"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// fixture is a small newsroom: one story in three editions, one only in
// Romanian, and enough politics articles to page.
func fixture() []content.Article {
	arts := []content.Article{
		{ID: "w1ro", Lang: "ro", Section: "economy", Group: "wine", Title: "Exportul de vin a crescut cu 12%", Lead: "Vinificatorii au vândut mai mult în Polonia.", Body: []string{"Exportul de vin moldovenesc a crescut cu 12% în octombrie.", "Cele mai mari livrări au mers în Polonia și România."}, Author: "Ana Rusu", URL: "https://newsbot.example/ro/vin", Published: now.Add(-2 * time.Hour)},
		{ID: "w1ru", Lang: "ru", Section: "economy", Group: "wine", Title: "Экспорт вина вырос на 12%", Lead: "Виноделы продали больше в Польшу.", Body: []string{"Экспорт молдавского вина вырос на 12% в октябре.", "Больше всего поставок ушло в Польшу и Румынию."}, Author: "Ана Руссу", Translator: "Олег Ткач", URL: "https://newsbot.example/ru/vino", Published: now.Add(-2 * time.Hour)},
		{ID: "w1en", Lang: "en", Section: "economy", Group: "wine", Title: "Wine exports rose 12%", Lead: "Winemakers sold more to Poland.", Body: []string{"Moldovan wine exports rose 12% in October.", "Most shipments went to Poland and Romania."}, Author: "Ana Rusu", Translator: "John Smith", URL: "https://newsbot.example/en/wine", Published: now.Add(-2 * time.Hour)},
		{ID: "t1ro", Lang: "ro", Section: "culture", Title: "Festivalul de teatru se deschide la Chișinău", Lead: "Trupe din opt țări vin în capitală.", Body: []string{"Festivalul începe luni."}, Published: now.Add(-30 * time.Minute)},
	}
	for i := 1; i <= 8; i++ {
		for _, l := range []string{"ro", "ru", "en"} {
			arts = append(arts, content.Article{
				ID: fmt.Sprintf("p%d%s", i, l), Lang: l, Section: "politics", Group: fmt.Sprintf("p%d", i),
				Title: fmt.Sprintf("Politics %d %s", i, l), Lead: "Lead.", Body: []string{"Body."},
				Published: now.Add(-time.Duration(i) * 24 * time.Hour),
			})
		}
	}
	return arts
}

type harness struct {
	t     *testing.T
	e     *core.Engine
	d     *push.Desk
	store *memory.Store
	cat   *locales.Catalog
}

// private is a request from user u in their private chat.
func private(u, locale, text string) core.Request {
	return core.Request{Platform: "test", User: core.User{ID: u, Locale: locale}, Chat: core.Chat{ID: u, Kind: core.ChatPrivate}, Text: text}
}

func (h *harness) do(req core.Request) core.Reply {
	h.t.Helper()
	return h.e.Handle(context.Background(), req)
}

// all is every text of a reply, for assertions.
func all(r core.Reply) string {
	var b strings.Builder
	b.WriteString(r.Title + "\n" + strings.Join(r.Text, "\n") + "\n")
	for _, it := range r.Items {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s\n", it.ArticleID, it.Title, it.Section, it.Time, it.Snippet)
	}
	if c := r.Card; c != nil {
		fmt.Fprintf(&b, "%s|%s|%s|%s|%s|%s|%s\n", c.Title, c.Section, c.Time, c.Lead, c.Summary, c.Byline, c.URL)
		for _, ed := range c.Editions {
			fmt.Fprintf(&b, "ed:%s:%s\n", ed.Lang, ed.ArticleID)
		}
	}
	b.WriteString(r.Footer + "\n" + r.Notice)
	for _, row := range r.Buttons {
		for _, btn := range row {
			b.WriteString("\n[" + btn.Label + "]")
		}
	}
	return b.String()
}

// newHarness builds the request engine with a Desk on st, as cmd/bot does:
// one renderer and one chat policy shared by both.
func newHarness(t *testing.T, st *memory.Store, cat *locales.Catalog, bc core.Broadcaster, tr core.Translator, clock func() time.Time) *harness {
	t.Helper()
	e, d := newEngineOn(t, st, cat, bc, tr, clock)
	return &harness{t: t, e: e, d: d, store: st, cat: cat}
}

// newEngineOn builds an engine and its Desk on any store; a nil clock is
// time.Now.
func newEngineOn(t testing.TB, st core.Store, cat *locales.Catalog, bc core.Broadcaster, tr core.Translator, clock func() time.Time) (*core.Engine, *push.Desk) {
	t.Helper()
	render, err := core.NewRenderer(core.RenderConfig{}, core.RenderDeps{Catalog: cat, Store: st, Translator: tr, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	chats, err := core.NewChats(core.ChatsConfig{DefaultLang: "ro", Now: clock}, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	d, err := push.New(push.Config{}, push.Deps{Store: st, Catalog: cat, Renderer: render, Chats: chats, Broadcaster: bc, Translator: tr, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e, err := core.NewEngine(core.Config{DefaultLang: "ro"}, core.Deps{
		Store: st, Catalog: cat, Renderer: render, Chats: chats, Now: clock, Extensions: []core.Extension{d},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e, d
}
