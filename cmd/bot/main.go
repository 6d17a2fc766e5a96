// Command bot runs newsbot. With no platform token it starts a terminal chat
// on the bundled sample content and an in-memory store, so that
// `go run ./cmd/bot` is a usable bot on any machine.
//
// Usage:
//
//	bot [flags]                run the bot (terminal chat without tokens)
//	bot ingest [-feeds …]      fetch every feed once, print what was stored
//	bot summarize -lang xx FILE|-  summarize a plain-text article
//	bot eval-summaries         ROUGE of the summarizer against Lead-3
//	bot bench-fanout [-platform telegram|discord -chats N -rate N -consumers N -crash F]  delivery benchmark
//	bot bench-replies [-users N -rate N -chats N]  replies under load, with a broadcast
//	bot bench-crash [-chats N -rate N]  bot processes killed with SIGKILL mid-broadcast (REDIS_URL)
//	bot bench-redis-restart [-chats N -rate N -down D]  Redis stopped and restarted mid-broadcast
//	bot soak [-users N -every D -duration D -rate N]  many users' commands for a while: latency, memory, goroutines
//	bot healthcheck [-url URL] probe a running bot's /healthz or /readyz (for containers)
//
// Configuration comes from the environment; see README.md and .env.example.
// A bad setting stops the bot before it starts anything, with one line on
// stderr naming the variable, and exit code 2.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // NEWSBOT_TZ works on machines without a zoneinfo database

	"golang.org/x/term"

	"github.com/newsbot/newsbot/adapters/console"
	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first signal starts the shutdown, a second one ends the
		// process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// usage is what `bot -h` prints before the flags.
const usage = `newsbot: a multilingual news chatbot.

Usage:
  bot [-lang xx] [-moderator]      run the bot: Telegram with TELEGRAM_BOT_TOKEN,
                                   else a chat in this terminal
  bot ingest [-feeds lang=URL,…]   fetch every feed once, print what was stored
  bot summarize -lang xx FILE|-    summarize a plain-text article
  bot eval-summaries [-dir DIR]    ROUGE of the summarizer against Lead-3
  bot bench-fanout [-chats N …]    delivery benchmark
  bot bench-replies [-users N …]   replies under load, optionally during a broadcast
  bot bench-crash [-chats N …]     bot processes killed with SIGKILL mid-broadcast (REDIS_URL)
  bot bench-redis-restart [-down D] Redis stopped and restarted mid-broadcast
  bot soak [-duration D …]         many users' commands: latency, memory, goroutines
  bot healthcheck [-url URL]       probe a running bot's /healthz (or -url …/readyz); exit 0 when healthy
  bot SUBCOMMAND -h                the subcommand's flags

Settings come from the environment: every variable is listed, with its
default, in the README's Configuration table and in .env.example. A bad
setting stops the bot with one line naming the variable, and exit code 2.

Flags of the bot itself:
`

// run is main without the process: it returns the exit code. 2 means bad
// configuration or usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	sub := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		sub, args = args[0], args[1:]
	}
	if sub == "healthcheck" {
		// Needs no configuration but HTTP_ADDR: it runs next to the bot.
		return runHealthcheck(ctx, getenv, args, stdout, stderr)
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	level := cfg.LogLevel
	if (sub == "" || sub == "run") && !cfg.Telegram.Enabled() && getenv("LOG_LEVEL") == "" {
		// The terminal chat shares the terminal with the logs: only what
		// needs attention unless LOG_LEVEL asks for more.
		level = slog.LevelWarn
	}
	logOut := &logWriter{w: stderr}
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	// Parts that log through slog's default (the search index) follow the
	// same level and stay out of the terminal chat's replies too.
	slog.SetDefault(log)
	switch sub {
	case "", "run":
		return runBot(ctx, cfg, log, logOut, args, stdin, stdout, stderr)
	case "ingest":
		return runIngest(ctx, cfg, log, args, stdout, stderr)
	case "summarize":
		return runSummarize(ctx, args, stdin, stdout, stderr)
	case "eval-summaries":
		return runEvalSummaries(args, stdout, stderr)
	case "bench-fanout":
		return runBenchFanout(ctx, cfg, args, stdout, stderr)
	case "bench-replies":
		return runBenchReplies(ctx, cfg, args, stdout, stderr)
	case "bench-crash":
		return runBenchCrash(ctx, cfg, args, stdout, stderr)
	case "bench-redis-restart":
		return runBenchRedisRestart(ctx, cfg, args, stdout, stderr)
	case "soak":
		return runSoak(ctx, cfg, args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "newsbot: unknown subcommand %q (expected run, ingest, summarize, eval-summaries, bench-fanout, bench-replies, bench-crash, bench-redis-restart, soak or healthcheck; bot -h explains them)\n", sub)
		return 2
	}
}

