package search

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bolterrors "go.etcd.io/bbolt/errors"
	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

var _ core.Indexer = (*Index)(nil)

// BatchSize is how many articles go to the index in one batch. Bigger
// batches index faster (fewer segments to write and merge) but hold every
// analyzed article of the batch in memory at once; this size keeps that to
// tens of megabytes a batch, with a batch being filled per lane and up to
// writerCount being written.
const BatchSize = 2000

// IndexDir is the directory Open keeps the index in, inside the data
// directory it is given. Open removes and recreates only this directory.
const IndexDir = "search-index"

// keySchema is the internal key that holds the schemaVersion of a complete
// index; an index without it was never finished and is rebuilt.
const keySchema = "newsbot_schema"

// openTimeout bounds the wait for the lock of a persisted index, which
// another running bot may hold. Tests shorten it.
var openTimeout = "5s"

// Index is a full-text index of articles. It is safe for concurrent use.
type Index struct {
	idx       bleve.Index
	path      string
	temp      string // the directory Close removes, for NewMemory
	analyzers map[string]analysis.Analyzer
	keyword   analysis.Analyzer // of the keyword fields
	fresh     bool
	durable   bool          // writes return once they are on disk
	closed    atomic.Bool   // set by Close
	closing   chan struct{} // closed by Close

	// mu keeps Close from closing the index under a search, which bleve
	// does not guard against.
	mu sync.RWMutex

	persistMu   sync.Mutex
	persistFail chan struct{} // closed, and replaced, when persisting fails
	persistErr  error         // why persisting failed last
}

// Rebuild feeds every stored article to add, for Open to rebuild an index
// that is missing, corrupt or of an older schema. It stops at the first
// error add returns and returns it.
type Rebuild func(ctx context.Context, add func(content.Article) error) error

// NewMemory returns an empty index that lasts until Close, the embedded
// default: index the bundled content into it after start.
//
// The index lives in a private temporary directory that Close removes.
// bleve's scorch engine merges its segments only on disk: held in memory
// alone, it would add a segment per batch for as long as the bot runs and
// every search would visit them all. (bleve's memory-only engine,
// upsidedown on gtreap, indexes several times slower.) Batches are not
// synced to disk, since nothing needs to survive a crash.
func NewMemory() (*Index, error) {
	dir, err := os.MkdirTemp("", "newsbot-search-")
	if err != nil {
		return nil, fmt.Errorf("search: creating the index directory: %w", err)
	}
	path := filepath.Join(dir, IndexDir)
	idx, err := bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, map[string]any{"unsafe_batch": true, "asyncErrorCallbackName": asyncErrors})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, fmt.Errorf("search: creating the index: %w", err)
	}
	x, err := newIndex(idx, path, true, false)
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	x.temp = dir
	return x, nil
}

// Open opens the index persisted in dir/IndexDir, creating dir as needed.
//
// When the index is missing, unreadable, of an older schema or was never
// completely built, Open removes it, creates an empty one and calls rebuild
// (when not nil) to index every stored article; Fresh then reports true.
// The index is marked complete only after rebuild returns nil, so a crash
// during the rebuild makes the next Open rebuild again. An error from
// rebuild closes the index and is returned.
//
// Open fails without touching the index when another process holds it.
func Open(ctx context.Context, dir string, rebuild Rebuild) (*Index, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("search: creating the data directory: %w", err)
	}
	path := filepath.Join(dir, IndexDir)
	idx, reason, err := openExisting(path)
	if err != nil {
		return nil, err
	}
	if idx != nil {
		return newIndex(idx, path, false, true)
	}
	slog.Warn("search: rebuilding the index", slog.String("path", path), slog.String("reason", reason))
	if err := os.RemoveAll(path); err != nil {
		return nil, fmt.Errorf("search: removing the old index: %w", err)
	}
	idx, err = bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, persistedConfig())
	if err != nil {
		return nil, fmt.Errorf("search: creating the index: %w", err)
	}
	x, err := newIndex(idx, path, true, true)
	if err != nil {
		return nil, err
	}
	if rebuild != nil {
		start := time.Now()
		n, err := x.rebuild(ctx, rebuild)
		if err != nil {
			_ = x.Close()
			return nil, fmt.Errorf("search: rebuilding the index: %w", err)
		}
		slog.Info("search: index rebuilt", slog.Int("articles", n), slog.Duration("took", time.Since(start)))
	}
	if err := x.setInternal(ctx, keySchema, schemaVersion); err != nil {
		_ = x.Close()
		return nil, fmt.Errorf("search: marking the index complete: %w", err)
	}
	return x, nil
}

