package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/content/feed"
	"github.com/newsbot/newsbot/content/search"
	"github.com/newsbot/newsbot/content/summary"
	"github.com/newsbot/newsbot/content/translate"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
	"github.com/newsbot/newsbot/store/memory"
	redisstore "github.com/newsbot/newsbot/store/redis"
	goredis "github.com/redis/go-redis/v9"
)

// app is every part of a running bot, built in one direction: the
// adapters' senders and platform traits first (see runBot), then the
// store, content, the renderer and chat policy, delivery, the push side,
// and last the request engine that the adapters are given when they run.
type app struct {
	Catalog  *locales.Catalog
	Engine   *core.Engine
	Desk     *push.Desk
	Store    core.Store
	Index    *search.Index
	Delivery *delivery.Engine
	Queue    delivery.Queue
	// Platforms are the names of the platforms served.
	Platforms []string
	// Replies are the reply counts of the adapters that keep them, by
	// platform.
	Replies map[string]func() telegram.ReplyStats
	// Locker lets one process of many poll each feed; nil polls always.
	Locker feed.Locker
	// Listeners hear of every new article from the feeds.
	Listeners []feed.Listener
	// Ready are /readyz's checks beyond the store's (ready.go).
	Ready   readiness
	closers []func() error
}

// platform is one platform the bot serves: its traits, the adapter's
// sender that delivery uses, and its reply counts.
type platform struct {
	Traits core.Platform
	Sender core.Sender
	// Replies counts the adapter's replies, for the metrics; nil when it
	// counts none.
	Replies func() telegram.ReplyStats
}

