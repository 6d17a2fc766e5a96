package feed

import (
	"os"
	"testing"

	"github.com/newsbot/newsbot/content"
)

// TestItemImages reads the lead image of items in each form outlets use:
// the largest media:content image (not a video), a relative
// media:thumbnail, an image enclosure (not an audio one), JSON Feed's
// image; a broken image URL is no image.
func TestItemImages(t *testing.T) {
	tests := []struct {
		file, feedURL string
		want          map[string]content.Image // by item URL
	}{
		{"testdata/images_rss.xml", "https://news.example.md/ro/rss.xml", map[string]content.Image{
			"https://news.example.md/ro/story/2001": {URL: "https://cdn.news.example.md/2001-large.jpg", Alt: "Podul peste Prut la Ungheni, dimineața", Width: 1600, Height: 900},
			"https://news.example.md/ro/story/2002": {URL: "https://news.example.md/img/2002-thumb.jpg", Width: 640, Height: 360},
			"https://news.example.md/ro/story/2003": {URL: "https://cdn.news.example.md/2003.png"},
			"https://news.example.md/ro/story/2004": {},
			"https://news.example.md/ro/story/2005": {},
		}},
		{"testdata/images_feed.json", "https://news.example.md/en/feed.json", map[string]content.Image{
			"https://news.example.md/en/story/3001": {URL: "https://cdn.news.example.md/3001.jpg"},
			"https://news.example.md/en/story/3002": {},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(tt.file)
			if err != nil {
				t.Fatal(err)
			}
			items, err := parseFeed(body, tt.feedURL)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != len(tt.want) {
				t.Fatalf("%d items, want %d", len(items), len(tt.want))
			}
			for _, it := range items {
				if want, ok := tt.want[it.url]; !ok || it.image != want {
					t.Errorf("%s: image %+v, want %+v", it.url, it.image, want)
				}
			}
		})
	}
}

// TestPageImage reads a page's og:image from its head, resolved against the
// page, with its alt text and size; the body's meta tags do not count.
func TestPageImage(t *testing.T) {
	body, err := os.ReadFile("testdata/page_og.html")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := parsePage(body, "text/html; charset=utf-8", "https://news.example.md/ru/story/2001")
	if err != nil {
		t.Fatal(err)
	}
	want := content.Image{URL: "https://news.example.md/media/2001-og.jpg", Alt: "Мост через Прут в Унгенах утром", Width: 1200, Height: 630}
	if pg.image != want {
		t.Errorf("page image %+v, want %+v", pg.image, want)
	}
	pg, err = parsePage([]byte(`<html><head><meta property="og:image" content="data:image/png;base64,AAAA"></head><body><p>x</p></body></html>`), "text/html", "https://news.example.md/x")
	if err != nil || pg.image != (content.Image{}) {
		t.Errorf("a data: og:image = %+v, %v; want none", pg.image, err)
	}
}
