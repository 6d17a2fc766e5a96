package telegram

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Config is the Telegram adapter's configuration.
type Config struct {
	// Token is the bot token from @BotFather (TELEGRAM_BOT_TOKEN). It is a
	// secret: never log it.
	Token string
	// APIEndpoint is the Bot API URL pattern (TELEGRAM_API_ENDPOINT): the
	// first %s is the token, the second the method. The library's
	// https://api.telegram.org/bot%s/%s when empty.
	APIEndpoint string
	// WebhookURL switches to webhook mode (TELEGRAM_WEBHOOK_URL): Telegram
	// posts updates there. Empty means long polling.
	WebhookURL string
	// WebhookSecret is the secret_token Telegram sends back in the
	// X-Telegram-Bot-Api-Secret-Token header (TELEGRAM_WEBHOOK_SECRET);
	// required in webhook mode.
	WebhookSecret string
	// HTTPAddr is where Run serves the webhook (HTTP_ADDR). When empty in
	// webhook mode, Run does not listen: mount Bot.Handler on a shared
	// server instead.
	HTTPAddr string
	// Moderators are the Telegram user IDs who may post breaking news
	// (TELEGRAM_MODERATORS).
	Moderators []int64
	// FloodPerMinute is how many commands one user may send per minute
	// (TELEGRAM_FLOOD_PER_MINUTE, default 20).
	FloodPerMinute int
	// PollTimeout is the long-polling timeout of getUpdates; 50s when zero.
	PollTimeout time.Duration
	// AdminCacheTTL is how long a group's administrator list is cached;
	// one minute when zero.
	AdminCacheTTL time.Duration
	// Workers bounds how many updates are handled at once; 64 when zero,
	// for replies may wait their turn in the shared limiter while a
	// broadcast runs.
	Workers int
	// PartGap is the wait between the parts of a message too long for one
	// in a private chat, where Telegram allows about one message a second;
	// 1s when zero. GroupPartGap is the same in groups and channels, which
	// allow 20 messages a minute; 3s when zero.
	PartGap      time.Duration
	GroupPartGap time.Duration
	// PartsWait bounds how long the later parts of a long message may wait
	// for Telegram's rate limits (retry_after) and for server errors to
	// pass, beyond their spacing; 2 minutes when zero. Parts still unsent
	// then are given up (see Bot.Send).
	PartsWait time.Duration
	// Gate is Telegram's shared limiter, the one delivery uses: replies,
	// button answers' edits and the later parts of long messages take
	// their slots from it (see Gate). nil sends them without it, held to
	// Telegram's limits only by the 429 retries.
	Gate Gate
	// ReplyDeadline bounds how long a reply may wait for Telegram's limits
	// and retry after 429s (REPLY_DEADLINE); DefaultReplyDeadline when
	// zero. A reply still unsent then is given up and counted.
	ReplyDeadline time.Duration
	// Lease, when set, lets one process of many poll for updates at a
	// time (long polling only; in webhook mode every process serves
	// updates). nil polls always: one process. LeaseTTL is how long the
	// lease lasts unless renewed (renewed every fifth of it);
	// DefaultLeaseTTL when zero.
	Lease    Lease
	LeaseTTL time.Duration
}

// Enabled reports whether the Telegram bot should run: a token is set.
func (c Config) Enabled() bool { return c.Token != "" }

// DefaultFloodPerMinute is the default of TELEGRAM_FLOOD_PER_MINUTE.
const DefaultFloodPerMinute = 20

var (
	tokenPattern  = regexp.MustCompile(`^[0-9]+:[A-Za-z0-9_-]+$`)
	secretPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
)

