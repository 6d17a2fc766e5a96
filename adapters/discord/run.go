package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

// Run registers the engine's commands (shard 0 only, so that processes
// do not overwrite each other), connects to the gateway with the Guilds
// intent only (everything is slash commands and buttons: no privileged
// intent), and answers interactions with engine until ctx ends. It
// returns once it has left the gateway and the interactions in hand are
// answered: nil when ctx ended, an error when the gateway cannot be
// reached or refuses the token.
func (b *Bot) Run(ctx context.Context, engine Engine) error {
	if engine == nil {
		return errors.New("discord: Run needs an engine")
	}
	b.engine = engine
	b.door.Open()
	defer func() {
		b.door.Shut()
		b.door.Wait()
	}()
	if b.cfg.ShardID == 0 {
		if err := b.register(ctx, engine); err != nil {
			b.log.Warn("registering the slash commands", slog.Any("err", err))
		}
	}
	removeI := b.s.AddHandler(b.onInteraction)
	removeC := b.s.AddHandler(b.onChannelDelete)
	defer removeI()
	defer removeC()
	if err := b.s.Open(); err != nil {
		return fmt.Errorf("discord: connecting to the gateway: %s", redact(err.Error(), b.cfg.Token))
	}
	b.log.Info("connected to the gateway", slog.Int("shard", b.cfg.ShardID), slog.Int("shards", max(b.cfg.ShardCount, 1)))
	<-ctx.Done()
	b.door.Shut()
	if err := b.s.Close(); err != nil {
		b.log.Warn("leaving the gateway", slog.Any("err", err))
	}
	return nil
}
