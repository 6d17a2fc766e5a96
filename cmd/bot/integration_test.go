package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// TestRedisKeepsStateAcrossRestarts runs the bot twice on one Redis: what
// the first run stored, the second finds.
func TestRedisKeepsStateAcrossRestarts(t *testing.T) {
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	dir := t.TempDir()
	article := `[{"id":"x1","lang":"en","section":"sport","title":"Zimbru wins the derby","lead":"A late goal.","body":["Zimbru beat Sheriff 2-1."],"published":"2026-11-28T10:00:00Z"}]`
	if err := os.WriteFile(dir+"/x1.json", []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	e := env(map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix})
	first := env(map[string]string{"REDIS_URL": url, "REDIS_PREFIX": prefix, "NEWSBOT_CONTENT": dir})

	var out, errb bytes.Buffer
	if code := run(context.Background(), nil, strings.NewReader("/lang en\n/subscribe culture\n"), &out, &errb, first); code != 0 {
		t.Fatalf("first run: exit %d: %s", code, errb.String())
	}
	out.Reset()
	if code := run(context.Background(), nil, strings.NewReader("/subscriptions\n/search derby\n/read x1\n"), &out, &errb, e); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errb.String())
	}
	if got := out.String(); !strings.Contains(got, "This chat's alerts") || !strings.Contains(got, "Culture") || !strings.Contains(got, "Breaking news") {
		t.Errorf("second run lost the first run's state:\n%s", got)
	}
	if got := out.String(); !strings.Contains(got, "/read_x1") || !strings.Contains(got, "Zimbru beat Sheriff") {
		t.Errorf("second run does not find the stored article:\n%s", got)
	}
}

// TestDataDir keeps the search index on disk between runs.
func TestDataDir(t *testing.T) {
	dir := t.TempDir()
	e := env(map[string]string{"NEWSBOT_DATA": dir})
	for i := range 2 {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"-lang", "ru"}, strings.NewReader("/search бюджет\n"), &out, &errb, e); code != 0 {
			t.Fatalf("run %d: exit %d: %s", i, code, errb.String())
		}
		if !strings.Contains(out.String(), "/read_budget-ru") {
			t.Errorf("run %d: search found nothing:\n%s", i, out.String())
		}
	}
	if _, err := os.Stat(dir + "/search-index"); err != nil {
		t.Errorf("no index on disk: %v", err)
	}
}

func TestRedisUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(map[string]string{"REDIS_URL": "redis://" + addr, "REDIS_WAIT": "1s"}))
	if code != 1 || !strings.Contains(errb.String(), "redis") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