// buildFailed reports an error of build and returns the exit code: 2 for
// a configuration error, 1 for anything else.
func buildFailed(stderr io.Writer, err error) int {
	var ce *configError
	if errors.As(err, &ce) {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	fmt.Fprintf(stderr, "newsbot: %v\n", err)
	return 1
}

func runBot(ctx context.Context, cfg config, log *slog.Logger, logOut *logWriter, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), usage)
		fs.PrintDefaults()
	}
	locale := fs.String("lang", systemLocale(cfg.getenv), "the terminal user's language or locale, e.g. ru or en-GB (terminal chat only; default from LC_ALL, LC_MESSAGES or LANG)")
	moderator := fs.Bool("moderator", false, "the terminal user is a moderator (terminal chat only)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "newsbot: unexpected argument %q (bot -h lists the subcommands and flags)\n", fs.Arg(0))
		return 2
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	if flagSet(fs, "lang") && cat.Match(*locale) == "" {
		fmt.Fprintf(stderr, "newsbot: -lang %q: not one of this bot's languages (%s)\n", *locale, strings.Join(cfg.Langs, ", "))
		return 2
	}
	// The address is taken before anything else starts: a bot that cannot
	// serve its health checks or webhook must not run.
	var ln net.Listener
	if cfg.HTTPAddr != "" {
		if ln, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
			fmt.Fprintf(stderr, "newsbot: invalid configuration: HTTP_ADDR: cannot listen on %q: %v\n", cfg.HTTPAddr, listenError(err))
			return 2
		}
		defer ln.Close()
	}
	// Adapters next: each gives its traits and its sender; the engine
	// built from them is handed to the adapter when it runs.
	// With both tokens, one process serves Telegram and Discord; the
	// terminal chat only when no platform is set up.
	// The shared limiter comes before them: every message to a platform,
	// reply or broadcast, takes its slot there.
	var (
		bot       *telegram.Bot
		dbot      *discord.Bot
		chat      *console.Chat
		platforms []platform
		terminal  = prompt(stdin)
	)
	traits := cfg.telegramTraits()
	sh, err := openShared(cfg, traits, cfg.discordTraits(), console.Traits)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	defer sh.Close()
	if cfg.Telegram.Enabled() {
		tgcfg := cfg.Telegram
		tgcfg.HTTPAddr = "" // one HTTP server serves metrics, health and the webhook
		tgcfg.Gate, tgcfg.Lease = sh.Limiter, sh.PollLease
		if bot, err = telegram.New(ctx, tgcfg, cat, log); err != nil {
			fmt.Fprintf(stderr, "newsbot: telegram: %v\n", err)
			return 1
		}
		p := platform{Traits: traits, Sender: bot, Replies: bot.ReplyStats}
		platforms = append(platforms, p)
	}
	if cfg.Discord.Token != "" {
		var p platform
		if dbot, p, err = newDiscord(ctx, cfg, cat, log); err != nil {
			fmt.Fprintf(stderr, "newsbot: %v\n", err)
			return 1
		}
		platforms = append(platforms, p)
	}
	if len(platforms) == 0 {
		chat = console.New(console.Options{Locale: *locale, Moderator: *moderator, Prompt: terminal, Catalog: cat, Lang: cfg.DefaultLang})
		logOut.set(chat.Interject(stderr))
		defer logOut.set(stderr)
		platforms = append(platforms, platform{Traits: console.Traits, Sender: chat})
	}
	app, err := build(ctx, cfg, log, cat, sh.Limiter, platforms...)
	if err != nil {
		return buildFailed(stderr, err)
	}
	defer app.Close()
	if cfg.RedisURL != "" && len(cfg.Feeds.Sources) == 0 && cfg.ContentDir == "" {
		log.Warn("no feeds: articles come only from what Redis already holds; production needs NEWSBOT_FEEDS or NEWSBOT_CONFIG")
	}

	// Shutdown order: stop taking updates (the adapter returns), drain the
	// deliveries in flight, then close the stores (deferred above).
	deliveryCtx, stopDelivery := context.WithCancel(context.WithoutCancel(ctx))
	waitDelivery := app.runDelivery(deliveryCtx, log)
	defer waitDelivery()
	defer stopDelivery()
	go func() {
		if err := app.Desk.RunDigests(ctx, core.DigestInterval); err != nil && ctx.Err() == nil {
			log.Error("digest scheduler stopped", slog.Any("err", err))
		}
	}()
	if len(cfg.Feeds.Sources) > 0 {
		poller := feed.NewPoller(cfg.Feeds, app.articleSink(log), app.feedOptions(log)...)
		app.Ready.add("feeds", feedsReady(poller, cfg.Feeds, time.Now))
		go func() {
			if err := poller.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("feed poller stopped", slog.Any("err", err))
			}
		}()
	}

	if bot != nil {
		app.Ready.add(telegram.Platform, func(context.Context) (bool, string) { return bot.Ready() })
	}
	var webhook http.Handler
	if bot != nil && cfg.Telegram.WebhookURL != "" {
		webhook = bot.Handler()
	}
	if ln != nil {
		go func() {
			if err := app.serveHTTP(ctx, ln, webhook, log); err != nil {
				log.Error("http server stopped", slog.String("addr", cfg.HTTPAddr), slog.Any("err", err))
			}
		}()
	}

	if bot != nil || dbot != nil {
		return runAdapters(ctx, app.Engine, log, stderr, bot, dbot)
	}

	runErr := chat.Run(ctx, app.Engine, stdin, stdout)
	if runErr == nil && ctx.Err() == nil {
		// Input ended: let alerts already queued reach the terminal.
		app.settle(ctx, console.Platform, 5*time.Second)
	}
	chat.Close()
	logOut.set(stderr)
	if runErr != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", runErr)
		return 1
	}
	if terminal == "" && ctx.Err() == nil && chat.Lines() == 0 {
		// No token and no input: a container started without its token,
		// which would otherwise restart, answer nothing, forever.
		fmt.Fprintln(stderr, "newsbot: invalid configuration: TELEGRAM_BOT_TOKEN or DISCORD_BOT_TOKEN: neither is set, and the terminal chat that runs instead got no input (set a platform token, or pipe commands in)")
		return 2
	}
	return 0
}

