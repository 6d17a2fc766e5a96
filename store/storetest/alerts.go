package storetest

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
)

// testAlerts checks core.AlertStore (both newsbot stores implement it; the
// suite fails one that does not).
func testAlerts(t *testing.T, newStore func(t *testing.T) core.Store) {
	runAll(t, newStore, []subtest{
		{"PendOnce", alertPendOnce},
		{"Due", alertDue},
		{"Drop", alertDrop},
		{"Invalid", alertInvalid},
		{"ConcurrentPend", alertConcurrentPend},
	})
}

// alertStore returns s as a core.AlertStore or fails t.
func alertStore(t *testing.T, s core.Store) core.AlertStore {
	t.Helper()
	as, ok := s.(core.AlertStore)
	if !ok {
		t.Fatalf("%T does not implement core.AlertStore", s)
	}
	return as
}

var alertT0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func pendingAlert(id string, due time.Duration) core.PendingAlert {
	return core.PendingAlert{ID: id, ArticleID: "art-" + id, Section: "economy", Seen: alertT0, Due: alertT0.Add(due)}
}

func alertPendOnce(t *testing.T, s core.Store) {
	ctx := context.Background()
	as := alertStore(t, s)
	first := pendingAlert("a1", time.Minute)
	if added, err := as.PendAlert(ctx, first); err != nil || !added {
		t.Fatalf("PendAlert = %v, %v; want true", added, err)
	}
	later := first
	later.ArticleID, later.Due = "art-other-edition", alertT0.Add(time.Hour)
	if added, err := as.PendAlert(ctx, later); err != nil || added {
		t.Fatalf("PendAlert of a pending ID = %v, %v; want false", added, err)
	}
	due, err := as.DueAlerts(ctx, alertT0.Add(time.Minute), 0)
	must(t, err)
	if len(due) != 1 || due[0].ArticleID != "art-a1" || !due[0].Due.Equal(first.Due) || !due[0].Seen.Equal(first.Seen) || due[0].Section != "economy" {
		t.Fatalf("DueAlerts = %+v; want the first edition's alert, unchanged", due)
	}
}

func alertDue(t *testing.T, s core.Store) {
	ctx := context.Background()
	as := alertStore(t, s)
	for _, a := range []core.PendingAlert{pendingAlert("c", 2*time.Minute), pendingAlert("b", time.Minute), pendingAlert("a", 2*time.Minute), pendingAlert("late", time.Hour)} {
		if _, err := as.PendAlert(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if due, err := as.DueAlerts(ctx, alertT0.Add(59*time.Second), 0); err != nil || len(due) != 0 {
		t.Fatalf("DueAlerts before any is due = %+v, %v", due, err)
	}
	due, err := as.DueAlerts(ctx, alertT0.Add(2*time.Minute), 0)
	must(t, err)
	var ids []string
	for _, a := range due {
		ids = append(ids, a.ID)
	}
	if fmt.Sprint(ids) != "[b a c]" {
		t.Fatalf("DueAlerts = %v; want [b a c] (by due time, then ID)", ids)
	}
	if due, err := as.DueAlerts(ctx, alertT0.Add(time.Hour), 2); err != nil || len(due) != 2 || due[0].ID != "b" {
		t.Fatalf("DueAlerts with max 2 = %+v, %v", due, err)
	}
}

func alertDrop(t *testing.T, s core.Store) {
	ctx := context.Background()
	as := alertStore(t, s)
	if _, err := as.PendAlert(ctx, pendingAlert("a1", 0)); err != nil {
		t.Fatal(err)
	}
	must(t, as.DropAlert(ctx, "a1"))
	must(t, as.DropAlert(ctx, "a1"))     // again: nothing
	must(t, as.DropAlert(ctx, "absent")) // never pending: nothing
	if due, err := as.DueAlerts(ctx, alertT0.Add(time.Hour), 0); err != nil || len(due) != 0 {
		t.Fatalf("DueAlerts after DropAlert = %+v, %v", due, err)
	}
	// A dropped ID can be pending again (a story whose alert failed to
	// start is pended again by its next edition).
	if added, err := as.PendAlert(ctx, pendingAlert("a1", 0)); err != nil || !added {
		t.Fatalf("PendAlert after DropAlert = %v, %v", added, err)
	}
}

func alertInvalid(t *testing.T, s core.Store) {
	ctx := context.Background()
	as := alertStore(t, s)
	for _, a := range []core.PendingAlert{{ArticleID: "x"}, {ID: "x"}} {
		if _, err := as.PendAlert(ctx, a); core.ErrorCode(err) != core.CodeInvalid {
			t.Errorf("PendAlert(%+v) = %v; want CodeInvalid", a, err)
		}
	}
}

// alertConcurrentPend pends one story from many goroutines, as several
// processes would when its editions arrive at once: one wins.
func alertConcurrentPend(t *testing.T, s core.Store) {
	ctx := context.Background()
	as := alertStore(t, s)
	var wg sync.WaitGroup
	var mu sync.Mutex
	added := 0
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a := pendingAlert("story", time.Minute)
			a.ArticleID = fmt.Sprint("edition-", i)
			ok, err := as.PendAlert(ctx, a)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				added++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if added != 1 {
		t.Fatalf("%d of 16 concurrent PendAlerts of one ID were added; want 1", added)
	}
}
