package discord_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/adapters/discord"
	"github.com/newsbot/newsbot/adapters/discord/discordtest"
	"github.com/newsbot/newsbot/core"
)

// answer is an interaction response's data, or a message, as sent.
type answer struct {
	Flags  int `json:"flags"`
	Embeds []struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		URL         string `json:"url"`
		Footer      *struct {
			Text string `json:"text"`
		} `json:"footer"`
		Fields []struct {
			Name  string `json:"name"`
			Value string `json:"value"`
		} `json:"fields"`
	} `json:"embeds"`
	Components []struct {
		Components []struct {
			Label    string `json:"label"`
			CustomID string `json:"custom_id"`
		} `json:"components"`
	} `json:"components"`
	Choices []struct {
		Name  string `json:"name"`
		Value any    `json:"value"`
	} `json:"choices"`
	AllowedMentions *struct {
		Parse []string `json:"parse"`
	} `json:"allowed_mentions"`
}

func parse(t *testing.T, raw json.RawMessage) answer {
	t.Helper()
	var a answer
	if len(raw) == 0 {
		return a
	}
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return a
}

// text is everything an answer shows, as one string.
func (a answer) text() string {
	var b strings.Builder
	for _, e := range a.Embeds {
		b.WriteString(e.Title + "\n" + e.Description + "\n")
		if e.Footer != nil {
			b.WriteString(e.Footer.Text + "\n")
		}
		for _, f := range e.Fields {
			b.WriteString(f.Name + ": " + f.Value + "\n")
		}
	}
	return b.String()
}

func (a answer) buttons() []string {
	var out []string
	for _, row := range a.Components {
		for _, c := range row.Components {
			out = append(out, c.CustomID)
		}
	}
	return out
}

func (a answer) private() bool { return a.Flags&64 != 0 }

