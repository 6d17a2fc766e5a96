package core_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push/pushtest"
	"github.com/newsbot/newsbot/store/memory"
)

var now = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

func fixture() []content.Article { return pushtest.Fixture(now) }

func all(r core.Reply) string { return pushtest.Dump(r) }

type harness struct {
	t     *testing.T
	e     *core.Engine
	store *memory.Store
	cat   *locales.Catalog
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	for _, a := range fixture() {
		if _, err := st.SaveArticle(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	// The engine as the bot builds it: with the push side's commands, so
	// that help and the moderator checks cover every command.
	e := pushtest.New(t, st, cat, pushtest.Options{Now: func() time.Time { return now }}).Engine
	return &harness{t: t, e: e, store: st, cat: cat}
}

// private is a request from user u in their private chat.
func private(u, locale, text string) core.Request {
	return core.Request{Platform: "test", User: core.User{ID: u, Locale: locale}, Chat: core.Chat{ID: u, Kind: core.ChatPrivate}, Text: text}
}

func group(u string, admin bool, text string) core.Request {
	return core.Request{Platform: "test", User: core.User{ID: u}, Chat: core.Chat{ID: "-100", Kind: core.ChatGroup, CanManage: admin}, Text: text}
}

func (h *harness) do(req core.Request) core.Reply {
	h.t.Helper()
	return h.e.Handle(context.Background(), req)
}

func TestCommandsInEveryLanguage(t *testing.T) {
	for _, lang := range []string{"ro", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t)
			T := func(key string, args map[string]any) string { return h.cat.T(lang, key, args) }
			tests := []struct {
				name, text string
				want       []string
				code       core.Code
			}{
				{"start", "/start", []string{T("start_title", nil), "/latest", T("cmd_latest", nil)}, ""},
				{"help", "/help", []string{T("help_title", nil), "/subscribe " + T("args_subscribe", nil)}, ""},
				{"help hides moderator commands", "/help", nil, ""},
				{"latest", "/latest", []string{T("latest_title", nil), "w1" + lang, "p1" + lang, T("button_more", nil)}, ""},
				{"latest section by id", "/latest economy", []string{T("latest_title_section", map[string]any{"Section": T("section_economy", nil)}), "w1" + lang}, ""},
				{"latest n", "/latest politics 2", []string{"p1" + lang, "p2" + lang}, ""},
				{"latest n too big", "/latest 21", []string{T("err_latest_count", map[string]any{"Max": 20})}, core.CodeInvalid},
				{"latest n zero", "/latest 0", []string{T("err_latest_count", map[string]any{"Max": 20})}, core.CodeInvalid},
				{"latest unknown section", "/latest nowhere", []string{T("err_unknown_section", map[string]any{"Section": "nowhere"})}, core.CodeInvalid},
				{"read", "/read w1" + lang, []string{"w1", T("section_economy", nil), "https://newsbot.example/" + lang}, ""},
				{"read shortcut", "/read_w1" + lang, []string{"https://newsbot.example/" + lang}, ""},
				{"read missing id", "/read", []string{T("err_read_id", nil)}, core.CodeInvalid},
				{"read unknown", "/read zz9", []string{T("err_article_not_found", map[string]any{"ID": "zz9"})}, core.CodeNotFound},
				{"read bad id", "/read <b>x</b>", []string{T("err_read_bad_id", map[string]any{"ID": "<b>x</b>"})}, core.CodeInvalid},
				{"read path", "/read ../../etc/passwd", []string{T("err_read_bad_id", map[string]any{"ID": "../../etc/passwd"})}, core.CodeInvalid},
				{"read extra words", "/read w1" + lang + " extra words", []string{T("err_read_extra", map[string]any{"ID": "w1" + lang, "Extra": "extra words"})}, core.CodeInvalid},
				{"read shortcut without id", "/read_", []string{T("err_read_id", nil)}, core.CodeInvalid},
				{"search empty", "/search", []string{T("err_search_empty", nil)}, core.CodeInvalid},
				{"search punctuation", "/search ?!", []string{T("err_search_empty", nil)}, core.CodeInvalid},
				{"search nothing", "/search zzzzqqq", []string{T("search_none", map[string]any{"Query": "zzzzqqq"})}, ""},
				{"sections", "/sections", []string{T("sections_title", nil), T("section_international", nil), T("section_breaking", nil)}, ""},
				{"subscriptions none", "/subscriptions", []string{T("subscriptions_none", nil)}, ""},
				{"subscribe missing", "/subscribe", []string{T("err_section_missing", nil)}, core.CodeInvalid},
				{"subscribe unknown", "/subscribe nowhere", []string{T("err_unknown_section", map[string]any{"Section": "nowhere"})}, core.CodeInvalid},
				{"unsubscribe not subscribed", "/unsubscribe politics", []string{T("not_subscribed", map[string]any{"Section": T("section_politics", nil)})}, ""},
				{"lang list", "/lang", []string{T("lang_title", nil), "Română", "Русский", "English"}, ""},
				{"lang unknown", "/lang klingon", []string{T("err_unknown_lang", map[string]any{"Lang": "klingon", "Choices": "ro, ru, en"})}, core.CodeInvalid},
				{"breaking not moderator", "/breaking Fire in the city", []string{T("err_moderators_only", nil)}, core.CodeForbidden},
				{"unknown command", "/frobnicate", []string{T("err_unknown_command", map[string]any{"Command": "/frobnicate"}), T("see_help", nil)}, core.CodeInvalid},
				{"too long", "/search " + strings.Repeat("a", core.MaxInputRunes), []string{T("err_too_long", map[string]any{"Max": core.MaxInputRunes})}, core.CodeInvalid},
				{"search too long", "/search " + strings.Repeat("ab ", 100), []string{T("err_search_too_long", map[string]any{"Max": core.MaxQueryRunes})}, core.CodeInvalid},
				{"empty", "   ", []string{T("err_empty", nil)}, core.CodeInvalid},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					r := h.do(private("u-"+lang, lang, tt.text))
					if r.Empty() {
						t.Fatalf("%q: empty reply", tt.text)
					}
					if r.Lang != lang {
						t.Errorf("%q: reply language %q, want %q", tt.text, r.Lang, lang)
					}
					if r.Error != tt.code {
						t.Errorf("%q: error code %q, want %q\n%s", tt.text, r.Error, tt.code, all(r))
					}
					got := all(r)
					for _, w := range tt.want {
						if !strings.Contains(got, w) {
							t.Errorf("%q: reply lacks %q:\n%s", tt.text, w, got)
						}
					}
					if strings.Contains(got, "<no value>") || strings.Contains(got, "err_") || strings.Contains(got, "section_") {
						t.Errorf("%q: untranslated text in reply:\n%s", tt.text, got)
					}
				})
			}
		})
	}
}

