package feed

import "testing"

func TestSectionMatch(t *testing.T) {
	cfg := Config{Categories: map[string]string{"Externe": "international"}}.withDefaults()
	m := newSectionMatcher(cfg, testNames)
	src := &Source{Lang: "ro"}
	politicsFeed := &Source{Lang: "ro", Section: "politics"}
	srcMap := foldMap(map[string]string{"Sport local": "sport"})
	tests := []struct {
		name       string
		src        *Source
		categories []string
		want       string
	}{
		{"section id any case", src, []string{"ECONOMY"}, "economy"},
		{"localized name", src, []string{"Politică"}, "politics"},
		{"without diacritics", src, []string{"politica"}, "politics"},
		{"cedilla form", src, []string{"Cultură"}, "culture"},
		{"russian name", src, []string{"общество"}, "society"},
		{"first matching category wins", src, []string{"Buget", "Economie", "Politică"}, "economy"},
		{"config map", src, []string{"externe"}, "international"},
		{"feed map", src, []string{"sport  LOCAL"}, "sport"},
		{"breaking is never guessed", src, []string{"Breaking"}, "society"},
		{"no match uses default", src, []string{"Meteo"}, "society"},
		{"no match uses the feed's section", politicsFeed, []string{"Meteo"}, "politics"},
		{"no categories", src, nil, "society"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := m.match(tt.src, srcMap, tt.categories, cfg.DefaultSection); got != tt.want {
				t.Errorf("match(%q) = %q, want %q", tt.categories, got, tt.want)
			}
		})
	}
}

func TestArticleID(t *testing.T) {
	ids := map[string]bool{}
	for _, lang := range []string{"ro", "ru", "en"} {
		for _, key := range []string{"guid:1", "guid:2", "url:https://a.md/x"} {
			id := ArticleID(lang, key, 0)
			if len(id) != idLen || ids[id] || ArticleID(lang, key, 0) != id || ArticleID(lang, key, 1) == id {
				t.Errorf("ArticleID(%q, %q) = %q: wrong length, not stable or not unique", lang, key, id)
			}
			for _, c := range id {
				if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z') || c == 'i' || c == 'l' || c == 'o' || c == 'u' {
					t.Errorf("ArticleID %q has %q", id, c)
				}
			}
			ids[id] = true
		}
	}
}
