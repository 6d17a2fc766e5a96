package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
	"github.com/newsbot/newsbot/store/memory"
)

// EngineAt is the engine as cmd/bot builds it, with the push side's
// commands (and no delivery), on the in-memory store with the bundled
// sample content, its clock stopped at at.
func EngineAt(t testing.TB, at time.Time) *core.Engine {
	t.Helper()
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	for _, a := range content.Sample() {
		if _, err := st.SaveArticle(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	clock := func() time.Time { return at }
	render, err := core.NewRenderer(core.RenderConfig{Location: at.Location()}, core.RenderDeps{Catalog: cat, Store: st, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	chats, err := core.NewChats(core.ChatsConfig{DefaultLang: "ro", Location: at.Location(), Now: clock}, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	desk, err := push.New(push.Config{}, push.Deps{Store: st, Catalog: cat, Renderer: render, Chats: chats, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	e, err := core.NewEngine(core.Config{DefaultLang: "ro"}, core.Deps{
		Store: st, Catalog: cat, Renderer: render, Chats: chats, Now: clock,
		Platforms: []core.Platform{Traits}, Extensions: []core.Extension{desk},
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