func TestLanguageChoice(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name, locale string
		want         string
	}{
		{"platform locale ru-RU", "ru-RU", "ru"},
		{"platform locale en-GB", "en-GB", "en"},
		{"unknown locale falls back to default", "de-DE", "ro"},
		{"no locale", "", "ro"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := h.do(private("lc-"+tt.name, tt.locale, "/help")); r.Lang != tt.want {
				t.Errorf("locale %q: reply in %q, want %q", tt.locale, r.Lang, tt.want)
			}
		})
	}
	t.Run("explicit choice wins over locale", func(t *testing.T) {
		r := h.do(private("chooser", "en-US", "/lang ru"))
		if r.Lang != "ru" || !strings.Contains(all(r), "Русский") {
			t.Fatalf("/lang ru: %s", all(r))
		}
		if r := h.do(private("chooser", "en-US", "/latest")); r.Lang != "ru" || !strings.Contains(all(r), "w1ru") {
			t.Errorf("after /lang ru: reply in %q:\n%s", r.Lang, all(r))
		}
		lang, err := h.e.Chats().Lang(context.Background(), core.ChatRef{Platform: "test", ID: "chooser"})
		if err != nil || lang != "ru" {
			t.Errorf("private chat alert language = %q, %v; want ru", lang, err)
		}
	})
	t.Run("lang by name and button", func(t *testing.T) {
		if r := h.do(private("byname", "", "/lang english")); r.Lang != "en" {
			t.Errorf("/lang english: %q", r.Lang)
		}
		req := private("byname", "", "")
		req.Button = "g|ru"
		if r := h.do(req); r.Lang != "ru" {
			t.Errorf("language button: %q", r.Lang)
		}
	})
	t.Run("group member sets only own language", func(t *testing.T) {
		h.do(group("admin", true, "/lang en"))
		r := h.do(group("member", false, "/lang ru"))
		if r.Lang != "ru" || !strings.Contains(all(r), "остаются на английском языке") {
			t.Errorf("member /lang ru:\n%s", all(r))
		}
		lang, _ := h.e.Chats().Lang(context.Background(), core.ChatRef{Platform: "test", ID: "-100"})
		if lang != "en" {
			t.Errorf("group alert language = %q, want en", lang)
		}
	})
}

