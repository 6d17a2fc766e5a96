package telegram_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
)

func TestWebhookOnSharedServer(t *testing.T) {
	var handler http.Handler
	shared := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	defer shared.Close()
	h := start(t, setup{cfg: func(c *telegram.Config) {
		c.WebhookURL = shared.URL + "/telegram/hook"
		c.WebhookSecret = "s3cret-token_1"
	}})
	handler = h.bot.Handler()
	if !h.srv.Await(wait, func() bool { u, _ := h.srv.Webhook(); return u != "" }) {
		t.Fatal("the webhook was not set")
	}
	if u, sec := h.srv.Webhook(); u != shared.URL+"/telegram/hook" || sec != "s3cret-token_1" {
		t.Errorf("webhook %q with secret %q", u, sec)
	}
	m := h.say(john.ID, john, "/latest 1", 1)[0]
	if !strings.Contains(m.Text, "/read_") {
		t.Errorf("reply by webhook:\n%s", m.Text)
	}
	// The fake records the webhook's status after the bot has answered.
	h.srv.Await(wait, func() bool { return len(h.srv.WebhookStatuses()) > 0 })
	if st := h.srv.WebhookStatuses(); len(st) == 0 || st[0] != http.StatusOK {
		t.Errorf("webhook answered %v", st)
	}

	for name, secret := range map[string]string{"wrong secret": "nope", "no secret": ""} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, shared.URL+"/telegram/hook", strings.NewReader(`{"update_id":1,"message":{"message_id":1,"date":1,"chat":{"id":503,"type":"private"},"from":{"id":503,"first_name":"J"},"text":"/help"}}`))
			if secret != "" {
				req.Header.Set(telegram.SecretHeader, secret)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", resp.StatusCode)
			}
		})
	}
	if n := len(h.srv.Messages(john.ID)); n != 1 {
		t.Errorf("rejected requests were answered: %d messages", n)
	}
	if len(h.srv.Calls("getUpdates")) != 0 {
		t.Error("webhook mode polled getUpdates")
	}
}

func TestWebhookServedByRun(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	h := start(t, setup{cfg: func(c *telegram.Config) {
		c.WebhookURL = "http://" + addr + "/hook"
		c.WebhookSecret = "abc"
		c.HTTPAddr = addr
	}})
	m := h.say(ivan.ID, ivan, "/help", 1)[0]
	if !strings.Contains(m.Text, "/latest") {
		t.Errorf("reply:\n%s", m.Text)
	}
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Error("the webhook server still listens after Run returned")
	}
}

func TestPollingDeletesWebhook(t *testing.T) {
	h := start(t, setup{})
	if !h.srv.Await(wait, func() bool { return len(h.srv.Calls("deleteWebhook")) == 1 }) {
		t.Error("polling did not delete the webhook first")
	}
	h.say(ana.ID, ana, "/help", 1)
	if err := h.stop(); err != nil {
		t.Fatal(err)
	}
	if h.srv.Pending() != 0 {
		t.Errorf("%d updates not confirmed after Run returned", h.srv.Pending())
	}
}

