package deliverytest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/store/memory"
)

// BenchConfig configures BenchFanout.
type BenchConfig struct {
	// Platform is the platform whose limits the sink enforces; its global
	// rate is replaced by Rate. Required.
	Platform  core.Platform
	Chats     int     // chats subscribed to breaking news (10000)
	Rate      int     // the platform's global limit, messages per second (1000)
	Consumers int     // consumers, each with its own Engine and Redis connections (2)
	RedisURL  string  // the queue, ledger and limiter on Redis; "" means in memory
	Groups    float64 // the share of chats that are groups (0.1)
	// Latency is the sink's answer time per call (30ms).
	Latency time.Duration
	// Crash, when set, kills one consumer without acknowledgements after
	// that share of the chats got the message (e.g. 0.4), then starts a
	// fresh consumer to finish the broadcast.
	Crash float64
	// Timeout bounds the run (ideal time × 3 + 30s).
	Timeout time.Duration
}

// BenchFanout runs a breaking news broadcast through the real Engine and
// Queue (Redis Streams when RedisURL is set, else in memory) to Chats chats
// of a Sink enforcing cfg.Platform's limits with a global Rate, and prints the
// figures. Its last line is
//
//	fanout: chats=C rate=R/s elapsed=E ideal=I efficiency=I/E dup=D lost=L 429s=N
//
// where ideal is Chats/Rate, dup counts messages beyond the first per chat,
// lost the chats that got none, and 429s the calls the sink refused.
//
// The consumers are goroutines of this process, each with its own Engine
// and its own Redis connections. A crash (Crash) kills the first: from then
// on it sends, records and acknowledges nothing, and the sends it had in
// flight are cut short.
func BenchFanout(ctx context.Context, cfg BenchConfig, w io.Writer) error {
	if cfg.Chats <= 0 {
		cfg.Chats = 10000
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 1000
	}
	if cfg.Consumers <= 0 {
		cfg.Consumers = 2
	}
	if cfg.Groups == 0 {
		cfg.Groups = 0.1
	}
	if cfg.Latency == 0 {
		cfg.Latency = 30 * time.Millisecond
	}
	ideal := time.Duration(float64(cfg.Chats) / float64(cfg.Rate) * float64(time.Second))
	if cfg.Timeout == 0 {
		cfg.Timeout = 3*ideal + 30*time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()

	if cfg.Platform.Name == "" {
		return errors.New("deliverytest: BenchFanout needs a Platform")
	}
	platform := cfg.Platform.Name
	cfg.Platform.Global = core.Rate{Count: cfg.Rate, Per: time.Second}
	limits := delivery.LimitsOf(cfg.Platform)
	cat, err := locales.Load(locales.FS(), "en")
	if err != nil {
		return err
	}
	// Like the platforms, the sink holds to "Rate messages per second": a second's
	// worth of burst, no more.
	sink := NewSink(limits, cfg.Rate)
	sink.Latency = cfg.Latency
	st := memory.New()
	groups := int(float64(cfg.Chats) * cfg.Groups)
	for i := range cfg.Chats {
		id := strconv.Itoa(100000 + i)
		if i < groups && cfg.Platform.KindOf != nil && cfg.Platform.KindOf("-"+id) == core.ChatGroup {
			id = "-" + id
		}
		if _, err := st.Subscribe(ctx, core.ChatRef{Platform: platform, ID: id}, content.Breaking); err != nil {
			return err
		}
	}

	prefix := fmt.Sprintf("bench:%d:", time.Now().UnixNano())
	memQ, memL, memLim := delivery.NewMemoryQueue(), delivery.NewMemoryLedger(), delivery.NewMemoryLimiter(map[string]delivery.Limits{platform: limits})
	var clients []*goredis.Client
	defer func() {
		if len(clients) > 0 {
			_ = DeletePrefix(context.Background(), clients[0], prefix)
		}
		for _, c := range clients {
			c.Close()
		}
	}()
	chats, err := core.NewChats(core.ChatsConfig{}, st, cat)
	if err != nil {
		return err
	}
	newEngine := func(name string, k *killer) (*delivery.Engine, error) {
		deps := delivery.Deps{Queue: memQ, Ledger: memL, Limiter: memLim, Senders: map[string]core.Sender{platform: sink}, Store: st, Chats: chats}
		if cfg.RedisURL != "" {
			opts, err := goredis.ParseURL(cfg.RedisURL)
			if err != nil {
				return nil, err
			}
			opts.PoolSize = 128
			c := goredis.NewClient(opts)
			clients = append(clients, c)
			deps.Queue = redis.NewQueue(c, prefix)
			deps.Ledger = redis.NewLedger(c, prefix, time.Hour)
			deps.Limiter = redis.NewLimiter(c, prefix, map[string]delivery.Limits{platform: limits})
		}
		if k != nil {
			k.wrap(&deps)
		}
		return delivery.New(delivery.Config{Consumer: name, Workers: 128, ReclaimAfter: 3 * time.Second, Block: 200 * time.Millisecond}, deps)
	}
	type consumer struct {
		name string
		e    *delivery.Engine
		stop context.CancelFunc
		kill func() // nil unless the consumer is to crash
		done chan struct{}
	}
	run := func(name string, crashable bool) (*consumer, error) {
		var k *killer
		if crashable {
			k = newKiller()
		}
		e, err := newEngine(name, k)
		if err != nil {
			return nil, err
		}
		runCtx, stop := context.WithCancel(ctx)
		c := &consumer{name: name, e: e, stop: stop, done: make(chan struct{})}
		if k != nil {
			c.kill = k.kill
		}
		go func() {
			defer close(c.done)
			_ = e.Run(runCtx)
		}()
		return c, nil
	}
	var cons []*consumer
	for i := range cfg.Consumers {
		// The first consumer is the one a crash kills.
		c, err := run(fmt.Sprintf("bench-%d", i), i == 0 && cfg.Crash > 0)
		if err != nil {
			return err
		}
		cons = append(cons, c)
	}
	defer func() {
		for _, c := range cons {
			c.stop()
			<-c.done
			c.e.Close()
		}
	}()
	backend := "memory"
	if cfg.RedisURL != "" {
		backend = "redis"
	}
	fmt.Fprintf(w, "bench: %d chats (%d groups), %d consumer(s), queue=%s, sink limit %d/s global, latency %s\n",
		cfg.Chats, groups, cfg.Consumers, backend, cfg.Rate, cfg.Latency)

	b := core.Broadcast{
		ID: "bench" + strconv.FormatInt(time.Now().UnixNano(), 36), Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking,
		Section: content.Breaking, Fallback: "en", Messages: map[string]core.Reply{"en": {Title: "Bench", Text: []string{"Breaking bench news."}}},
	}
	start := time.Now()
	b.Confirmed = start
	if err := cons[0].e.Start(ctx, b); err != nil {
		return err
	}
	crashed := false
	inFlight, sentAtKill := int64(0), 0
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return fmt.Errorf("bench: timed out after %s: %+v", cfg.Timeout, sink.Counts())
		case <-tick.C:
		}
		got := sink.Counts()
		if cfg.Crash > 0 && !crashed && float64(got.Chats) >= cfg.Crash*float64(cfg.Chats) {
			crashed = true
			victim := cons[0]
			inFlight = victim.e.Metrics().Snapshot().InFlight
			sentAtKill = got.Messages
			victim.kill() // no more sends, records or acknowledgements
			victim.stop()
			fmt.Fprintf(w, "crash: killed consumer %s after %d sends with %d jobs in flight\n", victim.name, sentAtKill, inFlight)
			c, err := run("bench-restarted", false)
			if err != nil {
				return err
			}
			cons = append(cons, c)
		}
		stat, err := cons[len(cons)-1].e.Status(ctx, b.ID)
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		if !stat.Done() {
			continue
		}
		elapsed := got.Last.Sub(start)
		fmt.Fprintf(w, "first delivery %s after confirmation (target ≤ 200ms)\n", got.First.Sub(start).Round(time.Millisecond))
		fmt.Fprintf(w, "ledger: sent=%d failed=%d; 429 share %.2f%% (target ≤ 0.5%%)\n", stat.Sent, stat.FailedCount(),
			100*float64(got.RateLimited)/float64(max(1, got.Messages)))
		if cfg.Crash > 0 {
			fmt.Fprintf(w, "crash: dup=%d (target ≤ %d in flight at the kill) lost=%d\n", got.Dup, inFlight, cfg.Chats-got.Chats)
		}
		eff := ideal.Seconds() / elapsed.Seconds()
		fmt.Fprintf(w, "fanout: chats=%d rate=%d/s elapsed=%.1fs ideal=%.1fs efficiency=%.2f dup=%d lost=%d 429s=%d\n",
			cfg.Chats, cfg.Rate, elapsed.Seconds(), ideal.Seconds(), eff, got.Dup, cfg.Chats-got.Chats, got.RateLimited)
		return nil
	}
}

// DeletePrefix deletes every key of prefix (a bench's or a test's), with
// SCAN and UNLINK: it never blocks a shared Redis.
func DeletePrefix(ctx context.Context, c *goredis.Client, prefix string) error {
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	for iter.Next(ctx) {
		if err := c.Unlink(ctx, iter.Val()).Err(); err != nil {
			return err
		}
	}
	return iter.Err()
}
