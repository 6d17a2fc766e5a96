package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestReplyDeadlineSetting(t *testing.T) {
	for _, bad := range []string{"soon", "500ms", "2h", "-5s"} {
		var out, errb bytes.Buffer
		code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(map[string]string{"REPLY_DEADLINE": bad}))
		lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
		if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], "REPLY_DEADLINE") {
			t.Errorf("REPLY_DEADLINE=%s: exit %d, stderr %q; want 2 and one line naming the variable", bad, code, errb.String())
		}
	}
	cfg, err := loadConfig(env(map[string]string{"REPLY_DEADLINE": "90s", "TELEGRAM_BOT_TOKEN": "1:abc"}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Telegram.ReplyDeadline != 90*time.Second {
		t.Errorf("the Telegram adapter's reply deadline is %s, want 90s", cfg.Telegram.ReplyDeadline)
	}
}
