package main

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// loadCompose loads docker-compose.yml as `docker compose config` does
// (schema validation, interpolation), with env as the only environment: no
// .env of a developer's checkout gets in.
func loadCompose(t *testing.T, env ...string) (*types.Project, error) {
	t.Helper()
	opts, err := cli.NewProjectOptions([]string{"../../docker-compose.yml"},
		cli.WithWorkingDirectory("../.."), cli.WithName("newsbot"), cli.WithEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	return opts.LoadProject(context.Background())
}

// TestComposeFile checks the production shape: Redis keeps data (an
// append-only file on a named volume) and is not published; the bot waits
// for it, takes its settings and either platform's token from .env or the
// shell, gives up restarting a bot that keeps refusing its settings, checks
// its own health without a shell, and publishes /metrics on no public
// interface.
func TestComposeFile(t *testing.T) {
	p, err := loadCompose(t, "TELEGRAM_BOT_TOKEN=123456:AAE-token", "DISCORD_BOT_TOKEN=discord-token")
	if err != nil {
		t.Fatal(err)
	}
	redis, err := p.GetService("redis")
	if err != nil {
		t.Fatal(err)
	}
	bot, err := p.GetService("bot")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.Join(redis.Command, " "), "--appendonly yes") {
		t.Errorf("redis without appendonly: %v", redis.Command)
	}
	if redis.HealthCheck == nil || len(redis.Volumes) == 0 || redis.Volumes[0].Type != types.VolumeTypeVolume {
		t.Errorf("redis needs a healthcheck and a named volume")
	}
	if len(redis.Ports) > 0 {
		t.Errorf("redis is published: %v", redis.Ports)
	}
	if bot.DependsOn["redis"].Condition != types.ServiceConditionHealthy {
		t.Errorf("bot does not wait for a healthy redis")
	}
	for _, name := range []string{"TELEGRAM_BOT_TOKEN", "DISCORD_BOT_TOKEN"} {
		if v := bot.Environment[name]; v == nil || *v == "" {
			t.Errorf("bot does not get %s from the shell or .env", name)
		}
	}
	if bot.Restart != "on-failure:5" {
		t.Errorf("bot restart %q: a bot that refuses its settings (exit 2) would restart forever", bot.Restart)
	}
	if u := bot.Environment["REDIS_URL"]; u == nil || !strings.HasPrefix(*u, "redis://redis:") {
		t.Errorf("bot REDIS_URL %v", u)
	}
	if len(bot.EnvFiles) != 1 || !strings.HasSuffix(bot.EnvFiles[0].Path, ".env") {
		t.Errorf("bot env_file %v, want .env", bot.EnvFiles)
	}
	if hc := bot.HealthCheck; hc == nil || !slices.Equal(hc.Test, types.HealthCheckTest{"CMD", "/bot", "healthcheck", "-url", "http://127.0.0.1:8080/readyz"}) {
		t.Errorf("bot healthcheck %+v, want the bot's own healthcheck subcommand on /readyz", hc)
	}
	for _, port := range bot.Ports {
		if port.HostIP != "127.0.0.1" {
			t.Errorf("bot publishes %s:%s on every interface: /metrics would be public", port.HostIP, port.Published)
		}
	}
	// Every variable the compose file sets is one the bot reads.
	read := envVarsRead(t)
	for name := range bot.Environment {
		if !slices.Contains(read, name) {
			t.Errorf("compose sets %s, which the bot does not read", name)
		}
	}
}
