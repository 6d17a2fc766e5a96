package telegram

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var goldenNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.FixedZone("EET", 2*3600))

func goldenEngine(t testing.TB) *core.Engine {
	return EngineAt(t, goldenNow)
}

// golden renders real engine replies (lists, cards, search, sections) in
// each language and compares them with testdata/<name>.golden.
func TestGolden(t *testing.T) {
	e := goldenEngine(t)
	cases := []struct{ name, lang, text string }{
		{"latest", "ro", "/latest 3"}, {"latest", "ru", "/latest 3"}, {"latest", "en", "/latest 3"},
		{"card", "ro", "/read heat-ro"}, {"card", "ru", "/read heat-ru"}, {"card", "en", "/read heat-en"},
		{"card_other_edition", "en", "/read boxer-ru"},
		{"search", "ro", "/search vin"}, {"search", "ru", "/search тариф"}, {"search", "en", "/search heating"},
		{"sections", "ro", "/sections"}, {"sections", "ru", "/sections"}, {"sections", "en", "/sections"},
	}
	for _, c := range cases {
		t.Run(c.name+"_"+c.lang, func(t *testing.T) {
			r := e.Handle(context.Background(), core.Request{Platform: Platform,
				User: core.User{ID: "1", Locale: c.lang}, Chat: core.Chat{ID: "1", Kind: core.ChatPrivate}, Text: c.text})
			if r.Error != "" {
				t.Fatalf("%s: engine error %s: %v", c.text, r.Error, r.Text)
			}
			out := render(e.Catalog(), r)
			var b strings.Builder
			b.WriteString(goldenChunks(t, out))
			if out.Keyboard != nil {
				for _, row := range out.Keyboard.InlineKeyboard {
					for _, btn := range row {
						b.WriteString("[" + btn.Text + " | " + *btn.CallbackData + "] ")
					}
					b.WriteString("\n")
				}
			}
			if out.NoPreview {
				b.WriteString("(no link preview)\n")
			}
			b.WriteString(picture(out))
			compareGolden(t, filepath.Join("testdata", c.name+"_"+c.lang+".golden"), b.String())
		})
	}
}

// goldenChunks is out's messages as a golden file shows them, each
// checked to be valid Telegram HTML.
func goldenChunks(t *testing.T, out rendered) string {
	t.Helper()
	var b strings.Builder
	for i, chunk := range out.Chunks {
		if _, err := telegramtest.ParseHTML(chunk); err != nil {
			t.Errorf("chunk %d is not valid Telegram HTML: %v", i, err)
		}
		b.WriteString(chunk)
		b.WriteString("\n-----\n")
	}
	return b.String()
}

// picture says how a golden reply shows its card's picture.
func picture(out rendered) string {
	switch {
	case out.AsPhoto:
		return "(photo " + out.Image + " with the text as its caption)\n"
	case out.Image != "":
		return "(large link preview above the first part: " + out.Image + ")\n"
	}
	return ""
}

func compareGolden(t *testing.T, path, got string) {
	t.Helper()
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
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestEscaping(t *testing.T) {
	cat, err := locales.Load(locales.FS(), "en")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		r    core.Reply
		want string
	}{
		{"text", core.Reply{Text: []string{`<b>"Tom & Jerry"</b>`}}, "&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;"},
		{"title", core.Reply{Title: "a<b"}, "<b>a&lt;b</b>"},
		{"snippet marks", core.Reply{Items: []core.Item{{ArticleID: "x-1", Title: "T", Snippet: "a " + string(core.MarkStart) + "<wine>" + string(core.MarkEnd) + " b"}}},
			"• <b>T</b>\na <b>&lt;wine&gt;</b> b\n/read_x_1"},
		{"unbalanced marks", core.Reply{Items: []core.Item{{ArticleID: "x", Title: "T", Snippet: string(core.MarkEnd) + "a" + string(core.MarkStart) + "b"}}},
			"• <b>T</b>\na<b>b</b>\n/read_x"},
		{"marks outside snippets are dropped", core.Reply{Text: []string{"a" + string(core.MarkStart) + "b"}}, "ab"},
		{"javascript link is text", core.Reply{Card: &core.Card{Title: "T", URL: "javascript:alert(1)"}}, "<b>T</b>\n\njavascript:alert(1)"},
		{"link with quotes", core.Reply{Card: &core.Card{Title: "T", URL: `https://x.example/?a="b"&c`}},
			"<b>T</b>\n\n<a href=\"https://x.example/?a=&quot;b&quot;&amp;c\">Read on the website</a>"},
		{"notice only", core.Reply{Notice: "done <ok>"}, "done &lt;ok&gt;"},
		{"invalid UTF-8", core.Reply{Text: []string{"a\xffb\x00c"}}, "a\uFFFDbc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.Lang = "en"
			got := renderHTML(cat, tt.r)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if _, err := telegramtest.ParseHTML(got); err != nil {
				t.Errorf("invalid: %v", err)
			}
		})
	}
}