func TestSubscriptions(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t)
	chat := core.ChatRef{Platform: "test", ID: "subs"}
	sections := func() string {
		s, err := h.store.ChatSections(ctx, chat)
		if err != nil {
			t.Fatal(err)
		}
		return strings.Join(s, ",")
	}
	steps := []struct {
		locale, text string
		want         string // chat sections after the step
		says         string
	}{
		{"en", "/subscribe international", "breaking,international", "Breaking news comes too"},
		{"ro", "/subscribe Internațional", "breaking,international", "deja"},
		{"ru", "/subscribe международные", "breaking,international", "уже"},
		{"ro", "/subscribe POLITICA", "breaking,international,politics", "Politică"},
		{"en", "/unsubscribe breaking", "international,politics", "No more alerts from Breaking news"},
		{"en", "/unsubscribe politics", "international", "No more alerts from Politics"},
		{"en", "/subscribe politics", "international,politics", "Politics"},
		{"en", "/subscribe culture", "culture,international,politics", "Culture"},
		{"en", "/subscriptions", "culture,international,politics", "3 sections"},
		{"en", "/subscribe breaking", "breaking,culture,international,politics", "Breaking news"},
		{"ru", "/unsubscribe все", "", "Отключены 4 раздела"},
		{"en", "/subscriptions", "", "no alerts yet"},
	}
	for _, s := range steps {
		r := h.do(private("subs", s.locale, s.text))
		if got := sections(); got != s.want {
			t.Errorf("after %q: sections %q, want %q", s.text, got, s.want)
		}
		if !strings.Contains(all(r), s.says) {
			t.Errorf("%q: reply lacks %q:\n%s", s.text, s.says, all(r))
		}
	}
}

func TestGroupPermissions(t *testing.T) {
	h := newHarness(t)
	r := h.do(group("member", false, "/subscribe politics"))
	if r.Error != core.CodeForbidden {
		t.Errorf("member /subscribe: code %q", r.Error)
	}
	req := group("member", false, "")
	req.Button = "t|politics"
	if r := h.do(req); r.Error != core.CodeForbidden {
		t.Errorf("member toggle button: code %q", r.Error)
	}
	if r := h.do(group("admin", true, "/subscribe politics")); r.Error != "" {
		t.Errorf("admin /subscribe: %s", all(r))
	}
	if r := h.do(group("member", false, "/sections")); len(r.Buttons) != 0 {
		t.Errorf("member sees toggle buttons")
	}
	if r := h.do(group("member", false, "hello everyone")); !r.Empty() {
		t.Errorf("plain talk in a group got a reply: %s", all(r))
	}
}

func TestSectionsToggle(t *testing.T) {
	h := newHarness(t)
	req := private("toggler", "en", "")
	req.Button = "t|sport"
	r := h.do(req)
	if !r.Edit || !strings.Contains(all(r), "✅ Sport") || !strings.Contains(r.Notice, "Sport") {
		t.Fatalf("toggle on: %s", all(r))
	}
	// The first section brings breaking news along: the button says so, as
	// /subscribe does.
	if !strings.Contains(r.Notice, "/unsubscribe breaking") {
		t.Errorf("toggle on keeps breaking news quiet: %q", r.Notice)
	}
	// What the chat follows is offered to leave, the rest to join.
	if !strings.Contains(all(r), "Sport — /unsubscribe sport") || !strings.Contains(all(r), "Culture — /subscribe culture") {
		t.Errorf("sections offer the wrong commands: %s", all(r))
	}
	r = h.do(req)
	if strings.Contains(all(r), "✅ Sport") || !strings.Contains(r.Notice, "No more alerts") {
		t.Fatalf("toggle off: %s", all(r))
	}
}

