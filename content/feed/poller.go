package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// Locker makes sure that only one of several bot processes sharing a store
// polls a feed. TryLock takes the lock key for ttl and reports whether it
// got it; unlock releases it early. store/redis provides one; nil means
// every process polls.
type Locker interface {
	TryLock(ctx context.Context, key string, ttl time.Duration) (unlock func(), ok bool, err error)
}

// Option configures a Poller.
type Option func(*Poller)

// WithHTTPClient sets the HTTP client for feeds and pages. Its own Timeout
// should be zero or above Config.Timeout, which applies to every fetch.
func WithHTTPClient(c *http.Client) Option { return func(p *Poller) { p.fetch.client = c } }

// WithLogger sets the logger; the default is slog.Default().
func WithLogger(l *slog.Logger) Option { return func(p *Poller) { p.log = l } }

// WithListener registers l for new articles, like Subscribe.
func WithListener(l Listener) Option { return func(p *Poller) { p.listeners = append(p.listeners, l) } }

// WithSectionNames sets the lookup of localized section names used to match
// item categories to sections.
func WithSectionNames(names SectionNames) Option { return func(p *Poller) { p.names = names } }

// WithLocker sets the lock that lets one process poll each feed.
func WithLocker(l Locker) Option { return func(p *Poller) { p.locker = l } }

// WithFeedLog sets where the poller records that a feed was polled, so
// that a feed's first poll stores its backlog without announcing it. The
// default is the store, when it implements core.FeedLog (store/memory and
// store/redis do), else a record kept in memory: a restart then counts as
// a first poll.
func WithFeedLog(l core.FeedLog) Option { return func(p *Poller) { p.feedLog = l } }

// withClock replaces time.Now, for tests.
func withClock(now func() time.Time) Option {
	return func(p *Poller) { p.now = now; p.fetch.now = now }
}

// Poller polls the configured feeds and stores their articles. Its methods
// are safe for concurrent use; polls of one feed never overlap.
type Poller struct {
	cfg       Config
	store     core.ArticleStore
	fetch     *fetcher
	sections  *sectionMatcher
	names     SectionNames
	log       *slog.Logger
	locker    Locker
	now       func() time.Time
	feeds     []*feedState
	onStored  func(kind string, a content.Article) // IngestOnce's printer
	feedLog   core.FeedLog
	pageSem   chan struct{} // bounds the article pages fetched at once
	pageVals  pageValidators
	linkMu    sync.Mutex // one link decision at a time (saveLinked)
	mu        sync.Mutex // guards listeners
	listeners []Listener
}

// feedState is what the poller remembers about one feed between polls.
type feedState struct {
	src      Source
	cats     map[string]string // folded Source.Categories
	invalid  error             // the Source's configuration error, if any
	mu       sync.Mutex        // held during a poll; guards the fields below
	v        validators
	failures int
	next     time.Time
	lastErr  error
	lastPoll time.Time
	polled   bool // the feed log says the feed was polled in full before
}

// NewPoller returns a Poller of cfg's sources storing into store. Zero
// Config fields take their defaults. A source with a bad configuration is
// reported as failed on every poll instead of stopping the others; check
// Config.Validate first to refuse it up front.
func NewPoller(cfg Config, store core.ArticleStore, opts ...Option) *Poller {
	cfg = cfg.withDefaults()
	p := &Poller{
		cfg:   cfg,
		store: store,
		fetch: &fetcher{
			client:    &http.Client{},
			timeout:   cfg.Timeout,
			maxBytes:  cfg.MaxBytes,
			userAgent: cfg.UserAgent,
			now:       time.Now,
		},
		log:     slog.Default(),
		now:     time.Now,
		pageSem: make(chan struct{}, defaultMaxConcurrency),
	}
	for _, o := range opts {
		o(p)
	}
	if p.feedLog == nil {
		if fl, ok := store.(core.FeedLog); ok {
			p.feedLog = fl
		} else {
			p.feedLog = &memFeedLog{polled: map[string]time.Time{}}
		}
	}
	p.sections = newSectionMatcher(cfg, p.names)
	p.cfg.Sources = nil
	for _, src := range cfg.Sources {
		fs := &feedState{src: src}
		fs.src.Categories = nil
		fs.invalid = fs.src.validate()
		fs.cats = foldMap(src.Categories)
		p.feeds = append(p.feeds, fs)
		p.cfg.Sources = append(p.cfg.Sources, fs.src)
	}
	return p
}

// Validate reports the first configuration error of c, naming the field.
func (c Config) Validate() error {
	c.Sources = append([]Source(nil), c.Sources...)
	return c.validate()
}

