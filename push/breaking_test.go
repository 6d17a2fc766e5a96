package push_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/push"
	"github.com/newsbot/newsbot/store/memory"
)

// recorder is a core.Broadcaster that records what it is asked to start.
type recorder struct {
	mu      sync.Mutex
	sup     map[string]core.Broadcast // the latest correction or the retraction, by target
	started []core.Broadcast
	status  map[string]core.BroadcastStatus
	fail    int // how many Starts fail before they work again
	calls   int // Starts asked for, failed or not
}

var errStart = errors.New("broadcaster down")

func (r *recorder) Start(_ context.Context, b core.Broadcast) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls++
	if r.fail > 0 {
		r.fail--
		return errStart
	}
	if _, ok := r.status[b.ID]; ok {
		return nil
	}
	if (b.Kind == core.BroadcastCorrect || b.Kind == core.BroadcastRetract) && r.sup[b.Target].Kind != core.BroadcastRetract {
		r.sup[b.Target] = b
	}
	r.started = append(r.started, b)
	r.status[b.ID] = core.BroadcastStatus{Broadcast: b, Listed: true, Total: 3, Sent: 3}
	return nil
}

func (r *recorder) Status(_ context.Context, id string) (core.BroadcastStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	st, ok := r.status[id]
	if !ok {
		return st, core.ErrNotFound
	}
	return st, nil
}

func (r *recorder) Recent(_ context.Context, n int) ([]core.BroadcastStatus, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []core.BroadcastStatus
	for i := len(r.started) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, r.status[r.started[i].ID])
	}
	return out, nil
}

func (r *recorder) Superseded(_ context.Context, id string) (string, core.BroadcastKind, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	b := r.sup[id]
	return b.ID, b.Kind, nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.started)
}

func (r *recorder) failNext(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = n
}

// upper is a Translator that marks its output.
type upper struct{ fail bool }

func (u upper) Translate(_ context.Context, text, from, to string) (string, error) {
	if u.fail {
		return "", errors.New("translator down")
	}
	return "[" + from + "→" + to + "] " + text, nil
}

type bcHarness struct {
	*harness
	rec   *recorder
	clock time.Time
	mu    sync.Mutex
}

func newBCHarness(t *testing.T, tr core.Translator) *bcHarness {
	t.Helper()
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	ctx := context.Background()
	for _, a := range fixture() {
		if _, err := st.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ platform, id, lang string }{{"telegram", "1", "ro"}, {"telegram", "2", "ru"}, {"discord", "3", "en"}} {
		ref := core.ChatRef{Platform: c.platform, ID: c.id}
		if _, err := st.Subscribe(ctx, ref, content.Breaking, "economy"); err != nil {
			t.Fatal(err)
		}
		if err := st.SaveChatSettings(ctx, ref, core.ChatSettings{Lang: c.lang}); err != nil {
			t.Fatal(err)
		}
	}
	h := &bcHarness{rec: &recorder{status: map[string]core.BroadcastStatus{}, sup: map[string]core.Broadcast{}}, clock: now}
	h.harness = newHarness(t, st, cat, h.rec, tr, func() time.Time { h.mu.Lock(); defer h.mu.Unlock(); return h.clock })
	return h
}

func (h *bcHarness) advance(d time.Duration) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.clock = h.clock.Add(d)
}

func mod(text string) core.Request {
	r := private("mod", "en", text)
	r.User.Moderator, r.User.Name = true, "Mod"
	return r
}

func press(r core.Reply, i int, moderator bool) core.Request {
	req := private("mod", "en", "")
	req.User.Moderator = moderator
	req.Button = r.Buttons[0][i].Data
	req.MessageID = "42"
	return req
}

