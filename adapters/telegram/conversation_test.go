package telegram_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
)

var (
	ana   = telegramtest.User{ID: 501, FirstName: "Ana", LanguageCode: "ro"}
	ivan  = telegramtest.User{ID: 502, FirstName: "Иван", LanguageCode: "ru"}
	john  = telegramtest.User{ID: 503, FirstName: "John", LanguageCode: "en-GB"}
	mod   = telegramtest.User{ID: 900, FirstName: "Moderator", LanguageCode: "en"}
	admin = telegramtest.User{ID: 601, FirstName: "Admin", LanguageCode: "en"}
)

// step is one line of a scripted private conversation.
type step struct {
	say      string
	want     []string // substrings of the reply's text, as Telegram shows it
	wantHTML []string // substrings of the reply's HTML
	buttons  bool     // the reply has an inline keyboard
}

func TestPrivateConversations(t *testing.T) {
	scripts := map[string]struct {
		user  telegramtest.User
		steps []step
	}{
		"ro": {ana, []step{
			{say: "/start", want: []string{"Bine ați venit", "/latest"}, wantHTML: []string{"<b>"}},
			{say: "/latest", want: []string{"/read_"}, wantHTML: []string{"• <b>"}, buttons: true},
			{say: "/read_heat-ro", want: []string{"Citiți pe site", "În alte limbi:"}, wantHTML: []string{`<a href="https://newsbot.example/ro/tarif-energie-termica-chisinau">`, "/read_heat_en"}},
			{say: "/read_heat_ru", want: []string{"Citiți pe site"}, wantHTML: []string{`<a href="https://newsbot.example/ru/tarif-teplo-kishinev">`}},
			{say: "/lang", want: []string{"Русский"}, buttons: true},
		}},
		"ru": {ivan, []step{
			{say: "/help", want: []string{"/latest", "/subscribe"}},
			{say: "/latest sport 2", want: []string{"/read_"}, wantHTML: []string{"<i>"}, buttons: true},
			{say: "/read_boxer_ru", want: []string{"Читать на сайте"}},
			{say: "/subscribe международные", want: []string{"оповещения"}},
			{say: "/unknown", want: []string{"/unknown"}},
		}},
		"en": {john, []step{
			{say: "/latest@newsbot_test_bot", want: []string{"Latest news", "read: /read_"}, buttons: true},
			{say: "/search heating", want: []string{"heating"}, wantHTML: []string{"<b>"}},
			{say: "/sections", want: []string{"Sections"}, buttons: true},
			{say: "/read nosuch", want: []string{"nosuch"}},
			{say: "/subscriptions", want: []string{"alerts"}},
		}},
	}
	for lang, sc := range scripts {
		t.Run(lang, func(t *testing.T) {
			h := start(t, setup{})
			for _, st := range sc.steps {
				got := h.say(sc.user.ID, sc.user, st.say, 1)
				m := got[0]
				if m.ParseMode != "HTML" {
					t.Errorf("%s: parse_mode %q, want HTML", st.say, m.ParseMode)
				}
				for _, w := range st.want {
					if !strings.Contains(m.Text, w) {
						t.Errorf("%s: reply lacks %q:\n%s", st.say, w, m.Text)
					}
				}
				for _, w := range st.wantHTML {
					if !strings.Contains(m.HTML, w) {
						t.Errorf("%s: HTML lacks %q:\n%s", st.say, w, m.HTML)
					}
				}
				if st.buttons != (len(m.Keyboard) > 0) {
					t.Errorf("%s: keyboard %v, want buttons: %v", st.say, m.Keyboard, st.buttons)
				}
			}
		})
	}
}

func TestPaginationEditsInPlace(t *testing.T) {
	h := start(t, setup{})
	first := h.say(john.ID, john, "/latest 2", 1)[0]
	if len(buttonData(first)) != 1 {
		t.Fatalf("/latest 2: buttons %v, want one \"more\"", first.Keyboard)
	}
	if !first.NoPreview {
		t.Error("a list was sent with link previews")
	}
	ans := h.press(first, john, buttonData(first)[0])
	if ans.ShowAlert {
		t.Errorf("more: answered with an alert %q", ans.Text)
	}
	if !h.srv.Await(wait, func() bool { return h.srv.Messages(john.ID)[0].Edits == 1 }) {
		t.Fatal("the list was not edited in place")
	}
	msgs := h.srv.Messages(john.ID)
	if len(msgs) != 1 {
		t.Errorf("pagination posted %d messages, want the one edited", len(msgs))
	}
	if msgs[0].Text == first.Text || !strings.Contains(msgs[0].Text, "Articles 3–4") {
		t.Errorf("page 2 is\n%s", msgs[0].Text)
	}
}

func TestSectionsToggle(t *testing.T) {
	h := start(t, setup{})
	m := h.say(ivan.ID, ivan, "/sections", 1)[0]
	data := buttonData(m)
	if !slices.Contains(data, "t|culture") {
		t.Fatalf("/sections buttons %v lack t|culture", data)
	}
	ans := h.press(m, ivan, "t|culture")
	if ans.ShowAlert || !strings.Contains(ans.Text, "Культура") {
		t.Errorf("toggle answered %+v", ans)
	}
	if !h.srv.Await(wait, func() bool { return h.srv.Messages(ivan.ID)[0].Edits == 1 }) {
		t.Fatal("the sections message was not edited")
	}
	if got := h.srv.Messages(ivan.ID)[0].Text; !strings.Contains(got, "✅ Культура") {
		t.Errorf("after the toggle:\n%s", got)
	}
	sub := h.say(ivan.ID, ivan, "/subscriptions", 1)[0]
	if !strings.Contains(sub.Text, "Культура") {
		t.Errorf("/subscriptions:\n%s", sub.Text)
	}
}

func TestStaleButtonAlerts(t *testing.T) {
	h := start(t, setup{})
	m := h.say(ana.ID, ana, "/latest 2", 1)[0]
	ans := h.press(m, ana, "l|nosuch|0|2")
	if !ans.ShowAlert || ans.Text == "" {
		t.Errorf("a stale button answered %+v, want an alert", ans)
	}
	h.settle()
	if msgs := h.srv.Messages(ana.ID); len(msgs) != 1 || msgs[0].Edits != 0 {
		t.Errorf("a stale button changed the chat: %d messages, %d edits", len(msgs), msgs[0].Edits)
	}
}