// unescape undoes the markdown escaping of a rendered text.
func unescape(s string) string {
	return strings.NewReplacer(`\`, "", "\u200b", "").Replace(s)
}

// Interaction response types.
const (
	typeMessage      = 4
	typeDeferred     = 5
	typeUpdate       = 7
	typeAutocomplete = 8
)

// say sends a slash command and returns the response's type and data.
func (r *running) say(w discordtest.Where, name string, opts ...discordtest.Option) (int, answer) {
	r.t.Helper()
	id := r.srv.Command(w, name, opts...)
	cb := r.srv.WaitCallback(id)
	a := parse(r.t, cb.Data)
	if cb.Type == typeMessage || cb.Type == typeUpdate {
		if a.AllowedMentions == nil || len(a.AllowedMentions.Parse) != 0 {
			r.t.Errorf("/%s: allowed_mentions = %+v, want parse []", name, a.AllowedMentions)
		}
	}
	return cb.Type, a
}

func str(name string, v string) discordtest.Option {
	return discordtest.Option{Name: name, Type: 3, Value: v}
}

func num(name string, v int) discordtest.Option {
	return discordtest.Option{Name: name, Type: 4, Value: v}
}

// Where the conversations happen: a member who manages the channel, in a
// server channel where the bot may post; a plain member; a DM.
func manager(locale string) discordtest.Where {
	return discordtest.Where{UserID: "100", Locale: locale, GuildID: discordtest.GuildID, GuildLocale: "ro", ChannelID: discordtest.Channel,
		Perms: discordtest.PermManageChannels | discordtest.PermPost, AppPerms: discordtest.PermPost}
}

func member(locale string) discordtest.Where {
	w := manager(locale)
	w.UserID, w.Perms = "101", discordtest.PermPost
	return w
}

func dm(locale string) discordtest.Where {
	return discordtest.Where{UserID: "102", Locale: locale, ChannelID: discordtest.DMChannel}
}

func TestConversations(t *testing.T) {
	langs := []struct {
		lang, locale, article string
	}{
		{"ro", "ro", "bridge-ro"},
		{"ru", "ru", "bridge-ru"},
		{"en", "en-US", "bridge-en"},
	}
	for _, l := range langs {
		t.Run(l.lang, func(t *testing.T) {
			r := run(t, nil)
			cat := r.cat
			T := func(key string, args map[string]any) string { return cat.T(l.lang, key, args) }
			politics := r.engine.Renderer().SectionName(l.lang, "politics")

			// help: for the caller alone, in their language.
			typ, a := r.say(member(l.locale), "help")
			if typ != typeMessage || !a.private() || !strings.Contains(a.text(), T("help_title", nil)) {
				t.Fatalf("/help: type %d, %+v", typ, a)
			}
			if strings.Contains(a.text(), "/breaking") {
				t.Error("/help shows the moderators' commands to a member")
			}

			// latest: a numbered list in one public embed.
			typ, a = r.say(member(l.locale), "latest", num("count", 3))
			if typ != typeMessage || a.private() || len(a.Embeds) != 1 {
				t.Fatalf("/latest: type %d, %+v", typ, a)
			}
			for _, n := range []string{"1. **", "2. **", "3. **"} {
				if !strings.Contains(a.Embeds[0].Description, n) {
					t.Errorf("/latest lacks line %q: %s", n, a.Embeds[0].Description)
				}
			}

			// read: the card, its title linking to the article, the other
			// editions as fields.
			typ, a = r.say(member(l.locale), "read", str("article", l.article))
			if typ != typeMessage || len(a.Embeds) != 1 {
				t.Fatalf("/read: type %d, %+v", typ, a)
			}
			card := a.Embeds[0]
			if card.URL == "" || card.Title == "" || card.Footer == nil || len(card.Fields) != 2 {
				t.Errorf("/read card: %+v", card)
			}

			// subscribe by a plain member: refused, for them alone.
			typ, a = r.say(member(l.locale), "subscribe", str("section", "politics"))
			if typ != typeMessage || !a.private() || !strings.Contains(a.text(), T("err_admins_only", nil)) {
				t.Errorf("/subscribe by a member: type %d, %s", typ, a.text())
			}
			// by a manager where the bot may not embed links: the missing
			// permission is named.
			w := manager(l.locale)
			w.AppPerms = discordtest.PermViewChannel | discordtest.PermSendMessages
			typ, a = r.say(w, "subscribe", str("section", "politics"))
			if typ != typeMessage || !a.private() || !strings.Contains(a.text(), T("dc_perm_embed_links", nil)) {
				t.Errorf("/subscribe without Embed Links: type %d, %s", typ, a.text())
			}
			if subs, _ := r.store.ChatSections(context.Background(), core.ChatRef{Platform: discord.Platform, ID: discordtest.Channel}); len(subs) != 0 {
				t.Fatalf("a refused /subscribe stored %v", subs)
			}
			// by a manager where the bot may post: subscribed.
			typ, a = r.say(manager(l.locale), "subscribe", str("section", "politics"))
			if typ != typeMessage || a.private() || !strings.Contains(unescape(a.text()), T("subscribed", map[string]any{"Section": politics})) {
				t.Errorf("/subscribe: type %d, %s", typ, a.text())
			}
			subs, _ := r.store.ChatSections(context.Background(), core.ChatRef{Platform: discord.Platform, ID: discordtest.Channel})
			if !slices.Contains(subs, "politics") {
				t.Errorf("subscriptions = %v", subs)
			}
			// The channel's alerts come in the server's language.
			if lang, _ := r.engine.Chats().Lang(context.Background(), core.ChatRef{Platform: discord.Platform, ID: discordtest.Channel}); lang != "ro" {
				t.Errorf("the channel of a Romanian server gets alerts in %q", lang)
			}

			// sections, then a toggle pressed: the message changes in place.
			typ, a = r.say(manager(l.locale), "sections")
			if typ != typeMessage || !slices.Contains(a.buttons(), "t|economy") {
				t.Fatalf("/sections: type %d, buttons %v", typ, a.buttons())
			}
			id := r.srv.Press(manager(l.locale), "600000000000000001", "t|economy")
			cb := r.srv.WaitCallback(id)
			if cb.Type != typeUpdate {
				t.Fatalf("toggle: response type %d, want 7: %s", cb.Type, cb.Data)
			}
			subs, _ = r.store.ChatSections(context.Background(), core.ChatRef{Platform: discord.Platform, ID: discordtest.Channel})
			if !slices.Contains(subs, "economy") {
				t.Errorf("after the toggle: %v", subs)
			}
			// What the toggle did follows, for the presser alone.
			r.srv.Wait("the toggle's notice", func() bool { return len(r.srv.Answer(id).Followups) == 1 })
			if a := parse(t, r.srv.Answer(id).Followups[0]); !a.private() || a.text() == "" {
				t.Errorf("toggle notice: %s", r.srv.Answer(id).Followups[0])
			}
			// A foreign or expired button: explained to the presser alone.
			id = r.srv.Press(member(l.locale), "600000000000000001", "zz|nothing")
			cb = r.srv.WaitCallback(id)
			if a := parse(t, cb.Data); cb.Type != typeMessage || !a.private() {
				t.Errorf("stale button: type %d, %s", cb.Type, cb.Data)
			}

			// autocomplete: sections by their name in the user's language,
			// without accents.
			typed := []rune(core.Fold(politics))[:3]
			id = r.srv.Autocomplete(member(l.locale), "latest", discordtest.Option{Name: "section", Type: 3, Value: string(typed), Focused: true})
			cb = r.srv.WaitCallback(id)
			a = parse(t, cb.Data)
			if cb.Type != typeAutocomplete || len(a.Choices) == 0 || a.Choices[0].Name != politics || a.Choices[0].Value != "politics" {
				t.Errorf("section autocomplete for %q: type %d, %+v", string(typed), cb.Type, a.Choices)
			}
			// articles by title.
			id = r.srv.Autocomplete(member(l.locale), "read", discordtest.Option{Name: "article", Type: 3, Value: "", Focused: true})
			cb = r.srv.WaitCallback(id)
			a = parse(t, cb.Data)
			if cb.Type != typeAutocomplete || len(a.Choices) == 0 || len(a.Choices) > 25 {
				t.Errorf("article autocomplete: type %d, %+v", cb.Type, a.Choices)
			}

			// lang without a language in a server: the choices, for the
			// caller alone; a choice pressed is answered to them alone.
			typ, a = r.say(member(l.locale), "lang")
			if typ != typeMessage || !a.private() || len(a.buttons()) != 3 {
				t.Fatalf("/lang: type %d, buttons %v", typ, a.buttons())
			}
			id = r.srv.PressEphemeral(member(l.locale), "600000000000000002", a.buttons()[0])
			cb = r.srv.WaitCallback(id)
			if a := parse(t, cb.Data); (cb.Type != typeMessage && cb.Type != typeUpdate) || (cb.Type == typeMessage && !a.private()) {
				t.Errorf("language chosen: type %d, %s", cb.Type, cb.Data)
			}
			r.say(member(l.locale), "lang", str("language", l.lang)) // back to the locale's

			// lang in a DM: personal, ephemeral.
			typ, a = r.say(dm(l.locale), "lang", str("language", l.lang))
			if typ != typeMessage || !a.private() {
				t.Errorf("/lang: type %d, %+v", typ, a)
			}

			// an option value too long: explained, nothing stored.
			typ, a = r.say(dm(l.locale), "search", str("words", strings.Repeat("a", 201)))
			if typ != typeMessage || !a.private() || !strings.Contains(a.text(), "200") {
				t.Errorf("too long: type %d, %s", typ, a.text())
			}

			// a moderator command from a member: refused by core.
			typ, a = r.say(member(l.locale), "breaking", str("text", "Storm"))
			if typ != typeMessage || !a.private() || !strings.Contains(a.text(), T("err_moderators_only", nil)) {
				t.Errorf("/breaking by a member: type %d, %s", typ, a.text())
			}
		})
	}
}

func TestUnknownGuildIsRefused(t *testing.T) {
	r := run(t, func(c *discord.Config) { c.GuildID = "800000000000000099" })
	typ, a := r.say(manager("ru"), "subscribe", str("section", "politics"))
	if typ != typeMessage || !a.private() || !strings.Contains(a.text(), r.cat.T("ru", "dc_unknown_guild", nil)) {
		t.Fatalf("type %d, %s", typ, a.text())
	}
	if subs, _ := r.store.ChatSections(context.Background(), core.ChatRef{Platform: discord.Platform, ID: discordtest.Channel}); len(subs) != 0 {
		t.Fatalf("stored %v", subs)
	}
	// Commands were registered to that one server.
	if r.srv.Commands("800000000000000099") == nil || r.srv.Commands("global") != nil {
		t.Error("commands not registered to the development server only")
	}
}

func TestDeferredAnswers(t *testing.T) {
	r := run(t, func(c *discord.Config) { c.DeferAfter = -1 })
	// A public command: deferred, then the original edited.
	id := r.srv.Command(manager("en-US"), "latest", num("count", 2))
	r.srv.Wait("the edit of the original", func() bool { return len(r.srv.Answer(id).Originals) > 0 })
	ans := r.srv.Answer(id)
	if ans.Callback.Type != typeDeferred || parse(t, ans.Callback.Data).private() {
		t.Fatalf("callback %+v", ans.Callback)
	}
	if a := parse(t, ans.Originals[0]); !strings.Contains(a.Embeds[0].Description, "2. **") || a.AllowedMentions == nil {
		t.Errorf("original: %s", ans.Originals[0])
	}
	// A public command that fails: the deferred answer goes, the error
	// comes for the caller alone.
	id = r.srv.Command(manager("en-US"), "read", str("article", "no-such-article"))
	r.srv.Wait("the follow-up", func() bool { return len(r.srv.Answer(id).Followups) > 0 })
	ans = r.srv.Answer(id)
	if !ans.OriginalDeleted || !parse(t, ans.Followups[0]).private() {
		t.Errorf("error after deferring: %+v", ans)
	}
	// A personal command: deferred ephemerally.
	id = r.srv.Command(dm("ru"), "help")
	r.srv.Wait("the edit of the original", func() bool { return len(r.srv.Answer(id).Originals) > 0 })
	if ans := r.srv.Answer(id); !parse(t, ans.Callback.Data).private() {
		t.Errorf("/help deferred publicly: %s", ans.Callback.Data)
	}
}

func TestDeletedChannelStopsItsAlerts(t *testing.T) {
	r := run(t, nil)
	ref := core.ChatRef{Platform: discord.Platform, ID: discordtest.Channel}
	if typ, a := r.say(manager("en-US"), "subscribe", str("section", "sport")); typ != typeMessage || a.private() {
		t.Fatalf("/subscribe: type %d, %s", typ, a.text())
	}
	if subs, _ := r.store.ChatSections(context.Background(), ref); len(subs) == 0 {
		t.Fatal("not subscribed")
	}
	r.srv.DeleteChannel(discordtest.GuildID, discordtest.Channel)
	r.srv.Wait("the deleted channel's subscriptions to go", func() bool {
		subs, err := r.store.ChatSections(context.Background(), ref)
		return err == nil && len(subs) == 0
	})
}