func TestBreakingPreviewAndConfirm(t *testing.T) {
	h := newBCHarness(t, nil)
	r := h.do(mod("/breaking Fire in the city centre"))
	if r.Error != "" || len(r.Buttons) != 1 || len(r.Buttons[0]) != 2 {
		t.Fatalf("preview: %s", all(r))
	}
	for _, want := range []string{"Fire in the city centre", h.cat.T("en", "bc_breaking_title", nil), h.cat.N("en", "bc_preview_reach", 3, nil),
		"Telegram: 2 chats\n· language Română: 1\n· language Русский: 1", "Discord: 1 chat\n· language English: 1", h.cat.T("en", "bc_button_confirm", nil)} {
		if !strings.Contains(all(r), want) {
			t.Errorf("preview lacks %q:\n%s", want, all(r))
		}
	}
	if h.rec.count() != 0 {
		t.Fatal("something was sent before confirmation")
	}
	t.Run("non-moderator presses confirm", func(t *testing.T) {
		got := h.do(press(r, 0, false))
		if got.Error != core.CodeForbidden || h.rec.count() != 0 {
			t.Errorf("non-moderator confirm: %s, started %d", all(got), h.rec.count())
		}
	})
	t.Run("confirm", func(t *testing.T) {
		got := h.do(press(r, 0, true))
		if got.Error != "" || !got.Edit || h.rec.count() != 1 {
			t.Fatalf("confirm: %s, started %d", all(got), h.rec.count())
		}
		b := h.rec.started[0]
		if b.Kind != core.BroadcastBreaking || b.Section != content.Breaking || b.Report == nil || b.Report.MessageID != "42" || b.By.ID != "mod" {
			t.Errorf("broadcast: %+v", b)
		}
		for _, l := range []string{"ro", "ru", "en"} {
			if m := b.Message(l); len(m.Text) != 1 || m.Text[0] != "Fire in the city centre" || m.Lang != l {
				t.Errorf("%s message: %+v", l, m)
			}
		}
	})
	t.Run("second confirm starts nothing", func(t *testing.T) {
		got := h.do(press(r, 0, true))
		if h.rec.count() != 1 || got.Notice == "" {
			t.Errorf("second confirm: %s, started %d", all(got), h.rec.count())
		}
	})
}

func TestBreakingPreviewExpiryAndCancel(t *testing.T) {
	h := newBCHarness(t, nil)
	r := h.do(mod("/breaking Storm warning"))
	h.advance(11 * time.Minute)
	if got := h.do(press(r, 0, true)); got.Error != core.CodeInvalid || !strings.Contains(all(got), h.cat.T("en", "bc_expired", nil)) || h.rec.count() != 0 {
		t.Errorf("expired confirm: %s, started %d", all(got), h.rec.count())
	}
	r = h.do(mod("/breaking Storm warning"))
	if got := h.do(press(r, 1, true)); got.Error != "" || !strings.Contains(all(got), h.cat.T("en", "bc_cancelled", nil)) {
		t.Errorf("cancel: %s", all(got))
	}
	if got := h.do(press(r, 0, true)); got.Error != core.CodeInvalid || h.rec.count() != 0 {
		t.Errorf("confirm after cancel: %s, started %d", all(got), h.rec.count())
	}
	if got := h.do(press(r, 1, false)); got.Error != core.CodeForbidden {
		t.Errorf("non-moderator cancel: %s", all(got))
	}
}

func TestBreakingLanguages(t *testing.T) {
	tests := []struct {
		name string
		tr   core.Translator
		text string
		want map[string]string
	}{
		{"every language", nil, "/breaking ro: Incendiu | ru: Пожар | en: Fire", map[string]string{"ro": "Incendiu", "ru": "Пожар", "en": "Fire"}},
		{"subset without translator", nil, "/breaking ru: Пожар | en: Fire", map[string]string{"ro": "Пожар", "ru": "Пожар", "en": "Fire"}},
		{"subset with translator", upper{}, "/breaking RU: Пожар | en: Fire", map[string]string{"ro": "[ru→ro] Пожар", "ru": "Пожар", "en": "Fire"}},
		{"translator down", upper{fail: true}, "/breaking en: Fire", map[string]string{"ro": "Fire", "ru": "Fire", "en": "Fire"}},
		{"one text in the moderator's language", upper{}, "/breaking Fire: two dead | or more", map[string]string{"ro": "[en→ro] Fire: two dead | or more", "en": "Fire: two dead | or more"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newBCHarness(t, tt.tr)
			r := h.do(mod(tt.text))
			if r.Error != "" {
				t.Fatalf("preview: %s", all(r))
			}
			h.do(press(r, 0, true))
			if h.rec.count() != 1 {
				t.Fatal("not started")
			}
			b := h.rec.started[0]
			for l, want := range tt.want {
				if got := b.Message(l).Text[0]; got != want {
					t.Errorf("%s: %q, want %q", l, got, want)
				}
			}
		})
	}
	h := newBCHarness(t, nil)
	if r := h.do(mod("/breaking ro: Incendiu | Fire")); r.Error != core.CodeInvalid {
		t.Errorf("half-prefixed texts: %s", all(r))
	}
}

