package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
)

// testDigests checks core.DigestStore on stores that implement it (both
// newsbot stores do; the suite fails one that does not).
func testDigests(t *testing.T, newStore func(t *testing.T) core.Store) {
	runAll(t, newStore, []subtest{
		{"HoldAndList", digestHold},
		{"Schedule", digestSchedule},
		{"SealAndFinish", digestSealFinish},
		{"Reschedule", digestReschedule},
		{"ConcurrentSeal", digestConcurrentSeal},
		{"Cap", digestCap},
	})
}

// digestStore returns s as a core.DigestStore or fails t.
func digestStore(t *testing.T, s core.Store) core.DigestStore {
	t.Helper()
	ds, ok := s.(core.DigestStore)
	if !ok {
		t.Fatalf("%T does not implement core.DigestStore", s)
	}
	return ds
}

var digestT0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func digestItem(id string, at time.Duration) core.DigestItem {
	return core.DigestItem{ID: id, ArticleID: "art-" + id, Section: "economy", Title: "Title " + id, At: digestT0.Add(at)}
}

func itemIDs(items []core.DigestItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}

func wantItems(t *testing.T, what string, got []core.DigestItem, want ...string) {
	t.Helper()
	if g := itemIDs(got); !slices.Equal(g, want) && !(len(g) == 0 && len(want) == 0) {
		t.Fatalf("%s: items %v, want %v", what, g, want)
	}
}

func wantDue(t *testing.T, ds core.DigestStore, now time.Time, want ...core.DigestDue) {
	t.Helper()
	got, err := ds.DueDigests(context.Background(), now, 0)
	must(t, err)
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].Chat == want[i].Chat && got[i].Due.Equal(want[i].Due)
	}
	if !ok {
		t.Fatalf("DueDigests(%s) = %v, want %v", now.Format(time.RFC3339), got, want)
	}
}

func digestHold(t *testing.T, s core.Store) {
	ctx := context.Background()
	ds := digestStore(t, s)
	chat := core.ChatRef{Platform: "telegram", ID: "-100"}
	due := digestT0.Add(24 * time.Hour)
	for _, it := range []core.DigestItem{digestItem("b", 2*time.Minute), digestItem("a", 2*time.Minute), digestItem("c", time.Minute)} {
		held, err := ds.HoldDigestItem(ctx, chat, it, due)
		must(t, err)
		if !held {
			t.Fatalf("HoldDigestItem(%s) = false on first hold", it.ID)
		}
	}
	held, err := ds.HoldDigestItem(ctx, chat, digestItem("a", time.Hour), due)
	must(t, err)
	if held {
		t.Fatal("an item held twice reported true")
	}
	got, err := ds.HeldDigestItems(ctx, chat)
	must(t, err)
	wantItems(t, "held", got, "c", "a", "b") // by At, then ID
	if w := digestItem("c", time.Minute); got[0].ArticleID != w.ArticleID || got[0].Section != w.Section || got[0].Title != w.Title || !got[0].At.Equal(w.At) {
		t.Fatalf("held item came back as %+v", got[0])
	}
	// The same ID on another platform is another chat.
	other, err := ds.HeldDigestItems(ctx, core.ChatRef{Platform: "discord", ID: "-100"})
	must(t, err)
	wantItems(t, "another chat", other)

	_, err = ds.HoldDigestItem(ctx, core.ChatRef{Platform: "", ID: "1"}, digestItem("x", 0), due)
	wantCode(t, err, core.CodeInvalid)
	_, err = ds.HoldDigestItem(ctx, core.ChatRef{Platform: "a:b", ID: "1"}, digestItem("x", 0), due)
	wantCode(t, err, core.CodeInvalid)
	_, err = ds.HoldDigestItem(ctx, chat, core.DigestItem{}, due)
	wantCode(t, err, core.CodeInvalid)
}

func digestSchedule(t *testing.T, s core.Store) {
	ctx := context.Background()
	ds := digestStore(t, s)
	a := core.ChatRef{Platform: "telegram", ID: "1"}
	b := core.ChatRef{Platform: "discord", ID: "2"}
	t1, t2 := digestT0.Add(time.Hour), digestT0.Add(2*time.Hour)
	// A fraction of a second is dropped: schedules keep whole seconds.
	_, err := ds.HoldDigestItem(ctx, a, digestItem("1", 0), t2.Add(300*time.Millisecond))
	must(t, err)
	wantDue(t, ds, t2, core.DigestDue{Chat: a, Due: t2})
	// An earlier due moves the digest up; a later one does not move it back.
	_, err = ds.HoldDigestItem(ctx, a, digestItem("2", 0), t1)
	must(t, err)
	_, err = ds.HoldDigestItem(ctx, a, digestItem("3", 0), t2)
	must(t, err)
	_, err = ds.HoldDigestItem(ctx, b, digestItem("1", 0), t1.Add(-time.Minute))
	must(t, err)
	wantDue(t, ds, digestT0)
	wantDue(t, ds, t1.Add(-time.Second), core.DigestDue{Chat: b, Due: t1.Add(-time.Minute)})
	wantDue(t, ds, t2, core.DigestDue{Chat: b, Due: t1.Add(-time.Minute)}, core.DigestDue{Chat: a, Due: t1})
	got, err := ds.DueDigests(ctx, t2, 1)
	must(t, err)
	if len(got) != 1 || got[0].Chat != b {
		t.Fatalf("DueDigests with max 1 = %v, want the earliest, %v", got, b)
	}
}

