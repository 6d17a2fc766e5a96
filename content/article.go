// Package content holds the newsroom's article model and the bundled sample
// content. It is a leaf: it imports nothing of newsbot, so core and every
// other part can share its types. Feeds, search and summaries live in its
// subpackages, which implement the interfaces core declares.
package content

import (
	"net/url"
	"strings"
	"time"
)

// Article is one language edition of a story.
//
// ID is short and typeable (letters, digits, '-' and '_'; see ValidID) and
// stays the same across versions of the article. Group links the editions of
// one story across languages: articles with the same non-empty Group are
// translations of each other.
type Article struct {
	ID         string    `json:"id"`
	Lang       string    `json:"lang"`
	Section    string    `json:"section"`
	Title      string    `json:"title"`
	Lead       string    `json:"lead"`
	Body       []string  `json:"body"` // plain-text paragraphs
	Author     string    `json:"author,omitempty"`
	Translator string    `json:"translator,omitempty"`
	URL        string    `json:"url,omitempty"`
	Published  time.Time `json:"published"`
	Updated    time.Time `json:"updated,omitzero"`
	Tags       []string  `json:"tags,omitempty"`
	Group      string    `json:"group,omitempty"`
	Version    int       `json:"version,omitempty"` // 1 for a new article, +1 per stored change
	// Image is the story's lead image; the zero Image means none. Editions
	// of one story may share it.
	Image Image `json:"image,omitzero"`
}

// Image is an article's lead image: an absolute http(s) URL (see
// ValidImageURL), with the alt text or caption and the size when the
// source gives them.
type Image struct {
	URL    string `json:"url"`
	Alt    string `json:"alt,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
}

// MaxImageURLLen is the longest image URL accepted: longer ones are no
// image a platform would fetch.
const MaxImageURLLen = 2048

// ValidImageURL reports whether s can be an article's image: an absolute
// http or https URL with a host, at most MaxImageURLLen bytes, with no
// space or control character.
func ValidImageURL(s string) bool {
	if s == "" || len(s) > MaxImageURLLen || strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// Text returns the article's body paragraphs joined by blank lines.
func (a Article) Text() string { return strings.Join(a.Body, "\n\n") }

// LastChange returns Updated when set, else Published.
func (a Article) LastChange() time.Time {
	if a.Updated.After(a.Published) {
		return a.Updated
	}
	return a.Published
}

// SameContent reports whether a and b carry the same editorial content, so
// that storing b over a is not a new version.
func (a Article) SameContent(b Article) bool {
	if a.Lang != b.Lang || a.Section != b.Section || a.Title != b.Title || a.Lead != b.Lead ||
		a.Author != b.Author || a.Translator != b.Translator || a.URL != b.URL ||
		a.Group != b.Group || a.Image != b.Image || !a.Published.Equal(b.Published) || len(a.Body) != len(b.Body) ||
		len(a.Tags) != len(b.Tags) {
		return false
	}
	for i := range a.Body {
		if a.Body[i] != b.Body[i] {
			return false
		}
	}
	for i := range a.Tags {
		if a.Tags[i] != b.Tags[i] {
			return false
		}
	}
	return true
}

// MaxIDLen is the longest article ID accepted.
const MaxIDLen = 32

// ValidID reports whether id can name an article: 1 to MaxIDLen ASCII
// letters, digits, '-' or '_'. Such IDs survive Telegram's /read_<id>
// commands and 64-byte button payloads.
func ValidID(id string) bool {
	if id == "" || len(id) > MaxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Breaking is the section of moderators' breaking news. Every chat subscribed
// to any section gets it unless the chat unsubscribes from it.
const Breaking = "breaking"

// DefaultSections are the newsroom's sections, in display order. Their
// localized names live in the locales under "section_<id>".
var DefaultSections = []string{"international", "politics", "economy", "society", "culture", "sport", "technology", Breaking}
