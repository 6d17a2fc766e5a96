package deliverytest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
)

// Parts makes the implementations under test. Each call returns a new,
// empty part that shares nothing with the others (on Redis: a fresh key
// prefix); it is responsible for closing what it opens (t.Cleanup).
type Parts struct {
	NewQueue  func(t *testing.T) delivery.Queue
	NewLedger func(t *testing.T) delivery.Ledger
	// NewLimiter returns a limiter enforcing limits by platform.
	NewLimiter func(t *testing.T, limits map[string]delivery.Limits) delivery.Limiter
}

// Run is the contract suite of delivery's parts, in the manner of
// store/storetest: every implementation of delivery.Queue,
// delivery.Ledger and delivery.Limiter (delivery's memory ones,
// delivery/redis) runs it from its own tests and must pass it unchanged.
// All three of p are required.
//
// Besides what the interface comments say, the suite pins down what the
// engine relies on:
//
//   - A queue hands out breaking jobs before routine ones, never more than
//     max at once, keeps each platform's jobs apart, and returns a job with
//     the fields it was queued with. A blocking Fetch returns as soon as a
//     job arrives. Touch by a consumer that lost a job to a reclaim leaves
//     the job with the one that reclaimed it, and repeated Reclaims of a
//     few jobs reach every idle job, however many live ones come first.
//   - A ledger counts each (broadcast, chat) once, keeps the first outcome,
//     and records Finished once the broadcast is listed and every job has
//     an outcome, whichever comes last. Times are kept to the millisecond.
//   - A limiter follows delivery.Rate's GCRA arithmetic: sends are spaced
//     by Rate.Interval, with bursts of up to Rate.Tolerance ahead, and a
//     penalty costs the platform delivery.PenaltySends sends. The limiter
//     cases measure waits, so they run one at a time.
//
// The queue and ledger cases run in parallel, each on a part of its own.
func Run(t *testing.T, p Parts) {
	t.Helper()
	if p.NewQueue == nil || p.NewLedger == nil || p.NewLimiter == nil {
		t.Fatal("deliverytest.Run needs NewQueue, NewLedger and NewLimiter")
	}
	t.Run("Queue", func(t *testing.T) {
		for _, c := range queueCases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t, p.NewQueue(t))
			})
		}
	})
	t.Run("Ledger", func(t *testing.T) {
		for _, c := range ledgerCases {
			t.Run(c.name, func(t *testing.T) {
				t.Parallel()
				c.run(t, p.NewLedger(t))
			})
		}
	})
	t.Run("Limiter", func(t *testing.T) {
		for _, c := range limiterCases {
			t.Run(c.name, func(t *testing.T) {
				c.run(t, p.NewLimiter(t, contractLimits))
			})
		}
	})
}

var queueCases = []struct {
	name string
	run  func(t *testing.T, q delivery.Queue)
}{
	{"BreakingFirst", queueBreakingFirst},
	{"RoundTrip", queueRoundTrip},
	{"Platforms", queuePlatforms},
	{"FetchMax", queueFetchMax},
	{"FetchEmpty", queueFetchEmpty},
	{"FetchWakes", queueFetchWakes},
	{"PendingReclaimAck", queuePendingReclaimAck},
	{"TouchAfterReclaim", queueTouchAfterReclaim},
	{"ReclaimReachesEveryPending", queueReclaimReachesEveryPending},
}

var ledgerCases = []struct {
	name string
	run  func(t *testing.T, l delivery.Ledger)
}{
	{"Create", ledgerCreate},
	{"Unlisted", ledgerUnlisted},
	{"ListingLock", ledgerListingLock},
	{"Finish", ledgerFinish},
	{"FinishedWhenListed", ledgerFinishedWhenListed},
	{"Alias", ledgerAlias},
	{"Records", ledgerRecords},
	{"Supersede", ledgerSupersede},
	{"Recent", ledgerRecent},
}

var limiterCases = []struct {
	name string
	run  func(t *testing.T, l delivery.Limiter)
}{
	{"Spacing", limiterSpacing},
	{"GroupBurst", limiterGroupBurst},
	{"PenaltySlowsThePlatform", limiterPenaltySlowsThePlatform},
	{"Unlimited", limiterUnlimited},
}