// persistedConfig is the scorch configuration of an index Open keeps.
//
// Its batches are "unsafe": bleve returns from writing a batch once the
// batch is searchable, and persists it in the background, where by default
// the writer waits for the disk and keeps its processor idle meanwhile. The
// index makes every write durable itself: a batch carries a callback that
// bleve calls once the batch is on disk, and Index returns only after the
// callbacks of all its batches (see lane.send). The persister may also
// write several batches as one file then, which leaves less to merge.
func persistedConfig() map[string]any {
	return map[string]any{"bolt_timeout": openTimeout, "unsafe_batch": true, "asyncErrorCallbackName": asyncErrors}
}

// setInternal stores an internal key of the index, on disk before it
// returns when the index is durable.
func (x *Index) setInternal(ctx context.Context, key, value string) error {
	b := x.idx.NewBatch()
	b.SetInternal([]byte(key), []byte(value))
	persisted := x.onPersisted(ctx, b)
	if err := x.idx.Batch(b); err != nil {
		return err
	}
	return persisted()
}

// onPersisted arranges for a batch of a durable index to report when it is
// on disk, and returns the function that waits for that: it fails when
// bleve fails to persist, when the index is closed first (bleve drops what
// it has not persisted then) or when ctx is done. For an index that is not
// durable it waits for nothing.
func (x *Index) onPersisted(ctx context.Context, b *bleve.Batch) func() error {
	if !x.durable {
		return func() error { return nil }
	}
	done := make(chan error, 1)
	b.SetPersistedCallback(func(err error) { done <- err })
	failed := x.persistFailures()
	return func() error {
		select {
		case err := <-done:
			return err
		case <-failed:
		case <-x.closing:
		case <-ctx.Done():
		}
		select {
		case err := <-done: // persisted after all
			return err
		default:
		}
		select {
		case <-failed:
			x.persistMu.Lock()
			defer x.persistMu.Unlock()
			return fmt.Errorf("persisting: %w", x.persistErr)
		case <-x.closing:
			return bleve.ErrorIndexClosed
		default:
			return ctx.Err()
		}
	}
}

// persistFailures returns the channel closed at the next failure to persist.
func (x *Index) persistFailures() <-chan struct{} {
	x.persistMu.Lock()
	defer x.persistMu.Unlock()
	return x.persistFail
}

// failPersist makes the writes waiting for the disk fail with err. bleve
// keeps retrying, and never calls their callbacks with the error.
func (x *Index) failPersist(err error) {
	x.persistMu.Lock()
	defer x.persistMu.Unlock()
	x.persistErr = err
	close(x.persistFail)
	x.persistFail = make(chan struct{})
}

// asyncErrors is the name under which bleve reports the errors of its
// background work on our indexes (persisting, merging) to onAsyncError.
const asyncErrors = "newsbot_search"

// openIndexes holds the indexes open in this process, to find the one an
// error of bleve's background work is about.
var openIndexes sync.Map // *Index → struct{}

func init() { scorch.RegistryAsyncErrorCallbacks[asyncErrors] = onAsyncError }

// asyncErrorLog keeps a failing disk, which bleve retries without pause,
// from flooding the log.
var asyncErrorLog = rate.Sometimes{First: 3, Interval: 10 * time.Second}

// onAsyncError logs an error of bleve's background work on the index under
// path, and fails the writes of that index waiting for the disk when it
// could not persist.
func onAsyncError(err error, path string) {
	asyncErrorLog.Do(func() {
		slog.Error("search: the index's background work failed", slog.String("path", path), slog.Any("err", err))
	})
	if !errors.Is(err, scorch.ErrPersist) {
		return
	}
	openIndexes.Range(func(k, _ any) bool {
		x := k.(*Index)
		// bleve reports a path inside the index directory.
		if x.path != "" && (path == x.path || strings.HasPrefix(path, x.path+string(filepath.Separator))) {
			x.failPersist(err)
		}
		return true
	})
}

// openExisting opens the index at path when it is usable. It returns a nil
// index and the reason when the index must be rebuilt, and an error only
// when the index is usable but cannot be opened now (it is locked).
func openExisting(path string) (bleve.Index, string, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, "missing", nil
	}
	idx, err := bleve.OpenUsing(path, persistedConfig())
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, "", fmt.Errorf("search: the index at %s is in use by another process", path)
	}
	if err != nil {
		return nil, "unreadable: " + err.Error(), nil
	}
	reason := check(idx)
	if reason == "" {
		return idx, "", nil
	}
	_ = idx.Close()
	return nil, reason, nil
}