// TestRedisRefuses: a Redis that answers and refuses (a database that does
// not exist, a wrong password) is a configuration error at once, not an
// outage to wait for.
func TestRedisRefuses(t *testing.T) {
	u, err := neturl.Parse(redistest.URL(t))
	if err != nil {
		t.Fatal(err)
	}
	base := u.Host
	for name, u := range map[string]string{
		"no such db":     "redis://" + base + "/99",
		"wrong password": "redis://nosuchuser:wrong@" + base + "/0",
	} {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), nil, strings.NewReader("/help\n"), &out, &errb, env(map[string]string{"REDIS_URL": u, "REDIS_WAIT": "1m"}))
			if code != 2 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "REDIS_URL:") {
				t.Errorf("exit %d, stderr %q", code, errb.String())
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startBot runs the bot as it runs in production, with the environment e,
// until stop; out and errb are its standard output and error, read while
// it writes. stop fails the test when the bot exits with an error or does
// not stop within 20s.
func startBot(t *testing.T, e func(string) string) (out, errb *syncBuffer, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	out, errb = &syncBuffer{}, &syncBuffer{}
	go func() { done <- run(ctx, nil, strings.NewReader(""), out, errb, e) }()
	return out, errb, func() {
		cancel()
		select {
		case code := <-done:
			if code != 0 {
				t.Errorf("exit %d: %s", code, errb.String())
			}
		case <-time.After(20 * time.Second):
			t.Error("the bot did not stop within 20s of cancellation")
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestTelegramEndToEnd runs the bot as it runs in production, against a
// fake Bot API: a reader subscribes, a moderator posts breaking news and
// confirms it, the reader gets it once, and /metrics counts it.
func TestTelegramEndToEnd(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{})
	defer srv.Close()
	reader := telegramtest.User{ID: 1001, FirstName: "Ana", LanguageCode: "ro"}
	mod := telegramtest.User{ID: 2002, FirstName: "Max", LanguageCode: "en"}
	addr := freeAddr(t)
	e := env(map[string]string{
		"TELEGRAM_BOT_TOKEN":    srv.Token(),
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"TELEGRAM_MODERATORS":   fmt.Sprint(mod.ID),
		"HTTP_ADDR":             addr,
	})
	out, errb, stop := startBot(t, e)
	defer stop()
	const wait = 10 * time.Second

	srv.UserMessage(reader.ID, reader, "/subscribe international")
	if !srv.Await(wait, func() bool { return len(srv.Messages(reader.ID)) == 1 }) {
		t.Fatalf("no answer to /subscribe; stderr: %s", errb.String())
	}
	if got := srv.Messages(reader.ID)[0].Text; !strings.Contains(got, "Internațional") {
		t.Errorf("subscribe answer in Romanian expected: %q", got)
	}

	srv.UserMessage(mod.ID, mod, "/breaking en: The Prut bridge is closed | ro: Podul peste Prut este închis")
	if !srv.Await(wait, func() bool { return len(srv.Messages(mod.ID)) == 1 }) {
		t.Fatal("no preview")
	}
	preview := srv.Messages(mod.ID)[0]
	if len(preview.Keyboard) == 0 || len(preview.Keyboard[0]) < 2 {
		t.Fatalf("preview without confirm/cancel: %+v", preview)
	}
	if n := len(srv.Messages(reader.ID)); n != 1 {
		t.Fatalf("something was sent before confirmation: %d messages", n)
	}
	srv.Press(mod.ID, preview.MessageID, mod, preview.Keyboard[0][0].Data)
	if !srv.Await(wait, func() bool { return len(srv.Messages(reader.ID)) == 2 }) {
		t.Fatalf("the reader got no alert; stderr: %s", errb.String())
	}
	if got := srv.Messages(reader.ID)[1].Text; !strings.Contains(got, "Podul peste Prut este închis") {
		t.Errorf("alert not in the reader's language: %q", got)
	}

	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(body), "newsbot_delivery_sent_total") || !strings.Contains(string(body), `newsbot_delivery_queue_depth{platform="telegram"}`) {
		t.Errorf("/metrics lacks newsbot figures:\n%.2000s", body)
	}
	if resp, err := http.Get("http://" + addr + "/healthz"); err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %v %v", resp, err)
	}
	if !strings.Contains(string(body), `newsbot_replies_dropped_total{platform="telegram",reason="deadline"} 0`) ||
		!strings.Contains(string(body), `newsbot_images_refused_total{platform="telegram"} 0`) {
		t.Errorf("/metrics lacks the dropped replies by reason:\n%.3000s", body)
	}
	resp, err = http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	var ready struct {
		Ready  bool              `json:"ready"`
		Checks map[string]string `json:"checks"`
	}
	err = json.NewDecoder(resp.Body).Decode(&ready)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !ready.Ready || ready.Checks["store"] == "" || ready.Checks["telegram"] != "polling" {
		t.Errorf("/readyz: %d %+v %v, want 200, ready, the store answering and Telegram polling", resp.StatusCode, ready, err)
	}
	// The same service with the healthcheck subcommand, as the container runs it.
	var hout, herr bytes.Buffer
	if code := run(context.Background(), []string{"healthcheck", "-url", "http://" + addr + "/readyz"}, strings.NewReader(""), &hout, &herr, env(nil)); code != 0 {
		t.Errorf("healthcheck: exit %d: %s %s", code, hout.String(), herr.String())
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(srv.Messages(reader.ID)); n != 2 {
		t.Errorf("the reader got %d messages, want 2 (answer + one alert)", n)
	}
	if strings.Contains(out.String()+errb.String(), srv.Token()) {
		t.Error("the token appears in the output")
	}
}