func TestNewNeverShowsTheToken(t *testing.T) {
	const token = "4242:SECRET-token"
	tests := map[string]string{
		"unreachable":  "http://127.0.0.1:1/bot%s/%s",
		"unauthorized": "",
	}
	for name, endpoint := range tests {
		t.Run(name, func(t *testing.T) {
			if endpoint == "" {
				h := start(t, setup{})
				endpoint = h.srv.Endpoint()
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := telegram.New(ctx, telegram.Config{Token: token, APIEndpoint: endpoint}, newEngine(t).Catalog(), nil)
			if err == nil {
				t.Fatal("New succeeded")
			}
			if strings.Contains(err.Error(), "SECRET") {
				t.Errorf("the error shows the token: %v", err)
			}
		})
	}
}

func TestConfigFromEnv(t *testing.T) {
	base := map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc-DEF_1"}
	tests := []struct {
		name    string
		env     map[string]string
		wantErr string
		check   func(t *testing.T, c telegram.Config)
	}{
		{name: "disabled", env: map[string]string{}, check: func(t *testing.T, c telegram.Config) {
			if c.Enabled() {
				t.Error("enabled without a token")
			}
		}},
		{name: "defaults", env: base, check: func(t *testing.T, c telegram.Config) {
			if !c.Enabled() || c.FloodPerMinute != 20 || c.APIEndpoint != "https://api.telegram.org/bot%s/%s" || c.WebhookURL != "" {
				t.Errorf("%+v", c)
			}
		}},
		{name: "moderators", env: map[string]string{"TELEGRAM_MODERATORS": " 12, 34 ,"}, check: func(t *testing.T, c telegram.Config) {
			if len(c.Moderators) != 2 || c.Moderators[0] != 12 || c.Moderators[1] != 34 {
				t.Errorf("moderators %v", c.Moderators)
			}
		}},
		{name: "bad moderator", env: map[string]string{"TELEGRAM_MODERATORS": "12,abc"}, wantErr: `TELEGRAM_MODERATORS: "abc" is not a user ID`},
		{name: "bad token", env: map[string]string{"TELEGRAM_BOT_TOKEN": "nope nope"}, wantErr: "TELEGRAM_BOT_TOKEN:"},
		{name: "bad endpoint", env: map[string]string{"TELEGRAM_API_ENDPOINT": "http://localhost/bot"}, wantErr: "TELEGRAM_API_ENDPOINT:"},
		{name: "self-hosted endpoint", env: map[string]string{"TELEGRAM_API_ENDPOINT": "http://tg-api:8081/bot%s/%s"}, check: func(t *testing.T, c telegram.Config) {
			if c.APIEndpoint != "http://tg-api:8081/bot%s/%s" {
				t.Errorf("endpoint %q", c.APIEndpoint)
			}
		}},
		{name: "webhook without secret", env: map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example/hook"}, wantErr: "TELEGRAM_WEBHOOK_SECRET:"},
		{name: "bad webhook", env: map[string]string{"TELEGRAM_WEBHOOK_URL": "bot.example/hook", "TELEGRAM_WEBHOOK_SECRET": "x"}, wantErr: "TELEGRAM_WEBHOOK_URL:"},
		{name: "webhook", env: map[string]string{"TELEGRAM_WEBHOOK_URL": "https://bot.example/hook", "TELEGRAM_WEBHOOK_SECRET": "s_1-x", "HTTP_ADDR": ":8443"},
			check: func(t *testing.T, c telegram.Config) {
				if c.WebhookURL != "https://bot.example/hook" || c.WebhookSecret != "s_1-x" || c.HTTPAddr != ":8443" {
					t.Errorf("%+v", c)
				}
			}},
		{name: "flood", env: map[string]string{"TELEGRAM_FLOOD_PER_MINUTE": "5"}, check: func(t *testing.T, c telegram.Config) {
			if c.FloodPerMinute != 5 {
				t.Errorf("flood %d", c.FloodPerMinute)
			}
		}},
		{name: "bad flood", env: map[string]string{"TELEGRAM_FLOOD_PER_MINUTE": "0"}, wantErr: "TELEGRAM_FLOOD_PER_MINUTE:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.name != "disabled" {
				for k, v := range base {
					env[k] = v
				}
			}
			for k, v := range tt.env {
				env[k] = v
			}
			c, err := telegram.ConfigFromEnv(func(k string) string { return env[k] })
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), env["TELEGRAM_BOT_TOKEN"]) {
					t.Errorf("the error shows the token: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// readSignal reports the first read of a request body: the webhook
// handler reads the update only once it has decided to take it.
type readSignal struct {
	io.ReadCloser
	once *sync.Once
	read chan struct{}
}

func (r readSignal) Read(p []byte) (int, error) {
	r.once.Do(func() { close(r.read) })
	return r.ReadCloser.Read(p)
}

// TestWebhookRefusesUpdatesOnceRunStops holds an update's body back
// until Run has returned: the shared server's handler must then refuse it
// (503, so that Telegram sends it again), not accept an update that no
// one waits for.
func TestWebhookRefusesUpdatesOnceRunStops(t *testing.T) {
	var handler atomic.Value
	read := make(chan struct{})
	var once sync.Once
	shared := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.Body = readSignal{ReadCloser: r.Body, once: &once, read: read}
		handler.Load().(http.Handler).ServeHTTP(w, r)
	}))
	defer shared.Close()
	h := start(t, setup{cfg: func(c *telegram.Config) {
		c.WebhookURL = shared.URL + "/telegram/hook"
		c.WebhookSecret = "s3cret"
	}})
	handler.Store(h.bot.Handler())
	if !h.srv.Await(wait, func() bool { u, _ := h.srv.Webhook(); return u != "" }) {
		t.Fatal("the webhook was not set")
	}
	body := `{"update_id":77,"message":{"message_id":1,"date":1,"chat":{"id":503,"type":"private"},"from":{"id":503,"first_name":"J"},"text":"/help"}}`
	conn, err := net.Dial("tcp", shared.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(wait))
	fmt.Fprintf(conn, "POST /telegram/hook HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n%s: s3cret\r\nContent-Length: %d\r\n\r\n%s",
		telegram.SecretHeader, len(body), body[:20])
	select {
	case <-read:
	case <-time.After(wait):
		t.Fatal("the handler did not read the update")
	}
	if err := h.stop(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if _, err := io.WriteString(conn, body[20:]); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("an update that came in as Run stopped was answered %d, want 503", resp.StatusCode)
	}
}
