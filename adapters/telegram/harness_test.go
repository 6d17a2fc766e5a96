package telegram_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/core"
)

// now is the fixed clock of the tests: the day after the sample's newest
// article.
var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.FixedZone("EET", 2*3600))

// newEngine is the real engine on the in-memory store with the bundled
// sample content.
func newEngine(t testing.TB) *core.Engine { return telegram.EngineAt(t, now) }

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

// harness is a running bot against a fake Bot API server.
type harness struct {
	t      *testing.T
	srv    *telegramtest.Server
	bot    *telegram.Bot
	engine *core.Engine
	logs   *syncBuffer
	stop   func() error
}

type setup struct {
	opts telegramtest.Options
	cfg  func(*telegram.Config)
}

func start(t *testing.T, s setup) *harness {
	t.Helper()
	srv := telegramtest.NewServer(s.opts)
	t.Cleanup(srv.Close)
	cfg := telegram.Config{
		Token:       srv.Token(),
		APIEndpoint: srv.Endpoint(),
		PollTimeout: time.Second,
		Moderators:  []int64{900},
	}
	if s.cfg != nil {
		s.cfg(&cfg)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e := newEngine(t)
	bot, err := telegram.New(context.Background(), cfg, e.Catalog(), log)
	if err != nil {
		t.Fatal(err)
	}
	h := &harness{t: t, srv: srv, bot: bot, engine: e, logs: logs, stop: func() error { return nil }}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- bot.Run(ctx, e) }()
	var once sync.Once
	var runErr error
	h.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case runErr = <-done:
			case <-time.After(10 * time.Second):
				t.Error("Run did not return 10s after its context ended")
			}
		})
		return runErr
	}
	t.Cleanup(func() {
		if err := h.stop(); err != nil {
			t.Errorf("Run: %v", err)
		}
		if strings.Contains(logs.String(), srv.Token()) {
			t.Errorf("the log contains the bot token:\n%s", logs.String())
		}
	})
	return h
}

const wait = 5 * time.Second

// say sends text from user in chat and waits until the bot has sent n more
// messages to chat; it returns them.
func (h *harness) say(chat int64, from telegramtest.User, text string, n int) []telegramtest.Message {
	h.t.Helper()
	before := len(h.srv.Messages(chat))
	id := h.srv.UserMessage(chat, from, text)
	if !h.srv.Await(wait, func() bool { return len(h.srv.Messages(chat)) >= before+n }) {
		h.t.Fatalf("update %d %q: the bot sent %d messages to %d, want %d more than %d", id, text, len(h.srv.Messages(chat)), chat, n, before)
	}
	return h.srv.Messages(chat)[before:]
}

// quiet sends text and checks that the bot answers nothing to chat, by
// waiting until the update is taken and handled.
func (h *harness) quiet(chat int64, from telegramtest.User, text string) {
	h.t.Helper()
	before := len(h.srv.Messages(chat))
	h.srv.UserMessage(chat, from, text)
	h.settle()
	if got := h.srv.Messages(chat)[before:]; len(got) != 0 {
		h.t.Fatalf("%q: the bot answered %q, want silence", text, got[0].Text)
	}
}

// settle waits until every update is confirmed, then a moment for their
// handling to make its calls: silence can only be checked by waiting.
func (h *harness) settle() {
	h.t.Helper()
	if !h.srv.Await(wait, func() bool { return h.srv.Pending() == 0 }) {
		h.t.Fatalf("%d updates still pending", h.srv.Pending())
	}
	time.Sleep(300 * time.Millisecond)
}

// press presses the button with data on message m as user from and waits
// for the answer to the callback query.
func (h *harness) press(m telegramtest.Message, from telegramtest.User, data string) telegramtest.Answer {
	h.t.Helper()
	qid := h.srv.Press(m.ChatID, m.MessageID, from, data)
	var ans telegramtest.Answer
	if !h.srv.Await(wait, func() bool {
		for _, a := range h.srv.Answers() {
			if a.QueryID == qid {
				ans = a
				return true
			}
		}
		return false
	}) {
		h.t.Fatalf("button %q was not answered", data)
	}
	return ans
}

func buttonData(m telegramtest.Message) []string {
	var out []string
	for _, row := range m.Keyboard {
		for _, b := range row {
			out = append(out, b.Data)
		}
	}
	return out
}