func TestBreakingArticle(t *testing.T) {
	for _, ref := range []string{"w1ro", "https://newsbot.example/ro/vin"} {
		t.Run(ref, func(t *testing.T) {
			h := newBCHarness(t, nil)
			r := h.do(mod("/breaking " + ref))
			if r.Card == nil || r.Card.ArticleID != "w1en" {
				t.Fatalf("preview in en should show the English edition: %s", all(r))
			}
			h.do(press(r, 0, true))
			b := h.rec.started[0]
			for l, id := range map[string]string{"ro": "w1ro", "ru": "w1ru", "en": "w1en"} {
				if c := b.Message(l).Card; c == nil || c.ArticleID != id {
					t.Errorf("%s card: %+v", l, c)
				}
			}
		})
	}
	h := newBCHarness(t, upper{})
	r := h.do(mod("/breaking t1ro"))
	h.do(press(r, 0, true))
	m := h.rec.started[0].Message("ru")
	if m.Card == nil || m.Card.ArticleID != "t1ro" || !strings.HasPrefix(m.Card.Title, "[ro→ru]") || len(m.Text) != 1 {
		t.Errorf("ru alert of a ro-only article: %+v", m)
	}
	if r := h.do(mod("/breaking https://newsbot.example/nowhere")); r.Error != core.CodeNotFound {
		t.Errorf("unknown URL: %s", all(r))
	}
}

func TestCorrectRetractAndList(t *testing.T) {
	h := newBCHarness(t, nil)
	h.do(press(h.do(mod("/breaking Fire")), 0, true))
	id := h.rec.started[0].ID
	r := h.do(mod("/correct " + id + " Fire, corrected"))
	if r.Error != "" || !strings.Contains(all(r), "Fire, corrected") || !strings.Contains(all(r), id) {
		t.Fatalf("correct preview: %s", all(r))
	}
	h.do(press(r, 0, true))
	if c := h.rec.started[1]; c.Kind != core.BroadcastCorrect || c.Target != id || c.Message("ru").Text[0] != "Fire, corrected" {
		t.Errorf("correction: %+v", c)
	}
	h.do(press(h.do(mod("/retract "+id)), 0, true))
	if c := h.rec.started[2]; c.Kind != core.BroadcastRetract || c.Target != id {
		t.Errorf("retraction: %+v", c)
	}
	for _, tc := range []struct {
		text string
		code core.Code
	}{
		{"/retract", core.CodeInvalid},
		{"/retract bnothere", core.CodeNotFound},
		{"/retract " + h.rec.started[2].ID, core.CodeInvalid},
		{"/correct " + id, core.CodeInvalid},
	} {
		if got := h.do(mod(tc.text)); got.Error != tc.code {
			t.Errorf("%q: %s", tc.text, all(got))
		}
	}
	list := h.do(mod("/broadcasts"))
	if len(list.Text) != 3 || !strings.Contains(list.Text[2], id) || !strings.Contains(list.Text[2], "Fire") || !strings.Contains(list.Text[2], "3/3") {
		t.Errorf("/broadcasts: %s", all(list))
	}
	if got := h.do(private("u", "en", "/broadcasts")); got.Error != core.CodeForbidden {
		t.Errorf("/broadcasts by a reader: %s", all(got))
	}
}