func TestLatestPaging(t *testing.T) {
	h := newHarness(t)
	r := h.do(private("pager", "en", "/latest politics 3"))
	if len(r.Items) != 3 || len(r.Buttons) != 1 {
		t.Fatalf("first page: %s", all(r))
	}
	seen := map[string]bool{}
	for page := 0; len(r.Buttons) > 0; page++ {
		for _, it := range r.Items {
			if seen[it.ArticleID] {
				t.Fatalf("article %s twice", it.ArticleID)
			}
			seen[it.ArticleID] = true
		}
		btn := r.Buttons[0][0]
		if len(btn.Data) > core.MaxButtonPayload {
			t.Fatalf("button data %q longer than %d", btn.Data, core.MaxButtonPayload)
		}
		req := private("pager", "en", "")
		req.Button = btn.Data
		r = h.do(req)
		if !r.Edit {
			t.Errorf("page %d: not an edit", page+1)
		}
	}
	for _, it := range r.Items {
		seen[it.ArticleID] = true
	}
	if len(seen) != 8 {
		t.Errorf("paged through %d politics articles, want 8", len(seen))
	}
}

func TestReadEditions(t *testing.T) {
	h := newHarness(t)
	r := h.do(private("reader", "en", "/read w1en"))
	if r.Card == nil || len(r.Card.Editions) != 2 || r.Card.Editions[0].Lang != "ro" || r.Card.Editions[1].Lang != "ru" {
		t.Fatalf("w1en editions: %s", all(r))
	}
	if !strings.Contains(r.Card.Byline, "Ana Rusu") || !strings.Contains(r.Card.Byline, "John Smith") {
		t.Errorf("byline %q", r.Card.Byline)
	}
	r = h.do(private("reader", "ru", "/read t1ro"))
	want := "У этой новости пока нет версии на русском языке; вот версия на румынском."
	if !strings.Contains(all(r), want) {
		t.Errorf("no ru edition: reply lacks %q:\n%s", want, all(r))
	}
	if r := h.do(private("reader", "en", "/read W1EN")); r.Card == nil {
		t.Errorf("upper-case ID not found: %s", all(r))
	}
}

func TestSearch(t *testing.T) {
	h := newHarness(t)
	r := h.do(private("searcher", "ro", "/search vin"))
	if len(r.Items) == 0 || r.Items[0].ArticleID != "w1ro" {
		t.Fatalf("/search vin: %s", all(r))
	}
	if !strings.ContainsRune(r.Items[0].Snippet, core.MarkStart) {
		t.Errorf("snippet without marks: %q", r.Items[0].Snippet)
	}
	r = h.do(private("searcher", "en", "festivalul chisinau"))
	if len(r.Items) != 1 || r.Items[0].ArticleID != "t1ro" || !strings.Contains(all(r), "Nothing in English") {
		t.Errorf("plain text search in other editions: %s", all(r))
	}
	r = h.do(private("searcher", "en", "/search politics"))
	if len(r.Buttons) != 1 {
		t.Fatalf("want a more button: %s", all(r))
	}
	req := private("searcher", "en", "")
	req.Button = r.Buttons[0][0].Data
	r2 := h.do(req)
	if !r2.Edit || len(r2.Items) != 3 || r2.Items[0].ArticleID == r.Items[0].ArticleID {
		t.Errorf("second page: %s", all(r2))
	}
	req.Button = "q|nosuchkey|5"
	if r := h.do(req); r.Error != core.CodeInvalid {
		t.Errorf("expired search: %s", all(r))
	}
}

func TestStaleButtons(t *testing.T) {
	h := newHarness(t)
	for _, data := range []string{"", "x", "l|", "l|nowhere|0|5", "l||-1|5", "l||0|99", "t|nowhere", "g|xx", "q|", "|||"} {
		req := private("stale", "en", "")
		req.Button = data
		if data == "" {
			req.Text = "/help"
		}
		r := h.do(req)
		if r.Empty() {
			t.Errorf("button %q: empty reply", data)
		}
		if data != "" && r.Error == "" {
			t.Errorf("button %q: no error: %s", data, all(r))
		}
	}
}

func TestModerators(t *testing.T) {
	h := newHarness(t)
	req := private("mod", "en", "/breaking")
	req.User.Moderator = true
	if r := h.do(req); r.Error != core.CodeInvalid {
		t.Errorf("moderator /breaking with no text: %s", all(r))
	}
	req.Text = "/help"
	if r := h.do(req); !strings.Contains(all(r), "/breaking") {
		t.Errorf("moderator help lacks /breaking")
	}
}

