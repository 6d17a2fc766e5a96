package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/core"
)

func testSubscriptions(t *testing.T, newStore func(t *testing.T) core.Store) {
	runAll(t, newStore, []subtest{
		{"Since", subscriptionsSince},
		{"SubscribeReportsAdded", subscribeAdded},
		{"UnsubscribeReportsRemoved", unsubscribeRemoved},
		{"UnsubscribeAll", unsubscribeAll},
		{"BothDirections", subscriptionsBothWays},
		{"Invalid", subscriptionsInvalid},
		{"SectionChatsBatches", sectionChatsBatches},
		{"SectionChatsError", sectionChatsError},
		{"SectionChatsReentrant", sectionChatsReentrant},
		{"Concurrent", subscriptionsConcurrent},
		{"ManySections", subscriptionsManySections},
	})
}

// chat returns a Telegram chat reference.
func chat(id int) core.ChatRef {
	return core.ChatRef{Platform: "telegram", ID: fmt.Sprint(-1001000000000 - id)}
}

// sameStrings fails t unless got and want hold the same strings in order;
// nil and empty are the same.
func sameStrings(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s = %q, want %q", what, got, want)
	}
}

// listChats returns the distinct chats of section, checking batch sizes.
func listChats(t *testing.T, s core.Store, section string, batch int) map[core.ChatRef]bool {
	t.Helper()
	got := map[core.ChatRef]bool{}
	err := s.SectionChats(context.Background(), section, batch, func(cs []core.ChatRef) error {
		if len(cs) == 0 {
			return errors.New("empty batch")
		}
		if batch > 0 && len(cs) > batch {
			return fmt.Errorf("batch of %d chats, asked for at most %d", len(cs), batch)
		}
		for _, c := range cs {
			got[c] = true
		}
		return nil
	})
	must(t, err)
	return got
}

func subscribeAdded(t *testing.T, s core.Store) {
	ctx := context.Background()
	c := chat(1)
	added, err := s.Subscribe(ctx, c, "politics", "sport")
	must(t, err)
	sameStrings(t, "first Subscribe", added, []string{"politics", "sport"})
	added, err = s.Subscribe(ctx, c, "sport", "culture", "culture")
	must(t, err)
	sameStrings(t, "second Subscribe", added, []string{"culture"})
	added, err = s.Subscribe(ctx, c, "sport")
	must(t, err)
	sameStrings(t, "repeated Subscribe", added, nil)
	added, err = s.Subscribe(ctx, c)
	must(t, err)
	sameStrings(t, "Subscribe to nothing", added, nil)

	secs, err := s.ChatSections(ctx, c)
	must(t, err)
	sameStrings(t, "ChatSections", secs, []string{"culture", "politics", "sport"})
	n, err := s.CountSectionChats(ctx, "sport")
	must(t, err)
	if n != 1 {
		t.Fatalf("CountSectionChats(sport) = %d, want 1", n)
	}
	secs, err = s.ChatSections(ctx, chat(2))
	must(t, err)
	sameStrings(t, "ChatSections of a chat with none", secs, nil)
}

func unsubscribeRemoved(t *testing.T, s core.Store) {
	ctx := context.Background()
	c := chat(1)
	_, err := s.Subscribe(ctx, c, "politics", "sport", "culture")
	must(t, err)
	removed, err := s.Unsubscribe(ctx, c, "sport", "economy", "sport")
	must(t, err)
	sameStrings(t, "Unsubscribe", removed, []string{"sport"})
	removed, err = s.Unsubscribe(ctx, c, "sport")
	must(t, err)
	sameStrings(t, "repeated Unsubscribe", removed, nil)
	removed, err = s.Unsubscribe(ctx, chat(9), "sport")
	must(t, err)
	sameStrings(t, "Unsubscribe of an unknown chat", removed, nil)

	secs, err := s.ChatSections(ctx, c)
	must(t, err)
	sameStrings(t, "ChatSections", secs, []string{"culture", "politics"})
	if got := listChats(t, s, "sport", 0); len(got) != 0 {
		t.Fatalf("sport still lists %v", got)
	}
	n, err := s.CountSectionChats(ctx, "sport")
	must(t, err)
	if n != 0 {
		t.Fatalf("CountSectionChats(sport) = %d, want 0", n)
	}
}

