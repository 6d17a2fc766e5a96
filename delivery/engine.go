package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
)

var _ core.Broadcaster = (*Engine)(nil)

// Config tunes an Engine. Zero fields take the defaults shown.
type Config struct {
	// Consumer names this process in the consumer groups; it must differ
	// between processes. Default: host-pid-random.
	Consumer string
	// Workers is how many jobs per platform one process works on at once
	// (64).
	Workers int
	// ReclaimAfter is how long a job may stay pending without a sign of
	// life before another consumer takes it over (30s).
	ReclaimAfter time.Duration
	// MaxAttempts bounds the tries of a transient failure before the job is
	// dead-lettered (5).
	MaxAttempts int
	// RateLimitedFor bounds how long after it was queued a job keeps
	// waiting out 429 answers (24h): a 429 is the platform asking us to slow
	// down, never a reason to give up sooner, however many come.
	RateLimitedFor time.Duration
	// Backoff is the first transient retry's wait, doubled per attempt up
	// to BackoffMax, with jitter (500ms, 30s).
	Backoff    time.Duration
	BackoffMax time.Duration
	// Block is how long one fetch waits for jobs (1s).
	Block time.Duration
	// ProgressEvery is how often the moderator's preview is edited with
	// progress (2s).
	ProgressEvery time.Duration
	// Drain bounds how long a graceful shutdown waits for sends in flight
	// (two thirds of ReclaimAfter, 20s). It must be shorter than
	// ReclaimAfter: the jobs of a process stopping are kept alive while it
	// drains, and once it has given up on them another consumer must be
	// able to reclaim them before the stopping process is long gone.
	Drain time.Duration
	// ListBatch is how many chats are listed and queued at once (500).
	ListBatch int
	// Liveness is how long a consumer's heartbeat lasts (3s); it is renewed
	// three times as often, and every process claims the jobs of consumers
	// whose heartbeat lapsed that often too (Queue.ClaimDead), so that the
	// jobs of a process that died move within about 4/3 Liveness.
	// ReclaimAfter stays the backstop for a consumer alive but stuck.
	Liveness time.Duration
}

func (c *Config) defaults() {
	if c.Consumer == "" {
		host, _ := os.Hostname()
		var b [3]byte
		_, _ = rand.Read(b[:])
		c.Consumer = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b[:]))
	}
	def := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	defInt(&c.Workers, 64)
	defInt(&c.MaxAttempts, 5)
	defInt(&c.ListBatch, 500)
	def(&c.ReclaimAfter, 30*time.Second)
	def(&c.RateLimitedFor, 24*time.Hour)
	def(&c.Backoff, 500*time.Millisecond)
	def(&c.BackoffMax, 30*time.Second)
	def(&c.Block, time.Second)
	def(&c.ProgressEvery, 2*time.Second)
	def(&c.Drain, c.ReclaimAfter*2/3)
	def(&c.Liveness, 3*time.Second)
}

// validate reports a Config whose parts contradict each other.
func (c *Config) validate() error {
	if c.Drain >= c.ReclaimAfter {
		return fmt.Errorf("delivery: Drain (%s) must be shorter than ReclaimAfter (%s)", c.Drain, c.ReclaimAfter)
	}
	return nil
}

// Chats is the chat policy delivery follows (*core.Chats implements it):
// each chat's alert language, whether a routine alert is held for the
// chat's digest instead of sent, and what to do with chats that are gone or
// moved.
type Chats interface {
	Lang(ctx context.Context, chat core.ChatRef) (string, error)
	HoldAlert(ctx context.Context, chat core.ChatRef, b core.Broadcast) (lang string, held bool, err error)
	Forget(ctx context.Context, chat core.ChatRef) error
	Move(ctx context.Context, from, to core.ChatRef) error
}

// ReportFunc renders a broadcast's progress or final report in lang, for
// editing the moderator's preview (core.Renderer.BroadcastReport is one).
type ReportFunc func(lang string, st core.BroadcastStatus) core.Reply

// Deps are an Engine's parts. Queue, Ledger, Senders, Store and Chats are
// required; a nil Limiter means no limits, a nil Report no progress edits.
type Deps struct {
	Queue   Queue
	Ledger  Ledger
	Limiter Limiter
	// Senders send to each platform, by platform name. A sender that also
	// implements core.Editor or core.Deleter serves corrections,
	// retractions and progress edits.
	Senders map[string]core.Sender
	// Store lists each section's chats.
	Store   core.SubscriptionStore
	Chats   Chats
	Report  ReportFunc
	Logger  *slog.Logger
	Metrics *Metrics // nil: a new one, see Engine.Metrics
}