// Subscribe registers l for new articles.
func (p *Poller) Subscribe(l Listener) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.listeners = append(p.listeners, l)
}

func (p *Poller) srcCategories(src *Source) map[string]string {
	for _, fs := range p.feeds {
		if &fs.src == src {
			return fs.cats
		}
	}
	return nil
}

// FeedError is the failure of one feed in a poll.
type FeedError struct {
	Lang string
	URL  string
	Err  error
}

func (e FeedError) Error() string { return fmt.Sprintf("feed %s %s: %v", e.Lang, e.URL, e.Err) }

func (e FeedError) Unwrap() error { return e.Err }

// Stats counts what a poll did.
type Stats struct {
	Feeds       int // feeds polled (fetched or attempted)
	NotModified int // feeds that answered 304
	Skipped     int // feeds not due yet, or locked by another process
	Failed      int
	New         int // articles stored for the first time
	Quiet       int // new articles not announced: a first poll's backlog, or older than MaxAlertAge
	Updated     int // articles stored as a new version
	Unchanged   int // items whose article was already stored as is
	Errors      []FeedError
}

func (s *Stats) add(o Stats) {
	s.Feeds += o.Feeds
	s.NotModified += o.NotModified
	s.Skipped += o.Skipped
	s.Failed += o.Failed
	s.New += o.New
	s.Quiet += o.Quiet
	s.Updated += o.Updated
	s.Unchanged += o.Unchanged
	s.Errors = append(s.Errors, o.Errors...)
}

// FeedStatus is a feed's state between polls, for status pages and tests.
type FeedStatus struct {
	Lang      string
	URL       string
	LastPoll  time.Time // zero before the first poll
	NextPoll  time.Time // zero means due now
	Failures  int       // consecutive failures
	LastError error
}

// Status returns the state of every feed, in configuration order. It waits
// for polls in progress.
func (p *Poller) Status() []FeedStatus {
	out := make([]FeedStatus, 0, len(p.feeds))
	for _, fs := range p.feeds {
		fs.mu.Lock()
		out = append(out, FeedStatus{
			Lang: fs.src.Lang, URL: fs.src.URL, LastPoll: fs.lastPoll, NextPoll: fs.next,
			Failures: fs.failures, LastError: fs.lastErr,
		})
		fs.mu.Unlock()
	}
	return out
}

// PollOnce polls every feed that is due (all of them on a new Poller), at
// most a few at a time, and returns what it did. A failing feed is counted
// in Stats.Failed and Stats.Errors and backed off; it does not make
// PollOnce fail. The error is non-nil only when ctx ends first.
func (p *Poller) PollOnce(ctx context.Context) (Stats, error) {
	var (
		mu    sync.Mutex
		total Stats
		wg    sync.WaitGroup
		sem   = make(chan struct{}, defaultMaxConcurrency)
	)
	for _, fs := range p.feeds {
		if ctx.Err() != nil {
			break
		}
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			st := p.pollIfDue(ctx, fs)
			mu.Lock()
			total.add(st)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total, ctx.Err()
}

// Run polls every feed on its interval (backing off from failures) until
// ctx ends, then returns ctx's error. It returns at once with an error when
// there are no feeds.
func (p *Poller) Run(ctx context.Context) error {
	if len(p.feeds) == 0 {
		return errors.New("feed: no feeds configured")
	}
	var wg sync.WaitGroup
	for _, fs := range p.feeds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.loop(ctx, fs)
		}()
	}
	wg.Wait()
	return ctx.Err()
}

