package content_test

import (
	"fmt"
	"testing/fstest"

	"github.com/newsbot/newsbot/content"
)

func ExampleLoadDir() {
	// Any fs.FS works: os.DirFS("articles"), an embed.FS, or, here, a map.
	fsys := fstest.MapFS{
		"stories/wine.json": {Data: []byte(`[
  {
    "id": "wine-ro", "group": "wine", "lang": "ro", "section": "economy",
    "title": "Vinurile moldovenești pleacă în Japonia",
    "lead": "Nouă vinării au semnat un contract de export.",
    "body": ["Primul lot pleacă în februarie 2027."],
    "published": "2026-11-24T10:15:00+02:00"
  },
  {
    "id": "wine-en", "group": "wine", "lang": "en", "section": "economy",
    "title": "Moldovan wines head to Japan",
    "lead": "Nine wineries signed an export deal.",
    "body": ["The first shipment leaves in February 2027."],
    "translator": "Daniel Popa",
    "published": "2026-11-24T12:05:00+02:00"
  }
]`)},
		"stories/draft.json": {Data: []byte(`[{"id": "bridge ro", "lang": "ro"}]`)},
	}

	if _, err := content.LoadDir(fsys); err != nil {
		fmt.Println(err)
	}

	delete(fsys, "stories/draft.json")
	articles, err := content.LoadDir(fsys)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, a := range articles {
		fmt.Printf("%s [%s/%s] v%d %s\n", a.ID, a.Lang, a.Section, a.Version, a.Title)
	}
	// Output:
	// stories/draft.json:1: article 1: field "id": "bridge ro" is not a valid ID (letters, digits, '-', '_', at most 32)
	// stories/draft.json:1: article 1: field "section": missing
	// stories/draft.json:1: article 1: field "title": missing
	// stories/draft.json:1: article 1: field "lead": missing
	// stories/draft.json:1: article 1: field "body": missing
	// stories/draft.json:1: article 1: field "published": missing
	// wine-en [en/economy] v1 Moldovan wines head to Japan
	// wine-ro [ro/economy] v1 Vinurile moldovenești pleacă în Japonia
}

func ExampleSample() {
	editions := map[string][]string{}
	for _, a := range content.Sample() {
		if a.Group != "" {
			editions[a.Group] = append(editions[a.Group], a.Lang)
		}
	}
	fmt.Println(editions["wine"])
	// Output:
	// [en ru ro]
}
