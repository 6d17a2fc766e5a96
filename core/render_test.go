package core_test

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
	"github.com/newsbot/newsbot/store/memory"
)

// TestCardImage: a card carries its edition's picture with the alt text;
// an edition without one borrows the story's picture, but not its alt
// text, which is in another language.
func TestCardImage(t *testing.T) {
	cat, err := locales.Load(locales.FS(), "ro", "ru", "en")
	if err != nil {
		t.Fatal(err)
	}
	st := memory.New()
	img := content.Image{URL: "https://newsbot.example/media/bridge.jpg", Alt: "Podul peste Prut", Width: 1200, Height: 675}
	ctx := context.Background()
	for _, a := range []content.Article{
		{ID: "b-ro", Lang: "ro", Section: "society", Group: "bridge", Title: "Podul", Lead: "L", Body: []string{"B"}, Published: now, Image: img},
		{ID: "b-en", Lang: "en", Section: "society", Group: "bridge", Title: "The bridge", Lead: "L", Body: []string{"B"}, Published: now},
		{ID: "solo", Lang: "en", Section: "society", Title: "Alone", Lead: "L", Body: []string{"B"}, Published: now},
	} {
		if _, err := st.SaveArticle(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	rd, err := core.NewRenderer(core.RenderConfig{}, core.RenderDeps{Catalog: cat, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		id   string
		want content.Image
	}{
		{"b-ro", img},
		{"b-en", content.Image{URL: img.URL, Width: 1200, Height: 675}},
		{"solo", content.Image{}},
	} {
		a, err := st.Article(ctx, tt.id)
		if err != nil {
			t.Fatal(err)
		}
		card, _, err := rd.Card(ctx, "en", a)
		if err != nil || card.Image != tt.want {
			t.Errorf("card of %s: image %+v, %v; want %+v", tt.id, card.Image, err, tt.want)
		}
	}
}
