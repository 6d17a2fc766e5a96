package feed

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"
	"github.com/newsbot/newsbot/content"
)

// item is one feed entry, reduced to what an article needs.
type item struct {
	guid        string
	url         string
	title       string
	description string // HTML or text; often an excerpt
	content     string // HTML: content:encoded, Atom content, content_html
	authors     []string
	categories  []string
	published   time.Time // zero when the feed gives none
	updated     time.Time
	group       string // the outlet's story identifier, if any
	image       content.Image
}

// maxItems caps how many entries of one response are looked at.
const maxItems = 500

// parseFeed parses an RSS 2.0, Atom or JSON Feed document. XML feeds in a
// legacy encoding are decoded by their XML declaration.
func parseFeed(body []byte, feedURL string) ([]item, error) {
	p := gofeed.NewParser()
	// Item images come from media elements, enclosures and JSON Feed's
	// image (itemImage); the library's scan of every body for an <img>
	// would parse each body once more.
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	f, err := p.Parse(bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("parsing feed: %w", err)
	}
	var jsonGroups map[string]string
	if f.FeedType == "json" {
		jsonGroups = jsonFeedGroups(body)
	}
	items := make([]item, 0, min(len(f.Items), maxItems))
	for _, fi := range f.Items {
		if fi == nil {
			continue
		}
		if len(items) == maxItems {
			break
		}
		it := item{
			guid:        strings.TrimSpace(fi.GUID),
			url:         strings.TrimSpace(fi.Link),
			title:       fi.Title,
			description: fi.Description,
			content:     fi.Content,
			categories:  fi.Categories,
		}
		if it.url == "" && len(fi.Links) > 0 {
			it.url = strings.TrimSpace(fi.Links[0])
		}
		for _, a := range fi.Authors {
			if a != nil && strings.TrimSpace(a.Name) != "" {
				it.authors = append(it.authors, a.Name)
			}
		}
		if len(it.authors) == 0 && fi.DublinCoreExt != nil {
			it.authors = append(it.authors, fi.DublinCoreExt.Creator...)
		}
		if fi.PublishedParsed != nil {
			it.published = *fi.PublishedParsed
		}
		if fi.UpdatedParsed != nil {
			it.updated = *fi.UpdatedParsed
		}
		if g := fi.Extensions["newsbot"]["group"]; len(g) > 0 {
			it.group = strings.TrimSpace(g[0].Value)
		}
		it.image = itemImage(fi, feedURL)
		if it.group == "" && jsonGroups != nil {
			it.group = jsonGroups[it.guid]
		}
		items = append(items, it)
	}
	return items, nil
}

// jsonFeedGroups reads the "_newsbot": {"group": "…"} item extension of a
// JSON Feed, which gofeed does not keep, keyed by item id.
func jsonFeedGroups(body []byte) map[string]string {
	var doc struct {
		Items []struct {
			ID      json.RawMessage `json:"id"`
			Newsbot struct {
				Group json.RawMessage `json:"group"`
			} `json:"_newsbot"`
		} `json:"items"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	out := map[string]string{}
	for _, it := range doc.Items {
		id, group := jsonScalar(it.ID), jsonScalar(it.Newsbot.Group)
		if id != "" && group != "" {
			out[id] = group
		}
	}
	return out
}

// jsonScalar returns a JSON string's value or a number's text.
func jsonScalar(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}
