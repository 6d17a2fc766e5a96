package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/discord/discordtest"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
)

func TestInvalidDiscordConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"endpoint not http", map[string]string{"DISCORD_API_ENDPOINT": "ftp://discord.example"}, "DISCORD_API_ENDPOINT"},
		{"endpoint without host", map[string]string{"DISCORD_API_ENDPOINT": "https://"}, "DISCORD_API_ENDPOINT"},
		{"moderator not an ID", map[string]string{"DISCORD_MODERATORS": "123, @alice"}, "DISCORD_MODERATORS"},
		{"guild not an ID", map[string]string{"DISCORD_GUILD_ID": "my-server"}, "DISCORD_GUILD_ID"},
		{"shard without count", map[string]string{"DISCORD_SHARD_ID": "0"}, "DISCORD_SHARD_COUNT"},
		{"count without shard", map[string]string{"DISCORD_SHARD_COUNT": "2"}, "DISCORD_SHARD_ID"},
		{"shard past count", map[string]string{"DISCORD_SHARD_ID": "2", "DISCORD_SHARD_COUNT": "2"}, "DISCORD_SHARD_ID"},
		{"count zero", map[string]string{"DISCORD_SHARD_ID": "0", "DISCORD_SHARD_COUNT": "0"}, "DISCORD_SHARD_COUNT"},
		{"rate zero", map[string]string{"DISCORD_RATE_GLOBAL": "0"}, "DISCORD_RATE_GLOBAL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(tt.env))
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, errb.String())
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if len(lines) != 1 || !strings.Contains(lines[0], tt.want) {
				t.Errorf("stderr %q is not one line naming %s", errb.String(), tt.want)
			}
		})
	}
}

func TestDiscordConfig(t *testing.T) {
	c, err := loadConfig(env(map[string]string{
		"DISCORD_BOT_TOKEN": "tok", "DISCORD_API_ENDPOINT": "http://127.0.0.1:9/proxy/", "DISCORD_MODERATORS": " 11 ,22,",
		"DISCORD_GUILD_ID": "33", "DISCORD_SHARD_ID": "1", "DISCORD_SHARD_COUNT": "4", "DISCORD_RATE_GLOBAL": "40",
	}))
	if err != nil {
		t.Fatal(err)
	}
	d := c.Discord
	if d.Token != "tok" || d.APIEndpoint != "http://127.0.0.1:9/proxy/" || fmt.Sprint(d.Moderators) != "[11 22]" || d.GuildID != "33" ||
		d.ShardID != 1 || d.ShardCount != 4 || c.DiscordRate != 40 {
		t.Errorf("config = %+v, rate %d", d, c.DiscordRate)
	}
	c, err = loadConfig(env(nil))
	if err != nil || c.Discord.APIEndpoint != "https://discord.com/" || c.Discord.Token != "" || c.DiscordRate != 50 {
		t.Errorf("defaults: %+v, %v", c.Discord, err)
	}
}

func TestDiscordTokenRefused(t *testing.T) {
	srv := discordtest.NewServer(t, "the-right-token")
	secret := "MTIz.wrong-discord-token"
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(map[string]string{
		"DISCORD_BOT_TOKEN": secret, "DISCORD_API_ENDPOINT": srv.URL, "LOG_LEVEL": "debug",
	}))
	if code != 1 || !strings.Contains(errb.String(), "discord") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if strings.Contains(out.String()+errb.String(), secret) {
		t.Fatal("the token appears in the output")
	}
}

