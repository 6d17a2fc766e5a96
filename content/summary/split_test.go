package summary

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the output; review with go test -update and git diff.\ngot:\n%s", path, got)
	}
}

// splitCases are the splitter's tricky cases, each language's own.
var splitCases = []struct{ name, lang, text string }{
	{"en/abbreviations", "en", "Mr. Smith and Dr. Jones met Gov. Ross at 10 a.m. on Jan. 5. They spoke for an hour. Acme Inc. said nothing."},
	{"en/initials", "en", "The report was written by J. R. Miller and V. Putin's adviser. It was published on Monday."},
	{"en/decimals", "en", "Inflation rose to 3.5% in May. Output grew 2,4 percent. The 1.2 million lei grant arrives in 2026. Prices fell."},
	{"en/quotes", "en", `"We will come back." The mayor left. "Why?" he asked. She said: "It is over." Then she left.`},
	{"en/ellipsis and dashes", "en", "He waited... and waited. Then... Nothing happened. The plan – a bold one – failed. Results came later…"},
	{"en/acronyms", "en", "The U.S. embassy said the U.N. mission would stay. E.g. the convoy left at 6 p.m. Residents were calm."},
	{"en/paragraphs", "en", "A headline without a period\n\nThe first sentence. The second one\nwraps a line.\n\n\nThe last one"},
	{"ro/abbreviations", "ro", "Dl. Popescu și d-na Ionescu au vizitat jud. Cluj. Prof. Rusu locuiește pe str. Florilor nr. 5. Au venit ș.a.m.d. Apoi au plecat."},
	{"ro/initials", "ro", "Ion C. Brătianu a fost premier. Scrisoarea a fost semnată de M. Eminescu. Ea a fost publicată."},
	{"ro/decimals", "ro", "Prețurile au crescut cu 3,5% în mai. Bugetul este de 2,1 mil. lei. Populația a scăzut la 2.512.000 de oameni. Atât."},
	{"ro/quotes", "ro", "„Vom reveni.” a declarat primarul. „Nu plecăm!” Oamenii au aplaudat. El a spus: «Gata». Apoi a tăcut."},
	{"ro/ellipsis and dashes", "ro", "A așteptat... și a tot așteptat. Apoi… Nimic. Decizia – una grea – a fost luată. Consilierii au votat."},
	{"ro/cedilla", "ro", "Consiliul a aprobat şase proiecte. Preşedintele a semnat. Ţara aşteaptă."},
	{"ru/abbreviations", "ru", "Проф. Иванов живёт на ул. Ленина, д. 5. Собрали 3 млн. руб. Цены выросли. Речь шла о дорогах, мостах и т.д. Потом все ушли."},
	{"ru/initials", "ru", "В. Путин и А. С. Пушкин упомянуты в тексте. В.В. Иванов не пришёл. Встреча прошла."},
	{"ru/year and city", "ru", "В 2020 г. Цены выросли. Он переехал в г. Бельцы. Это было в 1990-х гг. Тогда всё изменилось."},
	{"ru/decimals", "ru", "Инфляция составила 3,5% в мае. Рост — 2.4 процента. Бюджет — 1,2 млрд леев. Всё."},
	{"ru/quotes and dialogue", "ru", "«Мы готовы!» — заявил он. — Когда? — Завтра. «Едем», — сказала она. Все согласились."},
	{"ru/ellipsis", "ru", "Он ждал... и ждал. Потом… Ничего. Решение — трудное — было принято…"},
	{"xx/generic", "xx", "Dr. Müller kam um 5 Uhr. Es regnete. Wir warteten... Endlich!"},
}

func TestSplitGolden(t *testing.T) {
	var b strings.Builder
	for _, c := range splitCases {
		fmt.Fprintf(&b, "== %s\n", c.name)
		for _, s := range Split(c.lang, c.text) {
			fmt.Fprintf(&b, "%s\n", s)
		}
	}
	golden(t, "split.golden", b.String())
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name, lang, text string
		want             []string
	}{
		{"empty", "en", "", nil},
		{"only space", "ru", " \n\n\t ", nil},
		{"no terminal mark", "ro", "Titlu fără punct", []string{"Titlu fără punct"}},
		{"initial before a name", "ru", "Встречу провёл В. Путин. Всё.", []string{"Встречу провёл В. Путин.", "Всё."}},
		{"decimal comma and point", "en", "It rose 3,5% and 3.5%. Fine.", []string{"It rose 3,5% and 3.5%.", "Fine."}},
		{"closing guillemet kept", "ro", "«Gata.» Apoi.", []string{"«Gata.»", "Apoi."}},
		{"lowercase after question", "en", `"Why?" he asked.`, []string{`"Why?" he asked.`}},
		{"dialogue dash", "ru", "«Едем!» — сказал он.", []string{"«Едем!» — сказал он."}},
		{"blank line ends a sentence", "en", "Headline\n\nBody text.", []string{"Headline", "Body text."}},
		{"whitespace collapsed", "en", "One\n two.  Three\tfour.", []string{"One two.", "Three four."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.lang, tt.text)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Split(%q)\n got %q\nwant %q", tt.text, got, tt.want)
			}
		})
	}
}

// nonSpace returns s without whitespace, byte for byte otherwise.
func nonSpace(s string) string { return strings.Join(strings.Fields(s), "") }

func FuzzSplit(f *testing.F) {
	for _, c := range splitCases {
		f.Add(c.lang, c.text)
	}
	f.Add("ru", "г. г.\n\n. . ...… «» „” \"\" — – -")
	f.Add("en", "a.b.c. D. e. F.G. 1.2. 3,4. ?! !? )( ")
	f.Add("ro", "\xff\xfe. \xc3. A")
	f.Fuzz(func(t *testing.T, lang, text string) {
		sents := Split(lang, text)
		var b strings.Builder
		for _, s := range sents {
			if strings.TrimSpace(s) == "" {
				t.Fatalf("blank sentence in %q", sents)
			}
			if s != strings.Join(strings.Fields(s), " ") {
				t.Fatalf("sentence %q has uncollapsed whitespace", s)
			}
			b.WriteString(s)
		}
		if got, want := nonSpace(b.String()), nonSpace(text); got != want {
			t.Fatalf("sentences %q do not cover the input %q", sents, text)
		}
		if utf8.ValidString(text) && !utf8.ValidString(b.String()) {
			t.Fatalf("valid input %q gave invalid sentences %q", text, sents)
		}
	})
}
