package core_test

import (
	"context"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/store/memory"
)

func ExampleEngine_Handle() {
	ctx := context.Background()
	cat, _ := locales.Load(locales.FS(), "ro", "ru", "en")
	store := memory.New()
	store.SaveArticle(ctx, content.Article{
		ID: "w1en", Lang: "en", Section: "economy", Title: "Wine exports rose 12%",
		Lead: "Winemakers sold more to Poland.", Published: time.Now().Add(-3 * time.Hour),
	})
	engine, _ := core.NewEngine(core.Config{DefaultLang: "ro"}, core.Deps{Store: store, Catalog: cat})

	reply := engine.Handle(ctx, core.Request{
		Platform: "example",
		User:     core.User{ID: "42", Locale: "en-GB"},
		Chat:     core.Chat{ID: "42", Kind: core.ChatPrivate},
		Text:     "/latest economy",
	})
	fmt.Println(reply.Title)
	for _, it := range reply.Items {
		fmt.Printf("%s — %s, %s (/read_%s)\n", it.Title, it.Section, it.Time, it.ArticleID)
	}
	// Output:
	// Latest: Economy
	// Wine exports rose 12% — Economy, 3 hours ago (/read_w1en)
}

func ExampleParseCommand() {
	cmd, ok := core.ParseCommand("/read_w1ro@newsbot")
	fmt.Println(ok, cmd.Name, cmd.Bot, cmd.Args)
	cmd, _ = core.ParseCommand("/latest Internațional 3")
	fmt.Println(cmd.Name, cmd.Args)
	// Output:
	// true read newsbot [w1ro]
	// latest [Internațional 3]
}