// contractLimits are the limiter cases' limits, shaped like a messaging
// platform's: "tg" sends 100 a second, one a second to a private chat and
// 20 a minute, 3 at once, to a group (a negative ID); "free" has none.
var contractLimits = map[string]delivery.Limits{
	"tg": {
		Global: delivery.Rate{Count: 100, Per: time.Second},
		Chat: func(c core.ChatRef) delivery.Rate {
			if strings.HasPrefix(c.ID, "-") {
				return delivery.Rate{Count: 20, Per: time.Minute, Burst: 3}
			}
			return delivery.Rate{Count: 1, Per: time.Second}
		},
	},
}

func tg(id string) core.ChatRef { return core.ChatRef{Platform: "tg", ID: id} }

// news is a breaking news broadcast in three languages.
func news(id string) core.Broadcast {
	msgs := map[string]core.Reply{}
	for _, l := range []string{"ro", "ru", "en"} {
		msgs[l] = core.Reply{Lang: l, Title: "⚡", Text: []string{l + ": " + id}}
	}
	return core.Broadcast{ID: id, Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking, Section: content.Breaking,
		Messages: msgs, Fallback: "ro", Confirmed: time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fetch takes up to max jobs for consumer, waiting a little for them.
func fetch(t *testing.T, q delivery.Queue, platform, consumer string, max int) []delivery.Delivery {
	t.Helper()
	ds, err := q.Fetch(context.Background(), platform, consumer, max, 10*time.Millisecond)
	must(t, err)
	return ds
}

// fetchAll takes every queued job of platform, in fetches of up to max.
func fetchAll(t *testing.T, q delivery.Queue, platform, consumer string, max int) []delivery.Delivery {
	t.Helper()
	var out []delivery.Delivery
	for range 100 {
		ds := fetch(t, q, platform, consumer, max)
		if len(ds) == 0 {
			return out
		}
		if len(ds) > max {
			t.Fatalf("Fetch(max=%d) returned %d jobs", max, len(ds))
		}
		out = append(out, ds...)
	}
	t.Fatal("the queue never ran dry")
	return nil
}

func broadcasts(ds []delivery.Delivery) string {
	var s []string
	for _, d := range ds {
		s = append(s, d.Broadcast)
	}
	return strings.Join(s, ",")
}

func queueBreakingFirst(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	must(t, q.Enqueue(ctx, delivery.Job{Broadcast: "routine", Chat: tg("1")}))
	must(t, q.Enqueue(ctx, delivery.Job{Broadcast: "urgent", Chat: tg("1"), Priority: core.PriorityBreaking}))
	if ds := fetch(t, q, "tg", "c", 1); len(ds) != 1 || ds[0].Broadcast != "urgent" {
		t.Errorf("fetched %+v first, want the breaking job", ds)
	}
	if ds := fetch(t, q, "tg", "c", 1); len(ds) != 1 || ds[0].Broadcast != "routine" {
		t.Errorf("fetched %+v second, want the routine job", ds)
	}
}

func queueRoundTrip(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	must(t, q.Enqueue(ctx))
	at := time.Date(2026, 11, 29, 12, 0, 0, 123e6, time.UTC)
	jobs := []delivery.Job{
		{Broadcast: "b1", Chat: tg("-100"), Lang: "ru", Priority: core.PriorityBreaking, Enqueued: at},
		{Broadcast: "b2", Chat: tg("7"), Lang: "en", Priority: core.PriorityRoutine, Enqueued: at.Add(time.Second)},
	}
	must(t, q.Enqueue(ctx, jobs...))
	got := fetchAll(t, q, "tg", "c", 10)
	// A job is known by its ID and its priority (the Redis queue keeps
	// each priority in a stream of its own, with IDs of its own).
	if len(got) != 2 || got[0].ID == "" || got[1].ID == "" {
		t.Fatalf("fetched %+v, want both jobs with their IDs", got)
	}
	for i, d := range got {
		w := jobs[i]
		if d.Broadcast != w.Broadcast || d.Chat != w.Chat || d.Lang != w.Lang || d.Priority != w.Priority || !d.Enqueued.Equal(w.Enqueued) {
			t.Errorf("job %d came back as %+v, want %+v", i, d.Job, w)
		}
	}
}

func queuePlatforms(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	dc := core.ChatRef{Platform: "dc", ID: "1"}
	must(t, q.Enqueue(ctx, delivery.Job{Broadcast: "b", Chat: tg("1")}, delivery.Job{Broadcast: "b", Chat: dc},
		delivery.Job{Broadcast: "c", Chat: dc}))
	if n, err := q.Depth(ctx, "tg"); err != nil || n != 1 {
		t.Errorf("tg depth %d %v, want 1", n, err)
	}
	if n, err := q.Depth(ctx, "dc"); err != nil || n != 2 {
		t.Errorf("dc depth %d %v, want 2", n, err)
	}
	if ds := fetchAll(t, q, "tg", "c", 10); len(ds) != 1 || ds[0].Chat != tg("1") {
		t.Errorf("tg fetched %+v", ds)
	}
	if ds := fetchAll(t, q, "dc", "c", 10); len(ds) != 2 || ds[0].Chat != dc || ds[1].Chat != dc {
		t.Errorf("dc fetched %+v", ds)
	}
	if n, err := q.Depth(ctx, "none"); err != nil || n != 0 {
		t.Errorf("depth of a platform without jobs: %d %v", n, err)
	}
}

func queueFetchMax(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	var jobs []delivery.Job
	for i := range 7 {
		p := core.PriorityRoutine
		if i%3 == 0 {
			p = core.PriorityBreaking
		}
		jobs = append(jobs, delivery.Job{Broadcast: fmt.Sprint("b", i), Chat: tg("1"), Priority: p})
	}
	must(t, q.Enqueue(ctx, jobs...))
	got := fetchAll(t, q, "tg", "c", 2) // fails on more than 2 at once
	seen := map[string]bool{}
	for _, d := range got {
		if seen[d.Broadcast] {
			t.Errorf("job %s handed out twice", d.Broadcast)
		}
		seen[d.Broadcast] = true
	}
	if len(got) != 7 {
		t.Errorf("fetched %d jobs in all, want 7: %s", len(got), broadcasts(got))
	}
	if n, err := q.Depth(ctx, "tg"); err != nil || n != 7 {
		t.Errorf("depth %d %v, want the 7 jobs pending", n, err)
	}
}

func queueFetchEmpty(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	start := time.Now()
	if ds, err := q.Fetch(ctx, "tg", "c", 10, 0); err != nil || len(ds) != 0 {
		t.Errorf("Fetch without blocking on an empty queue: %+v %v", ds, err)
	}
	if ds, err := q.Fetch(ctx, "tg", "c", 10, 30*time.Millisecond); err != nil || len(ds) != 0 {
		t.Errorf("Fetch on an empty queue: %+v %v", ds, err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("two fetches on an empty queue took %s", d)
	}
}

func queueFetchWakes(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	type result struct {
		ds  []delivery.Delivery
		err error
		in  time.Duration
	}
	// Create the platform's streams or lists first, as a running consumer
	// has.
	fetch(t, q, "tg", "c", 1)
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		ds, err := q.Fetch(ctx, "tg", "c", 10, 5*time.Second)
		done <- result{ds, err, time.Since(start)}
	}()
	time.Sleep(100 * time.Millisecond)
	must(t, q.Enqueue(ctx, delivery.Job{Broadcast: "late", Chat: tg("1")}))
	r := <-done
	if r.err != nil || len(r.ds) != 1 || r.ds[0].Broadcast != "late" {
		t.Fatalf("blocking Fetch got %+v %v, want the job queued while it waited", r.ds, r.err)
	}
	if r.in > 4*time.Second {
		t.Errorf("blocking Fetch returned after %s: it waited out its block instead of waking for the job", r.in)
	}
}

func queuePendingReclaimAck(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	must(t, q.Enqueue(ctx, delivery.Job{Broadcast: "routine", Chat: tg("1")},
		delivery.Job{Broadcast: "urgent", Chat: tg("1"), Priority: core.PriorityBreaking}))
	ds := fetchAll(t, q, "tg", "a", 10)
	if broadcasts(ds) != "urgent,routine" {
		t.Fatalf("fetched %s, want urgent,routine", broadcasts(ds))
	}
	if n, _ := q.Depth(ctx, "tg"); n != 2 {
		t.Errorf("depth %d, want 2 pending", n)
	}
	// Consumer a dies with both; b reclaims only after the idle time, and
	// only what a did not touch.
	if got, err := q.Reclaim(ctx, "tg", "b", time.Hour, 10); err != nil || len(got) != 0 {
		t.Errorf("reclaimed fresh jobs: %+v %v", got, err)
	}
	time.Sleep(30 * time.Millisecond)
	must(t, q.Touch(ctx, "tg", "a", ds[0]))
	got, err := q.Reclaim(ctx, "tg", "b", 20*time.Millisecond, 10)
	if err != nil || len(got) != 1 || got[0].Broadcast != "routine" || got[0].ID != ds[1].ID {
		t.Fatalf("reclaim %+v %v, want the untouched routine job", got, err)
	}
	must(t, q.Ack(ctx, "tg", ds...))
	if n, _ := q.Depth(ctx, "tg"); n != 0 {
		t.Errorf("depth %d after ack", n)
	}
	time.Sleep(30 * time.Millisecond)
	if got, err := q.Reclaim(ctx, "tg", "b", 20*time.Millisecond, 10); err != nil || len(got) != 0 {
		t.Errorf("reclaimed acknowledged jobs: %+v %v", got, err)
	}
	if none := fetch(t, q, "tg", "a", 10); len(none) != 0 {
		t.Errorf("fetched acknowledged jobs: %+v", none)
	}
}

func queueTouchAfterReclaim(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	must(t, q.Enqueue(ctx, delivery.Job{Broadcast: "b", Chat: tg("1")}))
	ds := fetch(t, q, "tg", "a", 10)
	if len(ds) != 1 {
		t.Fatalf("fetched %+v", ds)
	}
	time.Sleep(30 * time.Millisecond)
	if got, err := q.Reclaim(ctx, "tg", "b", 20*time.Millisecond, 10); err != nil || len(got) != 1 {
		t.Fatalf("reclaim %+v %v", got, err)
	}
	// b goes silent; a, slow, still thinks it holds the job and touches it.
	// The touch must not keep b's job alive: c takes it over.
	time.Sleep(30 * time.Millisecond)
	must(t, q.Touch(ctx, "tg", "a", ds...))
	if got, err := q.Reclaim(ctx, "tg", "c", 20*time.Millisecond, 10); err != nil || len(got) != 1 {
		t.Errorf("reclaim after a's touch: %+v %v; want b's idle job (a's touch took it back)", got, err)
	}
}

func queueReclaimReachesEveryPending(t *testing.T, q delivery.Queue) {
	ctx := context.Background()
	// A live consumer holds 40 jobs; a dead one holds the 2 behind them.
	var jobs []delivery.Job
	for i := range 42 {
		jobs = append(jobs, delivery.Job{Broadcast: fmt.Sprint("b", i), Chat: tg("1")})
	}
	must(t, q.Enqueue(ctx, jobs...))
	live, err := q.Fetch(ctx, "tg", "live", 40, 10*time.Millisecond)
	if err != nil || len(live) != 40 {
		t.Fatalf("fetch live: %d %v", len(live), err)
	}
	if dead, err := q.Fetch(ctx, "tg", "dead", 2, 10*time.Millisecond); err != nil || len(dead) != 2 {
		t.Fatalf("fetch dead: %d %v", len(dead), err)
	}
	time.Sleep(60 * time.Millisecond)
	got := 0
	for range 8 {
		must(t, q.Touch(ctx, "tg", "live", live...))
		ds, err := q.Reclaim(ctx, "tg", "other", 50*time.Millisecond, 1)
		must(t, err)
		if len(ds) > 1 {
			t.Fatalf("Reclaim(max=1) returned %d jobs", len(ds))
		}
		got += len(ds)
		if got == 2 {
			return
		}
	}
	t.Errorf("8 reclaims of 1 took %d of the dead consumer's 2 jobs", got)
}

func ledgerCreate(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	b := news("bcreate")
	if created, err := l.Create(ctx, b); err != nil || !created {
		t.Fatalf("Create: %v %v", created, err)
	}
	other := news("bcreate")
	other.Section = "economy"
	if created, err := l.Create(ctx, other); err != nil || created {
		t.Errorf("Create of a known ID: %v %v, want false", created, err)
	}
	got, err := l.Broadcast(ctx, "bcreate")
	if err != nil || got.ID != b.ID || got.Kind != b.Kind || got.Section != b.Section || got.Message("ru").Text[0] != "ru: bcreate" ||
		!got.Confirmed.Equal(b.Confirmed) {
		t.Errorf("Broadcast: %+v %v, want the first one created", got, err)
	}
	st, err := l.Status(ctx, "bcreate")
	if err != nil || st.Broadcast.ID != b.ID || st.Listed || st.Total != 0 || st.Sent != 0 || len(st.Failed) != 0 || !st.Finished.IsZero() {
		t.Errorf("Status of a new broadcast: %+v %v", st, err)
	}
	if _, err := l.Broadcast(ctx, "nope"); core.ErrorCode(err) != core.CodeNotFound {
		t.Errorf("Broadcast of an unknown ID: %v, want not found", err)
	}
	if _, err := l.Status(ctx, "nope"); core.ErrorCode(err) != core.CodeNotFound {
		t.Errorf("Status of an unknown ID: %v, want not found", err)
	}
	if _, ok, err := l.Outcome(ctx, "bcreate", tg("1")); ok || err != nil {
		t.Errorf("Outcome of a job not done: %v %v", ok, err)
	}
}

func ledgerUnlisted(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	for _, id := range []string{"u1", "u2", "u3"} {
		if _, err := l.Create(ctx, news(id)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(2 * time.Millisecond) // creation times apart, to the millisecond
	}
	if ids, err := l.Unlisted(ctx); err != nil || strings.Join(ids, ",") != "u1,u2,u3" {
		t.Errorf("unlisted %v %v, want u1,u2,u3", ids, err)
	}
	must(t, l.Listed(ctx, "u2", 0, nil))
	if ids, err := l.Unlisted(ctx); err != nil || strings.Join(ids, ",") != "u1,u3" {
		t.Errorf("unlisted after u2 was listed: %v %v", ids, err)
	}
	if st, _ := l.Status(ctx, "u2"); !st.Listed || !st.Done() {
		t.Errorf("a broadcast listed with no chats: %+v, want done", st)
	}
}

func ledgerListingLock(t *testing.T, led delivery.Ledger) {
	ctx := context.Background()
	if _, err := led.Create(ctx, news("block")); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		owner string
		want  bool
	}{{"a", true}, {"b", false}, {"a", true}}
	for _, s := range steps {
		if ok, err := led.LockListing(ctx, "block", s.owner, 100*time.Millisecond); err != nil || ok != s.want {
			t.Fatalf("lock by %s: %v %v, want %v", s.owner, ok, err, s.want)
		}
	}
	time.Sleep(150 * time.Millisecond)
	if ok, _ := led.LockListing(ctx, "block", "b", time.Second); !ok {
		t.Error("an expired lock was not taken over")
	}
	es := []delivery.ListEntry{{Chat: tg("1"), Lang: "ro"}, {Chat: tg("2"), Held: true}}
	if err := led.MarkListed(ctx, "block", es); err != nil {
		t.Fatal(err)
	}
	got, err := led.ListedChats(ctx, "block", []core.ChatRef{es[1].Chat, tg("3"), es[0].Chat})
	if err != nil || len(got) != 2 || got[0] != es[1] || got[1] != es[0] {
		t.Errorf("listed chats %+v %v", got, err)
	}
	reach := map[string]map[string]int{"tg": {"ro": 1}}
	if err := led.Listed(ctx, "block", 1, reach); err != nil {
		t.Fatal(err)
	}
	if got, _ := led.ListedChats(ctx, "block", []core.ChatRef{es[0].Chat}); len(got) != 0 {
		t.Errorf("entries kept after Listed: %+v", got)
	}
	if ids, _ := led.Unlisted(ctx); len(ids) != 0 {
		t.Errorf("unlisted after Listed: %v", ids)
	}
	if st, err := led.Status(ctx, "block"); err != nil || !st.Listed || st.Total != 1 || st.Reach["tg"]["ro"] != 1 {
		t.Errorf("status after Listed: %+v %v", st, err)
	}
}

func ledgerFinish(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	if _, err := l.Create(ctx, news("bfin")); err != nil {
		t.Fatal(err)
	}
	must(t, l.Listed(ctx, "bfin", 4, map[string]map[string]int{"tg": {"ro": 3, "ru": 1}}))
	at := time.Date(2026, 11, 29, 12, 0, 1, 0, time.UTC)
	ref := func(chat, msg string) *core.SentRef { return &core.SentRef{Chat: tg(chat), MessageID: msg} }
	outcomes := []struct {
		chat string
		o    delivery.Outcome
	}{
		{"1", delivery.Outcome{Ref: ref("1", "11"), Lang: "ro", At: at.Add(2 * time.Second)}},
		{"2", delivery.Outcome{Failed: "gone:blocked", Gone: true, At: at.Add(3 * time.Second)}},
		{"3", delivery.Outcome{Ref: ref("300", "33"), Lang: "ru", Moved: true, Version: "bfix", At: at}},
	}
	for _, x := range outcomes {
		if ok, err := l.Finish(ctx, "bfin", tg(x.chat), x.o); err != nil || !ok {
			t.Fatalf("Finish %s: %v %v", x.chat, ok, err)
		}
	}
	// A second outcome for a job is ignored.
	if ok, err := l.Finish(ctx, "bfin", tg("1"), delivery.Outcome{Failed: "transient:502", At: at}); err != nil || ok {
		t.Errorf("second Finish of a job: %v %v, want false", ok, err)
	}
	o, ok, err := l.Outcome(ctx, "bfin", tg("3"))
	if err != nil || !ok || o.Ref == nil || *o.Ref != *outcomes[2].o.Ref || o.Lang != "ru" || !o.Moved || o.Version != "bfix" || !o.At.Equal(at) {
		t.Errorf("Outcome of chat 3: %+v %v %v", o, ok, err)
	}
	if o, _, _ := l.Outcome(ctx, "bfin", tg("1")); o.Failed != "" || o.Ref == nil || o.Ref.MessageID != "11" {
		t.Errorf("Outcome of chat 1 after a second Finish: %+v, want the first", o)
	}
	st, err := l.Status(ctx, "bfin")
	if err != nil {
		t.Fatal(err)
	}
	if st.Total != 4 || st.Sent != 2 || st.Gone != 1 || st.Moved != 1 || st.FailedCount() != 1 || st.Failed["gone:blocked"] != 1 ||
		st.Reach["tg"]["ru"] != 1 || !st.FirstSent.Equal(at) || !st.Finished.IsZero() || st.Done() {
		t.Errorf("status with 3 of 4 done: %+v", st)
	}
	last := at.Add(5 * time.Second)
	if ok, err := l.Finish(ctx, "bfin", tg("4"), delivery.Outcome{Failed: "rejected:bad_markup", At: last}); err != nil || !ok {
		t.Fatalf("Finish 4: %v %v", ok, err)
	}
	st, _ = l.Status(ctx, "bfin")
	if !st.Done() || !st.Finished.Equal(last) || st.Failed["rejected:bad_markup"] != 1 || st.FailedCount() != 2 {
		t.Errorf("status with every job done: %+v, want finished at the last outcome", st)
	}
}

func ledgerFinishedWhenListed(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	if _, err := l.Create(ctx, news("bearly")); err != nil {
		t.Fatal(err)
	}
	// Every job is done before the listing ends, as when the last batch's
	// jobs are quick.
	for _, c := range []string{"1", "2"} {
		if _, err := l.Finish(ctx, "bearly", tg(c), delivery.Outcome{Ref: &core.SentRef{Chat: tg(c), MessageID: "1"}, At: time.Now()}); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := l.Status(ctx, "bearly"); st.Done() || !st.Finished.IsZero() {
		t.Errorf("finished before the listing ended: %+v", st)
	}
	before := time.Now().Add(-time.Second)
	must(t, l.Listed(ctx, "bearly", 2, nil))
	if st, _ := l.Status(ctx, "bearly"); !st.Done() || st.Finished.Before(before) || st.Sent != 2 {
		t.Errorf("status once listed: %+v, want finished now", st)
	}
}

func ledgerAlias(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	if _, err := l.Create(ctx, news("balias")); err != nil {
		t.Fatal(err)
	}
	must(t, l.Listed(ctx, "balias", 2, nil))
	at := time.Now()
	// Chat 5 moved to 500, which got the message through 5's job; 500 has a
	// job of its own.
	sent := delivery.Outcome{Ref: &core.SentRef{Chat: tg("500"), MessageID: "9"}, Lang: "en", At: at}
	moved := sent
	moved.Moved = true
	alias := sent
	alias.Alias = true
	if ok, err := l.Finish(ctx, "balias", tg("500"), alias); err != nil || !ok {
		t.Fatalf("alias: %v %v", ok, err)
	}
	if ok, err := l.Finish(ctx, "balias", tg("500"), alias); err != nil || ok {
		t.Errorf("second alias: %v %v, want false", ok, err)
	}
	if ok, err := l.Finish(ctx, "balias", tg("5"), moved); err != nil || !ok {
		t.Fatalf("moved chat: %v %v", ok, err)
	}
	st, _ := l.Status(ctx, "balias")
	if st.Sent != 1 || st.Moved != 1 || st.Done() {
		t.Errorf("status with the alias recorded: %+v, want it not counted", st)
	}
	var recs []delivery.Record
	must(t, l.Records(ctx, "balias", func(rs []delivery.Record) error { recs = append(recs, rs...); return nil }))
	if len(recs) != 1 || recs[0].Chat != tg("5") || recs[0].Ref.Chat != tg("500") {
		t.Errorf("records %+v, want the moved chat's alone", recs)
	}
	if o, ok, err := l.Outcome(ctx, "balias", tg("500")); err != nil || !ok || !o.Alias {
		t.Errorf("the new chat's outcome: %+v %v %v, want the alias", o, ok, err)
	}
	// The new chat's own job counts the alias, once.
	own := alias
	own.Alias = false
	if ok, err := l.Finish(ctx, "balias", tg("500"), own); err != nil || !ok {
		t.Errorf("own job after the alias: %v %v, want counted", ok, err)
	}
	if ok, err := l.Finish(ctx, "balias", tg("500"), own); err != nil || ok {
		t.Errorf("own job again: %v %v, want false", ok, err)
	}
	if st, _ := l.Status(ctx, "balias"); st.Sent != 2 || !st.Done() {
		t.Errorf("status after the own job: %+v", st)
	}
}

func ledgerRecords(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	if _, err := l.Create(ctx, news("brec")); err != nil {
		t.Fatal(err)
	}
	const sent = 1100
	want := map[core.ChatRef]delivery.Record{}
	for i := range sent + 50 {
		chat := tg(fmt.Sprint(1000 + i))
		o := delivery.Outcome{Lang: []string{"ro", "ru"}[i%2], At: time.Now()}
		if i < sent {
			ref := core.SentRef{Chat: chat, MessageID: fmt.Sprint(i)}
			if i%10 == 0 {
				ref.Chat = tg(fmt.Sprint(-i)) // a moved chat
				o.Moved = true
			}
			if i%7 == 0 {
				o.Version = "bcorr"
			}
			o.Ref = &ref
			want[chat] = delivery.Record{Chat: chat, Ref: ref, Lang: o.Lang, Version: o.Version}
		} else {
			o.Failed = "gone:blocked"
		}
		if _, err := l.Finish(ctx, "brec", chat, o); err != nil {
			t.Fatal(err)
		}
	}
	got := map[core.ChatRef]delivery.Record{}
	must(t, l.Records(ctx, "brec", func(rs []delivery.Record) error {
		if len(rs) == 0 || len(rs) > 500 {
			t.Errorf("a batch of %d records", len(rs))
		}
		for _, r := range rs {
			if _, dup := got[r.Chat]; dup {
				t.Errorf("record of %s twice", r.Chat)
			}
			got[r.Chat] = r
		}
		return nil
	}))
	if len(got) != len(want) {
		t.Errorf("%d records, want %d", len(got), len(want))
	}
	for chat, w := range want {
		if got[chat] != w {
			t.Errorf("record of %s: %+v, want %+v", chat, got[chat], w)
			break
		}
	}
	stop := errors.New("stop")
	calls := 0
	err := l.Records(ctx, "brec", func([]delivery.Record) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("Records after fn failed: %v, %d calls; want fn's error after one", err, calls)
	}
	must(t, l.Records(ctx, "unknown", func(rs []delivery.Record) error {
		t.Errorf("records of an unknown broadcast: %+v", rs)
		return nil
	}))
}

func ledgerSupersede(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	if _, err := l.Create(ctx, news("bsup")); err != nil {
		t.Fatal(err)
	}
	check := func(wantBy string, wantKind core.BroadcastKind) {
		t.Helper()
		by, kind, err := l.Superseded(ctx, "bsup")
		if err != nil || by != wantBy || kind != wantKind {
			t.Errorf("superseded by %q (%q) %v, want %q (%q)", by, kind, err, wantBy, wantKind)
		}
	}
	check("", "")
	must(t, l.Supersede(ctx, "bsup", "fix1", core.BroadcastCorrect))
	check("fix1", core.BroadcastCorrect)
	must(t, l.Supersede(ctx, "bsup", "fix2", core.BroadcastCorrect))
	check("fix2", core.BroadcastCorrect)
	must(t, l.Supersede(ctx, "bsup", "ret", core.BroadcastRetract))
	check("ret", core.BroadcastRetract)
	// A retraction is final.
	must(t, l.Supersede(ctx, "bsup", "fix3", core.BroadcastCorrect))
	check("ret", core.BroadcastRetract)
}

func ledgerRecent(t *testing.T, l delivery.Ledger) {
	ctx := context.Background()
	for _, b := range []core.Broadcast{news("r1"), news("r2"), {ID: "d1", Kind: core.BroadcastDigest}, news("r3")} {
		if _, err := l.Create(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	ids := func(n int) string {
		t.Helper()
		sts, err := l.Recent(ctx, n)
		must(t, err)
		var s []string
		for _, st := range sts {
			s = append(s, st.Broadcast.ID)
		}
		return strings.Join(s, ",")
	}
	if got := ids(10); got != "r3,r2,r1" {
		t.Errorf("recent %s, want r3,r2,r1 (newest first, no digests)", got)
	}
	if got := ids(2); got != "r3,r2" {
		t.Errorf("recent 2: %s", got)
	}
	if _, err := l.Status(ctx, "d1"); err != nil {
		t.Errorf("a digest's status: %v", err)
	}
}

// reserve asks l for n sends to chat and returns the last wait; each must be
// reserved.
func reserve(t *testing.T, l delivery.Limiter, chat core.ChatRef) (time.Duration, bool) {
	t.Helper()
	w, ok, err := l.Reserve(context.Background(), chat)
	must(t, err)
	return w, ok
}

func limiterSpacing(t *testing.T, l delivery.Limiter) {
	ctx := context.Background()
	var last time.Duration
	for i := range 20 {
		w, ok := reserve(t, l, tg(fmt.Sprint(i)))
		if !ok {
			t.Fatalf("send %d to a fresh chat refused", i)
		}
		last = w
	}
	// 20 sends at 100/s: the last waits about 190ms.
	if last < 150*time.Millisecond || last > 260*time.Millisecond {
		t.Errorf("20th send waits %s, want about 190ms", last)
	}
	private := tg("77")
	if _, ok := reserve(t, l, private); !ok {
		t.Fatal("first send to a chat refused")
	}
	if w, ok := reserve(t, l, private); ok || w < 500*time.Millisecond {
		t.Errorf("second send to a private chat within a second: wait %s reserved %v", w, ok)
	}
	must(t, l.Penalize(ctx, private, 5*time.Second))
	if w, ok := reserve(t, l, private); ok || w < 4*time.Second {
		t.Errorf("after a 429 of 5s: wait %s reserved %v", w, ok)
	}
}

func limiterGroupBurst(t *testing.T, l delivery.Limiter) {
	group := tg("-100")
	for i := range 3 {
		if w, ok := reserve(t, l, group); !ok || w > 100*time.Millisecond {
			t.Fatalf("send %d of a burst of 3 to a group: wait %s reserved %v", i+1, w, ok)
		}
	}
	// 20 a minute is one every 3s; the burst ran 2 sends ahead.
	if w, ok := reserve(t, l, group); ok || w < 2*time.Second || w > 3500*time.Millisecond {
		t.Errorf("4th send to a group at once: wait %s reserved %v, want refused for about 3s", w, ok)
	}
}

func limiterPenaltySlowsThePlatform(t *testing.T, l delivery.Limiter) {
	if w, ok := reserve(t, l, tg("1")); !ok || w > 50*time.Millisecond {
		t.Fatalf("first send: wait %s reserved %v", w, ok)
	}
	must(t, l.Penalize(context.Background(), tg("1"), 2*time.Second))
	// Another chat waits out the platform's penalty: PenaltySends sends of
	// 10ms, after the send before.
	w, ok := reserve(t, l, tg("2"))
	if !ok || w < time.Duration(delivery.PenaltySends)*8*time.Millisecond || w > time.Duration(delivery.PenaltySends+5)*10*time.Millisecond {
		t.Errorf("a send to another chat after a 429: wait %s reserved %v, want about %s", w, ok,
			time.Duration(delivery.PenaltySends+1)*10*time.Millisecond)
	}
}

func limiterUnlimited(t *testing.T, l delivery.Limiter) {
	free := core.ChatRef{Platform: "free", ID: "1"}
	for range 50 {
		if w, ok := reserve(t, l, free); !ok || w != 0 {
			t.Fatalf("a platform without limits: wait %s reserved %v", w, ok)
		}
	}
	must(t, l.Penalize(context.Background(), free, time.Minute))
	if w, ok := reserve(t, l, free); !ok || w != 0 {
		t.Errorf("a platform without limits after a 429: wait %s reserved %v", w, ok)
	}
}
