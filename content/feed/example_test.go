package feed_test

import (
	"fmt"

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