// check returns why idx cannot be used as it is, or "" when it can.
func check(idx bleve.Index) string {
	v, err := idx.GetInternal([]byte(keySchema))
	switch {
	case err != nil:
		return "unreadable: " + err.Error()
	case v == nil:
		return "incomplete"
	case string(v) != schemaVersion:
		return "schema " + string(v)
	}
	if _, err := idx.DocCount(); err != nil {
		return "unreadable: " + err.Error()
	}
	// Reading one stored document touches the segments' data.
	req := bleve.NewSearchRequestOptions(bleve.NewMatchAllQuery(), 1, 0, false)
	req.Fields = []string{fieldTitle}
	if _, err := idx.Search(req); err != nil {
		return "unreadable: " + err.Error()
	}
	return ""
}

// newIndex returns the Index of idx, kept at path, and registers it for
// onAsyncError until Close.
func newIndex(idx bleve.Index, path string, fresh, durable bool) (*Index, error) {
	x := &Index{
		idx: idx, path: path, fresh: fresh, durable: durable, analyzers: make(map[string]analysis.Analyzer),
		closing: make(chan struct{}), persistFail: make(chan struct{}),
	}
	for _, p := range profiles {
		a := idx.Mapping().AnalyzerNamed(p.analyzer)
		if a == nil {
			_ = idx.Close()
			return nil, fmt.Errorf("search: analyzer %s is not registered", p.analyzer)
		}
		x.analyzers[p.analyzer] = a
	}
	if x.keyword = idx.Mapping().AnalyzerNamed(keyword.Name); x.keyword == nil {
		_ = idx.Close()
		return nil, fmt.Errorf("search: analyzer %s is not registered", keyword.Name)
	}
	openIndexes.Store(x, struct{}{})
	return x, nil
}

// Fresh reports whether the index was created empty: always for NewMemory,
// and for Open when it had to rebuild.
func (x *Index) Fresh() bool { return x.fresh }

// Index adds articles to the index, in batches of BatchSize, replacing the
// earlier version of any article already indexed under the same ID (of an
// article given twice, the later one stays). It fails on an article with an
// invalid ID before indexing anything, and stops between batches when ctx
// is done; batches already written stay.
func (x *Index) Index(ctx context.Context, articles ...content.Article) error {
	for _, a := range articles {
		if !content.ValidID(a.ID) {
			return fmt.Errorf("search: article ID %q is not valid", a.ID)
		}
	}
	// Fewer articles than a batch go in one batch, one new segment; more
	// go in batches by language, where the two versions of an article
	// given twice could land in batches written in either order.
	byLang := len(articles) > BatchSize
	if byLang {
		articles = lastVersions(articles)
	}
	b := newBatcher(ctx, x, byLang)
	for _, a := range articles {
		if err := b.add(ctx, a); err != nil {
			return b.abort(err)
		}
	}
	return b.flush()
}

// lastVersions returns articles with only the last of the articles that
// share an ID.
func lastVersions(articles []content.Article) []content.Article {
	last := make(map[string]int, len(articles))
	for i, a := range articles {
		last[a.ID] = i
	}
	if len(last) == len(articles) {
		return articles
	}
	out := make([]content.Article, 0, len(last))
	for i, a := range articles {
		if last[a.ID] == i {
			out = append(out, a)
		}
	}
	return out
}

// rebuild indexes what fn gives and returns how many articles that was.
// The store gives each article once, in its current version.
func (x *Index) rebuild(ctx context.Context, fn Rebuild) (int, error) {
	b := newBatcher(ctx, x, true)
	err := fn(ctx, func(a content.Article) error {
		if !content.ValidID(a.ID) {
			slog.Warn("search: skipping an article with an invalid ID", slog.String("id", a.ID))
			return nil
		}
		return b.add(ctx, a)
	})
	if err != nil {
		err = b.abort(err)
		return b.done, err
	}
	err = b.flush()
	return b.done, err
}

