package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"sync"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery/deliverytest"
)

// repliesBench configures benchReplies.
type repliesBench struct {
	Users    int           // users sending a command at once (600)
	Rate     int           // the fake Bot API's global limit, messages per second (100)
	Chats    int           // chats of a breaking-news broadcast running meanwhile (0: none)
	RedisURL string        // the store, queue and limiter on Redis; "" in memory
	Settle   time.Duration // how long the broadcast runs before the users send (2s)
	// Picture makes the broadcast a card with the story's picture: "ok"
	// goes to each chat as a photo, "broken" is a picture the Bot API
	// cannot fetch, so each chat gets the text card; "" is a text.
	Picture string
}

// benchPicture is the picture of the bench's photo broadcast.
const benchPicture = "https://newsbot.example/media/bench-1200.jpg"

// runBenchReplies is `bot bench-replies`: the real Telegram adapter, engine
// and delivery against the fake Bot API with Telegram's limits (the global
// one set by -rate, one message a second per private chat with bursts of
// 3, 429 with retry_after beyond them); -users users send /subscribe at
// once, optionally while a -chats broadcast runs at the global limit. Its
// last line is the figure.
func runBenchReplies(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench-replies", flag.ContinueOnError)
	fs.SetOutput(stderr)
	rb := repliesBench{RedisURL: cfg.RedisURL, Settle: 2 * time.Second}
	fs.IntVar(&rb.Users, "users", 600, "users sending a command at the same time")
	fs.IntVar(&rb.Rate, "rate", 100, "the fake Bot API's global limit, messages per second")
	fs.IntVar(&rb.Chats, "chats", 0, "chats of a breaking-news broadcast running meanwhile (0: none)")
	fs.StringVar(&rb.Picture, "picture", "", `the broadcast is a card with a picture: "ok" (a photo in each chat) or "broken" (refused by the Bot API)`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if rb.Users < 1 || rb.Rate < 1 || rb.Chats < 0 || (rb.Picture != "" && rb.Picture != "ok" && rb.Picture != "broken") {
		fmt.Fprintln(stderr, "usage: bot bench-replies [-users N ≥ 1] [-rate N ≥ 1] [-chats N ≥ 0] [-picture ok|broken]")
		return 2
	}
	if err := benchReplies(ctx, rb, stdout); err != nil {
		fmt.Fprintf(stderr, "newsbot: bench-replies: %v\n", err)
		return 1
	}
	return 0
}

// benchReplies runs the bench and prints, last,
//
//	replies: users=U answered=A dropped=D p50=… p99=… 429s=N
//
// where a reply's latency runs from the user's message reaching the Bot
// API to the bot's answer being accepted there, dropped counts the replies
// the bot gave up (ReplyStats), and 429s every 429 the Bot API answered.
// With a broadcast, a line before it gives the broadcast's figures.
func benchReplies(ctx context.Context, rb repliesBench, w io.Writer) error {
	rig, err := startReplyRig(ctx, rb.Rate, rb.RedisURL)
	if err != nil {
		return err
	}
	defer rig.close()
	srv, bot, app, cfg := rig.srv, rig.bot, rig.app, rig.cfg

	// The broadcast's chats, and the users: different chats.
	isUser := map[string]bool{}
	for i := range rb.Users {
		isUser[strconv.Itoa(1_000_000+i)] = true
	}
	for i := range rb.Chats {
		id := int64(2_000_000 + i)
		srv.AddChat(telegramtest.Chat{ID: id, Type: "private"})
		if _, err := app.Store.Subscribe(ctx, core.ChatRef{Platform: telegram.Platform, ID: strconv.FormatInt(id, 10)}, content.Breaking); err != nil {
			return err
		}
	}
	backend := "memory"
	if rb.RedisURL != "" {
		backend = "redis"
	}
	fmt.Fprintf(w, "bench: %d users at once, Bot API limits %d/s global and 1/s per chat (burst 3), broadcast to %d chats, store=%s\n",
		rb.Users, rb.Rate, rb.Chats, backend)

	var b core.Broadcast
	start := time.Now()
	if rb.Chats > 0 {
		b = core.Broadcast{
			ID: "bench" + strconv.FormatInt(start.UnixNano(), 36), Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking,
			Section: content.Breaking, Fallback: "en", Confirmed: start,
			Messages: map[string]core.Reply{"en": {Title: "Bench", Text: []string{"Breaking bench news."}}},
		}
		if rb.Picture != "" {
			if rb.Picture == "broken" {
				srv.BreakImage(benchPicture)
			}
			b.Messages["en"] = core.Reply{Title: "Breaking news", Card: &core.Card{ArticleID: "bench-en", Title: "Breaking bench news",
				Lead: "The bench's story, with its picture.", URL: "https://newsbot.example/en/bench",
				Image: content.Image{URL: benchPicture, Width: 1200, Height: 675}}}
		}
		if err := app.Delivery.Start(ctx, b); err != nil {
			return err
		}
		time.Sleep(rb.Settle) // the broadcast reaches the global limit
	}
	asked := map[string]time.Time{}
	var mu sync.Mutex
	for i := range rb.Users {
		u := telegramtest.User{ID: int64(1_000_000 + i), FirstName: "U" + strconv.Itoa(i), LanguageCode: []string{"ro", "ru", "en"}[i%3]}
		mu.Lock()
		asked[strconv.FormatInt(u.ID, 10)] = time.Now()
		mu.Unlock()
		srv.UserMessage(u.ID, u, "/subscribe international")
	}
	asking := time.Now()

	// Replies: the first message accepted in each user's chat.
	deadline := asking.Add(cfg.HA.ReplyDeadline + 15*time.Second)
	var lat []time.Duration
	for {
		lat = lat[:0]
		for _, c := range srv.Calls("sendMessage") {
			id := c.Params.Get("chat_id")
			if c.Code != 200 || !isUser[id] {
				continue
			}
			if t, ok := asked[id]; ok {
				lat = append(lat, c.Time.Sub(t))
			}
		}
		st := bot.ReplyStats()
		dropped := st.DroppedTotal()
		if len(lat) >= rb.Users || int64(len(lat))+dropped >= int64(rb.Users) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	repliesDone := time.Now()

	if rb.Chats > 0 {
		for {
			st, err := app.Delivery.Status(ctx, b.ID)
			if err != nil && !errors.Is(err, context.DeadlineExceeded) {
				return err
			}
			if st.Done() {
				break
			}
			if time.Since(start) > 3*time.Duration(rb.Chats/rb.Rate+1)*time.Second+time.Minute {
				return fmt.Errorf("the broadcast did not finish: %+v", st)
			}
			time.Sleep(100 * time.Millisecond)
		}
		got := map[string]int{}
		var first, last time.Time
		repliesMeanwhile := 0
		for _, c := range srv.Calls("sendMessage", "sendPhoto") {
			if c.Code != 200 {
				continue
			}
			id := c.Params.Get("chat_id")
			if isUser[id] {
				repliesMeanwhile++
				continue
			}
			got[id]++
			if first.IsZero() {
				first = c.Time
			}
			last = c.Time
		}
		dup := 0
		for _, n := range got {
			dup += n - 1
		}
		elapsed := last.Sub(start)
		left := float64(rb.Rate)*elapsed.Seconds() - float64(repliesMeanwhile)
		fmt.Fprintf(w, "broadcast: chats=%d reached=%d dup=%d elapsed=%.1fs ideal=%.1fs (its chats and the replies at %d/s) efficiency=%.2f\n",
			rb.Chats, len(got), dup, elapsed.Seconds(), float64(rb.Chats+repliesMeanwhile)/float64(rb.Rate), rb.Rate, float64(len(got)+dup)/left)
		if rb.Picture != "" {
			photos := 0
			for _, c := range srv.Calls("sendPhoto") {
				if c.Code == 200 {
					photos++
				}
			}
			fmt.Fprintf(w, "broadcast: photos=%d of %d messages; sendPhoto calls %d; the picture fetched %d times, refused %d times\n",
				photos, len(got)+dup, len(srv.Calls("sendPhoto")), srv.Fetches(benchPicture), bot.ReplyStats().ImagesRefused)
			switch {
			case len(got) != rb.Chats || dup != 0:
				return fmt.Errorf("the photo broadcast reached %d of %d chats with %d duplicates", len(got), rb.Chats, dup)
			case rb.Picture == "ok" && photos != rb.Chats:
				return fmt.Errorf("%d of %d chats got the photo", photos, rb.Chats)
			case rb.Picture == "broken" && photos != 0:
				return fmt.Errorf("%d photos of a refused picture", photos)
			}
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
	}
	st := bot.ReplyStats()
	dropped := st.DroppedTotal()
	fmt.Fprintf(w, "replies: all answered %.1fs after the first command; 429s on replies %d, replies given up %v\n",
		repliesDone.Sub(asking).Seconds(), st.RateLimited, st.Dropped)
	fmt.Fprintf(w, "replies: users=%d answered=%d dropped=%d p50=%s p99=%s 429s=%d\n",
		rb.Users, len(lat), dropped, pct(0.50), pct(0.99), srv.RateLimited())
	// The target: every user answered, none given up, within the reply
	// deadline.
	if len(lat) < rb.Users || dropped > 0 || pct(0.99) > cfg.HA.ReplyDeadline {
		return fmt.Errorf("target missed: %d of %d users answered, %d given up, p99 %s (deadline %s)", len(lat), rb.Users, dropped, pct(0.99), cfg.HA.ReplyDeadline)
	}
	return nil
}

// deleteKeys removes the bench's keys from Redis.
func deleteKeys(url, prefix string) {
	opts, err := goredis.ParseURL(url)
	if err != nil {
		return
	}
	c := goredis.NewClient(opts)
	defer c.Close()
	_ = deliverytest.DeletePrefix(context.Background(), c, prefix)
}

// replyRig is the real bot (Telegram adapter, engine, delivery) running
// against the fake Bot API with Telegram's limits at a global rate.
type replyRig struct {
	srv   *telegramtest.Server
	bot   *telegram.Bot
	app   *app
	cfg   config
	close func()
}

// startReplyRig starts the bot on the store of redisURL under a fresh
// prefix ("" in memory); close stops it and removes the keys.
func startReplyRig(ctx context.Context, perSec int, redisURL string) (_ *replyRig, err error) {
	r := &replyRig{}
	var closers []func()
	r.close = func() {
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	}
	defer func() {
		if err != nil {
			r.close()
		}
	}()
	r.srv = telegramtest.NewServer(telegramtest.Options{PerChat: 1, PerChatBurst: 3, Global: rate.Limit(perSec), GlobalBurst: perSec})
	closers = append(closers, r.srv.Close)
	prefix := fmt.Sprintf("bench-replies:%d:", time.Now().UnixNano())
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN": r.srv.Token(), "TELEGRAM_API_ENDPOINT": r.srv.Endpoint(),
		"TELEGRAM_RATE_GLOBAL": strconv.Itoa(perSec), "REDIS_URL": redisURL, "REDIS_PREFIX": prefix,
	}
	if r.cfg, err = loadConfig(func(k string) string { return vars[k] }); err != nil {
		return nil, err
	}
	log := slog.New(slog.DiscardHandler)
	cat, err := loadCatalog(r.cfg)
	if err != nil {
		return nil, err
	}
	r.cfg.TelegramRate = perSec
	traits := r.cfg.telegramTraits()
	sh, err := openShared(r.cfg, traits)
	if err != nil {
		return nil, err
	}
	closers = append(closers, func() { sh.Close() })
	tgcfg := r.cfg.Telegram
	tgcfg.Gate, tgcfg.Lease, tgcfg.PollTimeout = sh.Limiter, sh.PollLease, time.Second
	if r.bot, err = telegram.New(ctx, tgcfg, cat, log); err != nil {
		return nil, err
	}
	if r.app, err = build(ctx, r.cfg, log, cat, sh.Limiter, platform{Traits: traits, Sender: r.bot, Replies: r.bot.ReplyStats}); err != nil {
		return nil, err
	}
	closers = append(closers, func() { r.app.Close() })
	if redisURL != "" {
		closers = append(closers, func() { deleteKeys(redisURL, prefix) })
	}
	runCtx, stop := context.WithCancel(ctx)
	waitDelivery := r.app.runDelivery(runCtx, log)
	botDone := make(chan error, 1)
	go func() { botDone <- r.bot.Run(runCtx, r.app.Engine) }()
	closers = append(closers, func() {
		stop()
		<-botDone
		waitDelivery()
	})
	return r, nil
}
