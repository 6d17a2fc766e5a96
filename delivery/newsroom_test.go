package delivery_test

import (
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
)

// policyOn returns the chat policy and the renderer over st, on clock (nil:
// time.Now), as cmd/bot builds them before delivery.
func policyOn(t testing.TB, st core.Store, clock func() time.Time) (*core.Chats, *core.Renderer) {
	t.Helper()
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	chats, err := core.NewChats(core.ChatsConfig{DefaultLang: "ro", Now: clock}, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	render, err := core.NewRenderer(core.RenderConfig{}, core.RenderDeps{Catalog: cat, Store: st, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	return chats, render
}

// chatsOn is policyOn's chat policy alone.
func chatsOn(t testing.TB, st core.Store) *core.Chats {
	t.Helper()
	chats, _ := policyOn(t, st, nil)
	return chats
}

// deskOn returns the push side over st that starts its broadcasts with bc,
// as cmd/bot builds it after delivery.
func deskOn(t testing.TB, st core.Store, chats *core.Chats, render *core.Renderer, bc core.Broadcaster, clock func() time.Time) *push.Desk {
	t.Helper()
	d, err := push.New(push.Config{}, push.Deps{Store: st, Renderer: render, Chats: chats, Broadcaster: bc, Now: clock})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// telegramLike is a platform with Telegram's kind of limits: global per
// second, one message a second to a private chat and 20 a minute to a group,
// whose IDs are negative.
func telegramLike(name string, global int) core.Platform {
	return core.Platform{
		Name:   name,
		Global: core.Rate{Count: global, Per: time.Second},
		ChatRates: map[core.ChatKind]core.Rate{
			core.ChatPrivate: {Count: 1, Per: time.Second},
			core.ChatGroup:   {Count: 20, Per: time.Minute, Burst: 3},
		},
		KindOf: func(id string) core.ChatKind {
			if len(id) > 0 && id[0] == '-' {
				return core.ChatGroup
			}
			return core.ChatPrivate
		},
	}
}
