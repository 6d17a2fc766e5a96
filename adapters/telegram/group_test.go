package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/core"
)

const (
	groupID   = -1001000
	channelID = -1002000
)

func addGroup(h *harness) {
	h.srv.AddChat(telegramtest.Chat{ID: groupID, Type: "supergroup", Title: "Newsroom fans", Username: "fans_md", Admins: []int64{admin.ID}})
}

func TestGroups(t *testing.T) {
	h := start(t, setup{})
	addGroup(h)

	t.Run("plain talk is ignored", func(t *testing.T) {
		h.quiet(groupID, john, "hello everyone")
	})
	t.Run("commands to other bots are ignored", func(t *testing.T) {
		h.quiet(groupID, john, "/latest@some_other_bot")
	})
	t.Run("addressed commands are answered", func(t *testing.T) {
		m := h.say(groupID, john, "/latest@newsbot_test_bot 1", 1)[0]
		if !strings.Contains(m.Text, "/read_") {
			t.Errorf("reply:\n%s", m.Text)
		}
	})
	t.Run("members cannot subscribe the group", func(t *testing.T) {
		m := h.say(groupID, john, "/subscribe politics", 1)[0]
		if !strings.Contains(m.Text, "administrators") {
			t.Errorf("reply:\n%s", m.Text)
		}
	})
	t.Run("members get no toggles", func(t *testing.T) {
		m := h.say(groupID, john, "/sections", 1)[0]
		if len(m.Keyboard) != 0 {
			t.Errorf("a member got toggles %v", m.Keyboard)
		}
	})
	t.Run("administrators subscribe it", func(t *testing.T) {
		m := h.say(groupID, admin, "/subscribe politics", 1)[0]
		if !strings.Contains(m.Text, "Politics") || strings.Contains(m.Text, "administrators") {
			t.Errorf("reply:\n%s", m.Text)
		}
		m = h.say(groupID, john, "/subscriptions", 1)[0]
		if !strings.Contains(m.Text, "Politics") {
			t.Errorf("/subscriptions:\n%s", m.Text)
		}
	})
	t.Run("administrators toggle with buttons, members are refused", func(t *testing.T) {
		m := h.say(groupID, admin, "/sections", 1)[0]
		if len(m.Keyboard) == 0 {
			t.Fatal("an administrator got no toggles")
		}
		if ans := h.press(m, john, "t|sport"); !ans.ShowAlert {
			t.Errorf("a member's toggle answered %+v, want an alert", ans)
		}
		if ans := h.press(m, admin, "t|sport"); ans.ShowAlert || ans.Text == "" {
			t.Errorf("an administrator's toggle answered %+v", ans)
		}
	})
	t.Run("administrators are cached", func(t *testing.T) {
		if n := len(h.srv.Calls("getChatAdministrators")); n != 1 {
			t.Errorf("getChatAdministrators called %d times, want 1 (cached)", n)
		}
	})
}

func TestRemovedFromGroupUnsubscribes(t *testing.T) {
	h := start(t, setup{})
	addGroup(h)
	h.say(groupID, admin, "/subscribe culture", 1)
	h.srv.MyChatMember(groupID, admin, "member", "kicked")
	h.settle()
	// Back in the group, the chat has no subscriptions left.
	h.srv.MyChatMember(groupID, admin, "kicked", "member")
	m := h.say(groupID, admin, "/subscriptions", 1)[0]
	if strings.Contains(m.Text, "Culture") {
		t.Errorf("after removal the group still has alerts:\n%s", m.Text)
	}
}

func TestChannelSubscription(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: channelID, Type: "channel", Title: "Știri", Username: "stiri_md", Admins: []int64{admin.ID}, BotStatus: "administrator"})
	h.srv.AddChat(telegramtest.Chat{ID: -1003000, Type: "channel", Title: "Other", Username: "other_md", Admins: []int64{admin.ID}})
	addGroup(h)
	tests := []struct {
		name string
		user telegramtest.User
		say  string
		want string
	}{
		{"unknown channel", admin, "/subscribe @nosuch international", "can't find the channel @nosuch"},
		{"not a channel", admin, "/subscribe @fans_md international", "@fans_md is not a channel"},
		{"user is not an admin", john, "/subscribe @stiri_md international", "You must be an administrator of @stiri_md"},
		{"bot is not an admin", admin, "/subscribe @other_md international", "The bot must be an administrator of @other_md"},
		{"admin subscribes the channel", admin, "/subscribe @stiri_md international", "Channel @stiri_md"},
		{"and sees its alerts", admin, "/subscriptions @stiri_md", "International"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := h.say(tt.user.ID, tt.user, tt.say, 1)[0]
			if !strings.Contains(m.Text, tt.want) {
				t.Errorf("%s:\n%s\nwant %q", tt.say, m.Text, tt.want)
			}
		})
	}
	// The admin's own private chat got no subscription.
	m := h.say(admin.ID, admin, "/subscriptions", 1)[0]
	if strings.Contains(m.Text, "International") {
		t.Errorf("the private chat was subscribed instead of the channel:\n%s", m.Text)
	}
}

