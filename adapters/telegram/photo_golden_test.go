package telegram

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// TestGoldenLongPhotoCard renders, in each language, a card with a picture
// that is too long for a caption: the sample story's card with its whole
// article as the lead. It goes as text with the picture as the large link
// preview above it; were it the edit of a photo message, its caption would
// be shortened to fit, the title, date and link kept.
func TestGoldenLongPhotoCard(t *testing.T) {
	e := goldenEngine(t)
	bodies := map[string][]string{}
	for _, a := range content.Sample() {
		bodies[a.ID] = a.Body
	}
	for _, lang := range []string{"ro", "ru", "en"} {
		t.Run(lang, func(t *testing.T) {
			id := "heat-" + lang
			r := e.Handle(context.Background(), core.Request{Platform: Platform,
				User: core.User{ID: "1", Locale: lang}, Chat: core.Chat{ID: "1", Kind: core.ChatPrivate}, Text: "/read " + id})
			if r.Card == nil || r.Card.Image.URL == "" {
				t.Fatalf("/read %s: no card with a picture: %+v", id, r)
			}
			card := *r.Card
			for textLen(renderHTML(e.Catalog(), core.Reply{Lang: lang, Card: &card})) <= MaxCaptionLen {
				card.Lead += "\n\n" + strings.Join(bodies[id], "\n\n")
			}
			r.Card = &card
			out := render(e.Catalog(), r)
			if out.AsPhoto || out.Image != card.Image.URL {
				t.Fatalf("a card too long for a caption: AsPhoto %v, Image %q", out.AsPhoto, out.Image)
			}
			var b strings.Builder
			b.WriteString(goldenChunks(t, out))
			b.WriteString(picture(out))
			caption, ok := fitCaption(e.Catalog(), r)
			plain, err := telegramtest.ParseHTML(caption)
			if !ok || err != nil || telegramtest.TextLen(plain) > MaxCaptionLen {
				t.Fatalf("caption for an edit: ok %v, err %v, %d characters", ok, err, telegramtest.TextLen(plain))
			}
			b.WriteString("\n== the caption if a photo message were edited to this card ==\n")
			b.WriteString(caption)
			b.WriteString("\n")
			compareGolden(t, filepath.Join("testdata", "photo_long_"+lang+".golden"), b.String())
		})
	}
}

// FuzzCaption feeds arbitrary text through a card with a picture and
// checks the photo decisions against Telegram's own count (the fake's
// parser): a card sent as a photo fits a caption, the length render
// measures is the length Telegram counts, and a card shortened for a
// photo's edit is valid HTML within the caption limit.
func FuzzCaption(f *testing.F) {
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{
		"", "plain", "<b>not a tag</b> & co", "a\x00b\xff", "&amp; &lt; &#65; &bogus;",
		"😀🇲🇩 Știri — новости", strings.Repeat("Long sentence here. ", 60), strings.Repeat("<>&\"", 300),
		strings.Repeat("ы", 1100), strings.Repeat("😀", 600), strings.Repeat("word ", 250),
	} {
		f.Add(s, s, 1, 1200, 675)
	}
	f.Fuzz(func(t *testing.T, title, text string, editions, width, height int) {
		editions = max(0, min(editions, 5))
		lang := []string{"ro", "ru", "en"}[uint(editions)%3]
		c := core.Card{ArticleID: "a-1", Title: title, Section: "Economy", Time: "27 Nov", Lead: text, Summary: text,
			Byline: "By A", URL: "https://newsbot.example/a", Image: content.Image{URL: "https://newsbot.example/a.jpg", Width: width, Height: height}}
		for i := 0; i < editions; i++ {
			c.Editions = append(c.Editions, core.Edition{ArticleID: "a-2", LangName: "Română", Title: title})
		}
		r := core.Reply{Lang: lang, Title: title, Text: []string{text}, Footer: title, Card: &c}
		out := render(cat, r)
		for i, chunk := range out.Chunks {
			plain, err := telegramtest.ParseHTML(chunk)
			if err != nil {
				t.Fatalf("chunk %d: %v", i, err)
			}
			if got, want := textLen(chunk), telegramtest.TextLen(plain); got != want {
				t.Fatalf("chunk %d: textLen %d, Telegram counts %d:\n%q", i, got, want, chunk)
			}
		}
		if out.AsPhoto && !photoSize(c.Image) {
			t.Fatalf("a photo of %dx%d, a size Telegram refuses", width, height)
		}
		if out.AsPhoto && (len(out.Chunks) != 1 || textLen(out.Chunks[0]) > MaxCaptionLen) {
			t.Fatalf("a photo with %d chunks, the first of %d characters", len(out.Chunks), textLen(out.Chunks[0]))
		}
		if len(out.Chunks) > 0 && out.Image == "" {
			t.Fatal("a card with a valid picture rendered without it")
		}
		caption, ok := fitCaption(cat, r)
		if !ok {
			t.Fatalf("a card did not fit a caption: %d characters", textLen(renderHTML(cat, r)))
		}
		plain, err := telegramtest.ParseHTML(caption)
		if err != nil || telegramtest.TextLen(plain) > MaxCaptionLen {
			t.Fatalf("caption of %d characters, %v", telegramtest.TextLen(plain), err)
		}
	})
}

// TestPhotoSize: a picture whose known size Telegram refuses for a photo
// goes as the link preview at once.
func TestPhotoSize(t *testing.T) {
	cat, err := locales.Load(locales.FS(), "en")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		w, h  int
		photo bool
	}{
		{0, 0, true}, {1200, 675, true}, {5000, 5000, true}, {6000, 4500, false}, {2100, 100, false}, {100, 2001, false}, {2000, 100, true},
	} {
		r := core.Reply{Lang: "en", Card: &core.Card{Title: "T", URL: "https://x.example/a",
			Image: content.Image{URL: "https://x.example/a.jpg", Width: tt.w, Height: tt.h}}}
		if out := render(cat, r); out.AsPhoto != tt.photo || out.Image == "" {
			t.Errorf("%dx%d: AsPhoto %v, Image %q; want %v", tt.w, tt.h, out.AsPhoto, out.Image, tt.photo)
		}
	}
}