func TestTimes(t *testing.T) {
	h := newHarness(t)
	r := h.do(private("timer", "ru", "/latest culture"))
	if len(r.Items) != 1 {
		// t1ro is only in Romanian: a Russian reader sees none.
		if !strings.Contains(all(r), "Здесь пока нет новостей") {
			t.Errorf("ru culture: %s", all(r))
		}
	}
	r = h.do(private("timer", "ro", "/latest culture"))
	if len(r.Items) != 1 || r.Items[0].Time != "acum 30 de minute" {
		t.Errorf("ro time: %s", all(r))
	}
	r = h.do(private("timer", "ru", "/latest economy"))
	if len(r.Items) != 1 || r.Items[0].Time != "2 часа назад" {
		t.Errorf("ru time: %s", all(r))
	}
	r = h.do(private("timer", "en", "/latest politics 1"))
	if len(r.Items) != 1 || r.Items[0].Time != "28 Nov 2026, 12:00" {
		t.Errorf("en date: %s", all(r))
	}
}

func TestConcurrentHandle(t *testing.T) {
	h := newHarness(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := fmt.Sprintf("c%d", i)
			for _, text := range []string{"/latest", "/subscribe politics", "/lang ru", "/search вино", "/sections", "/unsubscribe all"} {
				if r := h.do(private(u, "", text)); r.Empty() {
					t.Errorf("%s %q: empty", u, text)
				}
			}
		}()
	}
	wg.Wait()
}

// failingStore answers every call with an outage, like Redis being down.
type failingStore struct{ *memory.Store }

func (failingStore) FindArticles(context.Context, core.ArticleFilter) ([]content.Article, error) {
	return nil, fmt.Errorf("dial tcp 127.0.0.1:6379: connection refused")
}

func (failingStore) Subscribe(context.Context, core.ChatRef, ...string) ([]string, error) {
	return nil, fmt.Errorf("i/o timeout")
}

func TestOutage(t *testing.T) {
	cat, _ := locales.Load(locales.FS(), "ro", "ru", "en")
	e, err := core.NewEngine(core.Config{}, core.Deps{Store: failingStore{memory.New()}, Catalog: cat})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"/latest", "/subscribe politics"} {
		r := e.Handle(context.Background(), private("o", "en", text))
		if r.Error != core.CodeUnavailable || !strings.Contains(all(r), "temporarily unavailable") || strings.Contains(all(r), "6379") {
			t.Errorf("%q during outage: %s", text, all(r))
		}
	}
}

func TestLink(t *testing.T) {
	h := newHarness(t)
	cat, _ := locales.Load(locales.FS(), "ro", "ru", "en")
	var got []string
	linker := core.LinkerFunc(func(ctx context.Context, a, b string) error {
		if a == b {
			return core.Errorf(core.CodeInvalid, "err_link_same", map[string]any{"id": a})
		}
		if a == "nope" || b == "nope" {
			return core.ErrNotFound
		}
		if b == "p1en" {
			return core.Errorf(core.CodeInvalid, "err_link_lang", map[string]any{"lang": "en"})
		}
		got = append(got, a, b)
		return nil
	})
	e, err := core.NewEngine(core.Config{DefaultLang: "en"}, core.Deps{Store: h.store, Catalog: cat, Linker: linker})
	if err != nil {
		t.Fatal(err)
	}
	mod := func(text string) core.Reply {
		req := private("m", "en", text)
		req.User.Moderator = true
		return e.Handle(context.Background(), req)
	}
	if r := mod("/link W1RO t1ro"); r.Error != "" || !strings.Contains(all(r), "w1ro and t1ro") || strings.Join(got, ",") != "w1ro,t1ro" {
		t.Errorf("/link: %v %s", got, all(r))
	}
	for text, code := range map[string]core.Code{"/link w1ro": core.CodeInvalid, "/link w1ro w1ro": core.CodeInvalid, "/link w1ro nope": core.CodeNotFound} {
		if r := mod(text); r.Error != code {
			t.Errorf("%q: code %q, want %q: %s", text, r.Error, code, all(r))
		}
	}
	got = nil
	r := mod("/link w1ru w1ro")
	if r.Error != "" || !strings.Contains(all(r), "were already editions of one story") || got != nil {
		t.Errorf("/link of two editions of one story: linked %v: %s", got, all(r))
	}
	// The editions come in the configured order of their languages.
	if ro, ru, en := strings.Index(all(r), "Română: "), strings.Index(all(r), "Русский: "), strings.Index(all(r), "English: "); ro < 0 || !(ro < ru && ru < en) {
		t.Errorf("editions out of order (ro, ru, en): %s", all(r))
	}
	if r := mod("/link w1en p1en"); !strings.Contains(all(r), "two English editions") {
		t.Errorf("language named by code: %s", all(r))
	}
	if r := e.Handle(context.Background(), private("u", "en", "/link w1ro t1ro")); r.Error != core.CodeForbidden {
		t.Errorf("non-moderator /link: %s", all(r))
	}
	if r := h.do(func() core.Request { q := private("m", "en", "/link a b"); q.User.Moderator = true; return q }()); r.Error != core.CodeUnavailable {
		t.Errorf("/link without a linker: %s", all(r))
	}
}

