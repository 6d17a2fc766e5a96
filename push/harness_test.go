package push_test

import (
	"context"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
	"github.com/newsbot/newsbot/push/pushtest"
	"github.com/newsbot/newsbot/store/memory"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func fixture() []content.Article { return pushtest.Fixture(now) }

func all(r core.Reply) string { return pushtest.Dump(r) }

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
	p := pushtest.New(t, st, cat, pushtest.Options{Broadcaster: bc, Translator: tr, Now: clock})
	return p.Engine, p.Desk
}
