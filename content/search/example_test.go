package search_test

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/content/search"
	"github.com/newsbot/newsbot/core"
)

func ExampleNewMemory() {
	ctx := context.Background()
	idx, err := search.NewMemory()
	if err != nil {
		panic(err)
	}
	defer idx.Close()
	err = idx.Index(ctx,
		content.Article{ID: "ro1", Lang: "ro", Section: "politics", Title: "Știri din Parlament", Lead: "Deputații au votat bugetul pe anul viitor."},
		content.Article{ID: "ru1", Lang: "ru", Section: "politics", Title: "Новости парламента", Lead: "Депутаты приняли бюджет на следующий год."},
	)
	if err != nil {
		panic(err)
	}
	// Readers often type Romanian without diacritics.
	res, err := idx.Search(ctx, core.SearchQuery{Text: "deputatii bugetul", Lang: "ro", Limit: 5})
	if err != nil {
		panic(err)
	}
	show := strings.NewReplacer(string(core.MarkStart), "<b>", string(core.MarkEnd), "</b>")
	for _, h := range res.Hits {
		fmt.Println(h.ArticleID, show.Replace(h.Snippet))
	}
	fmt.Println("total:", res.Total)
	// Output:
	// ro1 <b>Deputații</b> au votat <b>bugetul</b> pe anul viitor.
	// total: 1
}

func ExampleOpen() {
	ctx := context.Background()
	dir, cleanup := tempDir()
	defer cleanup()
	stored := []content.Article{
		{ID: "en1", Lang: "en", Section: "economy", Title: "Energy prices to fall", Lead: "The government approved a cap on bills."},
	}
	// The first Open finds no index and rebuilds it from the store.
	idx, err := search.Open(ctx, dir, func(ctx context.Context, add func(content.Article) error) error {
		for _, a := range stored {
			if err := add(a); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		panic(err)
	}
	defer idx.Close()
	res, err := idx.Search(ctx, core.SearchQuery{Text: "price"})
	if err != nil {
		panic(err)
	}
	fmt.Println(idx.Fresh(), res.Total, res.Hits[0].ArticleID)
	// Output:
	// true 1 en1
}

func tempDir() (string, func()) {
	dir, err := os.MkdirTemp("", "search-example")
	if err != nil {
		panic(err)
	}
	return dir, func() { _ = os.RemoveAll(dir) }
}
