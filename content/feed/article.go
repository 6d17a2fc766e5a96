package feed

import (
	"crypto/sha256"
	"encoding/base32"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// idLen is the length of derived article IDs: 40 bits, typeable.
const idLen = 8

// crockford is base32 without i, l, o and u, lowercase: easy to read aloud
// and to type.
var crockford = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// ArticleID returns the ID an item gets: idLen base32 characters of a hash
// of the edition's language and the item's key (GUID, else URL). attempt > 0
// derives the alternatives tried when an ID is taken by another edition.
func ArticleID(lang, key string, attempt int) string {
	s := lang + "\x00" + key
	if attempt > 0 {
		s += "\x00" + strconv.Itoa(attempt)
	}
	sum := sha256.Sum256([]byte(s))
	return crockford.EncodeToString(sum[:])[:idLen]
}

// groupName turns a story key into a translation group name.
func groupName(key string) string {
	sum := sha256.Sum256([]byte("group\x00" + key))
	return "g" + crockford.EncodeToString(sum[:])[:10]
}

// itemKey is what identifies an item within its edition: its GUID, else its
// URL, else its title and date.
func itemKey(it item, link string) string {
	switch {
	case it.guid != "":
		return "guid:" + it.guid
	case link != "":
		return "url:" + normalizeURL(link)
	default:
		return "title:" + strings.ToLower(core.CleanLine(it.title)) + "\x00" + it.published.UTC().Format(time.RFC3339)
	}
}

// normalizeURL drops what does not name the page: the fragment and utm_*
// tracking parameters.
func normalizeURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	u.Fragment, u.RawFragment = "", ""
	u.Host = strings.ToLower(u.Host)
	q := u.Query()
	changed := false
	for k := range q {
		if strings.HasPrefix(strings.ToLower(k), "utm_") {
			q.Del(k)
			changed = true
		}
	}
	if changed {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// resolveLink makes an item link absolute against the feed's URL and keeps
// it only when it is http(s).
func resolveLink(base, link string) string {
	if link == "" {
		return ""
	}
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	u, err := b.Parse(link)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// draft is an article built from a feed item, before it meets the store.
type draft struct {
	article     content.Article
	key         string
	excerptOnly bool // the item had no full content
	hasDate     bool
}

// buildArticle turns an item into an article of src's edition. ok is false
// for an item with no text at all.
func (p *Poller) buildArticle(src *Source, it item, feedURL string) (draft, bool) {
	link := resolveLink(feedURL, it.url)
	if link != "" {
		link = normalizeURL(link)
	}
	a := content.Article{Lang: src.Lang, URL: link, Image: it.image}
	a.Title = truncate(plainText(it.title), maxTitleRunes)

	var lead string
	var body []string
	excerptOnly := strings.TrimSpace(it.content) == ""
	if excerptOnly {
		body = paragraphs(it.description)
		if len(body) > 0 {
			lead = truncate(body[0], maxLeadRunes)
		}
	} else {
		body = paragraphs(it.content)
		lead = truncate(plainText(it.description), maxLeadRunes)
		if lead == "" && len(body) > 0 {
			lead = truncate(body[0], maxLeadRunes)
		}
	}
	if len(body) > 0 && body[0] == lead {
		body = body[1:]
	}
	a.Lead, a.Body = lead, body
	if a.Title == "" && a.Lead == "" && len(a.Body) == 0 {
		return draft{}, false
	}
	if a.Title == "" {
		a.Title = truncate(firstNonEmpty(a.Lead, firstNonEmpty(a.Body...)), 120)
	}

	var authors []string
	for _, name := range it.authors {
		if n := plainText(name); n != "" && !slices.Contains(authors, n) {
			authors = append(authors, n)
		}
	}
	a.Author = truncate(strings.Join(authors, ", "), 200)

	for _, c := range it.categories {
		if t := truncate(plainText(c), 64); t != "" && !slices.Contains(a.Tags, t) && len(a.Tags) < 20 {
			a.Tags = append(a.Tags, t)
		}
	}
	a.Section = p.sections.match(src, p.srcCategories(src), a.Tags, p.cfg.DefaultSection)

	hasDate := true
	switch {
	case !it.published.IsZero():
		a.Published = it.published
	case !it.updated.IsZero():
		a.Published = it.updated
	default:
		hasDate = false
	}
	a.Published = a.Published.UTC().Truncate(time.Second)
	if it.updated.After(a.Published) {
		a.Updated = it.updated.UTC().Truncate(time.Second)
	}

	key := itemKey(it, link)
	a.ID = ArticleID(src.Lang, key, 0)
	a.Group = storyGroup(src, it, link)
	return draft{article: a, key: key, excerptOnly: excerptOnly, hasDate: hasDate}, true
}

// storyGroup finds the item's translation group from the source's pattern
// or the outlet's identifier; "" when neither says.
func storyGroup(src *Source, it item, link string) string {
	if src.groupRE != nil {
		for _, s := range []string{it.guid, link} {
			if m := src.groupRE.FindStringSubmatch(s); m != nil {
				k := m[0]
				if len(m) > 1 && m[1] != "" {
					k = m[1]
				}
				return groupName(k)
			}
		}
	}
	if it.group != "" {
		return groupName(it.group)
	}
	return ""
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