func unsubscribeAll(t *testing.T, s core.Store) {
	ctx := context.Background()
	c, other := chat(1), chat(2)
	_, err := s.Subscribe(ctx, c, "sport", "politics", "breaking")
	must(t, err)
	_, err = s.Subscribe(ctx, other, "sport")
	must(t, err)

	removed, err := s.UnsubscribeAll(ctx, c)
	must(t, err)
	sameStrings(t, "UnsubscribeAll", removed, []string{"breaking", "politics", "sport"})
	removed, err = s.UnsubscribeAll(ctx, c)
	must(t, err)
	sameStrings(t, "repeated UnsubscribeAll", removed, nil)

	secs, err := s.ChatSections(ctx, c)
	must(t, err)
	sameStrings(t, "ChatSections after UnsubscribeAll", secs, nil)
	for _, sec := range []string{"politics", "breaking"} {
		if got := listChats(t, s, sec, 0); len(got) != 0 {
			t.Fatalf("%s still lists %v", sec, got)
		}
	}
	if got := listChats(t, s, "sport", 0); !reflect.DeepEqual(got, map[core.ChatRef]bool{other: true}) {
		t.Fatalf("sport lists %v, want only the other chat", got)
	}
}

// checkBothWays fails t unless every chat's sections and every section's
// chats describe the same relation, and that relation is want when want is
// not nil.
func checkBothWays(t *testing.T, s core.Store, chats []core.ChatRef, sections []string, want map[core.ChatRef][]string) {
	t.Helper()
	ctx := context.Background()
	fromChats := map[string]map[core.ChatRef]bool{}
	for _, c := range chats {
		secs, err := s.ChatSections(ctx, c)
		must(t, err)
		if !sort.StringsAreSorted(secs) {
			t.Fatalf("ChatSections(%v) = %q, not sorted", c, secs)
		}
		if want != nil {
			sameStrings(t, fmt.Sprintf("ChatSections(%v)", c), secs, want[c])
		}
		for _, sec := range secs {
			if fromChats[sec] == nil {
				fromChats[sec] = map[core.ChatRef]bool{}
			}
			fromChats[sec][c] = true
		}
	}
	for _, sec := range sections {
		got := listChats(t, s, sec, 7)
		if len(got) != len(fromChats[sec]) || (len(got) > 0 && !reflect.DeepEqual(got, fromChats[sec])) {
			t.Fatalf("section %s lists %d chats %v; the chats list it %d times %v", sec, len(got), got, len(fromChats[sec]), fromChats[sec])
		}
		n, err := s.CountSectionChats(ctx, sec)
		must(t, err)
		if n != len(got) {
			t.Fatalf("CountSectionChats(%s) = %d, listed %d", sec, n, len(got))
		}
	}
}

func subscriptionsBothWays(t *testing.T, s core.Store) {
	ctx := context.Background()
	sections := []string{"international", "politics", "economy", "sport"}
	var chats []core.ChatRef
	want := map[core.ChatRef][]string{}
	for i := range 30 {
		c := chat(i)
		if i%5 == 0 {
			c = core.ChatRef{Platform: "discord", ID: fmt.Sprint(1100000000000000000 + i)}
		}
		chats = append(chats, c)
		var secs []string
		for j, sec := range sections {
			if (i+j)%3 != 0 {
				secs = append(secs, sec)
			}
		}
		_, err := s.Subscribe(ctx, c, secs...)
		must(t, err)
		sort.Strings(secs)
		want[c] = secs
	}
	checkBothWays(t, s, chats, sections, want)
}

func subscriptionsInvalid(t *testing.T, s core.Store) {
	ctx := context.Background()
	_, err := s.Subscribe(ctx, chat(1), "sport", "")
	wantCode(t, err, core.CodeInvalid)
	for _, c := range []core.ChatRef{{Platform: "", ID: "1"}, {Platform: "tele:gram", ID: "1"}} {
		_, err := s.Subscribe(ctx, c, "sport")
		wantCode(t, err, core.CodeInvalid)
		wantCode(t, s.SaveChatSettings(ctx, c, core.ChatSettings{Lang: "ro"}), core.CodeInvalid)
	}
	wantCode(t, s.SaveUserSettings(ctx, core.UserRef{Platform: "a:b", ID: "1"}, core.UserSettings{Lang: "ro"}), core.CodeInvalid)
	// Nothing of a rejected call is kept.
	secs, err := s.ChatSections(ctx, chat(1))
	must(t, err)
	sameStrings(t, "ChatSections after a rejected Subscribe", secs, nil)
	n, err := s.CountSectionChats(ctx, "sport")
	must(t, err)
	if n != 0 {
		t.Fatalf("CountSectionChats(sport) = %d after rejected calls", n)
	}
}

