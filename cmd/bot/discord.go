package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// discordConfig reads the DISCORD_* settings (DISCORD_RATE_GLOBAL is read
// with the other rates). Every bad value is a *configError naming its
// variable. Without DISCORD_BOT_TOKEN the others are still checked, so
// that a mistake shows before the token is added.
func discordConfig(getenv func(string) string) (discord.Config, error) {
	c := discord.Config{
		Token:       strings.TrimSpace(getenv("DISCORD_BOT_TOKEN")),
		APIEndpoint: orDefault(getenv("DISCORD_API_ENDPOINT"), discord.DefaultAPIEndpoint),
		GuildID:     strings.TrimSpace(getenv("DISCORD_GUILD_ID")),
	}
	if _, err := discord.ParseEndpoint(c.APIEndpoint); err != nil {
		return c, &configError{"DISCORD_API_ENDPOINT", err.Error()}
	}
	for _, id := range strings.Split(getenv("DISCORD_MODERATORS"), ",") {
		id = strings.TrimSpace(id)
		if id == "" {
			continue
		}
		if !isSnowflake(id) {
			return c, &configError{"DISCORD_MODERATORS", fmt.Sprintf("%q is not a Discord user ID (expected comma-separated numeric IDs)", id)}
		}
		c.Moderators = append(c.Moderators, id)
	}
	if c.GuildID != "" && !isSnowflake(c.GuildID) {
		return c, &configError{"DISCORD_GUILD_ID", fmt.Sprintf("%q is not a Discord server ID (expected a numeric ID)", c.GuildID)}
	}
	idSet := strings.TrimSpace(getenv("DISCORD_SHARD_ID")) != ""
	countSet := strings.TrimSpace(getenv("DISCORD_SHARD_COUNT")) != ""
	if idSet != countSet {
		if idSet {
			return c, &configError{"DISCORD_SHARD_COUNT", "not set, but DISCORD_SHARD_ID is (set both, or neither)"}
		}
		return c, &configError{"DISCORD_SHARD_ID", "not set, but DISCORD_SHARD_COUNT is (set both, or neither)"}
	}
	if countSet {
		var err error
		if c.ShardCount, err = positiveInt(getenv, "DISCORD_SHARD_COUNT", 1); err != nil {
			return c, err
		}
		s := strings.TrimSpace(getenv("DISCORD_SHARD_ID"))
		if c.ShardID, err = strconv.Atoi(s); err != nil || c.ShardID < 0 || c.ShardID >= c.ShardCount {
			return c, &configError{"DISCORD_SHARD_ID", fmt.Sprintf("%q is not a shard number from 0 to DISCORD_SHARD_COUNT-1 (%d)", s, c.ShardCount-1)}
		}
	}
	return c, nil
}

func isSnowflake(s string) bool {
	if len(s) > 20 {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// newDiscord builds the Discord adapter and its platform, with the global
// rate of DISCORD_RATE_GLOBAL.
func newDiscord(ctx context.Context, cfg config, cat *locales.Catalog, log *slog.Logger) (*discord.Bot, platform, error) {
	bot, err := discord.New(ctx, cfg.Discord, cat, log)
	if err != nil {
		return nil, platform{}, err
	}
	return bot, platform{Traits: cfg.discordTraits(), Sender: bot}, nil
}

// runAdapters runs the platform adapters that are built (nil ones are
// skipped) with engine until ctx ends or one fails; a failure stops the
// others. It returns the process's exit code.
func runAdapters(ctx context.Context, engine *core.Engine, log *slog.Logger, stderr io.Writer, tg *telegram.Bot, dc *discord.Bot) int {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		code int
	)
	start := func(name string, run func(context.Context) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Info(name + " bot running")
			if err := run(ctx); err != nil {
				mu.Lock()
				fmt.Fprintf(stderr, "newsbot: %s: %v\n", name, err)
				code = 1
				mu.Unlock()
				cancel()
			}
		}()
	}
	if tg != nil {
		start(telegram.Platform, func(ctx context.Context) error { return tg.Run(ctx, engine) })
	}
	if dc != nil {
		start(discord.Platform, func(ctx context.Context) error { return dc.Run(ctx, engine) })
	}
	wg.Wait()
	return code
}

// telegramTraits are Telegram's traits with the global rate of
// TELEGRAM_RATE_GLOBAL.
func (c config) telegramTraits() core.Platform {
	t := telegram.Traits
	t.Global.Count = c.TelegramRate
	return t
}

// discordTraits are Discord's traits with the global rate of
// DISCORD_RATE_GLOBAL.
func (c config) discordTraits() core.Platform {
	t := discord.Traits
	t.Global.Count = c.DiscordRate
	return t
}
