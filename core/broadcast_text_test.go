package core_test

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/core"
)

func TestParseTexts(t *testing.T) {
	langs := []string{"ro", "ru", "en"}
	tests := []struct {
		name  string
		in    string
		texts map[string]string
		order []string
		key   string // the error's key, "" for none
	}{
		{name: "every language", in: "ro: Incendiu | ru: Пожар | en: Fire",
			texts: map[string]string{"ro": "Incendiu", "ru": "Пожар", "en": "Fire"}, order: []string{"ro", "ru", "en"}},
		{name: "codes in any case, no spaces", in: "RU:x|ro:y", texts: map[string]string{"ru": "x", "ro": "y"}, order: []string{"ru", "ro"}},
		{name: "pipe without spaces stays in the text", in: "ro: Scorul 2|1 | ru: Счёт 2|1",
			texts: map[string]string{"ro": "Scorul 2|1", "ru": "Счёт 2|1"}, order: []string{"ro", "ru"}},
		{name: "double pipe is one pipe", in: "ro: Scor 2 || 1 | en: Score 2||1",
			texts: map[string]string{"ro": "Scor 2 | 1", "en": "Score 2|1"}, order: []string{"ro", "en"}},
		{name: "stray separator at the end", in: "ro: a | ru: b |", texts: map[string]string{"ro": "a", "ru": "b"}, order: []string{"ro", "ru"}},
		{name: "plain text", in: "Fire: two dead | or more", texts: map[string]string{"": "Fire: two dead | or more"}, order: []string{""}},
		{name: "plain text with an escaped pipe", in: "Score 2 || 1", texts: map[string]string{"": "Score 2 | 1"}, order: []string{""}},
		{name: "upper-case abbreviation is plain text", in: "EU: sanctions extended", texts: map[string]string{"": "EU: sanctions extended"}, order: []string{""}},
		{name: "abbreviations only", in: "EU: sanctions | US: tariffs", texts: map[string]string{"": "EU: sanctions | US: tariffs"}, order: []string{""}},
		{name: "emoji is a text", in: "🔥", texts: map[string]string{"": "🔥"}, order: []string{""}},
		{name: "pipes only", in: "| |", key: "bc_text_blank"},
		{name: "punctuation only", in: "… | !", key: "bc_text_blank"},
		{name: "unknown lower-case code", in: "xx: text", key: "bc_lang_unknown"},
		{name: "unknown three-letter code", in: "rom: text", key: "bc_lang_unknown"},
		{name: "unknown code among languages", in: "ro: a | xx: b", key: "bc_lang_unknown"},
		{name: "abbreviation among languages", in: "EU: a | ro: b", key: "bc_lang_unknown"},
		{name: "part without a code", in: "ro: Incendiu | Fire", key: "bc_texts_untagged"},
		{name: "untagged first part", in: "Fire | ru: Пожар", key: "bc_texts_untagged"},
		{name: "language twice", in: "ro: a | RO: b", key: "bc_texts_repeated"},
		{name: "language without text", in: "ro: | ru: b", key: "bc_texts_blank"},
		{name: "language with pipes only", in: "ro: || | ru: b", key: "bc_texts_blank"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			texts, order, err := core.ParseTexts(tt.in, langs)
			if tt.key != "" {
				var ce *core.Error
				if !errors.As(err, &ce) || ce.Code != core.CodeInvalid || ce.Key != tt.key {
					t.Fatalf("ParseTexts(%q) = %v, %v, %v; want error %s", tt.in, texts, order, err, tt.key)
				}
				return
			}
			if err != nil || !maps.Equal(texts, tt.texts) || !slices.Equal(order, tt.order) {
				t.Errorf("ParseTexts(%q) = %q, %q, %v; want %q, %q", tt.in, texts, order, err, tt.texts, tt.order)
			}
		})
	}
}

func FuzzParseTexts(f *testing.F) {
	for _, s := range []string{"ro: a | ru: b | en: c", "Fire", "ro: a | b", "en:", "RU:x|ro:y", "a|b:c", "ro: a | ro: b"} {
		f.Add(s)
	}
	langs := []string{"ro", "ru", "en"}
	f.Fuzz(func(t *testing.T, s string) {
		texts, order, err := core.ParseTexts(s, langs)
		if err != nil {
			var ce *core.Error
			if !errors.As(err, &ce) || ce.Code != core.CodeInvalid || ce.Key == "" {
				t.Fatalf("%q: error %v is not a translated invalid-input error", s, err)
			}
			return
		}
		if len(order) != len(texts) || len(order) == 0 {
			t.Fatalf("%q: order %v texts %v", s, order, texts)
		}
		for _, l := range order {
			if texts[l] == "" || (l != "" && !strings.Contains("ro ru en", l)) {
				t.Fatalf("%q: language %q text %q", s, l, texts[l])
			}
		}
	})
}