// subscribeChats subscribes n chats to section from a few goroutines.
func subscribeChats(t *testing.T, s core.Store, section string, n int) map[core.ChatRef]bool {
	t.Helper()
	want := make(map[core.ChatRef]bool, n)
	for i := range n {
		want[chat(i)] = true
	}
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				if _, err := s.Subscribe(context.Background(), chat(i), section); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return want
}

func sectionChatsBatches(t *testing.T, s core.Store) {
	const n = 2500
	want := subscribeChats(t, s, "big", n)
	for _, batch := range []int{1, 3, 0, -1, 1000, 5000} {
		t.Run(fmt.Sprintf("batch=%d", batch), func(t *testing.T) {
			got := listChats(t, s, "big", batch)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("listed %d distinct chats, want %d", len(got), len(want))
			}
		})
	}
	n2, err := s.CountSectionChats(context.Background(), "big")
	must(t, err)
	if n2 != n {
		t.Fatalf("CountSectionChats = %d, want %d", n2, n)
	}
	if got := listChats(t, s, "empty", 3); len(got) != 0 {
		t.Fatalf("an unknown section lists %v", got)
	}
}

func sectionChatsError(t *testing.T, s core.Store) {
	subscribeChats(t, s, "sport", 50)
	stop := errors.New("stop here")
	calls := 0
	err := s.SectionChats(context.Background(), "sport", 10, func([]core.ChatRef) error {
		calls++
		return fmt.Errorf("sending: %w", stop)
	})
	if !errors.Is(err, stop) {
		t.Fatalf("SectionChats returned %v, want fn's error", err)
	}
	if calls != 1 {
		t.Fatalf("fn was called %d times after failing, want 1", calls)
	}
}

func sectionChatsReentrant(t *testing.T, s core.Store) {
	ctx := context.Background()
	subscribeChats(t, s, "sport", 40)
	// Delivery unsubscribes chats that are gone while it lists the section.
	err := s.SectionChats(ctx, "sport", 4, func(cs []core.ChatRef) error {
		for _, c := range cs {
			if _, err := s.UnsubscribeAll(ctx, c); err != nil {
				return err
			}
		}
		return nil
	})
	must(t, err)
	n, err := s.CountSectionChats(ctx, "sport")
	must(t, err)
	if n != 0 {
		t.Fatalf("CountSectionChats = %d after unsubscribing every listed chat", n)
	}
}

