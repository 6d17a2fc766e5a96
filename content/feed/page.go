package feed

import (
	"bytes"
	"context"
	"net/url"
	"slices"
	"strings"

	readability "codeberg.org/readeck/go-readability/v2"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
)

// page is what an article page adds to its feed item.
type page struct {
	body       []string // the extracted article text
	editionKey string   // the story key from the hreflang set; "" if none
}

// fetchPage fetches an article page, extracts its body with readability and
// its editions from <link rel="alternate" hreflang>.
func (p *Poller) fetchPage(ctx context.Context, pageURL string) (page, error) {
	resp, err := p.fetch.get(ctx, pageURL, "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5", validators{})
	if err != nil {
		return page{}, err
	}
	return parsePage(resp.body, resp.contentType, resp.url)
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
	if alts := alternates(doc, base); len(alts) > 0 {
		set := append(alts, normalizeURL(base.String()))
		pg.editionKey = "hreflang:" + slices.Min(set)
	}
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