// TestTelegramAndDiscordInOneProcess runs the bot with both tokens: a
// Telegram reader and a Discord channel subscribe, a moderator posts
// breaking news on Telegram, and each gets it once.
func TestTelegramAndDiscordInOneProcess(t *testing.T) {
	tg := telegramtest.NewServer(telegramtest.Options{})
	defer tg.Close()
	dc := discordtest.NewServer(t, "discord-token")
	reader := telegramtest.User{ID: 1001, FirstName: "Ana", LanguageCode: "ro"}
	mod := telegramtest.User{ID: 2002, FirstName: "Max", LanguageCode: "en"}
	e := env(map[string]string{
		"TELEGRAM_BOT_TOKEN":    tg.Token(),
		"TELEGRAM_API_ENDPOINT": tg.Endpoint(),
		"TELEGRAM_MODERATORS":   fmt.Sprint(mod.ID),
		"DISCORD_BOT_TOKEN":     "discord-token",
		"DISCORD_API_ENDPOINT":  dc.URL,
	})
	_, errb, stop := startBot(t, e)
	defer stop()
	const wait = 10 * time.Second
	dc.WaitReady()

	// A Discord channel of a Romanian server subscribes; its manager
	// reads Russian.
	where := discordtest.Where{UserID: "100", Locale: "ru", GuildID: discordtest.GuildID, GuildLocale: "ro", ChannelID: discordtest.Channel,
		Perms: discordtest.PermManageChannels | discordtest.PermPost, AppPerms: discordtest.PermPost}
	id := dc.Command(where, "subscribe", discordtest.Option{Name: "section", Type: 3, Value: "international"})
	if cb := dc.WaitCallback(id); !strings.Contains(string(cb.Data), "Международные") {
		t.Fatalf("subscribe answer in Russian expected: %s", cb.Data)
	}
	before := len(dc.Messages()) // the public answer to /subscribe
	// A Telegram reader subscribes.
	tg.UserMessage(reader.ID, reader, "/subscribe international")
	if !tg.Await(wait, func() bool { return len(tg.Messages(reader.ID)) == 1 }) {
		t.Fatalf("no answer to /subscribe; stderr: %s", errb.String())
	}
	// Breaking news, previewed and confirmed on Telegram.
	tg.UserMessage(mod.ID, mod, "/breaking en: The Prut bridge is closed | ro: Podul peste Prut este închis | ru: Мост через Прут закрыт")
	if !tg.Await(wait, func() bool { return len(tg.Messages(mod.ID)) == 1 }) {
		t.Fatal("no preview")
	}
	preview := tg.Messages(mod.ID)[0]
	if !strings.Contains(preview.Text, "Discord: 1") || !strings.Contains(preview.Text, "Telegram: 1") {
		t.Errorf("the preview does not show the reach per platform: %q", preview.Text)
	}
	tg.Press(mod.ID, preview.MessageID, mod, preview.Keyboard[0][0].Data)
	if !tg.Await(wait, func() bool { return len(tg.Messages(reader.ID)) == 2 }) {
		t.Fatalf("the Telegram reader got no alert; stderr: %s", errb.String())
	}
	dc.Wait("the alert in the Discord channel", func() bool { return len(dc.Messages()) == before+1 })
	var alert struct {
		Embeds []struct {
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"embeds"`
	}
	if err := json.Unmarshal(dc.Messages()[before].Body, &alert); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(fmt.Sprint(alert.Embeds), "Podul peste Prut este închis") {
		t.Errorf("the Discord alert is not in the server's language: %+v", alert.Embeds)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(dc.Messages()) - before; n != 1 {
		t.Errorf("the Discord channel got %d alerts, want 1", n)
	}
	if n := len(tg.Messages(reader.ID)); n != 2 {
		t.Errorf("the Telegram reader got %d messages, want 2", n)
	}
}

func TestBenchFanoutDiscord(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"bench-fanout", "-platform", "discord", "-chats", "200", "-rate", "1000"}, strings.NewReader(""), &out, &errb, env(nil))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if last := lines[len(lines)-1]; !strings.HasPrefix(last, "fanout: chats=200 ") || !strings.Contains(last, " dup=0 lost=0 ") {
		t.Errorf("last line %q", last)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"bench-fanout", "-platform", "irc"}, strings.NewReader(""), &out, &errb, env(nil)); code != 2 || !strings.Contains(errb.String(), "-platform telegram|discord") {
		t.Errorf("unknown platform: exit %d, %q", code, errb.String())
	}
}

// TestDiscordBreakingEndToEnd: a newsroom moderator posts breaking news
// with /breaking on Discord, confirms it with the preview's button (the
// preview changes in place), a subscribed channel gets it once, and a
// second press sends nothing more.
func TestDiscordBreakingEndToEnd(t *testing.T) {
	dc := discordtest.NewServer(t, "discord-token")
	e := env(map[string]string{
		"DISCORD_BOT_TOKEN":    "discord-token",
		"DISCORD_API_ENDPOINT": dc.URL,
		"DISCORD_MODERATORS":   "42",
	})
	_, _, stop := startBot(t, e)
	defer stop()
	dc.WaitReady()

	news := discordtest.Where{UserID: "100", Locale: "en-US", GuildID: discordtest.GuildID, GuildLocale: "en-US", ChannelID: discordtest.Channel,
		Perms: discordtest.PermManageChannels | discordtest.PermPost, AppPerms: discordtest.PermPost}
	dc.WaitCallback(dc.Command(news, "subscribe", discordtest.Option{Name: "section", Type: 3, Value: "breaking"}))

	// The moderator, in a DM with the bot: a server administrator who is
	// not in DISCORD_MODERATORS could not.
	mod := discordtest.Where{UserID: "42", Locale: "ro", ChannelID: discordtest.DMChannel}
	id := dc.Command(mod, "breaking", discordtest.Option{Name: "text", Type: 3, Value: "en: The Prut bridge is closed @everyone | ro: Podul peste Prut este închis"})
	cb := dc.WaitCallback(id)
	var preview struct {
		Flags      int `json:"flags"`
		Components []struct {
			Components []struct {
				CustomID string `json:"custom_id"`
			} `json:"components"`
		} `json:"components"`
	}
	if err := json.Unmarshal(cb.Data, &preview); err != nil {
		t.Fatal(err)
	}
	if cb.Type != 4 || len(preview.Components) == 0 || len(preview.Components[0].Components) < 2 {
		t.Fatalf("preview without confirm/cancel: type %d %s", cb.Type, cb.Data)
	}
	if n := len(dc.ChannelMessages(discordtest.Channel)); n != 1 {
		t.Fatalf("something was sent before confirmation: %d messages", n)
	}
	previewID := dc.Response(id)
	confirm := preview.Components[0].Components[0].CustomID
	press := dc.Press(mod, previewID, confirm)
	if cb := dc.WaitCallback(press); cb.Type != 7 {
		t.Errorf("confirm: response type %d, want 7 (in place): %s", cb.Type, cb.Data)
	}
	dc.Wait("the alert", func() bool { return len(dc.ChannelMessages(discordtest.Channel)) == 2 })
	alert := string(dc.ChannelMessages(discordtest.Channel)[1].Body)
	if !strings.Contains(alert, "The Prut bridge is closed") || strings.Contains(alert, "@everyone") {
		t.Errorf("alert: %s", alert)
	}
	// Pressed again: explained to the presser, nothing sent twice.
	again := dc.Press(mod, previewID, confirm)
	cb = dc.WaitCallback(again)
	var second struct {
		Flags int `json:"flags"`
	}
	json.Unmarshal(cb.Data, &second)
	if cb.Type == 4 && second.Flags&64 == 0 {
		t.Errorf("second press answered publicly: %s", cb.Data)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(dc.ChannelMessages(discordtest.Channel)); n != 2 {
		t.Errorf("the channel got %d messages, want the answer and one alert", n)
	}
}