func TestEncodeID(t *testing.T) {
	tests := []struct {
		id, enc string
		ok      bool
	}{
		{"heat-ro", "heat_ro", true},
		{"w1ro", "w1ro", true},
		{"a_b", "a__b", true},
		{"a-b_c", "a_b__c", true},
		{"a-_b", "", false},
		{"a_-b", "a___b", true},
		{"", "", false},
		{"a.b", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			enc, ok := encodeID(tt.id)
			if ok != tt.ok || (ok && enc != tt.enc) {
				t.Fatalf("encodeID(%q) = %q, %v; want %q, %v", tt.id, enc, ok, tt.enc, tt.ok)
			}
			if ok && decodeID(enc) != tt.id {
				t.Errorf("decodeID(%q) = %q", enc, decodeID(enc))
			}
		})
	}
	for in, want := range map[string]string{
		"/read_heat_ro":              "/read_heat-ro",
		"/read_heat_ro@newsbot more": "/read_heat-ro@newsbot more",
		"/READ_a__b":                 "/READ_a_b",
		"/latest_x":                  "/latest_x",
		"/read heat_ro":              "/read heat_ro",
	} {
		if got := decodeReadCommand(in); got != want {
			t.Errorf("decodeReadCommand(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplit(t *testing.T) {
	para := strings.Repeat("Word and more words. ", 40) // 840 characters
	tests := []struct {
		name  string
		in    string
		limit int
		want  int // chunks
	}{
		{"fits", "<b>short</b>", 100, 1},
		{"paragraphs", strings.Repeat(para+"\n\n", 10), MaxMessageLen, 3},
		{"one long paragraph cut at sentences", strings.Repeat(para, 12), MaxMessageLen, 3},
		{"no spaces", strings.Repeat("x", 10000), MaxMessageLen, 3},
		{"entities are not cut", strings.Repeat("&amp;", 100), 23, 0},
		{"tags are closed and reopened", "<b>" + strings.Repeat("bold words ", 50) + "</b>", 100, 0},
		{"links are reopened", `<a href="https://x.example/a">` + strings.Repeat("link text ", 30) + "</a> after", 120, 0},
		{"astral runes count twice", strings.Repeat("😀", 3000), MaxMessageLen, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			chunks := splitHTML(tt.in, tt.limit)
			if tt.want > 0 && len(chunks) != tt.want {
				t.Errorf("%d chunks, want %d", len(chunks), tt.want)
			}
			checkChunks(t, tt.in, chunks, tt.limit)
		})
	}
}

// checkChunks asserts that every chunk is valid Telegram HTML within limit
// and that together they hold all of in's text.
func checkChunks(t *testing.T, in string, chunks []string, limit int) {
	t.Helper()
	var all strings.Builder
	for i, c := range chunks {
		if n := utf16Len(c); n > limit {
			t.Errorf("chunk %d has %d UTF-16 units, limit %d", i, n, limit)
		}
		text, err := telegramtest.ParseHTML(c)
		if err != nil {
			t.Fatalf("chunk %d %q: %v", i, c, err)
		}
		if strings.TrimSpace(text) == "" {
			t.Errorf("chunk %d has no text", i)
		}
		all.WriteString(text)
	}
	want, err := telegramtest.ParseHTML(in)
	if err != nil {
		t.Fatalf("input: %v", err)
	}
	if squeeze(all.String()) != squeeze(want) {
		t.Errorf("text lost in splitting:\n got %q\nwant %q", squeeze(all.String()), squeeze(want))
	}
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// FuzzRender feeds arbitrary text through every part of a reply and checks
// that each message is valid Telegram HTML within the length limit and that
// no text is lost.
func FuzzRender(f *testing.F) {
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"", "plain", "<b>not a tag</b> & co", "a\x00b\xff", "&amp; &lt; &#65; &bogus;",
		string(core.MarkStart) + "hit" + string(core.MarkEnd), "😀🇲🇩 Știri — новости",
		strings.Repeat("Long sentence here. ", 400), strings.Repeat("<>&\"", 2000), strings.Repeat("ы", 5000),
		"https://x.example/a?b=<c>&d=\"e\"",
	} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n = max(0, min(n, 30))
		r := core.Reply{Lang: "en", Title: s, Text: []string{s, s}, Footer: s, Notice: s, ItemLabel: s,
			Card: &core.Card{ArticleID: s, Title: s, Section: s, Time: s, Lead: s, Summary: s, Byline: s, URL: s,
				Editions: []core.Edition{{ArticleID: s, LangName: s, Title: s}}},
			Buttons: [][]core.Button{{{Label: s, Data: s}}}}
		for i := 0; i < n; i++ {
			r.Items = append(r.Items, core.Item{ArticleID: s, Title: s, Section: s, Time: s, Lang: s, Snippet: s})
		}
		out := render(cat, r)
		if len(out.Chunks) == 0 {
			t.Fatal("no message")
		}
		checkChunks(t, renderHTML(cat, r), out.Chunks, MaxMessageLen)
		if out.Keyboard != nil {
			for _, row := range out.Keyboard.InlineKeyboard {
				for _, b := range row {
					if len(*b.CallbackData) > MaxCallbackData || b.Text == "" {
						t.Errorf("button %q / %q would be refused", b.Text, *b.CallbackData)
					}
				}
			}
		}
		if utf16Len(notice(s)) > MaxNoticeLen {
			t.Errorf("notice of %d units", utf16Len(notice(s)))
		}
	})
}
