package search

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// caseForms are names of the bundled sample and the region, each in the
// case forms that news writes them in. Every form must find the articles
// that write any other.
var caseForms = []struct {
	lang  string
	forms []string
}{
	{"ru", []string{"Кишинёв", "Кишинёва", "Кишинёве", "Кишинёвом", "Кишинев", "Кишинева"}},
	{"ru", []string{"Киев", "Киева", "Киеве", "Киевом"}},
	{"ru", []string{"Ростов", "Ростова", "Ростове"}},
	{"ru", []string{"Оргеев", "Оргеева", "Оргееве"}},
	{"ru", []string{"Путин", "Путина", "Путину", "Путиным"}},
	{"ru", []string{"Бельцы", "Бельц", "Бельцах", "Бельцам"}},
	{"ru", []string{"Приднестровье", "Приднестровья", "Приднестровьем", "Приднестровью"}},
	{"ru", []string{"Унгены", "Унген", "Унгенах", "Унгенам"}},
	{"ru", []string{"Рышканы", "Рышкан", "Рышканах"}},
	{"ru", []string{"Гагаузия", "Гагаузии", "Гагаузию"}},
	{"ru", []string{"Дмитрий", "Дмитрия", "Дмитрию"}},
	{"ro", []string{"Chișinău", "Chișinăului", "Chișinăul", "Chisinau", "Chisinaului", "Chişinăului"}},
	{"ro", []string{"Bălți", "Bălțiului", "Bălțiul", "Balti", "Baltiului"}},
	{"ro", []string{"Ungheni", "Ungheniului", "Ungheniul"}},
	{"ro", []string{"Cahul", "Cahulului", "Cahulul"}},
	{"ro", []string{"Orhei", "Orheiului", "Orheiul"}},
	{"ro", []string{"Moldova", "Moldovei"}},
	{"ro", []string{"Rusia", "Rusiei"}},
	{"ro", []string{"Ucraina", "Ucrainei"}},
	{"ro", []string{"Sandu", "Sandului"}},
	{"ro", []string{"Găgăuzia", "Găgăuziei"}},
}

// TestCaseForms checks that a name typed in any of its case forms finds
// the articles that write it in any other, and only those.
func TestCaseForms(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	filler := map[string]string{
		"ru": "Жители обсуждали новости недели на площади у вокзала.",
		"ro": "Locuitorii au discutat știrile săptămânii în piața de lângă gară.",
	}
	var articles []content.Article
	want := map[string][]string{} // group -> article IDs
	for g, c := range caseForms {
		group := fmt.Sprintf("%s-%d", c.lang, g)
		for i, f := range c.forms {
			id := fmt.Sprintf("%s-%d", group, i)
			articles = append(articles, content.Article{ID: id, Lang: c.lang, Title: filler[c.lang], Body: []string{filler[c.lang] + " " + f + "."}})
			want[group] = append(want[group], id)
		}
	}
	if err := x.Index(context.Background(), articles...); err != nil {
		t.Fatal(err)
	}
	for g, c := range caseForms {
		group := fmt.Sprintf("%s-%d", c.lang, g)
		for _, f := range c.forms {
			t.Run(c.lang+" "+f, func(t *testing.T) {
				r, err := x.Search(context.Background(), core.SearchQuery{Text: f, Lang: c.lang, Limit: MaxLimit})
				if err != nil {
					t.Fatal(err)
				}
				got := ids(r)
				slices.Sort(got)
				if !slices.Equal(got, want[group]) {
					t.Errorf("hits %v, want %v", got, want[group])
				}
				for _, h := range r.Hits {
					checkSnippet(t, h.Snippet)
				}
			})
		}
	}
}