func digestSealFinish(t *testing.T, s core.Store) {
	ctx := context.Background()
	ds := digestStore(t, s)
	chat := core.ChatRef{Platform: "telegram", ID: "7"}
	due, next := digestT0.Add(time.Hour), digestT0.Add(25*time.Hour)
	for _, id := range []string{"a", "b"} {
		_, err := ds.HoldDigestItem(ctx, chat, digestItem(id, 0), due)
		must(t, err)
	}
	// Sealing for a time the chat is not due at seals nothing.
	if _, ok, err := ds.SealDigest(ctx, chat, due.Add(time.Minute)); err != nil || ok {
		t.Fatalf("SealDigest at another time = %v, %v; want false", ok, err)
	}
	if _, ok, err := ds.SealDigest(ctx, core.ChatRef{Platform: "telegram", ID: "8"}, due); err != nil || ok {
		t.Fatalf("SealDigest of a chat with nothing = %v, %v; want false", ok, err)
	}
	batch, ok, err := ds.SealDigest(ctx, chat, due)
	must(t, err)
	if !ok || !batch.Due.Equal(due) {
		t.Fatalf("SealDigest = %v, %+v; want the batch due %s", ok, batch, due)
	}
	wantItems(t, "sealed", batch.Items, "a", "b")
	held, err := ds.HeldDigestItems(ctx, chat)
	must(t, err)
	wantItems(t, "held after the seal", held)

	// An item that comes while the batch is sent waits for the next digest;
	// one already in the batch is not held again.
	if ok, err := ds.HoldDigestItem(ctx, chat, digestItem("a", 0), due); err != nil || ok {
		t.Fatalf("holding a sealed item again = %v, %v; want false", ok, err)
	}
	if ok, err := ds.HoldDigestItem(ctx, chat, digestItem("c", time.Minute), next); err != nil || !ok {
		t.Fatalf("holding a new item during the send = %v, %v", ok, err)
	}
	// A process that stopped before finishing: the next one gets the same
	// batch, not the new item.
	again, ok, err := ds.SealDigest(ctx, chat, due)
	must(t, err)
	if !ok || !again.Due.Equal(due) {
		t.Fatalf("sealing again = %v, %+v; want the same batch", ok, again)
	}
	wantItems(t, "sealed again", again.Items, "a", "b")

	// Finishing another batch does nothing; finishing this one keeps the
	// new item and schedules it at next.
	must(t, ds.FinishDigest(ctx, chat, due.Add(-time.Hour), next))
	if b, ok, _ := ds.SealDigest(ctx, chat, due); !ok || len(b.Items) != 2 {
		t.Fatalf("a finish for another due time removed the batch: %v %+v", ok, b)
	}
	must(t, ds.FinishDigest(ctx, chat, due, next))
	must(t, ds.FinishDigest(ctx, chat, due, next)) // a repeat
	wantDue(t, ds, next.Add(-time.Second))
	wantDue(t, ds, next, core.DigestDue{Chat: chat, Due: next})
	if _, ok, err := ds.SealDigest(ctx, chat, due); err != nil || ok {
		t.Fatalf("sealing the finished digest again = %v, %v; want false", ok, err)
	}
	batch, ok, err = ds.SealDigest(ctx, chat, next)
	must(t, err)
	if !ok {
		t.Fatal("the next digest does not seal")
	}
	wantItems(t, "next batch", batch.Items, "c")
	must(t, ds.FinishDigest(ctx, chat, next, next.Add(24*time.Hour)))
	wantDue(t, ds, next.Add(72*time.Hour))
}

