package telegram

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/adapters/internal/door"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// Platform is the platform name of Telegram requests and chat references.
const Platform = "telegram"

// Engine is what the adapter needs of the engine; *core.Engine is one.
type Engine interface {
	Handle(ctx context.Context, req core.Request) core.Reply
	Commands(lang string) []core.CommandInfo
	Catalog() *locales.Catalog
	UserLang(ctx context.Context, req core.Request) string
	DefaultLang() string
	ForgetChat(ctx context.Context, chat core.ChatRef) error
	MoveChat(ctx context.Context, from, to core.ChatRef) error
}

// Bot is a running Telegram bot: it takes updates, answers them through the
// engine, and delivers alerts. It is safe for concurrent use.
type Bot struct {
	cfg        Config
	api        *tgbotapi.BotAPI // Client is the bare HTTP client; use call(ctx)
	httpClient *http.Client
	cat        *locales.Catalog
	log        *slog.Logger
	self       tgbotapi.User
	moderators map[int64]bool
	flood      *floodGuard
	admins     *adminCache

	work chan struct{} // a slot per update being handled
	seen *recentUpdates
	// door is open while Run runs (the webhook refuses updates when it is
	// shut) and counts the updates in hand, which Run waits for.
	door    door.Door
	engine  Engine // the engine Run was given
	stats   replyStats
	pics    *pictures    // what Telegram made of the pictures sent lately
	holder  string       // this process's name for the polling lease
	polling atomic.Value // string: PollingState
	// pollFailing is set while getUpdates fails.
	pollFailing atomic.Bool
}

var (
	_ core.Sender  = (*Bot)(nil)
	_ core.Editor  = (*Bot)(nil)
	_ core.Deleter = (*Bot)(nil)
)

// New connects to the Bot API with cfg (it calls getMe, so a wrong token
// or an unreachable endpoint fails here) and returns the bot, ready to
// send (it is delivery's sender for Telegram) but taking no updates until
// Run. cat writes what the bot sends in each language. Errors never
// contain the token. log may be nil.
func New(ctx context.Context, cfg Config, cat *locales.Catalog, log *slog.Logger) (*Bot, error) {
	if cfg.Token == "" {
		return nil, errors.New("telegram: no bot token (TELEGRAM_BOT_TOKEN)")
	}
	if cat == nil {
		return nil, errors.New("telegram: New needs a catalog")
	}
	cfg = cfg.withDefaults()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	hc := &http.Client{Timeout: cfg.PollTimeout + 15*time.Second}
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, cfg.APIEndpoint, ctxClient{ctx: ctx, c: hc})
	if err != nil {
		return nil, fmt.Errorf("telegram: getMe: %w", redact(err, cfg.Token))
	}
	api.Debug = false // the library's debug log prints URLs with the token
	api.Client = hc
	b := &Bot{
		cfg:        cfg,
		api:        api,
		httpClient: hc,
		cat:        cat,
		log:        log.With(slog.String("platform", Platform), slog.String("bot", api.Self.UserName)),
		self:       api.Self,
		moderators: map[int64]bool{},
		flood:      newFloodGuard(cfg.FloodPerMinute, time.Now),
		work:       make(chan struct{}, cfg.Workers),
		seen:       newRecentUpdates(1024),
		holder:     holderName(),
		pics:       newPictures(time.Now),
	}
	b.admins = newAdminCache(cfg.AdminCacheTTL, b.fetchAdmins)
	for _, id := range cfg.Moderators {
		b.moderators[id] = true
	}
	return b, nil
}

// Username is the bot's @username, without '@'.
func (b *Bot) Username() string { return b.self.UserName }

// call returns the library client bound to ctx: the library makes requests
// without a context, so each call gets a shallow copy whose HTTP client
// attaches ctx.
func (b *Bot) call(ctx context.Context) *tgbotapi.BotAPI {
	c := *b.api
	c.Client = ctxClient{ctx: ctx, c: b.httpClient}
	return &c
}

// request sends a method that answers true (deleteMessage,
// answerCallbackQuery, setMyCommands…): Send would try to read a Message.
func (b *Bot) request(ctx context.Context, c tgbotapi.Chattable) error {
	_, err := b.call(ctx).Request(c)
	return redact(err, b.cfg.Token)
}

func (b *Bot) send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	m, err := b.call(ctx).Send(c)
	return m, redact(err, b.cfg.Token)
}

// ctxClient makes the library's requests honour a context.
type ctxClient struct {
	ctx context.Context
	c   *http.Client
}

func (c ctxClient) Do(req *http.Request) (*http.Response, error) {
	return c.c.Do(req.WithContext(c.ctx))
}

// redact removes token from err. The library's errors from the HTTP client
// are *url.Error whose URL holds the token; Telegram's own (*tgbotapi.Error)
// never do and are returned as they are, so that callers can inspect them.
func redact(err error, token string) error {
	if err == nil || token == "" {
		return err
	}
	var te *tgbotapi.Error
	if errors.As(err, &te) && !strings.Contains(err.Error(), token) {
		return err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		cp := *ue
		cp.URL = strings.ReplaceAll(cp.URL, token, "<token>")
		if cp.Err != nil && strings.Contains(cp.Err.Error(), token) {
			cp.Err = errors.New(strings.ReplaceAll(cp.Err.Error(), token, "<token>"))
		}
		err = &cp
	}
	if strings.Contains(err.Error(), token) {
		return &redactedError{msg: strings.ReplaceAll(err.Error(), token, "<token>")}
	}
	return err
}

// redactedError is an error whose cause mentioned the token; it keeps only
// the cleaned message.
type redactedError struct{ msg string }

func (e *redactedError) Error() string { return e.msg }