// TestForms checks the case forms the rules make of some words: each
// list must hold the forms named.
func TestForms(t *testing.T) {
	tests := []struct {
		lang, word string
		want       []string
	}{
		{"ru", "кишинёв", []string{"кишинёв", "кишинёва", "кишинёве"}},
		{"ru", "кишинёва", []string{"кишинёв", "кишинёвом"}},
		{"ru", "унгены", []string{"унген", "унгенах", "унгены"}},
		{"ru", "бельцах", []string{"бельц", "бельцы"}},
		{"ro", "chișinău", []string{"chișinăul", "chișinăului"}},
		{"ro", "chișinăului", []string{"chișinău", "chișinăul"}},
		{"ro", "cahul", []string{"cahulului"}},
		{"ro", "moldova", []string{"moldovei"}},
		{"ro", "moldovei", []string{"moldova"}},
		{"ro", "bălțiului", []string{"bălți"}},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.word, func(t *testing.T) {
			got := forms(tt.lang, tt.word)
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("forms(%q) = %q, without %q", tt.word, got, w)
				}
			}
		})
	}
	if got := forms("en", "chisinau"); got != nil {
		t.Errorf("English forms %q, want none", got)
	}
	if got := forms("ru", "ад"); slices.ContainsFunc(got, func(f string) bool { return f != "ад" }) {
		t.Errorf("forms of a short word %q, want the word alone", got)
	}
}

// TestTitleAboveBody checks that an article with the query's words in its
// title, in any case form, ranks above one that has them only in its lead
// and body, however often and however new; and that among articles of
// equal score, the newer comes first whatever the order they were
// indexed in.
func TestTitleAboveBody(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	err = x.Index(context.Background(),
		content.Article{ID: "title-old", Lang: "ru", Title: "Новый парк в Кишинёве", Lead: "Работы закончат весной.", Body: []string{"Деревья посадят осенью."}, Published: day},
		content.Article{ID: "title-new", Lang: "ru", Title: "Новый парк в Кишинёве", Lead: "Работы закончат весной.", Body: []string{"Деревья посадят осенью."}, Published: day.Add(time.Hour)},
		content.Article{ID: "title-other-form", Lang: "ru", Title: "Кишинёв закрывает центр для машин", Lead: "Мэрия объявила пилотный проект.", Body: []string{"Штрафы составят 900 леев."}, Published: day.Add(-time.Hour)},
		content.Article{ID: "body", Lang: "ru", Title: "Погода на выходные", Lead: "В Кишинёве ожидается дождь, в Кишинёве и пригородах похолодает.",
			Body:      []string{"Синоптики Кишинёва предупреждают о ветре. Кишинёв ждёт снега, в Кишинёве закроют парки."},
			Published: day.Add(2 * time.Hour)},
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Кишинёв", "Кишинёва", "кишинев"} {
		r, err := x.Search(context.Background(), core.SearchQuery{Text: q, Lang: "ru"})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(r)
		if len(got) != 4 || got[3] != "body" {
			t.Errorf("%s: hits %v, want the three with it in the title first, then body", q, got)
		}
		if i, j := slices.Index(got, "title-new"), slices.Index(got, "title-old"); i < 0 || j < 0 || i != j-1 {
			t.Errorf("%s: hits %v, want title-new right before title-old", q, got)
		}
	}
}

// TestTiesNewerFirst checks that articles of equal score come newest
// first on every page, with each article on exactly one page, however long
// the run of ties and whatever the order they were indexed in.
func TestTiesNewerFirst(t *testing.T) {
	x, err := NewMemory()
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	const n = 37
	day := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	var as []content.Article
	for i := range n {
		as = append(as, content.Article{
			ID: fmt.Sprintf("a%02d", i), Lang: "en", Title: "Budget for next year", Body: []string{"The ministry published the draft."},
			// Index order is neither oldest nor newest first.
			Published: day.Add(time.Duration((i*7)%n) * time.Minute),
		})
	}
	if err := x.Index(context.Background(), as...); err != nil {
		t.Fatal(err)
	}
	var got []string
	for offset := 0; offset < n; offset += 5 {
		r, err := x.Search(context.Background(), core.SearchQuery{Text: "budget", Lang: "en", Offset: offset, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ids(r)...)
	}
	published := map[string]time.Time{}
	for _, a := range as {
		published[a.ID] = a.Published
	}
	if len(got) != n {
		t.Fatalf("%d hits over the pages, want %d: %v", len(got), n, got)
	}
	for i := 1; i < len(got); i++ {
		if !published[got[i-1]].After(published[got[i]]) {
			t.Errorf("hit %d %s (%v) before %s (%v)", i-1, got[i-1], published[got[i-1]], got[i], published[got[i]])
		}
	}
}
