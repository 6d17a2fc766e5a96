package discord_test

import (
	"bytes"
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/discord/discordtest"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push/pushtest"
	"github.com/newsbot/newsbot/store/memory"
)

// token is the fake's bot token; no test output may contain it.
const token = "MTIz.fake-discord-token.secret"

// now is the fixed clock of the tests: the day after the sample's newest
// article.
var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.FixedZone("EET", 2*3600))

func catalog(t testing.TB) *locales.Catalog {
	t.Helper()
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// newEngine is the real engine, with the push side, on the in-memory store
// with the bundled sample content.
func newEngine(t testing.TB, cat *locales.Catalog) (*core.Engine, *memory.Store) {
	t.Helper()
	st := memory.New()
	for _, a := range content.Sample() {
		if _, err := st.SaveArticle(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	e := pushtest.New(t, st, cat, pushtest.Options{
		Now: func() time.Time { return now }, Location: now.Location(), Platforms: []core.Platform{discord.Traits},
	}).Engine
	return e, st
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// harness is a bot against the fake Discord.
type harness struct {
	t    *testing.T
	srv  *discordtest.Server
	bot  *discord.Bot
	cat  *locales.Catalog
	logs *syncBuffer
}

func newHarness(t *testing.T, edit func(*discord.Config)) *harness {
	t.Helper()
	srv := discordtest.NewServer(t, token)
	cfg := discord.Config{Token: token, APIEndpoint: srv.URL, Moderators: []string{"42"}}
	if edit != nil {
		edit(&cfg)
	}
	logs := &syncBuffer{}
	cat := catalog(t)
	bot, err := discord.New(context.Background(), cfg, cat, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: srv, bot: bot, cat: cat, logs: logs}
	t.Cleanup(h.checkNoToken)
	return h
}

func (h *harness) checkNoToken() {
	if bytes.Contains([]byte(h.logs.String()), []byte(token)) {
		h.t.Error("the log contains the token")
	}
}
