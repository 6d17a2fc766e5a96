package push_test

import (
	"context"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// modIn is a moderator's request in their private chat, in lang.
func modIn(lang, text string) core.Request {
	r := private("mod", lang, text)
	r.User.Moderator, r.User.Name = true, "Mod"
	return r
}

// confirmed previews text as a moderator in lang and confirms it, and
// returns the preview and the broadcast started.
func (h *bcHarness) confirmed(lang, text string) (core.Reply, core.Broadcast) {
	h.t.Helper()
	r := h.do(modIn(lang, text))
	if r.Error != "" || len(r.Buttons) == 0 {
		h.t.Fatalf("%s: %s", text, all(r))
	}
	n := h.rec.count()
	if got := h.do(press(r, 0, true)); got.Error != "" || h.rec.count() != n+1 {
		h.t.Fatalf("confirming %s: %s", text, all(got))
	}
	h.rec.mu.Lock()
	defer h.rec.mu.Unlock()
	return r, h.rec.started[n]
}

func TestCorrectLanguages(t *testing.T) {
	langNames := map[string]string{"ro": "Română", "ru": "Русский", "en": "English"}
	tests := []struct {
		name     string
		tr       core.Translator
		lang     string   // the moderator's
		original string   // the /breaking argument
		corrects []string // /correct texts, confirmed in turn but the last
		want     map[string]string
		changed  []string
	}{
		{name: "plain text corrects the moderator's language only", lang: "ru",
			original: "ro: Test RO | ru: Тест RU | en: Test EN", corrects: []string{"Исправлено"},
			want: map[string]string{"ro": "Test RO", "ru": "Исправлено", "en": "Test EN"}, changed: []string{"ru"}},
		{name: "tagged texts correct their languages", lang: "en",
			original: "ro: Test RO | ru: Тест RU | en: Test EN", corrects: []string{"en: Fixed | ro: Corectat"},
			want: map[string]string{"ro": "Corectat", "ru": "Тест RU", "en": "Fixed"}, changed: []string{"ro", "en"}},
		{name: "copies follow the corrected text", lang: "en",
			original: "Fire", corrects: []string{"Fire, corrected"},
			want: map[string]string{"ro": "Fire, corrected", "ru": "Fire, corrected", "en": "Fire, corrected"}, changed: []string{"ro", "ru", "en"}},
		{name: "translations follow the corrected text", tr: upper{}, lang: "en",
			original: "en: Fire | ro: Incendiu", corrects: []string{"Big fire"},
			want: map[string]string{"ro": "Incendiu", "ru": "[en→ru] Big fire", "en": "Big fire"}, changed: []string{"ru", "en"}},
		{name: "translations of an unchanged text are kept", tr: upper{}, lang: "en",
			original: "ro: Incendiu | en: Fire", corrects: []string{"en: Big fire"},
			want: map[string]string{"ro": "Incendiu", "ru": "[ro→ru] Incendiu", "en": "Big fire"}, changed: []string{"en"}},
		{name: "a second correction builds on the first", lang: "ru",
			original: "ro: Test RO | ru: Тест RU | en: Test EN", corrects: []string{"Исправлено", "en: Fixed"},
			want: map[string]string{"ro": "Test RO", "ru": "Исправлено", "en": "Fixed"}, changed: []string{"en"}},
		{name: "an article's cards become the text", lang: "en",
			original: "w1ro", corrects: []string{"Wine fair postponed"},
			want: map[string]string{"ro": "Wine fair postponed", "ru": "Wine fair postponed", "en": "Wine fair postponed"}, changed: []string{"ro", "ru", "en"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newBCHarness(t, tt.tr)
			_, orig := h.confirmed(tt.lang, "/breaking "+tt.original)
			for _, c := range tt.corrects[:len(tt.corrects)-1] {
				h.confirmed(tt.lang, "/correct "+orig.ID+" "+c)
			}
			r, b := h.confirmed(tt.lang, "/correct "+orig.ID+" "+tt.corrects[len(tt.corrects)-1])
			if b.Kind != core.BroadcastCorrect || b.Target != orig.ID {
				t.Fatalf("correction: %+v", b)
			}
			for l, want := range tt.want {
				m := b.Message(l)
				if len(m.Text) != 1 || m.Text[0] != want || m.Title != h.cat.T(l, "bc_corrected_title", nil) {
					t.Errorf("%s: %+v, want %q", l, m, want)
				}
			}
			var changed, kept []string
			for _, l := range []string{"ro", "ru", "en"} {
				if strings.Contains(strings.Join(tt.changed, " "), l) {
					changed = append(changed, langNames[l])
				} else {
					kept = append(kept, langNames[l])
				}
			}
			T := func(key string, args map[string]any) string { return h.cat.T(tt.lang, key, args) }
			want := []string{T("bc_correct_changes", map[string]any{"Langs": strings.Join(changed, ", ")})}
			if len(kept) > 0 {
				want = append(want, T("bc_correct_kept", map[string]any{"Langs": strings.Join(kept, ", ")}))
			} else if keptHead, _, _ := strings.Cut(T("bc_correct_kept", map[string]any{"Langs": "\x00"}), "\x00"); strings.Contains(r.Footer, keptHead) {
				t.Errorf("preview says something is kept:\n%s", r.Footer)
			}
			for _, w := range want {
				if !strings.Contains(r.Footer, w) {
					t.Errorf("preview lacks %q:\n%s", w, all(r))
				}
			}
			if strings.Contains(all(r), "Română: Исправлено") || strings.Contains(all(r), "English: Исправлено") {
				t.Errorf("a plain correction overwrote other languages:\n%s", all(r))
			}
		})
	}
	t.Run("plain text hint", func(t *testing.T) {
		h := newBCHarness(t, nil)
		_, orig := h.confirmed("ru", "/breaking ro: Test RO | ru: Тест RU | en: Test EN")
		r := h.do(modIn("ru", "/correct "+orig.ID+" Исправлено"))
		if !strings.Contains(r.Footer, h.cat.T("ru", "bc_correct_plain_hint", map[string]any{"Lang": "Русский"})) {
			t.Errorf("plain correction preview lacks the hint:\n%s", all(r))
		}
		r = h.do(modIn("ru", "/correct "+orig.ID+" ru: Исправлено"))
		if strings.Contains(r.Footer, h.cat.T("ru", "bc_correct_plain_hint", map[string]any{"Lang": "Русский"})) {
			t.Errorf("tagged correction preview has the plain-text hint:\n%s", all(r))
		}
	})
	t.Run("nothing changes", func(t *testing.T) {
		h := newBCHarness(t, nil)
		_, orig := h.confirmed("en", "/breaking ro: Test RO | en: Test EN")
		r := h.do(modIn("en", "/correct "+orig.ID+" en: Test EN"))
		if r.Error != core.CodeInvalid || !strings.Contains(all(r), h.cat.T("en", "bc_correct_unchanged", map[string]any{"ID": orig.ID})) {
			t.Errorf("a correction that changes nothing: %s", all(r))
		}
	})
}

func TestRetractedStaysRetracted(t *testing.T) {
	h := newBCHarness(t, nil)
	_, orig := h.confirmed("en", "/breaking Fire")
	id := orig.ID
	pendingCorrection := h.do(mod("/correct " + id + " Fire, corrected"))
	secondRetraction := h.do(mod("/retract " + id))
	retraction, _ := h.confirmed("en", "/retract "+id)
	started := h.rec.count()
	retracted := h.cat.T("en", "bc_already_retracted", map[string]any{"ID": id})
	tests := []struct {
		name string
		req  core.Request
	}{
		{"retract again", mod("/retract " + id)},
		{"correct", mod("/correct " + id + " Fire, corrected")},
		{"in Russian", modIn("ru", "/retract "+id)},
		{"confirm a correction previewed before", press(pendingCorrection, 0, true)},
		{"confirm a retraction previewed before", press(secondRetraction, 0, true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(tt.req)
			want := retracted
			if tt.req.User.Locale == "ru" {
				want = h.cat.T("ru", "bc_already_retracted", map[string]any{"ID": id})
			}
			if r.Error != core.CodeInvalid || !strings.Contains(all(r), want) || len(r.Buttons) != 0 {
				t.Errorf("%s: %s", tt.name, all(r))
			}
		})
	}
	if h.rec.count() != started {
		t.Errorf("%d broadcasts started after the retraction", h.rec.count()-started)
	}
	// Pressing the retraction's own button again is no error.
	if r := h.do(press(retraction, 0, true)); r.Error != "" {
		t.Errorf("confirming the retraction again: %s", all(r))
	}
}

func TestCorrectionOverAnotherIsRefused(t *testing.T) {
	h := newBCHarness(t, nil)
	_, orig := h.confirmed("en", "/breaking ro: Test RO | en: Test EN")
	first := h.do(mod("/correct " + orig.ID + " en: First"))
	second := h.do(mod("/correct " + orig.ID + " ro: Al doilea"))
	if r := h.do(press(first, 0, true)); r.Error != "" {
		t.Fatalf("first correction: %s", all(r))
	}
	started := h.rec.count()
	r := h.do(press(second, 0, true))
	if r.Error != core.CodeInvalid || !strings.Contains(all(r), h.cat.T("en", "bc_correct_stale", map[string]any{"ID": orig.ID})) || h.rec.count() != started {
		t.Errorf("a correction previewed before another was confirmed: %s", all(r))
	}
	// Written again, it keeps the first correction's English.
	_, b := h.confirmed("en", "/correct "+orig.ID+" ro: Al doilea")
	if b.Message("en").Text[0] != "First" || b.Message("ro").Text[0] != "Al doilea" {
		t.Errorf("second correction: %+v", b.Messages)
	}
}

func TestBreakingWithoutSubscribers(t *testing.T) {
	h := newBCHarness(t, nil)
	for _, id := range []string{"1", "2", "3"} {
		p := map[string]string{"1": "telegram", "2": "telegram", "3": "discord"}[id]
		if _, err := h.store.Unsubscribe(context.Background(), core.ChatRef{Platform: p, ID: id}, content.Breaking); err != nil {
			t.Fatal(err)
		}
	}
	for _, lang := range []string{"ro", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			r := h.do(modIn(lang, "/breaking Fire"))
			if r.Error != "" || len(r.Buttons) != 0 || !strings.Contains(all(r), "Fire") {
				t.Fatalf("preview: %s", all(r))
			}
			if !strings.Contains(r.Footer, h.cat.T(lang, "bc_preview_nobody", nil)) || strings.Contains(all(r), h.cat.N(lang, "bc_preview_reach", 0, nil)) {
				t.Errorf("preview does not say nobody is subscribed:\n%s", all(r))
			}
		})
	}
}

func TestRetractArguments(t *testing.T) {
	h := newBCHarness(t, nil)
	_, orig := h.confirmed("en", "/breaking Fire")
	tests := []struct {
		name, text string
		code       core.Code
		want       string
	}{
		{"no ID", "/retract", core.CodeInvalid, h.cat.T("en", "bc_id_missing", nil)},
		{"extra words", "/retract " + orig.ID + " right now", core.CodeInvalid,
			h.cat.T("en", "bc_retract_extra", map[string]any{"ID": orig.ID, "Extra": "right now"})},
		{"unknown ID", "/retract bnothere", core.CodeNotFound, h.cat.T("en", "bc_not_found", map[string]any{"ID": "bnothere"})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.do(mod(tt.text))
			if r.Error != tt.code || !strings.Contains(all(r), tt.want) {
				t.Errorf("%s: %s", tt.text, all(r))
			}
		})
	}
}
