package telegram

import (
	"context"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push/pushtest"
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
	return pushtest.New(t, st, cat, pushtest.Options{
		Now: func() time.Time { return at }, Location: at.Location(), Platforms: []core.Platform{Traits},
	}).Engine
}
