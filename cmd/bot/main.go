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
//
// Configuration comes from the environment; see README.md.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // NEWSBOT_TZ works on machines without a zoneinfo database

	"github.com/newsbot/newsbot/adapters/console"
	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/core"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv)
	stop()
	os.Exit(code)
}

// run is main without the process: it returns the exit code. 2 means bad
// configuration or usage.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) int {
	cfg, err := loadConfig(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	sub := ""
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		sub, args = args[0], args[1:]
	}
	switch sub {
	case "", "run":
		return runBot(ctx, cfg, log, args, stdin, stdout, stderr)
	case "ingest":
		return runIngest(ctx, cfg, log, args, stdout, stderr)
	case "summarize":
		return runSummarize(ctx, args, stdin, stdout, stderr)
	case "eval-summaries":
		return runEvalSummaries(args, stdout, stderr)
	case "bench-fanout":
		return runBenchFanout(ctx, cfg, args, stdout, stderr)
	default:
		fmt.Fprintf(stderr, "newsbot: unknown subcommand %q (expected run, ingest, summarize, eval-summaries or bench-fanout)\n", sub)
		return 2
	}
}

func runBot(ctx context.Context, cfg config, log *slog.Logger, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bot", flag.ContinueOnError)
	fs.SetOutput(stderr)
	locale := fs.String("lang", os.Getenv("LANG"), "the terminal user's locale, e.g. ru-RU (terminal chat only)")
	moderator := fs.Bool("moderator", false, "the terminal user is a moderator (terminal chat only)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cat, err := loadCatalog(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	// Adapters first: each gives its traits and its sender; the engine
	// built from them is handed to the adapter when it runs.
	// With both tokens, one process serves Telegram and Discord; the
	// terminal chat only when no platform is set up.
	var (
		bot       *telegram.Bot
		dbot      *discord.Bot
		chat      *console.Chat
		platforms []platform
	)
	if cfg.Telegram.Enabled() {
		tgcfg := cfg.Telegram
		tgcfg.HTTPAddr = "" // one HTTP server serves metrics, health and the webhook
		if bot, err = telegram.New(ctx, tgcfg, cat, log); err != nil {
			fmt.Fprintf(stderr, "newsbot: telegram: %v\n", err)
			return 1
		}
		p := platform{Traits: telegram.Traits, Sender: bot}
		p.Traits.Global.Count = cfg.TelegramRate
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
		chat = console.New(console.Options{Locale: *locale, Moderator: *moderator, Prompt: prompt(stdin)})
		platforms = append(platforms, platform{Traits: console.Traits, Sender: chat})
	}
	app, err := build(ctx, cfg, log, cat, platforms...)
	if err != nil {
		var ce *configError
		if errors.As(err, &ce) {
			fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
			return 2
		}
		fmt.Fprintf(stderr, "newsbot: %v\n", err)
		return 1
	}
	defer app.Close()

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
		go func() {
			if err := poller.Run(ctx); err != nil && ctx.Err() == nil {
				log.Error("feed poller stopped", slog.Any("err", err))
			}
		}()
	}

	var webhook http.Handler
	if bot != nil && cfg.Telegram.WebhookURL != "" {
		webhook = bot.Handler()
	}
	if cfg.HTTPAddr != "" {
		go func() {
			if err := app.serveHTTP(ctx, cfg.HTTPAddr, webhook, log); err != nil {
				log.Error("http server stopped", slog.String("addr", cfg.HTTPAddr), slog.Any("err", err))
			}
		}()
	} else if webhook != nil {
		fmt.Fprintln(stderr, "newsbot: invalid configuration: HTTP_ADDR: webhook mode (TELEGRAM_WEBHOOK_URL) needs an address to listen on, e.g. :8080")
		return 2
	}

	if bot != nil || dbot != nil {
		return runAdapters(ctx, app.Engine, log, stderr, bot, dbot)
	}

	runErr := chat.Run(ctx, app.Engine, stdin, stdout)
	if runErr == nil {
		// Input ended: let alerts already queued reach the terminal.
		app.settle(ctx, console.Platform, 5*time.Second)
	}
	chat.Close()
	if runErr != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", runErr)
		return 1
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
	cat, err := loadCatalog(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
		return 2
	}
	app, err := build(ctx, cfg, log, cat, platform{Traits: console.Traits, Sender: console.New(console.Options{})})
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: %v\n", err)
		return 1
	}
	defer app.Close()
	if err := feed.IngestOnce(ctx, cfg.Feeds, app.articleSink(log), stdout, app.feedOptions(log)...); err != nil {
		fmt.Fprintf(stderr, "newsbot: ingest: %v\n", err)
		return 1
	}
	return 0
}

// prompt is "> " when stdin is a terminal and nothing when it is piped.
func prompt(stdin io.Reader) string {
	if f, ok := stdin.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return "> "
		}
	}
	return ""
}