func TestBroadcastReport(t *testing.T) {
	h := newBCHarness(t, nil)
	failed := map[string]int{"gone:blocked": 2, "transient:timeout": 1, "transient:api_502": 1, "rejected:partial_too_long": 1, "rejected:weird_new": 1, "gone:": 1}
	tests := []struct {
		name    string
		lang    string
		elapsed time.Duration
		want    []string
		not     []string
	}{
		{"ru", "ru", 62345 * time.Millisecond, []string{
			"Доставлено в 7 чатов.",
			"Ошибки (чата больше нет, причина: пользователь заблокировал бота): 2",
			"(временная ошибка, причина: истекло время ожидания): 1",
			"(временная ошибка, причина: ошибка платформы 502): 1",
			"(отклонено, причина: отправлено лишь частично: сообщение слишком длинное): 1",
			"(отклонено, причина: weird_new): 1", // an unnamed reason shows its code
			"(чата больше нет, причина: неизвестно): 1",
			"2 чата отписаны", "Заняло: 1 минута 2 секунды.",
		}, []string{"gone:", "transient:", "api_502", "1m2"}},
		{"ro hours", "ro", 2*time.Hour + 21*time.Minute + 10*time.Second, []string{
			"Eșuate (chatul nu mai există, motiv: utilizatorul a blocat botul): 2", "Durata: 2 ore 21 de minute.",
		}, []string{"gone:", "2h"}},
		{"en under a second", "en", 400 * time.Millisecond, []string{
			"Failed (rate limited, reason: too many rate-limit replies): 1", "Time taken: under a second.",
		}, []string{"retry_after", "400ms"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := maps.Clone(failed)
			if tt.lang == "en" {
				f = map[string]int{"retry_after:too_many_429": 1}
			}
			st := core.BroadcastStatus{Broadcast: core.Broadcast{ID: "b1", Confirmed: now}, Listed: true, Total: 7 + len(f), Sent: 7,
				Failed: f, Gone: 2, Finished: now.Add(tt.elapsed)}
			got := all(h.e.Renderer().BroadcastReport(tt.lang, st))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("report lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("report has the raw %q:\n%s", w, got)
				}
			}
		})
	}
	st := core.BroadcastStatus{Broadcast: core.Broadcast{ID: "b1", Confirmed: now}, Listed: true, Total: 10, Sent: 3, Failed: map[string]int{"gone:blocked": 3}}
	if r := h.e.Renderer().BroadcastReport("en", st); !strings.Contains(all(r), "remaining: 4") {
		t.Errorf("progress: %s", all(r))
	}
}

// TestFailureNames checks that every delivery class and the reasons the
// adapters and the delivery engine give have a name. Romanian and Russian
// names can't be mistaken for the codes; locales' TestComplete makes sure
// English has the same keys.
func TestFailureNames(t *testing.T) {
	h := newBCHarness(t, nil)
	classes := []core.DeliveryClass{core.DeliveryRetryAfter, core.DeliveryTransient, core.DeliveryGone, core.DeliveryMoved, core.DeliveryRejected}
	reasons := []string{"blocked", "deactivated", "kicked", "not_member", "forbidden", "chat_not_found", "no_rights", "bad_chat_id",
		"migrated", "too_long", "bad_markup", "message_not_found", "bad_request", "empty", "cannot_edit", "cannot_delete", "bad_ref",
		"not_delivered", "timeout", "network", "cancelled", "adapter_not_ready", "console_closed", "too_many_429",
		"too_many_requests", "rate_limited", "no_sender", "unknown", "no_edit", "no_delete"}
	for _, lang := range []string{"ro", "ru"} {
		for _, c := range classes {
			for _, r := range reasons {
				code := string(c) + ":" + r
				st := core.BroadcastStatus{Listed: true, Total: 1, Failed: map[string]int{code: 1}}
				if got := all(h.e.Renderer().BroadcastReport(lang, st)); strings.Contains(got, string(c)) || strings.Contains(got, r) {
					t.Errorf("%s: %s is not translated:\n%s", lang, code, got)
				}
			}
		}
	}
}

func TestBreakingUnavailable(t *testing.T) {
	b := newBCHarness(t, nil)
	h := newHarness(t, b.store, b.cat, nil, nil, nil)
	if r := h.do(mod("/breaking Fire")); r.Error != core.CodeUnavailable {
		t.Errorf("without broadcaster: %s", all(r))
	}
}