func subscriptionsConcurrent(t *testing.T, s core.Store) {
	ctx := context.Background()
	sections := []string{"a", "b", "c", "d", "e"}
	const (
		workers   = 12
		perWorker = 4  // chats only one worker touches: their end state is known
		shared    = 6  // chats every worker touches: only consistency is checked
		ops       = 60 // per worker
	)
	var mu sync.Mutex
	want := map[core.ChatRef][]string{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			own := map[core.ChatRef]map[string]bool{}
			for i := range perWorker {
				own[chat(1000+w*perWorker+i)] = map[string]bool{}
			}
			for range ops {
				var c core.ChatRef
				mine := rng.IntN(2) == 0
				if mine {
					c = chat(1000 + w*perWorker + rng.IntN(perWorker))
				} else {
					c = chat(rng.IntN(shared))
				}
				secs := []string{sections[rng.IntN(len(sections))], sections[rng.IntN(len(sections))]}
				var err error
				switch op := rng.IntN(10); {
				case op < 5:
					_, err = s.Subscribe(ctx, c, secs...)
					if mine {
						for _, sec := range secs {
							own[c][sec] = true
						}
					}
				case op < 9:
					_, err = s.Unsubscribe(ctx, c, secs...)
					if mine {
						for _, sec := range secs {
							delete(own[c], sec)
						}
					}
				default:
					_, err = s.UnsubscribeAll(ctx, c)
					if mine {
						own[c] = map[string]bool{}
					}
				}
				if err != nil {
					errs <- err
					return
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for c, set := range own {
				var secs []string
				for sec := range set {
					secs = append(secs, sec)
				}
				sort.Strings(secs)
				want[c] = secs
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var owned []core.ChatRef
	for c := range want {
		owned = append(owned, c)
	}
	checkBothWays(t, s, owned, nil, want)
	var all []core.ChatRef
	for i := range shared {
		all = append(all, chat(i))
	}
	all = append(all, owned...)
	checkBothWays(t, s, all, sections, nil)
}

// subscriptionsManySections gives chats more sections than fit in one word
// or byte of an encoding, empties sections out and fills them again.
func subscriptionsManySections(t *testing.T, s core.Store) {
	ctx := context.Background()
	var sections, even, odd []string
	for i := range 70 {
		sec := fmt.Sprintf("s%02d", i)
		sections = append(sections, sec)
		if i%2 == 0 {
			even = append(even, sec)
		} else {
			odd = append(odd, sec)
		}
	}
	a, b := chat(1), chat(2)
	added, err := s.Subscribe(ctx, a, sections...)
	must(t, err)
	sameStrings(t, "Subscribe of 70 sections", added, sections)
	var bs []string // every third section, last first
	for i := len(sections) - 1; i >= 0; i -= 3 {
		bs = append(bs, sections[i])
	}
	added, err = s.Subscribe(ctx, b, bs...)
	must(t, err)
	sameStrings(t, "Subscribe in reverse order", added, bs)
	removed, err := s.Unsubscribe(ctx, a, even...)
	must(t, err)
	sameStrings(t, "Unsubscribe of the even sections", removed, even)
	sortedB := append([]string(nil), bs...)
	sort.Strings(sortedB)
	checkBothWays(t, s, []core.ChatRef{a, b}, sections, map[core.ChatRef][]string{a: odd, b: sortedB})

	removed, err = s.UnsubscribeAll(ctx, b)
	must(t, err)
	sameStrings(t, "UnsubscribeAll", removed, sortedB)
	removed, err = s.Unsubscribe(ctx, a, odd...)
	must(t, err)
	sameStrings(t, "Unsubscribe of the odd sections", removed, odd)
	checkBothWays(t, s, []core.ChatRef{a, b}, sections, map[core.ChatRef][]string{})

	added, err = s.Subscribe(ctx, b, sections[69], sections[0])
	must(t, err)
	sameStrings(t, "Subscribe to emptied sections", added, []string{sections[69], sections[0]})
	checkBothWays(t, s, []core.ChatRef{a, b}, sections, map[core.ChatRef][]string{b: {sections[0], sections[69]}})
}

// subscriptionsSince: a subscription's time is when it was added, to the
// second, kept when the chat subscribes again, and gone with it.
func subscriptionsSince(t *testing.T, s core.Store) {
	ctx := context.Background()
	chat := core.ChatRef{Platform: "telegram", ID: "501"}
	if since, err := s.SubscribedSince(ctx, chat, "economy"); err != nil || !since.IsZero() {
		t.Fatalf("SubscribedSince before subscribing = %v, %v; want the zero time", since, err)
	}
	before := time.Now().Add(-2 * time.Second) // the store's clock may be another machine's
	_, err := s.Subscribe(ctx, chat, "economy")
	must(t, err)
	first, err := s.SubscribedSince(ctx, chat, "economy")
	must(t, err)
	if first.Before(before) || first.After(time.Now().Add(2*time.Second)) || first.Nanosecond() != 0 {
		t.Fatalf("SubscribedSince = %v; want about now, to the second", first)
	}
	time.Sleep(1100 * time.Millisecond) // the next second
	_, err = s.Subscribe(ctx, chat, "economy", "politics")
	must(t, err)
	if again, err := s.SubscribedSince(ctx, chat, "economy"); err != nil || !again.Equal(first) {
		t.Errorf("SubscribedSince after subscribing again = %v, %v; want the first time %v", again, err, first)
	}
	if other, err := s.SubscribedSince(ctx, chat, "politics"); err != nil || !other.After(first) {
		t.Errorf("SubscribedSince of the later section = %v, %v; want after %v", other, err, first)
	}
	_, err = s.Unsubscribe(ctx, chat, "economy")
	must(t, err)
	if since, err := s.SubscribedSince(ctx, chat, "economy"); err != nil || !since.IsZero() {
		t.Errorf("SubscribedSince after Unsubscribe = %v, %v; want the zero time", since, err)
	}
	_, err = s.UnsubscribeAll(ctx, chat)
	must(t, err)
	if since, err := s.SubscribedSince(ctx, chat, "politics"); err != nil || !since.IsZero() {
		t.Errorf("SubscribedSince after UnsubscribeAll = %v, %v; want the zero time", since, err)
	}
}
