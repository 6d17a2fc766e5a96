package main

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/content/translate"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
	redisstore "github.com/newsbot/newsbot/store/redis"
)

// config is everything the bot reads from the environment, validated once.
type config struct {
	RedisURL     string
	ContentDir   string
	Feeds        feed.Config // NEWSBOT_CONFIG's feeds plus NEWSBOT_FEEDS
	DataDir      string
	Langs        []string
	DefaultLang  string
	Location     *time.Location
	HTTPAddr     string
	LogLevel     slog.Level
	Telegram     telegram.Config
	Discord      discord.Config
	TelegramRate int           // TELEGRAM_RATE_GLOBAL, messages per second
	DiscordRate  int           // DISCORD_RATE_GLOBAL, requests per second
	AlertGrace   time.Duration // NEWSBOT_ALERT_GRACE: wait for sibling editions
	RedisWait    time.Duration // how long to retry an unreachable Redis at start
	HA           haConfig      // replies under load, several processes (ha.go)
	getenv       func(string) string
}

// configError names the variable that is wrong and what it expects.
type configError struct {
	Var, Msg string
}

// Error is one line, even when the cause (a YAML parser's) has several.
func (e *configError) Error() string {
	msg := strings.Join(strings.Fields(e.Msg), " ")
	if e.Var == "" {
		return msg // the message names the variable itself
	}
	return e.Var + ": " + msg
}