func TestAlerts(t *testing.T) {
	h := newBCHarness(t, nil)
	a := h.d.Alerts(50 * time.Millisecond)
	ctx := context.Background()
	story := []content.Article{
		{ID: "n1ro", Lang: "ro", Section: "economy", Group: "n1", Title: "Prețuri", Lead: "Lead ro", Published: now},
		{ID: "n1ru", Lang: "ru", Section: "economy", Group: "n1", Title: "Цены", Lead: "Lead ru", Published: now},
	}
	for _, art := range story {
		if _, err := h.store.SaveArticle(ctx, art); err != nil {
			t.Fatal(err)
		}
		a.ArticleAdded(ctx, art)
	}
	a.Wait()
	if h.rec.count() != 1 {
		t.Fatalf("alerts started: %d, want 1 for two editions", h.rec.count())
	}
	b := h.rec.started[0]
	if b.Kind != core.BroadcastAlert || b.Section != "economy" || b.Message("ru").Card.ArticleID != "n1ru" || b.Message("ro").Card.ArticleID != "n1ro" {
		t.Errorf("alert: %+v", b)
	}
	if en := b.Message("en"); en.Card == nil || en.Card.ArticleID != "n1ro" || len(en.Text) != 1 || !strings.Contains(en.Text[0], "English") {
		t.Errorf("en alert without an English edition: %+v", en)
	}
	// A late edition of an alerted story does not alert again.
	late := content.Article{ID: "n1en", Lang: "en", Section: "economy", Group: "n1", Title: "Prices", Published: now}
	a.ArticleAdded(ctx, late)
	a.Wait()
	if h.rec.count() != 1 {
		t.Errorf("late edition alerted again")
	}
}

func TestConfirmRetriedAfterStartFails(t *testing.T) {
	h := newBCHarness(t, nil)
	r := h.do(mod("/breaking Bridge closed"))
	h.rec.failNext(1)
	if got := h.do(press(r, 0, true)); got.Error != core.CodeUnavailable || h.rec.count() != 0 {
		t.Fatalf("confirm while the broadcaster is down: %s, started %d", all(got), h.rec.count())
	}
	// The moderator presses again: the broadcast starts this time.
	got := h.do(press(r, 0, true))
	if got.Error != "" || !got.Edit || h.rec.count() != 1 {
		t.Fatalf("second press after a failed start: %s, started %d", all(got), h.rec.count())
	}
	if got := h.do(press(r, 0, true)); h.rec.count() != 1 || !strings.Contains(all(got), h.cat.T("en", "bc_already_started", map[string]any{"ID": h.rec.started[0].ID})) {
		t.Errorf("third press: %s, started %d", all(got), h.rec.count())
	}
	if got := h.do(press(r, 1, true)); h.rec.count() != 1 || got.Notice == "" || strings.Contains(all(got), h.cat.T("en", "bc_cancelled", nil)) {
		t.Errorf("cancel after the start: %s", all(got))
	}
}

// countingStore counts the chat settings read, as a big audience's store
// would feel them.
type countingStore struct {
	*memory.Store
	mu    sync.Mutex
	reads int
}

func (c *countingStore) ChatSettings(ctx context.Context, chat core.ChatRef) (core.ChatSettings, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.Store.ChatSettings(ctx, chat)
}

