package feed

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strings"
	"sync"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/newsbot/newsbot/content"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// page is what an article page adds to its feed item.
type page struct {
	body []string // the extracted article text
	// alternates are the normalized URLs of the page's other language
	// editions, from <link rel="alternate" hreflang>, the page's own URL
	// left out.
	alternates []string
	image      content.Image // the page's og:image; zero when none
}

// maxPageValidators bounds how many pages' cache validators the poller
// remembers; past it the oldest are forgotten (and those pages fetched in
// full when their item next changes).
const maxPageValidators = 10_000

// pageValidators remembers the cache validators of fetched article pages,
// so that the page of an updated item is fetched with a conditional GET.
// It is safe for concurrent use.
type pageValidators struct {
	mu    sync.Mutex
	v     map[string]validators
	order []string // insertion order, for eviction
}

func (pv *pageValidators) get(u string) validators {
	pv.mu.Lock()
	defer pv.mu.Unlock()
	return pv.v[u]
}

func (pv *pageValidators) put(u string, v validators) {
	if v == (validators{}) {
		return
	}
	pv.mu.Lock()
	defer pv.mu.Unlock()
	if pv.v == nil {
		pv.v = map[string]validators{}
	}
	if _, ok := pv.v[u]; !ok {
		pv.order = append(pv.order, u)
		if len(pv.order) > maxPageValidators {
			delete(pv.v, pv.order[0])
			pv.order = pv.order[1:]
		}
	}
	pv.v[u] = v
}

// fetchPage fetches an article page, extracts its body with readability and
// its editions from <link rel="alternate" hreflang>. With conditional, a
// page fetched before is asked for with its validators, and notModified
// reports that it has not changed since. At most defaultMaxConcurrency
// pages are fetched at once, whatever the number of feeds.
func (p *Poller) fetchPage(ctx context.Context, pageURL string, conditional bool) (pg page, notModified bool, err error) {
	select {
	case p.pageSem <- struct{}{}:
		defer func() { <-p.pageSem }()
	case <-ctx.Done():
		return page{}, false, ctx.Err()
	}
	var v validators
	if conditional {
		v = p.pageVals.get(pageURL)
	}
	resp, err := p.fetch.get(ctx, pageURL, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", v)
	if err != nil {
		return page{}, false, err
	}
	if resp.notModified {
		return page{}, true, nil
	}
	pg, err = parsePage(resp.body, resp.contentType, resp.url)
	if err != nil {
		return page{}, false, err
	}
	p.pageVals.put(pageURL, resp.validators)
	return pg, false, nil
}

// parsePage is fetchPage's parsing half.
func parsePage(body []byte, contentType, pageURL string) (page, error) {
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		r = bytes.NewReader(body)
	}
	doc, err := xhtml.Parse(r)
	if err != nil {
		return page{}, err
	}
	base, err := url.Parse(pageURL)
	if err != nil {
		return page{}, err
	}
	var pg page
	self := normalizeURL(base.String())
	for _, u := range alternates(doc, base) {
		if u != self && !slices.Contains(pg.alternates, u) {
			pg.alternates = append(pg.alternates, u)
		}
	}
	pg.image = pageImage(doc, base) // before readability mutates the document
	parser := readability.NewParser()
	parser.MaxElemsToParse = 100_000
	art, err := parser.ParseAndMutate(doc, base)
	if err == nil && art.Node != nil {
		pg.body = nodeParagraphs(art.Node)
	}
	return pg, nil
}

// alternates returns the normalized http(s) URLs of the page's
// <link rel="alternate" hreflang="…"> elements, x-default excepted.
func alternates(doc *xhtml.Node, base *url.URL) []string {
	var out []string
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.DataAtom == atom.Link {
			var rel, lang, href string
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "rel":
					rel = strings.ToLower(a.Val)
				case "hreflang":
					lang = strings.ToLower(strings.TrimSpace(a.Val))
				case "href":
					href = strings.TrimSpace(a.Val)
				}
			}
			if slices.Contains(strings.Fields(rel), "alternate") && lang != "" && lang != "x-default" && href != "" {
				if u, err := base.Parse(href); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
					out = append(out, normalizeURL(u.String()))
				}
			}
		}
		for c := n.FirstChild; c != nil && len(out) < 50; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}
