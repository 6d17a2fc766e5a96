package telegram

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
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
			for i, chunk := range out.Chunks {
				if _, err := telegramtest.ParseHTML(chunk); err != nil {
					t.Errorf("chunk %d is not valid Telegram HTML: %v", i, err)
				}
				b.WriteString(chunk)
				b.WriteString("\n-----\n")
			}
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