func TestFlood(t *testing.T) {
	h := start(t, setup{cfg: func(c *telegram.Config) { c.FloodPerMinute = 3 }})
	for i := 0; i < 3; i++ {
		h.say(ivan.ID, ivan, "/help", 1)
	}
	m := h.say(ivan.ID, ivan, "/help", 1)[0]
	if !strings.Contains(m.Text, "Слишком много команд") || !strings.Contains(m.Text, "3") {
		t.Errorf("past the limit:\n%s", m.Text)
	}
	h.quiet(ivan.ID, ivan, "/help")
	h.quiet(ivan.ID, ivan, "/latest")
	// Another user is not limited.
	h.say(john.ID, john, "/help", 1)
}

func TestIgnoredUpdates(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddUpdate(map[string]any{"edited_message": map[string]any{"message_id": 1, "date": time.Now().Unix(),
		"chat": map[string]any{"id": john.ID, "type": "private"}, "from": map[string]any{"id": john.ID, "first_name": "John"}, "text": "/latest"}})
	h.srv.AddUpdate(map[string]any{"inline_query": map[string]any{"id": "1", "from": map[string]any{"id": john.ID, "first_name": "John"}, "query": "x", "offset": ""}})
	h.srv.AddUpdate(map[string]any{"channel_post": map[string]any{"message_id": 2, "date": time.Now().Unix(),
		"chat": map[string]any{"id": channelID, "type": "channel"}, "text": "/latest"}})
	h.settle()
	for _, c := range h.srv.Calls() {
		if c.Method != "getUpdates" && c.Method != "getMe" && c.Method != "setMyCommands" && c.Method != "deleteWebhook" {
			t.Errorf("an ignored update made the bot call %s", c.Method)
		}
	}
}

func TestCommandMenus(t *testing.T) {
	h := start(t, setup{})
	if !h.srv.Await(wait, func() bool { return len(h.srv.Commands("chat", mod.ID, "")) > 0 }) {
		t.Fatal("the menus were not set")
	}
	tests := []struct {
		scope     string
		chat      int64
		lang      string
		latest    string
		moderator bool
	}{
		{"default", 0, "ro", "cele mai noi articole, opțional dintr-o secțiune", false},
		{"default", 0, "ru", "", false},
		{"default", 0, "en", "newest articles, optionally of one section", false},
		{"default", 0, "", "cele mai noi articole, opțional dintr-o secțiune", false},
		{"chat", mod.ID, "en", "newest articles, optionally of one section", true},
	}
	for _, tt := range tests {
		t.Run(tt.scope+"/"+tt.lang, func(t *testing.T) {
			cmds := h.srv.Commands(tt.scope, tt.chat, tt.lang)
			var names []string
			got := map[string]string{}
			for _, c := range cmds {
				names = append(names, c.Command)
				got[c.Command] = c.Description
			}
			if got["latest"] == "" || (tt.latest != "" && got["latest"] != tt.latest) {
				t.Errorf("latest: %q, want %q", got["latest"], tt.latest)
			}
			if _, ok := got["breaking"]; ok != tt.moderator {
				t.Errorf("commands %v: breaking listed %v, want %v", names, ok, tt.moderator)
			}
		})
	}
	if ru, en := h.srv.Commands("default", 0, "ru"), h.srv.Commands("default", 0, "en"); ru[0].Description == en[0].Description {
		t.Errorf("the Russian menu is not translated: %q", ru[0].Description)
	}
}

// TestGroupUpgradeMovesSubscriptions upgrades a subscribed group to a
// supergroup: the service messages move its subscriptions and settings to
// the new chat ID, and the old ID keeps no subscriptions.
func TestGroupUpgradeMovesSubscriptions(t *testing.T) {
	h := start(t, setup{})
	const old, super = -4001, -1004001
	h.srv.AddChat(telegramtest.Chat{ID: old, Type: "group", Title: "Fans", Admins: []int64{admin.ID}})
	h.say(old, admin, "/subscribe politics", 1)
	h.say(old, admin, "/lang ru", 1)
	h.srv.Migrate(old, super, admin)
	h.settle()
	ctx := context.Background()
	if lang, err := h.engine.Chats().Lang(ctx, ref(super)); err != nil || lang != "ru" {
		t.Errorf("the supergroup's alert language is %q (%v), want the group's ru", lang, err)
	}
	m := h.say(super, admin, "/subscriptions", 1)[0]
	if !strings.Contains(m.Text, "Политика") {
		t.Errorf("the supergroup's subscriptions:\n%s", m.Text)
	}
	r := h.engine.Handle(ctx, core.Request{Platform: telegram.Platform, User: core.User{ID: "1"},
		Chat: core.Chat{ID: ref(old).ID, Kind: core.ChatGroup}, Text: "/subscriptions"})
	if none := h.engine.Catalog().T(r.Lang, "subscriptions_none", nil); len(r.Text) != 1 || r.Text[0] != none {
		t.Errorf("the old group still has subscriptions:\n%s", strings.Join(r.Text, "\n"))
	}
	if !strings.Contains(h.logs.String(), "group upgraded to a supergroup") {
		t.Error("the upgrade was not logged")
	}
}
