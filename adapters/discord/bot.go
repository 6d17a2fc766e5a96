package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/newsbot/newsbot/adapters/internal/door"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// Engine is what the adapter needs of the engine; *core.Engine is one.
type Engine interface {
	Handle(ctx context.Context, req core.Request) core.Reply
	Commands(lang string) []core.CommandInfo
	Catalog() *locales.Catalog
	UserLang(ctx context.Context, req core.Request) string
	DefaultLang() string
	ForgetChat(ctx context.Context, chat core.ChatRef) error
	MoveChat(ctx context.Context, from, to core.ChatRef) error
	// Renderer gives the sections and their names, for autocompletion.
	Renderer() *core.Renderer
}

// Bot is a Discord bot: it sends, edits and deletes channel messages at
// once, and answers interactions from Run on. It is safe for concurrent
// use.
type Bot struct {
	cfg        Config
	s          *discordgo.Session
	cat        *locales.Catalog
	log        *slog.Logger
	self       *discordgo.User
	moderators map[string]bool

	work   chan struct{} // a slot per interaction being handled
	door   door.Door     // open while Run runs: interactions in hand
	engine Engine        // the engine Run was given
}

var (
	_ core.Sender  = (*Bot)(nil)
	_ core.Editor  = (*Bot)(nil)
	_ core.Deleter = (*Bot)(nil)
)

// New checks the token with Discord (GET /users/@me at cfg.APIEndpoint, so
// a wrong token or an unreachable endpoint fails here) and returns the bot,
// ready to send (it is delivery's sender for Discord) but taking no
// interactions until Run. cat writes what the bot sends in each language.
// Errors never contain the token. log may be nil.
func New(ctx context.Context, cfg Config, cat *locales.Catalog, log *slog.Logger) (*Bot, error) {
	if cfg.Token == "" {
		return nil, errors.New("discord: no bot token (DISCORD_BOT_TOKEN)")
	}
	if cat == nil {
		return nil, errors.New("discord: New needs a catalog")
	}
	cfg = cfg.withDefaults()
	base, err := ParseEndpoint(cfg.APIEndpoint)
	if err != nil {
		return nil, fmt.Errorf("discord: DISCORD_API_ENDPOINT: %w", err)
	}
	if cfg.ShardCount > 1 && (cfg.ShardID < 0 || cfg.ShardID >= cfg.ShardCount) {
		return nil, fmt.Errorf("discord: shard %d is not below the shard count %d", cfg.ShardID, cfg.ShardCount)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s, err := discordgo.New("Bot " + cfg.Token)
	if err != nil {
		return nil, fmt.Errorf("discord: %s", redact(err.Error(), cfg.Token))
	}
	s.Client = &http.Client{Timeout: 30 * time.Second, Transport: rewrite{base: base, next: http.DefaultTransport}}
	// Delivery retries, honouring retry_after and sharing the limits of
	// every process: the library must return a 429 or a 502, not sleep.
	s.ShouldRetryOnRateLimit = false
	s.MaxRestRetries = 0
	s.StateEnabled = false
	s.Identify.Intents = discordgo.IntentsGuilds
	if cfg.ShardCount > 1 {
		s.ShardID, s.ShardCount = cfg.ShardID, cfg.ShardCount
	}
	self, err := s.User("@me", discordgo.WithContext(ctx))
	if err != nil {
		return nil, fmt.Errorf("discord: checking the token (GET /users/@me): %s", redact(err.Error(), cfg.Token))
	}
	b := &Bot{
		cfg:        cfg,
		s:          s,
		cat:        cat,
		log:        log.With(slog.String("platform", Platform), slog.String("bot", self.Username)),
		self:       self,
		moderators: map[string]bool{},
		work:       make(chan struct{}, cfg.Workers),
	}
	for _, id := range cfg.Moderators {
		b.moderators[id] = true
	}
	return b, nil
}

// ApplicationID is the bot's application ID (its user ID), under which its
// commands are registered.
func (b *Bot) ApplicationID() string { return b.self.ID }

// Username is the bot's user name.
func (b *Bot) Username() string { return b.self.Username }