func digestReschedule(t *testing.T, s core.Store) {
	ctx := context.Background()
	ds := digestStore(t, s)
	chat := core.ChatRef{Platform: "telegram", ID: "9"}
	empty := core.ChatRef{Platform: "telegram", ID: "10"}
	due := digestT0.Add(10 * time.Hour)
	_, err := ds.HoldDigestItem(ctx, chat, digestItem("a", 0), due)
	must(t, err)
	// Earlier or later: a reschedule sets the time, but only for a chat
	// with something to send.
	must(t, ds.RescheduleDigest(ctx, chat, digestT0.Add(12*time.Hour)))
	must(t, ds.RescheduleDigest(ctx, empty, digestT0))
	wantDue(t, ds, digestT0.Add(11*time.Hour))
	must(t, ds.RescheduleDigest(ctx, chat, digestT0))
	wantDue(t, ds, digestT0, core.DigestDue{Chat: chat, Due: digestT0})
	// A sealed batch alone keeps its chat schedulable.
	_, ok, err := ds.SealDigest(ctx, chat, digestT0)
	must(t, err)
	if !ok {
		t.Fatal("SealDigest after a reschedule = false")
	}
	must(t, ds.RescheduleDigest(ctx, chat, due))
	wantDue(t, ds, due, core.DigestDue{Chat: chat, Due: due})
	// The batch keeps the time it was sealed for.
	b, ok, err := ds.SealDigest(ctx, chat, due)
	must(t, err)
	if !ok || !b.Due.Equal(digestT0) {
		t.Fatalf("the sealed batch after a reschedule: %v %+v, want due %s", ok, b, digestT0)
	}
}

func digestConcurrentSeal(t *testing.T, s core.Store) {
	ctx := context.Background()
	ds := digestStore(t, s)
	chat := core.ChatRef{Platform: "telegram", ID: "11"}
	due := digestT0
	for i := range 10 {
		_, err := ds.HoldDigestItem(ctx, chat, digestItem(fmt.Sprint(i), time.Duration(i)), due)
		must(t, err)
	}
	// Several processes seal and finish the same digest while alerts keep
	// coming: each gets the same batch, and every item ends up in exactly
	// one batch or still held.
	const workers = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		batches = map[string][]string{}
	)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := ds.HoldDigestItem(ctx, chat, digestItem(fmt.Sprintf("late%d", w), time.Hour), due.Add(time.Hour)); err != nil {
				t.Error(err)
			}
			b, ok, err := ds.SealDigest(ctx, chat, due)
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				mu.Lock()
				key := b.Due.UTC().Format(time.RFC3339)
				if prev, seen := batches[key]; seen && !slices.Equal(prev, itemIDs(b.Items)) {
					t.Errorf("two batches for %s: %v and %v", key, prev, itemIDs(b.Items))
				}
				batches[key] = itemIDs(b.Items)
				mu.Unlock()
				if err := ds.FinishDigest(ctx, chat, b.Due, due.Add(24*time.Hour)); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	if len(batches) != 1 {
		t.Fatalf("batches %v, want one", batches)
	}
	seen := map[string]int{}
	for _, b := range batches {
		for _, id := range b {
			seen[id]++
		}
	}
	held, err := ds.HeldDigestItems(ctx, chat)
	must(t, err)
	for _, it := range held {
		seen[it.ID]++
	}
	if len(seen) != 10+workers {
		t.Fatalf("items seen %v, want %d", seen, 10+workers)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("item %s is in %d places", id, n)
		}
	}
}

func digestCap(t *testing.T, s core.Store) {
	ctx := context.Background()
	ds := digestStore(t, s)
	chat := core.ChatRef{Platform: "telegram", ID: "12"}
	due := digestT0.Add(24 * time.Hour)
	const extra = 5
	var want []string
	// The oldest are dropped as newer items come.
	for i := range core.MaxHeldDigestItems + extra {
		id := fmt.Sprintf("i%04d", i)
		held, err := ds.HoldDigestItem(ctx, chat, digestItem(id, time.Duration(i)*time.Second), due)
		must(t, err)
		if !held {
			t.Fatalf("HoldDigestItem(%s) = false", id)
		}
		if i >= extra {
			want = append(want, id)
		}
	}
	got, err := ds.HeldDigestItems(ctx, chat)
	must(t, err)
	wantItems(t, "held past the cap", got, want...)
	// An item older than every held one is dropped at once.
	if _, err := ds.HoldDigestItem(ctx, chat, digestItem("ancient", -time.Hour), due); err != nil {
		t.Fatal(err)
	}
	got, err = ds.HeldDigestItems(ctx, chat)
	must(t, err)
	wantItems(t, "after an older item", got, want...)
	// Equal times: the lower ID is the older.
	if _, err := ds.HoldDigestItem(ctx, chat, digestItem("a-tie", extra*time.Second), due); err != nil {
		t.Fatal(err)
	}
	got, err = ds.HeldDigestItems(ctx, chat)
	must(t, err)
	wantItems(t, "after a tie", got, want...)
	// The cap counts held items only: a sealed batch makes room.
	if _, ok, err := ds.SealDigest(ctx, chat, due); err != nil || !ok {
		t.Fatalf("SealDigest = %v, %v", ok, err)
	}
	for i := range 3 {
		_, err := ds.HoldDigestItem(ctx, chat, digestItem(fmt.Sprintf("n%d", i), time.Hour), due.Add(24*time.Hour))
		must(t, err)
	}
	got, err = ds.HeldDigestItems(ctx, chat)
	must(t, err)
	wantItems(t, "held after the seal", got, "n0", "n1", "n2")
}