// markTranslator is a Translator for tests: it marks the text with the target language.
type markTranslator struct{ calls int }

func (u *markTranslator) Translate(_ context.Context, text, from, to string) (string, error) {
	u.calls++
	return "[" + from + ">" + to + "] " + text, nil
}

func TestReadTranslatedSummary(t *testing.T) {
	h := newHarness(t)
	tr := &markTranslator{}
	e, err := core.NewEngine(core.Config{DefaultLang: "ro"}, core.Deps{Store: h.store, Catalog: h.cat, Translator: tr, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		r := e.Handle(context.Background(), private("tr", "en", "/read t1ro"))
		if r.Card == nil || !strings.HasPrefix(r.Card.Summary, "[ro>en] ") || !strings.Contains(all(r), "machine translation of the Romanian one") {
			t.Fatalf("translated summary: %s", all(r))
		}
	}
	if tr.calls != 1 {
		t.Errorf("translated %d times, want 1 (cached)", tr.calls)
	}
	// An edition in the reader's language exists: nothing is translated.
	if r := e.Handle(context.Background(), private("tr", "en", "/read w1ro")); strings.Contains(r.Card.Summary, "[ro>en]") {
		t.Errorf("translated although an English edition exists: %s", all(r))
	}
}

func TestSubscribeSetsAlertLanguage(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.do(private("ruuser", "ru-RU", "/subscribe sport"))
	if lang, _ := h.e.Chats().Lang(ctx, core.ChatRef{Platform: "test", ID: "ruuser"}); lang != "ru" {
		t.Errorf("a chat subscribed by a Russian reader gets alerts in %q", lang)
	}
	// A chat that chose its language keeps it.
	h.do(group("admin", true, "/lang en"))
	h.do(func() core.Request { r := group("admin", true, "/subscribe sport"); r.User.Locale = "ro"; return r }())
	if lang, _ := h.e.Chats().Lang(ctx, core.ChatRef{Platform: "test", ID: "-100"}); lang != "en" {
		t.Errorf("group language changed to %q by a subscription", lang)
	}
	// A chat with a locale of its own (a Discord server's) gets alerts in
	// it, whoever subscribes it first; the answer stays in theirs.
	r := group("admin2", true, "/subscribe sport")
	r.Chat.ID, r.Chat.Locale, r.User.Locale = "-200", "ro", "ru-RU"
	if got := h.do(r); got.Lang != "ru" {
		t.Errorf("the answer is in %q, want the subscriber's ru", got.Lang)
	}
	if lang, _ := h.e.Chats().Lang(ctx, core.ChatRef{Platform: "test", ID: "-200"}); lang != "ro" {
		t.Errorf("a chat of locale ro gets alerts in %q", lang)
	}
}

func TestArgumentEdges(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		locale, text string
		code         core.Code
		says         string
	}{
		{"en", "/latest 99999999999999999999", core.CodeInvalid, "between 1 and 20"},
		{"en", "/latest -1", core.CodeInvalid, "between 1 and 20"},
		{"en", "/latest 1.5", core.CodeInvalid, "between 1 and 20"},
		{"en", "/latest 1 2", core.CodeInvalid, "between 1 and 20"},
		{"en", "/latest ２", "", "Latest news"},
		{"en", "/subscribe ｓｐｏｒｔ", "", "Sport"},
		{"ru", "/unsubscribe toate", "", "пока не получает оповещений"},
		{"en", "/unsubscribe все", "", "Unsubscribed from 2 sections"},
		{"ro", "/unsubscribe ALL", "", "nu primește încă alerte"},
	}
	for _, tt := range tests {
		r := h.do(private("edges-"+tt.locale, tt.locale, tt.text))
		if r.Error != tt.code || !strings.Contains(all(r), tt.says) {
			t.Errorf("%q: code %q, reply:\n%s\nwant code %q and %q", tt.text, r.Error, all(r), tt.code, tt.says)
		}
	}
}