func TestBreakingReachSampled(t *testing.T) {
	h := newBCHarness(t, nil)
	ctx := context.Background()
	// 2,500 chats beside the harness's three: counted in full by platform,
	// by language from a sample.
	for i := range 2500 {
		chat := core.ChatRef{Platform: "telegram", ID: fmt.Sprint(1000 + i)}
		if i >= 2400 {
			chat.Platform = "console"
		}
		if _, err := h.store.Subscribe(ctx, chat, content.Breaking); err != nil {
			t.Fatal(err)
		}
		if i%4 == 0 {
			if err := h.store.SaveChatSettings(ctx, chat, core.ChatSettings{Lang: "ru"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	st := &countingStore{Store: h.store}
	e, _ := newEngineOn(t, st, h.cat, h.rec, nil, nil)
	r := e.Handle(ctx, mod("/breaking Flood warning"))
	if r.Error != "" {
		t.Fatalf("preview: %s", all(r))
	}
	if st.reads > push.ReachSample+1 { // the moderator's own settings, and the sample
		t.Errorf("the preview read %d chats' settings, want at most %d", st.reads, push.ReachSample+1)
	}
	for _, want := range []string{
		h.cat.N("en", "bc_preview_reach", 2503, nil), "Telegram: 2402 chats", "Discord: 1 chat", "Terminal: 100 chats",
		"· language Русский: about ", "· language Română: about ", "Languages are estimated from a sample of",
	} {
		if !strings.Contains(all(r), want) {
			t.Errorf("preview lacks %q:\n%s", want, all(r))
		}
	}
	// A small audience is counted exactly, in the moderator's language.
	h2 := newBCHarness(t, nil)
	ru := mod("/breaking Пожар")
	ru.User.Locale = "ru"
	got := all(h2.do(ru))
	if !strings.Contains(got, "Telegram: 2 чата\n· язык Română: 1\n· язык Русский: 1") || strings.Contains(got, "около") {
		t.Errorf("exact preview in Russian:\n%s", got)
	}
}

func TestAlertsSurviveErrorsAndRestarts(t *testing.T) {
	ctx := context.Background()
	story := content.Article{ID: "n2ro", Lang: "ro", Section: "economy", Group: "n2", Title: "Salarii", Lead: "Lead", Published: now}
	setup := func(t *testing.T) *bcHarness {
		h := newBCHarness(t, nil)
		if _, err := h.store.SaveArticle(ctx, story); err != nil {
			t.Fatal(err)
		}
		return h
	}
	t.Run("restart during the grace period", func(t *testing.T) {
		h := setup(t)
		a := h.d.Alerts(time.Hour)
		a.ArticleAdded(ctx, story)
		a.Close() // the process stops before the alert is due
		if h.rec.count() != 0 {
			t.Fatalf("alert started before its grace period ended")
		}
		h.advance(59 * time.Minute)
		if n := h.sendDue(); n != 0 {
			t.Fatalf("alert started by the pass before it was due: %d", n)
		}
		h.advance(2 * time.Minute)
		if n := h.sendDue(); n != 1 || h.rec.count() != 1 {
			t.Fatalf("the next process's pass started %d alerts, recorded %d; want 1", n, h.rec.count())
		}
		if b := h.rec.started[0]; b.Kind != core.BroadcastAlert || b.Section != "economy" || b.Message("ro").Card.ArticleID != "n2ro" {
			t.Errorf("alert: %+v", b)
		}
		if n := h.sendDue(); n != 0 || h.rec.count() != 1 {
			t.Errorf("alert started again: %d", n)
		}
	})
	t.Run("a failed start is retried", func(t *testing.T) {
		h := setup(t)
		h.rec.failNext(1)
		a := h.d.Alerts(10 * time.Millisecond)
		defer a.Close()
		a.ArticleAdded(ctx, story)
		a.Wait()
		if h.rec.count() != 0 {
			t.Fatalf("started %d with the broadcaster down", h.rec.count())
		}
		h.advance(time.Minute)
		if n := h.sendDue(); n != 1 || h.rec.count() != 1 {
			t.Fatalf("retry: %d started, %d recorded", n, h.rec.count())
		}
		// A late edition after the alert: none again.
		a.ArticleAdded(ctx, content.Article{ID: "n2ru", Lang: "ru", Section: "economy", Group: "n2", Title: "Зарплаты", Published: now})
		a.Wait()
		h.advance(time.Hour)
		if n := h.sendDue(); n != 0 || h.rec.count() != 1 {
			t.Errorf("late edition alerted again: %d", h.rec.count())
		}
	})
	t.Run("without a digest store", func(t *testing.T) {
		h := setup(t)
		_, eDesk := newEngineOn(t, plainStore{h.store}, h.cat, h.rec, nil, nil)
		h.rec.failNext(2)
		a := eDesk.Alerts(5 * time.Millisecond)
		defer a.Close()
		a.ArticleAdded(ctx, story)
		a.Wait() // retried in memory: 5 ms, then 10 ms
		if h.rec.count() != 1 || h.rec.calls != 3 {
			t.Fatalf("started %d after %d calls; want 1 after 3", h.rec.count(), h.rec.calls)
		}
	})
	t.Run("close drops in-memory waits", func(t *testing.T) {
		h := setup(t)
		_, eDesk := newEngineOn(t, plainStore{h.store}, h.cat, h.rec, nil, nil)
		a := eDesk.Alerts(time.Hour)
		a.ArticleAdded(ctx, story)
		done := make(chan struct{})
		go func() { a.Close(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Close waited for the grace period")
		}
		a.ArticleAdded(ctx, story) // after Close: no timer
		a.Wait()
		if h.rec.count() != 0 {
			t.Errorf("started %d after Close", h.rec.count())
		}
	})
}

func TestBreakingInputErrors(t *testing.T) {
	h := newBCHarness(t, nil)
	tests := []struct {
		name, text string
		want       []string
	}{
		{"pipes only", "/breaking | |", []string{h.cat.T("en", "bc_breaking_usage", nil)}},
		{"unknown language code", "/breaking xx: text",
			[]string{h.cat.T("en", "bc_lang_unknown", map[string]any{"Code": "xx", "Codes": "ro:, ru:, en:"})}},
		{"part without a code", "/breaking ro: Scor 2 | 1",
			[]string{h.cat.T("en", "bc_texts_untagged", map[string]any{"Part": "1"})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(mod(tt.text))
			if r.Error != core.CodeInvalid || len(r.Buttons) != 0 {
				t.Fatalf("%s: %s", tt.text, all(r))
			}
			for _, w := range tt.want {
				if !strings.Contains(all(r), w) {
					t.Errorf("%s: reply lacks %q:\n%s", tt.text, w, all(r))
				}
			}
		})
	}
	if h.rec.count() != 0 {
		t.Errorf("something was started")
	}
}

// TestAlertsWithoutGrace: a grace of 0 starts a story's alert at once, from
// the first edition, and the pending alert is let go.
func TestAlertsWithoutGrace(t *testing.T) {
	h := newBCHarness(t, nil)
	a := h.d.Alerts(0)
	defer a.Close()
	ctx := context.Background()
	art := content.Article{ID: "z1ro", Lang: "ro", Section: "economy", Group: "z1", Title: "Acum", Lead: "Lead", Published: now}
	if _, err := h.store.SaveArticle(ctx, art); err != nil {
		t.Fatal(err)
	}
	a.ArticleAdded(ctx, art)
	a.Wait()
	if h.rec.count() != 1 || h.rec.started[0].Message("ro").Card.ArticleID != "z1ro" {
		t.Fatalf("alerts started: %d, want 1 at once", h.rec.count())
	}
	if due, err := h.store.DueAlerts(ctx, now.Add(time.Hour), 0); err != nil || len(due) != 0 {
		t.Errorf("pending alerts after the start: %+v, %v", due, err)
	}
}

// TestAlertsOfMergedStories: two editions that arrived as two stories and
// were then found to be one (their groups merged while both waited) make
// one alert.
func TestAlertsOfMergedStories(t *testing.T) {
	h := newBCHarness(t, nil)
	a := h.d.Alerts(time.Hour)
	defer a.Close()
	ctx := context.Background()
	ro := content.Article{ID: "m1ro", Lang: "ro", Section: "economy", Group: "gro", Title: "Podul", Lead: "Lead", Published: now}
	ru := content.Article{ID: "m1ru", Lang: "ru", Section: "economy", Group: "gru", Title: "Мост", Lead: "Lead", Published: now}
	for _, art := range []content.Article{ro, ru} {
		if _, err := h.store.SaveArticle(ctx, art); err != nil {
			t.Fatal(err)
		}
		a.ArticleAdded(ctx, art)
	}
	ru.Group = "gro" // the feeds found the two to be one story
	if _, err := h.store.SaveArticle(ctx, ru); err != nil {
		t.Fatal(err)
	}
	h.advance(2 * time.Hour)
	if _, err := h.d.SendDueDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if h.rec.count() != 1 {
		t.Fatalf("alerts started: %d, want 1 for one story", h.rec.count())
	}
	if b := h.rec.started[0]; b.Message("ru").Card.ArticleID != "m1ru" || b.Message("ro").Card.ArticleID != "m1ro" {
		t.Errorf("the alert does not carry both editions: %+v", b)
	}
}