// runIngest is `bot ingest`: every feed fetched once into the store.
func runIngest(ctx context.Context, cfg config, log *slog.Logger, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	feeds := fs.String("feeds", "", "lang=URL,lang=URL… (instead of NEWSBOT_FEEDS)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *feeds != "" {
		srcs, err := feed.ParseFeedsEnv(*feeds)
		if err != nil {
			fmt.Fprintf(stderr, "newsbot: invalid -feeds: %v\n", err)
			return 2
		}
		cfg.Feeds.Sources = srcs
	}
	if len(cfg.Feeds.Sources) == 0 {
		fmt.Fprintln(stderr, "newsbot: NEWSBOT_FEEDS: no feeds to ingest (expected lang=URL,lang=URL… or -feeds)")
		return 2
	}
	if err := cfg.checkFeedLangs("-feeds", cfg.Feeds.Sources); err != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", err)
		return 2
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	// Ingest sends to no chat platform: no limiter to share with others.
	lim := delivery.NewMemoryLimiter(delivery.LimitsByName(console.Traits))
	app, err := build(ctx, cfg, log, cat, lim, platform{Traits: console.Traits, Sender: console.New(console.Options{Catalog: cat, Lang: cfg.DefaultLang})})
	if err != nil {
		return buildFailed(stderr, err)
	}
	defer app.Close()
	if err := feed.IngestOnce(ctx, cfg.Feeds, app.articleSink(log), stdout, app.feedOptions(log)...); err != nil {
		fmt.Fprintf(stderr, "newsbot: ingest: %v\n", err)
		return 1
	}
	return 0
}

// prompt is "> " when stdin is a terminal and nothing when it is piped or
// /dev/null.
func prompt(stdin io.Reader) string {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return "> "
	}
	return ""
}
