package feed_test

import (
	"fmt"
	"strings"

	"github.com/newsbot/newsbot/content/feed"
)

func ExampleParseFeedsEnv() {
	sources, err := feed.ParseFeedsEnv("ro=https://news.example.md/ro.xml,ru=https://news.example.md/ru.xml,ro=https://news.example.md/ro-sport.xml")
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range sources {
		fmt.Println(s.Lang, s.URL)
	}
	_, err = feed.ParseFeedsEnv("ro=https://news.example.md/ro.xml,ru:https://news.example.md/ru.xml")
	fmt.Println(err)
	// Output:
	// ro https://news.example.md/ro.xml
	// ru https://news.example.md/ru.xml
	// ro https://news.example.md/ro-sport.xml
	// feed: NEWSBOT_FEEDS part 2 "ru:https://news.example.md/ru.xml": want lang=URL
}

func ExampleNamesMatcher() {
	names := feed.NamesMatcher(map[string]string{"Politică": "politics", "Политика": "politics"})
	id, ok := names("POLITICA")
	fmt.Println(id, ok)
	// Output: politics true
}

func ExampleLoadConfig() {
	cfg, err := feed.LoadConfig(strings.NewReader(`
max_alert_age: 6h
feeds:
  - {lang: ro, url: "https://news.example.md/ro/rss.xml"}
  - {lang: ru, url: "https://news.example.md/ru/rss.xml"}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	// Article pages are fetched unless the file says fetch_pages: false.
	fmt.Println(len(cfg.Sources), cfg.FetchPages == feed.On, cfg.MaxAlertAge, cfg.Interval)
	off, _ := feed.LoadConfig(strings.NewReader("fetch_pages: false"))
	fmt.Println(off.FetchPages == feed.Off, off.MaxAlertAge)
	// Output:
	// 2 true 6h0m0s 5m0s
	// true 24h0m0s
}