// ConfigFromEnv reads the configuration from getenv:
//
//	TELEGRAM_BOT_TOKEN        the bot token; empty disables Telegram (Enabled reports false)
//	TELEGRAM_API_ENDPOINT     Bot API URL pattern, default https://api.telegram.org/bot%s/%s
//	TELEGRAM_WEBHOOK_URL      webhook mode when set (https URL Telegram posts updates to)
//	TELEGRAM_WEBHOOK_SECRET   secret token for the webhook; required with TELEGRAM_WEBHOOK_URL
//	HTTP_ADDR                 where Run serves the webhook, e.g. :8080
//	TELEGRAM_MODERATORS       comma-separated user IDs allowed /breaking
//	TELEGRAM_FLOOD_PER_MINUTE commands per user per minute, default 20
//
// Errors name the variable and say what was expected; they never contain
// the token.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Token:          strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN")),
		APIEndpoint:    strings.TrimSpace(getenv("TELEGRAM_API_ENDPOINT")),
		WebhookURL:     strings.TrimSpace(getenv("TELEGRAM_WEBHOOK_URL")),
		WebhookSecret:  strings.TrimSpace(getenv("TELEGRAM_WEBHOOK_SECRET")),
		HTTPAddr:       strings.TrimSpace(getenv("HTTP_ADDR")),
		FloodPerMinute: DefaultFloodPerMinute,
	}
	if c.Token == "" {
		return Config{}, nil
	}
	if !tokenPattern.MatchString(c.Token) {
		return Config{}, fmt.Errorf("TELEGRAM_BOT_TOKEN: not a bot token (expected <digits>:<letters, digits, _ or ->, as @BotFather gives it)")
	}
	if c.APIEndpoint == "" {
		c.APIEndpoint = tgbotapi.APIEndpoint
	} else if err := checkEndpoint(c.APIEndpoint); err != nil {
		return Config{}, fmt.Errorf("TELEGRAM_API_ENDPOINT: %v", err)
	}
	if c.WebhookURL != "" {
		u, err := url.Parse(c.WebhookURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return Config{}, fmt.Errorf("TELEGRAM_WEBHOOK_URL: %q is not an absolute URL (expected https://host/path)", c.WebhookURL)
		}
		if !secretPattern.MatchString(c.WebhookSecret) {
			return Config{}, fmt.Errorf("TELEGRAM_WEBHOOK_SECRET: required with TELEGRAM_WEBHOOK_URL (1-256 characters A-Z, a-z, 0-9, _ and -)")
		}
	}
	for _, f := range strings.Split(getenv("TELEGRAM_MODERATORS"), ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			return Config{}, fmt.Errorf("TELEGRAM_MODERATORS: %q is not a user ID (expected comma-separated numeric Telegram user IDs)", f)
		}
		c.Moderators = append(c.Moderators, id)
	}
	if v := strings.TrimSpace(getenv("TELEGRAM_FLOOD_PER_MINUTE")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 10000 {
			return Config{}, fmt.Errorf("TELEGRAM_FLOOD_PER_MINUTE: %q is not a number of commands per minute (expected 1 to 10000)", v)
		}
		c.FloodPerMinute = n
	}
	return c, nil
}

func checkEndpoint(s string) error {
	if strings.Count(s, "%s") != 2 || strings.Count(s, "%") != 2 {
		return fmt.Errorf("%q must contain %%s twice, for the token and the method (e.g. https://api.telegram.org/bot%%s/%%s)", s)
	}
	u, err := url.Parse(strings.ReplaceAll(s, "%s", "x"))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL pattern (e.g. https://api.telegram.org/bot%%s/%%s)", s)
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.APIEndpoint == "" {
		c.APIEndpoint = tgbotapi.APIEndpoint
	}
	if c.FloodPerMinute <= 0 {
		c.FloodPerMinute = DefaultFloodPerMinute
	}
	if c.PollTimeout <= 0 {
		c.PollTimeout = 50 * time.Second
	}
	if c.AdminCacheTTL <= 0 {
		c.AdminCacheTTL = time.Minute
	}
	if c.Workers <= 0 {
		c.Workers = 64
	}
	if c.ReplyDeadline <= 0 {
		c.ReplyDeadline = DefaultReplyDeadline
	}
	if c.LeaseTTL <= 0 {
		c.LeaseTTL = DefaultLeaseTTL
	}
	if c.PartGap <= 0 {
		c.PartGap = time.Second
	}
	if c.GroupPartGap <= 0 {
		c.GroupPartGap = 3 * time.Second
	}
	if c.PartsWait <= 0 {
		c.PartsWait = 2 * time.Minute
	}
	return c
}
