package telegram

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push/pushtest"
	"github.com/newsbot/newsbot/store/memory"
)

// captured is a core.Broadcaster that keeps what it is asked to start.
type captured struct {
	mu      sync.Mutex
	started []core.Broadcast
}

func (c *captured) Start(_ context.Context, b core.Broadcast) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.started = append(c.started, b)
	return nil
}

func (c *captured) Status(context.Context, string) (core.BroadcastStatus, error) {
	return core.BroadcastStatus{}, core.ErrNotFound
}

func (c *captured) Recent(context.Context, int) ([]core.BroadcastStatus, error) { return nil, nil }

func (c *captured) Superseded(context.Context, string) (string, core.BroadcastKind, error) {
	return "", "", nil
}

// TestGoldenAlerts renders the section alerts of two sample stories as each
// language's subscribers get them: one with an edition in every language,
// one only in Russian, whose other readers get it with a note.
func TestGoldenAlerts(t *testing.T) {
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	ctx := context.Background()
	byID := map[string]content.Article{}
	for _, a := range content.Sample() {
		if _, err := st.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
		byID[a.ID] = a
	}
	bc := &captured{}
	desk := pushtest.New(t, st, cat, pushtest.Options{
		Broadcaster: bc, Now: func() time.Time { return goldenNow }, Location: goldenNow.Location(),
	}).Desk
	alerts := desk.Alerts(0)
	defer alerts.Close()
	for _, story := range []struct{ name, article string }{{"alert", "heat-ro"}, {"alert_one_edition", "boxer-ru"}} {
		bc.started = nil
		alerts.ArticleAdded(ctx, byID[story.article])
		alerts.Wait()
		if len(bc.started) != 1 {
			t.Fatalf("%s: %d alerts started, want 1", story.article, len(bc.started))
		}
		for _, lang := range []string{"ro", "ru", "en"} {
			t.Run(story.name+"_"+lang, func(t *testing.T) {
				out := render(cat, bc.started[0].Message(lang))
				var b strings.Builder
				b.WriteString(goldenChunks(t, out))
				b.WriteString(picture(out))
				compareGolden(t, filepath.Join("testdata", story.name+"_"+lang+".golden"), b.String())
			})
		}
	}
}