// batcher collects articles into batches of BatchSize and writes them
// concurrently, on lanes.
//
// With lanes by language, each batch holds articles of one language, and
// its segment the fields of one language: a third as many term
// dictionaries as a batch of mixed languages makes, each larger, which
// bleve builds faster. bleve analyses
// a batch's documents in parallel but builds its segment on one goroutine,
// and on disk it waits for the segment to be persisted: up to writerCount
// batches are written at once, to keep the processors busy. Each lane
// writes its batches in order, one at a time, so two versions of an
// article in one language are indexed in the order they were added and the
// later one stays.
type batcher struct {
	ctx     context.Context // ends the waits for the disk
	x       *Index
	lanes   []*lane       // one, or one per profile in the order of profiles
	writers chan struct{} // holds a token for each batch being written
	done    int
}

// lane fills one batch while the previous one is written.
type lane struct {
	batch   *bleve.Batch
	writing chan struct{} // holds a token while a batch of the lane is written
	err     error         // the first write error; read after writing is free
	done    int           // articles written
}

// writerCount is how many batches are written at once: one per processor,
// up to maxWriters. More add no speed, and each holds its analyzed
// articles in memory.
func writerCount() int { return min(max(runtime.GOMAXPROCS(0), 1), maxWriters) }

const maxWriters = 4

// newBatcher returns a batcher with lanes by language, or with one lane.
func newBatcher(ctx context.Context, x *Index, byLang bool) *batcher {
	n := 1
	if byLang {
		n = len(profiles)
	}
	b := &batcher{ctx: ctx, x: x, writers: make(chan struct{}, writerCount())}
	for range n {
		b.lanes = append(b.lanes, &lane{batch: x.idx.NewBatch(), writing: make(chan struct{}, 1)})
	}
	return b
}

// laneOf returns the lane of an article in lang.
func (b *batcher) laneOf(lang string) *lane {
	if len(b.lanes) == 1 {
		return b.lanes[0]
	}
	return b.lanes[profileIndex(lang)]
}

func (b *batcher) add(ctx context.Context, a content.Article) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l := b.laneOf(normLang(a.Lang))
	if err := l.batch.IndexAdvanced(b.x.document(a)); err != nil {
		return fmt.Errorf("search: indexing %s: %w", a.ID, err)
	}
	if l.batch.Size() >= BatchSize {
		return b.send(l)
	}
	return nil
}

// send starts writing l's batch once l's previous batch is written (and on
// disk, for a durable index) and a writer is free, and gives l a new batch
// to fill.
func (b *batcher) send(l *lane) error {
	l.writing <- struct{}{}
	if l.err != nil {
		<-l.writing
		return l.err
	}
	batch := l.batch
	l.batch = b.x.idx.NewBatch()
	persisted := b.x.onPersisted(b.ctx, batch)
	b.writers <- struct{}{}
	go func() {
		n := batch.Size()
		err := b.x.idx.Batch(batch)
		batch = nil // bleve holds what it has not persisted
		// The batch is searchable: another lane may use the processor
		// while this one waits for the disk.
		<-b.writers
		if err == nil {
			err = persisted()
		}
		if err != nil {
			l.err = fmt.Errorf("search: writing a batch of %d articles: %w", n, err)
		} else {
			l.done += n
		}
		<-l.writing
	}()
	return nil
}

// flush writes what the lanes hold and waits for every write to finish. It
// returns the first error of any lane.
func (b *batcher) flush() error {
	for _, l := range b.lanes {
		if l.batch.Size() > 0 {
			if err := b.send(l); err != nil {
				return b.abort(err)
			}
		}
	}
	return b.wait()
}

// abort waits for the writes under way and returns err: the caller stops
// adding, and must not return while batches are still being written.
func (b *batcher) abort(err error) error {
	_ = b.wait()
	return err
}

// wait waits for the lanes' writes, adds up what they wrote and returns the
// first error of any lane.
func (b *batcher) wait() error {
	var first error
	b.done = 0
	for _, l := range b.lanes {
		l.writing <- struct{}{}
		if first == nil {
			first = l.err
		}
		b.done += l.done
		<-l.writing
	}
	return first
}

// Close closes the index; a persisted index is flushed to disk first, the
// directory of a NewMemory index is removed. Searching a closed index fails.
func (x *Index) Close() error {
	if x.closed.Swap(true) {
		return nil
	}
	close(x.closing)
	x.mu.Lock() // no search under way
	defer x.mu.Unlock()
	openIndexes.Delete(x)
	err := x.idx.Close()
	if x.temp != "" {
		err = errors.Join(err, os.RemoveAll(x.temp))
	}
	if err != nil {
		return fmt.Errorf("search: closing the index: %w", err)
	}
	return nil
}
