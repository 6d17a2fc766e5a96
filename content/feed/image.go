package feed

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/mmcdole/gofeed"
	ext "github.com/mmcdole/gofeed/extensions"
	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/newsbot/newsbot/content"
)

// itemImage picks a feed item's lead image, in the order outlets use them:
// the largest media:content that is an image (also inside media:group),
// then media:thumbnail, then an enclosure of an image type, then what the
// feed library found (a JSON Feed item's image, an iTunes image). Relative
// URLs are resolved against the feed's; an image whose URL is not an
// absolute http(s) one (content.ValidImageURL) is none.
func itemImage(fi *gofeed.Item, feedURL string) content.Image {
	media := fi.Extensions["media"]
	contents := append([]ext.Extension(nil), media["content"]...)
	for _, g := range media["group"] {
		contents = append(contents, g.Children["content"]...)
	}
	var best content.Image
	for _, c := range contents {
		medium, typ := strings.ToLower(c.Attrs["medium"]), strings.ToLower(c.Attrs["type"])
		if medium != "image" && !strings.HasPrefix(typ, "image/") {
			continue
		}
		img := mediaImage(c, feedURL)
		if img.URL != "" && img.Width*img.Height >= best.Width*best.Height {
			best = img
		}
	}
	if best.URL != "" {
		return best
	}
	for _, t := range media["thumbnail"] {
		if img := mediaImage(t, feedURL); img.URL != "" {
			return img
		}
	}
	for _, e := range fi.Enclosures {
		if e != nil && strings.HasPrefix(strings.ToLower(e.Type), "image/") {
			if u := resolveImage(feedURL, e.URL); u != "" {
				return content.Image{URL: u}
			}
		}
	}
	if fi.Image != nil {
		if u := resolveImage(feedURL, fi.Image.URL); u != "" {
			return content.Image{URL: u, Alt: plainText(fi.Image.Title)}
		}
	}
	return content.Image{}
}

// mediaImage reads a media:content or media:thumbnail element: its url,
// width and height attributes, and a media:description or media:title
// child as the alt text.
func mediaImage(e ext.Extension, feedURL string) content.Image {
	img := content.Image{URL: resolveImage(feedURL, e.Attrs["url"])}
	if img.URL == "" {
		return content.Image{}
	}
	img.Width, img.Height = dimension(e.Attrs["width"]), dimension(e.Attrs["height"])
	for _, name := range []string{"description", "title"} {
		if d := e.Children[name]; len(d) > 0 {
			if alt := truncate(plainText(d[0].Value), maxAltRunes); alt != "" {
				img.Alt = alt
				break
			}
		}
	}
	return img
}

// maxAltRunes bounds an image's alt text.
const maxAltRunes = 300

// dimension reads a width or height in pixels; anything else is 0.
func dimension(s string) int {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n <= 0 || n > 100_000 {
		return 0
	}
	return n
}

// resolveImage is raw resolved against base like a link (resolveLink)
// when it is then a valid image URL (content.ValidImageURL), else "".
func resolveImage(base, raw string) string {
	if u := resolveLink(base, strings.TrimSpace(raw)); content.ValidImageURL(u) {
		return u
	}
	return ""
}

// pageImage reads an article page's Open Graph image (og:image, or
// og:image:secure_url, with og:image:alt, og:image:width and
// og:image:height), else its twitter:image.
func pageImage(doc *xhtml.Node, base *url.URL) content.Image {
	props := map[string]string{}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type == xhtml.ElementNode && n.DataAtom == atom.Meta {
			var key, val string
			for _, a := range n.Attr {
				switch strings.ToLower(a.Key) {
				case "property", "name":
					key = strings.ToLower(strings.TrimSpace(a.Val))
				case "content":
					val = strings.TrimSpace(a.Val)
				}
			}
			if strings.HasPrefix(key, "og:image") || strings.HasPrefix(key, "twitter:image") {
				if _, seen := props[key]; !seen {
					props[key] = val
				}
			}
		}
		if n.DataAtom == atom.Body {
			return // the meta tags are in the head
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, key := range []string{"og:image:secure_url", "og:image", "og:image:url", "twitter:image"} {
		if u := resolveImage(base.String(), props[key]); u != "" {
			alt := props["og:image:alt"]
			if key == "twitter:image" {
				alt = props["twitter:image:alt"]
			}
			return content.Image{URL: u, Alt: truncate(plainText(alt), maxAltRunes),
				Width: dimension(props["og:image:width"]), Height: dimension(props["og:image:height"])}
		}
	}
	return content.Image{}
}
