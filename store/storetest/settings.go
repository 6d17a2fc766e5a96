package storetest

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/core"
)

func testSettings(t *testing.T, newStore func(t *testing.T) core.Store) {
	runAll(t, newStore, []subtest{
		{"MissingIsZero", settingsMissing},
		{"RoundTrip", settingsRoundTrip},
	})
}

func settingsMissing(t *testing.T, s core.Store) {
	ctx := context.Background()
	u, err := s.UserSettings(ctx, core.UserRef{Platform: "telegram", ID: "1"})
	must(t, err)
	if u != (core.UserSettings{}) {
		t.Fatalf("missing user settings = %+v, want zero", u)
	}
	c, err := s.ChatSettings(ctx, core.ChatRef{Platform: "discord", ID: "1"})
	must(t, err)
	if c != (core.ChatSettings{}) {
		t.Fatalf("missing chat settings = %+v, want zero", c)
	}
}

func settingsRoundTrip(t *testing.T, s core.Store) {
	ctx := context.Background()
	tgUser := core.UserRef{Platform: "telegram", ID: "42"}
	dcUser := core.UserRef{Platform: "discord", ID: "42"}
	tgChat := core.ChatRef{Platform: "telegram", ID: "42"}
	group := core.ChatRef{Platform: "telegram", ID: "-1001234567890"}

	must(t, s.SaveUserSettings(ctx, tgUser, core.UserSettings{Lang: "ru"}))
	must(t, s.SaveUserSettings(ctx, dcUser, core.UserSettings{Lang: "ro"}))
	must(t, s.SaveChatSettings(ctx, tgChat, core.ChatSettings{Lang: "en"}))
	must(t, s.SaveChatSettings(ctx, group, core.ChatSettings{Lang: "ro", NoBreaking: true}))

	// The same ID on another platform, or as a chat rather than a user, is
	// someone else.
	for _, c := range []struct {
		user core.UserRef
		want core.UserSettings
	}{
		{tgUser, core.UserSettings{Lang: "ru"}},
		{dcUser, core.UserSettings{Lang: "ro"}},
	} {
		got, err := s.UserSettings(ctx, c.user)
		must(t, err)
		if got != c.want {
			t.Fatalf("UserSettings(%v) = %+v, want %+v", c.user, got, c.want)
		}
	}
	for _, c := range []struct {
		chat core.ChatRef
		want core.ChatSettings
	}{
		{tgChat, core.ChatSettings{Lang: "en"}},
		{group, core.ChatSettings{Lang: "ro", NoBreaking: true}},
	} {
		got, err := s.ChatSettings(ctx, c.chat)
		must(t, err)
		if got != c.want {
			t.Fatalf("ChatSettings(%v) = %+v, want %+v", c.chat, got, c.want)
		}
	}

	// Overwriting, including back to the zero value.
	must(t, s.SaveUserSettings(ctx, tgUser, core.UserSettings{}))
	got, err := s.UserSettings(ctx, tgUser)
	must(t, err)
	if got != (core.UserSettings{}) {
		t.Fatalf("UserSettings after reset = %+v, want zero", got)
	}
	must(t, s.SaveChatSettings(ctx, group, core.ChatSettings{Lang: "ru"}))
	gc, err := s.ChatSettings(ctx, group)
	must(t, err)
	if gc != (core.ChatSettings{Lang: "ru"}) {
		t.Fatalf("ChatSettings after overwrite = %+v", gc)
	}
}