// loadConfig reads the configuration from getenv. It never reads a file:
// secrets come from the environment only.
func loadConfig(getenv func(string) string) (config, error) {
	c := config{
		RedisURL:    getenv("REDIS_URL"),
		ContentDir:  getenv("NEWSBOT_CONTENT"),
		DataDir:     getenv("NEWSBOT_DATA"),
		DefaultLang: strings.ToLower(orDefault(getenv("NEWSBOT_DEFAULT_LANG"), "ro")),
		HTTPAddr:    getenv("HTTP_ADDR"),
		getenv:      getenv,
		RedisWait:   30 * time.Second,
		AlertGrace:  push.DefaultAlertGrace,
	}
	available := locales.Available()
	for _, l := range strings.Split(orDefault(getenv("NEWSBOT_LANGS"), "ro,ru,en"), ",") {
		l = strings.ToLower(strings.TrimSpace(l))
		if l == "" {
			continue
		}
		if !validLangCode(l) {
			return c, &configError{"NEWSBOT_LANGS", fmt.Sprintf("%q is not a language code (expected a comma-separated list like ro,ru,en)", l)}
		}
		if !slices.Contains(available, l) {
			return c, &configError{"NEWSBOT_LANGS", fmt.Sprintf("%q has no translations (locales/%s.yaml); the languages that have them are %s", l, l, strings.Join(available, ", "))}
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
	if err := checkRedisURL(c.RedisURL); err != nil {
		return c, err
	}
	if _, err := redisstore.ConfigFromEnv(getenv); err != nil {
		return c, &configError{"", err.Error()}
	}
	if err := checkHTTPAddr(c.HTTPAddr); err != nil {
		return c, err
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
	if c.Telegram.WebhookURL != "" && c.HTTPAddr == "" {
		return c, &configError{"HTTP_ADDR", "webhook mode (TELEGRAM_WEBHOOK_URL) needs an address to listen on, e.g. :8080"}
	}
	if c.Discord, err = discordConfig(getenv); err != nil {
		return c, err
	}
	if c.HA, err = haConfigFromEnv(getenv); err != nil {
		return c, err
	}
	c.Telegram.ReplyDeadline = c.HA.ReplyDeadline
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
	if err := c.checkFeedLangs("NEWSBOT_CONFIG", c.Feeds.Sources); err != nil {
		return c, err
	}
	if s := getenv("NEWSBOT_FEEDS"); strings.TrimSpace(s) != "" {
		srcs, err := feed.ParseFeedsEnv(s)
		if err != nil {
			return c, &configError{"NEWSBOT_FEEDS", fmt.Sprintf("%v (expected lang=URL,lang=URL…)", err)}
		}
		if err := c.checkFeedLangs("NEWSBOT_FEEDS", srcs); err != nil {
			return c, err
		}
		c.Feeds.Sources = append(c.Feeds.Sources, srcs...)
	}
	if len(c.Feeds.Sources) > 0 {
		if err := c.Feeds.Validate(); err != nil {
			return c, &configError{"NEWSBOT_FEEDS", err.Error()}
		}
	}
	if err := checkTranslate(getenv); err != nil {
		return c, err
	}
	if c.ContentDir != "" {
		if st, err := os.Stat(c.ContentDir); err != nil || !st.IsDir() {
			return c, &configError{"NEWSBOT_CONTENT", fmt.Sprintf("%q is not a readable directory of article JSON files", c.ContentDir)}
		}
	}
	if err := checkDataDir(c.DataDir); err != nil {
		return c, err
	}
	return c, nil
}

// checkFeedLangs refuses feeds in a language the bot does not speak: their
// articles would be stored and alerted in no reader's language.
func (c config) checkFeedLangs(name string, srcs []feed.Source) error {
	for _, src := range srcs {
		if !slices.Contains(c.Langs, src.Lang) {
			return &configError{name, fmt.Sprintf("the feed %s is in %q, which is not one of NEWSBOT_LANGS (%s)", src.URL, src.Lang, strings.Join(c.Langs, ","))}
		}
	}
	return nil
}

// checkRedisURL checks the form of REDIS_URL. The error never repeats the
// URL: it may hold a password.
func checkRedisURL(s string) error {
	if s == "" {
		return nil
	}
	const want = "expected redis://[user:password@]host:port[/db] or rediss://… for TLS"
	if !strings.HasPrefix(s, "redis://") && !strings.HasPrefix(s, "rediss://") && !strings.HasPrefix(s, "unix://") {
		return &configError{"REDIS_URL", want}
	}
	if _, err := goredis.ParseURL(s); err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL, password included
		}
		return &configError{"REDIS_URL", fmt.Sprintf("%v (%s)", err, want)}
	}
	return nil
}

// checkHTTPAddr checks the form of HTTP_ADDR; whether the port is free is
// found out by binding it, first thing at start.
func checkHTTPAddr(addr string) error {
	if addr == "" {
		return nil
	}
	const want = "expected host:port or :port, e.g. :8080"
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return &configError{"HTTP_ADDR", fmt.Sprintf("%q is not an address (%s)", addr, want)}
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return &configError{"HTTP_ADDR", fmt.Sprintf("%q has no port number (%s)", addr, want)}
	}
	return nil
}

// checkTranslate checks the NEWSBOT_TRANSLATE_* variables without talking
// to the service.
func checkTranslate(getenv func(string) string) error {
	if _, err := translate.FromEnv(getenv); err != nil {
		return &configError{"", strings.TrimPrefix(err.Error(), "translate: ")}
	}
	s := strings.TrimSpace(getenv(translate.EnvURL))
	if s == "" {
		return nil
	}
	if u, err := url.Parse(s); err != nil || u.Host == "" {
		return &configError{translate.EnvURL, "is not an http(s) URL with a host (expected e.g. http://localhost:5000)"}
	}
	return nil
}

// checkDataDir makes sure NEWSBOT_DATA is a directory the bot can write,
// creating it when missing.
func checkDataDir(dir string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return &configError{"NEWSBOT_DATA", fmt.Sprintf("cannot create the directory %q: %v", dir, unwrapPath(err))}
	}
	f, err := os.CreateTemp(dir, ".newsbot-probe-*")
	if err != nil {
		return &configError{"NEWSBOT_DATA", fmt.Sprintf("cannot write in %q: %v", dir, unwrapPath(err))}
	}
	f.Close()
	os.Remove(f.Name())
	return nil
}

// unwrapPath drops the path and operation of a *fs.PathError, which the
// message names already.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
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
