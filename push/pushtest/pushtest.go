// Package pushtest builds the request engine and the push side the way
// cmd/bot does, for the tests of other packages (like net/http/httptest):
// one renderer and one chat policy shared by both, over any store. It also
// holds a small fixture newsroom and a dump of replies for assertions.
package pushtest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
)

// Options are the parts and settings a test chooses; zero fields take
// cmd/bot's defaults (no delivery, no translator, time.Now, UTC,
// Romanian).
type Options struct {
	Broadcaster core.Broadcaster
	Translator  core.Translator
	Now         func() time.Time
	Location    *time.Location
	DefaultLang string
	Platforms   []core.Platform
}

// Parts are what New builds.
type Parts struct {
	Engine   *core.Engine
	Desk     *push.Desk
	Renderer *core.Renderer
	Chats    *core.Chats
}

// New builds the renderer, the chat policy, the push side and the request
// engine over st, or fails t.
func New(t testing.TB, st core.Store, cat *locales.Catalog, o Options) Parts {
	t.Helper()
	if o.DefaultLang == "" {
		o.DefaultLang = "ro"
	}
	var p Parts
	var err error
	p.Renderer, err = core.NewRenderer(core.RenderConfig{Location: o.Location},
		core.RenderDeps{Catalog: cat, Store: st, Translator: o.Translator, Now: o.Now})
	if err != nil {
		t.Fatal(err)
	}
	p.Chats, err = core.NewChats(core.ChatsConfig{DefaultLang: o.DefaultLang, Location: o.Location, Now: o.Now}, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	p.Desk, err = push.New(push.Config{}, push.Deps{Store: st, Renderer: p.Renderer, Chats: p.Chats,
		Broadcaster: o.Broadcaster, Now: o.Now})
	if err != nil {
		t.Fatal(err)
	}
	p.Engine, err = core.NewEngine(core.Config{DefaultLang: o.DefaultLang}, core.Deps{
		Store: st, Catalog: cat, Renderer: p.Renderer, Chats: p.Chats, Now: o.Now,
		Platforms: o.Platforms, Extensions: []core.Extension{p.Desk},
	})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Fixture is a small newsroom, published around now: one story in three
// editions, one only in Romanian, and enough politics articles to page.
func Fixture(now time.Time) []content.Article {
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

// Dump writes every text of a reply on lines, for assertions.
func Dump(r core.Reply) string {
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