// Engine delivers broadcasts: Start queues them (core.Broadcaster), Run
// consumes the queue. It is safe for concurrent use.
type Engine struct {
	cfg     Config
	q       Queue
	ledger  Ledger
	limiter Limiter
	senders map[string]core.Sender
	store   core.SubscriptionStore
	chats   Chats
	report  ReportFunc
	log     *slog.Logger
	metrics *Metrics
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error

	bcMu  sync.Mutex
	bcast map[string]core.Broadcast // immutable broadcasts, by ID

	listMu sync.Mutex
	lists  map[string]bool // broadcasts this process is listing

	bg     sync.WaitGroup // listing and progress goroutines
	bgCtx  context.Context
	bgStop context.CancelFunc
}

// New returns an Engine, or an error naming a missing part or a Config
// that contradicts itself.
func New(cfg Config, deps Deps) (*Engine, error) {
	if deps.Queue == nil || deps.Ledger == nil || deps.Store == nil || deps.Chats == nil || len(deps.Senders) == 0 {
		return nil, errors.New("delivery: New needs a Queue, a Ledger, a Store, Chats and at least one Sender")
	}
	cfg.defaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	e := &Engine{
		cfg: cfg, q: deps.Queue, ledger: deps.Ledger, limiter: deps.Limiter, senders: deps.Senders,
		store: deps.Store, chats: deps.Chats, report: deps.Report, log: deps.Logger, metrics: deps.Metrics, now: time.Now, sleep: core.Sleep,
		bcast: map[string]core.Broadcast{}, lists: map[string]bool{},
	}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.metrics == nil {
		e.metrics = &Metrics{}
	}
	e.bgCtx, e.bgStop = context.WithCancel(context.Background())
	return e, nil
}

// Metrics returns the engine's counters.
func (e *Engine) Metrics() *Metrics { return e.metrics }

// Close stops progress reports and waits for listings in progress.
func (e *Engine) Close() error {
	e.bgStop()
	e.bg.Wait()
	return nil
}

// Start implements core.Broadcaster: it records b, then lists its audience
// and queues the jobs in the background (a digest's one job before it
// returns). Starting a known ID does nothing. A listing that fails is
// retried with backoff; one interrupted (the process stopped) is resumed by
// Run in any process.
func (e *Engine) Start(ctx context.Context, b core.Broadcast) error {
	if b.ID == "" {
		return errors.New("delivery: broadcast without ID")
	}
	if b.Confirmed.IsZero() {
		b.Confirmed = e.now()
	}
	if b.Kind == core.BroadcastCorrect || b.Kind == core.BroadcastRetract {
		// Marked before the broadcast is recorded, so that a Start that
		// fails in between is repeated whole; the mark is the one record of
		// what became of the target (see Superseded).
		if err := e.ledger.Supersede(ctx, b.Target, b.ID, b.Kind); err != nil {
			return core.Unavailable(err)
		}
	}
	created, err := e.ledger.Create(ctx, b)
	if err != nil {
		return core.Unavailable(err)
	}
	if !created {
		return nil
	}
	if b.Kind == core.BroadcastDigest {
		// One chat: queue it before returning, so that a recorded digest is
		// a queued one and its items can be let go. When that fails, Run
		// resumes it.
		if err := e.listing(ctx, b, false, false); err != nil {
			return core.Unavailable(err)
		}
		return nil
	}
	e.bg.Add(1)
	go func() {
		defer e.bg.Done()
		// The listing outlives the moderator's request; Close stops it, and
		// Run, here or in another process, resumes it.
		if err := e.listing(e.bgCtx, b, false, true); err != nil && e.bgCtx.Err() == nil {
			e.log.Error("listing a broadcast's audience", slog.String("broadcast", b.ID), slog.Any("err", err))
		}
	}()
	if b.Report != nil && e.report != nil {
		e.bg.Add(1)
		go func() {
			defer e.bg.Done()
			e.progress(e.bgCtx, b)
		}()
	}
	return nil
}

// Status implements core.Broadcaster.
func (e *Engine) Status(ctx context.Context, id string) (core.BroadcastStatus, error) {
	return e.ledger.Status(ctx, id)
}

// Recent implements core.Broadcaster.
func (e *Engine) Recent(ctx context.Context, n int) ([]core.BroadcastStatus, error) {
	return e.ledger.Recent(ctx, n)
}

// Superseded implements core.Broadcaster.
func (e *Engine) Superseded(ctx context.Context, id string) (string, core.BroadcastKind, error) {
	return e.ledger.Superseded(ctx, id)
}

// broadcast returns broadcast id, from memory when it was read before.
func (e *Engine) broadcast(ctx context.Context, id string) (core.Broadcast, error) {
	e.bcMu.Lock()
	b, ok := e.bcast[id]
	e.bcMu.Unlock()
	if ok {
		return b, nil
	}
	b, err := e.ledger.Broadcast(ctx, id)
	if err != nil {
		return b, err
	}
	e.bcMu.Lock()
	if len(e.bcast) > 1000 {
		clear(e.bcast)
	}
	e.bcast[id] = b
	e.bcMu.Unlock()
	return b, nil
}