func (p *Poller) loop(ctx context.Context, fs *feedState) {
	for {
		p.pollIfDue(ctx, fs)
		fs.mu.Lock()
		wait := fs.next.Sub(p.now())
		fs.mu.Unlock()
		t := time.NewTimer(max(wait, time.Second))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// pollIfDue polls fs unless it is not due yet or another process holds it.
func (p *Poller) pollIfDue(ctx context.Context, fs *feedState) Stats {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	now := p.now()
	if now.Before(fs.next) {
		return Stats{Skipped: 1}
	}
	interval := p.interval(fs)
	var unlock func()
	if p.locker != nil {
		u, ok, err := p.locker.TryLock(ctx, "newsbot:feed:"+fs.src.Lang+":"+fs.src.URL, interval)
		switch {
		case err != nil:
			// Polling twice is harmless (saves are idempotent and only one
			// save creates an article); not polling at all is not.
			p.log.WarnContext(ctx, "feed lock failed; polling anyway", slog.String("feed", fs.src.URL), slog.Any("err", err))
		case !ok:
			fs.next = now.Add(interval)
			return Stats{Skipped: 1}
		default:
			unlock = u
		}
	}
	st, err := p.poll(ctx, fs)
	fs.lastPoll = now
	fs.lastErr = err
	if err == nil {
		fs.failures = 0
		fs.next = p.now().Add(interval)
		// The lock is kept until its TTL, the interval, so that the fleet
		// polls the feed once per interval.
		return st
	}
	if unlock != nil {
		unlock()
	}
	if ctx.Err() != nil {
		// Shutting down is not the feed's fault.
		return st
	}
	fs.failures++
	wait := p.backoff(interval, fs.failures)
	var se *StatusError
	if errors.As(err, &se) && se.RetryAfter > wait {
		wait = se.RetryAfter
	}
	fs.next = p.now().Add(wait)
	st.Failed++
	st.Errors = append(st.Errors, FeedError{Lang: fs.src.Lang, URL: fs.src.URL, Err: err})
	p.log.WarnContext(ctx, "feed poll failed",
		slog.String("lang", fs.src.Lang), slog.String("feed", fs.src.URL),
		slog.Int("failures", fs.failures), slog.Duration("retry_in", wait), slog.Any("err", err))
	return st
}

func (p *Poller) interval(fs *feedState) time.Duration {
	if fs.src.Interval > 0 {
		return fs.src.Interval
	}
	return p.cfg.Interval
}

// backoff is the wait after the n-th consecutive failure: the interval
// doubled per failure up to MaxBackoff, with full jitter over its upper half
// so that feeds failing together do not retry together.
func (p *Poller) backoff(interval time.Duration, n int) time.Duration {
	d := interval
	for i := 1; i < n && d < p.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, p.cfg.MaxBackoff)
	half := d / 2
	return half + rand.N(half+1)
}

// poll fetches and ingests one feed. Validators move only after every item
// is stored, so that a failed store is retried with a full fetch.
func (p *Poller) poll(ctx context.Context, fs *feedState) (Stats, error) {
	st := Stats{Feeds: 1}
	if fs.invalid != nil {
		return st, fs.invalid
	}
	if !fs.polled {
		first, err := p.feedLog.FeedPolled(ctx, fs.logKey())
		if err != nil {
			return st, fmt.Errorf("reading the feed log: %w", err)
		}
		fs.polled = !first.IsZero()
	}
	resp, err := p.fetch.get(ctx, fs.src.URL, "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.8, text/xml;q=0.8, */*;q=0.5", fs.v)
	if err != nil {
		return st, err
	}
	if resp.notModified {
		st.NotModified++
	} else {
		// The items a feed holds at its first poll are its backlog: they
		// are stored, not announced.
		st2, err := p.ingestBody(ctx, &fs.src, resp.body, resp.url, fs.polled)
		st.add(st2)
		if err != nil {
			return st, err
		}
		fs.v = resp.validators
	}
	if !fs.polled {
		if _, err := p.feedLog.MarkFeedPolled(ctx, fs.logKey(), p.now()); err != nil {
			return st, fmt.Errorf("writing the feed log: %w", err)
		}
		fs.polled = true
	}
	return st, nil
}

// logKey names the feed in the feed log: its language and URL, so that a
// feed moved to another edition in the configuration, whose items become
// new articles, counts as a new feed.
func (fs *feedState) logKey() string { return fs.src.Lang + " " + fs.src.URL }

// memFeedLog is the feed log of a poller whose store keeps none.
type memFeedLog struct {
	mu     sync.Mutex
	polled map[string]time.Time
}

func (l *memFeedLog) FeedPolled(_ context.Context, feed string) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.polled[feed], nil
}

func (l *memFeedLog) MarkFeedPolled(_ context.Context, feed string, t time.Time) (time.Time, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if first, ok := l.polled[feed]; ok {
		return first, nil
	}
	l.polled[feed] = t
	return t, nil
}

// ingestBody parses a feed document of src fetched from feedURL and stores
// its items, announcing the new ones when announce is set. It stops at the
// first store error.
func (p *Poller) ingestBody(ctx context.Context, src *Source, body []byte, feedURL string, announce bool) (Stats, error) {
	var st Stats
	items, err := parseFeed(body, feedURL)
	if err != nil {
		return st, err
	}
	// Feeds list newest first; store oldest first so that events come in
	// the order the stories were published.
	for i := len(items) - 1; i >= 0; i-- {
		kind, err := p.ingest(ctx, src, items[i], feedURL, announce)
		if err != nil {
			return st, err
		}
		switch kind {
		case kindQuiet:
			st.New++
			st.Quiet++
		case kindNew:
			st.New++
		case kindUpdated:
			st.Updated++
		case kindUnchanged:
			st.Unchanged++
		}
	}
	return st, nil
}