// Close releases the parts in reverse order of opening.
func (a *app) Close() error {
	var first error
	for i := len(a.closers) - 1; i >= 0; i-- {
		if err := a.closers[i](); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// loadCatalog loads the translations of the configured languages.
func loadCatalog(cfg config) (*locales.Catalog, error) {
	cat, err := locales.Load(locales.FS(), cfg.Langs...)
	if err != nil {
		return nil, &configError{"NEWSBOT_LANGS", err.Error()}
	}
	return cat, nil
}

// build opens the store, loads content and builds the engines for the
// given platforms, whose adapters exist already. Nothing runs yet.
// lim is the platforms' shared limiter (openLimiter), built before the
// adapters.
func build(ctx context.Context, cfg config, log *slog.Logger, cat *locales.Catalog, lim delivery.Limiter, platforms ...platform) (_ *app, err error) {
	a := &app{Catalog: cat}
	defer func() {
		if err != nil {
			a.Close()
		}
	}()
	if err := a.openStore(ctx, cfg, log); err != nil {
		return nil, err
	}
	articles, err := loadContent(cfg)
	if err != nil {
		return nil, err
	}
	for _, art := range articles {
		if _, err := a.Store.SaveArticle(ctx, art); err != nil {
			return nil, fmt.Errorf("storing article %s: %w", art.ID, err)
		}
	}
	log.Info("content loaded", slog.Int("articles", len(articles)))
	if err := a.openIndex(ctx, cfg, articles); err != nil {
		return nil, err
	}
	translator, err := translate.FromEnv(cfg.getenv)
	if err != nil {
		return nil, &configError{"", err.Error()}
	}
	var tr core.Translator
	if translator != nil {
		tr = translator
	}
	summaryKey := fmt.Sprintf("v%db%d", summary.Version, summary.DefaultBudget)
	render, err := core.NewRenderer(core.RenderConfig{Location: cfg.Location, SummaryKey: summaryKey},
		core.RenderDeps{Catalog: cat, Store: a.Store, Summarizer: summary.New(), Translator: tr, Logger: log})
	if err != nil {
		return nil, err
	}
	chats, err := core.NewChats(core.ChatsConfig{DefaultLang: cfg.DefaultLang, Location: cfg.Location}, a.Store, cat)
	if err != nil {
		return nil, err
	}
	if err := a.openDelivery(log, chats, render, lim, platforms); err != nil {
		return nil, err
	}
	a.Desk, err = push.New(push.Config{}, push.Deps{
		Store: a.Store, Renderer: render, Chats: chats, Broadcaster: a.Delivery, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	traits := make([]core.Platform, len(platforms))
	for i, p := range platforms {
		traits[i] = p.Traits
	}
	a.Engine, err = core.NewEngine(core.Config{DefaultLang: cfg.DefaultLang}, core.Deps{
		Store: a.Store, Catalog: cat, Renderer: render, Chats: chats, Searcher: a.Index, Logger: log,
		Linker: core.LinkerFunc(func(ctx context.Context, idA, idB string) error {
			return feed.Link(ctx, a.Store, idA, idB)
		}),
		Platforms: traits, Extensions: []core.Extension{a.Desk},
	})
	if err != nil {
		return nil, err
	}
	alerts := a.Desk.Alerts(cfg.AlertGrace)
	a.Listeners = append(a.Listeners, alerts)
	// Closed before delivery and the stores: pending alerts stay stored.
	a.closers = append(a.closers, func() error { alerts.Close(); return nil })
	return a, nil
}

// openStore opens Redis when REDIS_URL is set, else the in-memory store.
func (a *app) openStore(ctx context.Context, cfg config, log *slog.Logger) error {
	if cfg.RedisURL == "" {
		a.Store = memory.New()
		return nil
	}
	goredis.SetLogger(redisLogger{log})
	rcfg, err := redisstore.ConfigFromEnv(cfg.getenv)
	if err != nil {
		return &configError{"", err.Error()}
	}
	// Redis may still be starting (docker compose, a restart): try for a
	// while before giving up.
	var st *redisstore.Store
	for wait, deadline := 250*time.Millisecond, time.Now().Add(cfg.RedisWait); ; wait = min(2*wait, 5*time.Second) {
		if st, err = redisstore.Open(ctx, rcfg); err == nil || core.ErrorCode(err) != core.CodeUnavailable {
			break
		}
		if !redisUnreachable(err) {
			// Redis answered and refused (a wrong DB or password, not
			// Redis at all): no wait fixes that.
			return &configError{"REDIS_URL", "the server refused the connection: " + redisReason(err)}
		}
		if time.Now().After(deadline) {
			break
		}
		log.Warn("redis not reachable yet; retrying", slog.Duration("in", wait), slog.Any("err", err))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
	}
	if err != nil {
		return fmt.Errorf("redis: %w", err)
	}
	a.closers = append(a.closers, st.Close)
	a.Store = st
	a.Locker = redisstore.NewLocker(st.Client(), st.Prefix())
	log.Info("redis store open", slog.String("prefix", st.Prefix()))
	return nil
}

// openDelivery builds the delivery engine on the store's kind of queue,
// with the platforms' senders and their shared limiter.
func (a *app) openDelivery(log *slog.Logger, chats *core.Chats, render *core.Renderer, lim delivery.Limiter, platforms []platform) error {
	senders := map[string]core.Sender{}
	a.Replies = map[string]func() telegram.ReplyStats{}
	for _, p := range platforms {
		a.Platforms = append(a.Platforms, p.Traits.Name)
		senders[p.Traits.Name] = p.Sender
		if p.Replies != nil {
			a.Replies[p.Traits.Name] = p.Replies
		}
	}
	deps := delivery.Deps{Senders: senders, Store: a.Store, Chats: chats, Report: render.BroadcastReport, Logger: log, Limiter: lim}
	if st, ok := a.Store.(*redisstore.Store); ok {
		deps.Queue = redis.NewQueue(st.Client(), st.Prefix())
		deps.Ledger = redis.NewLedger(st.Client(), st.Prefix(), 0)
	} else {
		deps.Queue = delivery.NewMemoryQueue()
		deps.Ledger = delivery.NewMemoryLedger()
	}
	d, err := delivery.New(delivery.Config{}, deps)
	if err != nil {
		return fmt.Errorf("delivery: %w", err)
	}
	a.Delivery, a.Queue = d, deps.Queue
	a.closers = append(a.closers, d.Close)
	return nil
}

// runDelivery consumes the delivery queue until ctx ends, then drains the
// sends in flight; the returned function waits for that.
func (a *app) runDelivery(ctx context.Context, log *slog.Logger) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := a.Delivery.Run(ctx); err != nil {
			log.Error("delivery stopped", slog.Any("err", err))
		}
	}()
	return func() { <-done }
}

// settle waits, at most max, until the recent broadcasts are delivered and
// platform has no queued or pending jobs: a piped terminal session sees its
// alerts before it exits.
func (a *app) settle(ctx context.Context, platform string, max time.Duration) {
	deadline := time.Now().Add(max)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		if a.idle(ctx, platform) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (a *app) idle(ctx context.Context, platform string) bool {
	recent, err := a.Delivery.Recent(ctx, 20)
	if err != nil {
		return true
	}
	for _, st := range recent {
		if !st.Done() {
			return false
		}
	}
	n, err := a.Queue.Depth(ctx, platform)
	return err != nil || n == 0
}

// loadContent returns the articles of NEWSBOT_CONTENT; else, for a bot
// with neither feeds nor Redis, the bundled sample, so that it has news to
// show; else none.
func loadContent(cfg config) ([]content.Article, error) {
	if cfg.ContentDir == "" {
		if len(cfg.Feeds.Sources) == 0 && cfg.RedisURL == "" {
			return content.Sample(), nil
		}
		return nil, nil
	}
	st, err := os.Stat(cfg.ContentDir)
	if err != nil || !st.IsDir() {
		return nil, &configError{"NEWSBOT_CONTENT", fmt.Sprintf("%q is not a readable directory of article JSON files", cfg.ContentDir)}
	}
	arts, err := content.LoadDir(os.DirFS(cfg.ContentDir))
	if err != nil {
		return nil, fmt.Errorf("NEWSBOT_CONTENT=%s: %w", cfg.ContentDir, err)
	}
	return arts, nil
}

// articleScanner is a store that can list every article it holds, not just
// the latest ones (store/redis).
type articleScanner interface {
	ScanArticles(ctx context.Context, fn func(content.Article) error) error
}

// eachArticle calls fn with every stored article.
func (a *app) eachArticle(ctx context.Context, fn func(content.Article) error) error {
	if sc, ok := a.Store.(articleScanner); ok {
		return sc.ScanArticles(ctx, fn)
	}
	arts, err := a.Store.FindArticles(ctx, core.ArticleFilter{Limit: math.MaxInt32})
	if err != nil {
		return err
	}
	for _, art := range arts {
		if err := fn(art); err != nil {
			return err
		}
	}
	return nil
}

// openIndex opens the search index. In memory (no NEWSBOT_DATA) it is built
// from every stored article at start; persisted under NEWSBOT_DATA it is
// rebuilt only when missing or corrupt, and the articles loaded at this
// start are (re)indexed.
func (a *app) openIndex(ctx context.Context, cfg config, loaded []content.Article) error {
	var err error
	if cfg.DataDir == "" {
		if a.Index, err = search.NewMemory(); err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		a.closers = append(a.closers, a.Index.Close)
		batch := make([]content.Article, 0, search.BatchSize)
		flush := func() error {
			err := a.Index.Index(ctx, batch...)
			batch = batch[:0]
			return err
		}
		err := a.eachArticle(ctx, func(art content.Article) error {
			if batch = append(batch, art); len(batch) == cap(batch) {
				return flush()
			}
			return nil
		})
		if err == nil {
			err = flush()
		}
		if err != nil {
			return fmt.Errorf("indexing stored articles: %w", err)
		}
		return nil
	}
	a.Index, err = search.Open(ctx, cfg.DataDir, a.eachArticle)
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	a.closers = append(a.closers, a.Index.Close)
	if err := a.Index.Index(ctx, loaded...); err != nil {
		return fmt.Errorf("indexing content: %w", err)
	}
	return nil
}

// redisLogger sends go-redis's own messages (dial failures, pool events) to
// our structured log at debug level: the store already reports what matters
// as errors.
type redisLogger struct{ log *slog.Logger }

func (l redisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.log.DebugContext(ctx, "go-redis: "+fmt.Sprintf(format, v...))
}
