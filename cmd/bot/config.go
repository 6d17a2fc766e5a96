package main

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/push"
)

// config is everything the bot reads from the environment, validated once.
type config struct {
	RedisURL      string
	RedisPrefix   string
	ContentDir    string
	Feeds         feed.Config // NEWSBOT_CONFIG's feeds plus NEWSBOT_FEEDS
	DataDir       string
	Langs         []string
	DefaultLang   string
	Location      *time.Location
	TelegramToken string
	DiscordToken  string
	HTTPAddr      string
	LogLevel      slog.Level
	Telegram      telegram.Config
	Discord       discord.Config
	TelegramRate  int           // TELEGRAM_RATE_GLOBAL, messages per second
	DiscordRate   int           // DISCORD_RATE_GLOBAL, requests per second
	AlertGrace    time.Duration // NEWSBOT_ALERT_GRACE: wait for sibling editions
	RedisWait     time.Duration // how long to retry an unreachable Redis at start
	getenv        func(string) string
}

// configError names the variable that is wrong and what it expects.
type configError struct {
	Var, Msg string
}

func (e *configError) Error() string {
	if e.Var == "" {
		return e.Msg // the message names the variable itself
	}
	return e.Var + ": " + e.Msg
}

// loadConfig reads the configuration from getenv. It never reads a file:
// secrets come from the environment only.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		RedisURL:      getenv("REDIS_URL"),
		RedisPrefix:   orDefault(getenv("REDIS_PREFIX"), "newsbot:"),
		ContentDir:    getenv("NEWSBOT_CONTENT"),
		DataDir:       getenv("NEWSBOT_DATA"),
		DefaultLang:   strings.ToLower(orDefault(getenv("NEWSBOT_DEFAULT_LANG"), "ro")),
		TelegramToken: getenv("TELEGRAM_BOT_TOKEN"),
		DiscordToken:  getenv("DISCORD_BOT_TOKEN"),
		HTTPAddr:      getenv("HTTP_ADDR"),
		getenv:        getenv,
		RedisWait:     30 * time.Second,
		AlertGrace:    push.DefaultAlertGrace,
	}
	for _, l := range strings.Split(orDefault(getenv("NEWSBOT_LANGS"), "ro,ru,en"), ",") {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" {
			continue
		}
		if !validLangCode(l) {
			return c, &configError{"NEWSBOT_LANGS", fmt.Sprintf("%q is not a language code (expected a comma-separated list like ro,ru,en)", l)}
		}
		c.Langs = append(c.Langs, l)
	}
	if len(c.Langs) == 0 {
		return c, &configError{"NEWSBOT_LANGS", "no language given (expected a comma-separated list like ro,ru,en)"}
	}
	found := false
	for _, l := range c.Langs {
		found = found || l == c.DefaultLang
	}
	if !found {
		return c, &configError{"NEWSBOT_DEFAULT_LANG", fmt.Sprintf("%q is not one of NEWSBOT_LANGS (%s)", c.DefaultLang, strings.Join(c.Langs, ","))}
	}
	tz := orDefault(getenv("NEWSBOT_TZ"), "Europe/Chisinau")
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return c, &configError{"NEWSBOT_TZ", fmt.Sprintf("%q is not a time zone (expected e.g. Europe/Chisinau or UTC)", tz)}
	}
	c.Location = loc
	if err := c.LogLevel.UnmarshalText([]byte(orDefault(getenv("LOG_LEVEL"), "info"))); err != nil {
		return c, &configError{"LOG_LEVEL", fmt.Sprintf("%q is not a level (expected debug, info, warn or error)", getenv("LOG_LEVEL"))}
	}
	if c.RedisURL != "" && !strings.HasPrefix(c.RedisURL, "redis://") && !strings.HasPrefix(c.RedisURL, "rediss://") && !strings.HasPrefix(c.RedisURL, "unix://") {
		return c, &configError{"REDIS_URL", "expected redis://[user:password@]host:port[/db] or rediss://… for TLS"}
	}
	if c.TelegramRate, err = positiveInt(getenv, "TELEGRAM_RATE_GLOBAL", 30); err != nil {
		return c, err
	}
	if c.DiscordRate, err = positiveInt(getenv, "DISCORD_RATE_GLOBAL", 50); err != nil {
		return c, err
	}
	if s := getenv("NEWSBOT_ALERT_GRACE"); s != "" {
		if c.AlertGrace, err = time.ParseDuration(s); err != nil || c.AlertGrace < 0 {
			return c, &configError{"NEWSBOT_ALERT_GRACE", fmt.Sprintf("%q is not a duration (expected e.g. 1m or 30s)", s)}
		}
	}
	if s := getenv("REDIS_WAIT"); s != "" {
		if c.RedisWait, err = time.ParseDuration(s); err != nil || c.RedisWait < 0 {
			return c, &configError{"REDIS_WAIT", fmt.Sprintf("%q is not a duration (expected e.g. 30s)", s)}
		}
	}
	if c.Telegram, err = telegram.ConfigFromEnv(getenv); err != nil {
		return c, &configError{"", err.Error()}
	}
	if c.Discord, err = discordConfig(getenv); err != nil {
		return c, err
	}
	if path := getenv("NEWSBOT_CONFIG"); path != "" {
		f, err := os.Open(path)
		if err != nil {
			return c, &configError{"NEWSBOT_CONFIG", fmt.Sprintf("cannot read %q (expected a YAML file of feeds)", path)}
		}
		c.Feeds, err = feed.LoadConfig(f)
		f.Close()
		if err != nil {
			return c, &configError{"NEWSBOT_CONFIG", fmt.Sprintf("%s: %v", path, err)}
		}
	}
	if s := getenv("NEWSBOT_FEEDS"); strings.TrimSpace(s) != "" {
		srcs, err := feed.ParseFeedsEnv(s)
		if err != nil {
			return c, &configError{"NEWSBOT_FEEDS", fmt.Sprintf("%v (expected lang=URL,lang=URL…)", err)}
		}
		c.Feeds.Sources = append(c.Feeds.Sources, srcs...)
	}
	if len(c.Feeds.Sources) > 0 {
		if err := c.Feeds.Validate(); err != nil {
			return c, &configError{"NEWSBOT_FEEDS", err.Error()}
		}
	}
	return c, nil
}

func positiveInt(getenv func(string) string, name string, def int) (int, error) {
	s := strings.TrimSpace(getenv(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, &configError{name, fmt.Sprintf("%q is not a positive whole number", s)}
	}
	return n, nil
}

func validLangCode(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return strings.TrimSpace(s)
}
