package discord_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/memory"
)

// running is a harness whose bot runs with the real engine.
type running struct {
	*harness
	engine *core.Engine
	store  *memory.Store
}

// run starts the bot on the fake gateway and waits for READY; the bot
// stops with the test, and must stop cleanly.
func run(t *testing.T, edit func(*discord.Config)) *running {
	t.Helper()
	h := newHarness(t, edit)
	e, st := newEngine(t, h.cat)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- h.bot.Run(ctx, e) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	})
	h.srv.WaitReady()
	return &running{harness: h, engine: e, store: st}
}

func TestRunConnectsWithTheLeastIntents(t *testing.T) {
	r := run(t, func(c *discord.Config) { c.ShardID, c.ShardCount = 0, 2 })
	var id struct {
		Token   string `json:"token"`
		Intents int    `json:"intents"`
		Shard   []int  `json:"shard"`
	}
	if err := json.Unmarshal(r.srv.Identify(), &id); err != nil {
		t.Fatal(err)
	}
	if id.Token != "Bot "+token || id.Intents != 1 || len(id.Shard) != 2 || id.Shard[0] != 0 || id.Shard[1] != 2 {
		t.Errorf("IDENTIFY = %+v, want the bot token, intents 1 (Guilds), shard [0 2]", id)
	}
	// The heartbeat is running and acknowledged.
	r.srv.Wait("an acknowledged heartbeat", func() bool { return r.srv.Heartbeats() > 0 })
}

func TestRunIsRefusedAWrongGatewayEndpoint(t *testing.T) {
	h := newHarness(t, nil)
	e, _ := newEngine(t, h.cat)
	h.srv.Close()
	if err := h.bot.Run(context.Background(), e); err == nil || strings.Contains(err.Error(), token) {
		t.Fatalf("Run with the fake gone: %v", err)
	}
}
