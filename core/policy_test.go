package core_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/store/memory"
)

// unreadableSettings is the memory store whose settings cannot be read.
type unreadableSettings struct{ *memory.Store }

func (unreadableSettings) ChatSettings(context.Context, core.ChatRef) (core.ChatSettings, error) {
	return core.ChatSettings{}, errors.New("store down")
}

func TestMoveChat(t *testing.T) {
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	from := core.ChatRef{Platform: "telegram", ID: "-4001"}
	to := core.ChatRef{Platform: "telegram", ID: "-1004001"}
	type chat struct {
		sections []string
		settings core.ChatSettings
	}
	tests := []struct {
		name         string
		from, to     chat
		same         bool // move from to itself
		fail         bool // the store's settings cannot be read
		wantFrom     chat // sections and settings of from afterwards
		wantTo       chat
		wantCode     core.Code
		moveTwiceToo bool
	}{
		{name: "sections and settings move",
			from:     chat{[]string{"economy", "politics"}, core.ChatSettings{Lang: "ru", DigestAt: "08:00"}},
			wantFrom: chat{nil, core.ChatSettings{Lang: "ru", DigestAt: "08:00"}},
			wantTo:   chat{[]string{"economy", "politics"}, core.ChatSettings{Lang: "ru", DigestAt: "08:00"}}},
		{name: "the new chat keeps its own settings and sections",
			from:     chat{[]string{"economy"}, core.ChatSettings{Lang: "ru"}},
			to:       chat{[]string{"culture"}, core.ChatSettings{Lang: "en"}},
			wantFrom: chat{nil, core.ChatSettings{Lang: "ru"}},
			wantTo:   chat{[]string{"culture", "economy"}, core.ChatSettings{Lang: "en"}}},
		{name: "nothing to move",
			to:     chat{[]string{"culture"}, core.ChatSettings{NoBreaking: true}},
			wantTo: chat{[]string{"culture"}, core.ChatSettings{NoBreaking: true}}},
		{name: "moving twice is moving once", moveTwiceToo: true,
			from:     chat{[]string{"politics"}, core.ChatSettings{Lang: "ro"}},
			wantFrom: chat{nil, core.ChatSettings{Lang: "ro"}},
			wantTo:   chat{[]string{"politics"}, core.ChatSettings{Lang: "ro"}}},
		{name: "a chat moved to itself keeps everything", same: true,
			from:     chat{[]string{"politics"}, core.ChatSettings{Lang: "ro"}},
			wantFrom: chat{[]string{"politics"}, core.ChatSettings{Lang: "ro"}}},
		{name: "a store failure leaves the old chat subscribed", fail: true,
			from:     chat{[]string{"politics"}, core.ChatSettings{}},
			wantFrom: chat{[]string{"politics"}, core.ChatSettings{}},
			wantTo:   chat{[]string{"politics"}, core.ChatSettings{}},
			wantCode: core.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			mem := memory.New()
			var st core.Store = mem
			if tt.fail {
				st = unreadableSettings{mem}
			}
			e, err := core.NewEngine(core.Config{DefaultLang: "ro"}, core.Deps{Store: st, Catalog: cat, Now: func() time.Time { return now }})
			if err != nil {
				t.Fatal(err)
			}
			dst := to
			if tt.same {
				dst = from
			}
			for ref, c := range map[core.ChatRef]chat{from: tt.from, to: tt.to} {
				if len(c.sections) > 0 {
					if _, err := mem.Subscribe(ctx, ref, c.sections...); err != nil {
						t.Fatal(err)
					}
				}
				if err := mem.SaveChatSettings(ctx, ref, c.settings); err != nil {
					t.Fatal(err)
				}
			}
			moves := 1
			if tt.moveTwiceToo {
				moves = 2
			}
			for range moves {
				err = e.MoveChat(ctx, from, dst)
				if code := core.ErrorCode(err); code != tt.wantCode {
					t.Fatalf("MoveChat: %v, want code %q", err, tt.wantCode)
				}
			}
			for ref, want := range map[core.ChatRef]chat{from: tt.wantFrom, to: tt.wantTo} {
				secs, err := mem.ChatSections(ctx, ref)
				if err != nil {
					t.Fatal(err)
				}
				set, err := mem.ChatSettings(ctx, ref)
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(secs, want.sections) || set != want.settings {
					t.Errorf("%s: sections %v settings %+v; want %v %+v", ref, secs, set, want.sections, want.settings)
				}
			}
		})
	}
}

// TestAlertOnlyToEarlierSubscribers: a section alert goes to the chats that
// were subscribed when its story was first seen; breaking news and alerts
// without a first-seen time go to all.
func TestAlertOnlyToEarlierSubscribers(t *testing.T) {
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	seen := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	early := core.ChatRef{Platform: "telegram", ID: "1"}
	late := core.ChatRef{Platform: "telegram", ID: "2"}
	same := core.ChatRef{Platform: "telegram", ID: "3"}
	unknown := core.ChatRef{Platform: "telegram", ID: "4"}
	st := timedStore{Store: memory.New(), since: map[core.ChatRef]time.Time{
		early: seen.Add(-time.Hour), late: seen.Add(time.Second), same: seen,
	}}
	chats, err := core.NewChats(core.ChatsConfig{DefaultLang: "ro", Now: func() time.Time { return seen.Add(time.Minute) }}, st, cat)
	if err != nil {
		t.Fatal(err)
	}
	alert := core.Broadcast{ID: "a1", Kind: core.BroadcastAlert, Section: "economy", Seen: seen}
	breaking := core.Broadcast{ID: "b1", Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking, Section: content.Breaking}
	unseen := core.Broadcast{ID: "a2", Kind: core.BroadcastAlert, Section: "economy"}
	tests := []struct {
		b    core.Broadcast
		chat core.ChatRef
		skip bool
	}{
		{alert, early, false}, {alert, same, false}, {alert, unknown, false}, {alert, late, true},
		{breaking, late, false}, {unseen, late, false},
	}
	for _, tt := range tests {
		_, skip, err := chats.HoldAlert(context.Background(), tt.chat, tt.b)
		if err != nil || skip != tt.skip {
			t.Errorf("HoldAlert(%s, %s) = %v, %v; want %v", tt.chat, tt.b.ID, skip, err, tt.skip)
		}
	}
}

// timedStore is the memory store whose subscriptions date from given
// times; a chat it does not name has no known time.
type timedStore struct {
	*memory.Store
	since map[core.ChatRef]time.Time
}

func (s timedStore) SubscribedSince(_ context.Context, chat core.ChatRef, _ string) (time.Time, error) {
	return s.since[chat], nil
}
