// Package contract holds the rules of the core storage contracts that every
// store applies the same way: what input is valid, how a saved article
// becomes a new version, how articles are ordered and what a filter's zero
// values mean. store/memory and store/redis share it so that they cannot
// drift apart; store/storetest checks the result.
package contract

import (
	"strings"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// DefaultLimit is the number of articles FindArticles returns when the
// filter's Limit is 0 or less.
const DefaultLimit = 20

// DefaultBatch is the batch size of SectionChats when the caller gives none.
const DefaultBatch = 1000

// The locale keys of the errors for invalid input.
const (
	KeyInvalidArticle = "err_invalid_article"
	KeyInvalidChat    = "err_invalid_chat"
	KeyInvalidSection = "err_invalid_section"
)

// CheckArticle returns a core.CodeInvalid error unless a can be stored: its
// ID passes content.ValidID and its Lang has no ':'.
func CheckArticle(a content.Article) error {
	if !content.ValidID(a.ID) || strings.Contains(a.Lang, ":") {
		return core.Errorf(core.CodeInvalid, KeyInvalidArticle, map[string]any{"ID": a.ID})
	}
	return nil
}

// CheckPlatform returns a core.CodeInvalid error unless platform can name a
// chat's or user's platform: not empty and without ':', which stores use as
// a separator.
func CheckPlatform(platform string) error {
	if platform == "" || strings.Contains(platform, ":") {
		return core.Errorf(core.CodeInvalid, KeyInvalidChat, map[string]any{"Platform": platform})
	}
	return nil
}

// Sections returns sections without repeats, in the order given, or a
// core.CodeInvalid error when one is empty.
func Sections(sections []string) ([]string, error) {
	out := make([]string, 0, len(sections))
	seen := make(map[string]bool, len(sections))
	for _, s := range sections {
		if s == "" {
			return nil, core.Errorf(core.CodeInvalid, KeyInvalidSection, map[string]any{"Section": s})
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out, nil
}

// Next returns what to store when a is saved over old (nil when the ID is
// new) and what SaveArticle reports. store is false when nothing changes.
// The caller has checked a with CheckArticle.
func Next(old *content.Article, a content.Article) (next content.Article, res core.SaveResult, store bool) {
	a = Clone(a)
	if old == nil {
		a.Version = 1
		return a, core.SaveResult{Created: true, Version: 1}, true
	}
	if a.Published.IsZero() {
		a.Published = old.Published
	}
	if old.SameContent(a) {
		return *old, core.SaveResult{Version: old.Version}, false
	}
	a.Version = old.Version + 1
	return a, core.SaveResult{Updated: true, Version: a.Version}, true
}

// Score is the ordering key of an article in latest lists: its Published
// time in Unix milliseconds, exact in a float64.
func Score(a content.Article) float64 {
	return float64(a.Published.UnixMilli())
}

// Newer reports whether a comes before b in FindArticles: later Published
// millisecond first, then greater ID.
func Newer(a, b content.Article) bool {
	sa, sb := a.Published.UnixMilli(), b.Published.UnixMilli()
	if sa != sb {
		return sa > sb
	}
	return a.ID > b.ID
}

// Page returns the filter's offset and limit with defaults applied.
func Page(f core.ArticleFilter) (offset, limit int) {
	offset, limit = max(f.Offset, 0), f.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	return offset, limit
}

// Batch returns batch, or DefaultBatch when batch <= 0.
func Batch(batch int) int {
	if batch <= 0 {
		return DefaultBatch
	}
	return batch
}

// Clone returns a copy of a that shares no slices with it.
func Clone(a content.Article) content.Article {
	a.Body = append([]string(nil), a.Body...)
	a.Tags = append([]string(nil), a.Tags...)
	return a
}

// TTLDeadline returns when a value set now with ttl expires; the zero time
// means never.
func TTLDeadline(now time.Time, ttl time.Duration) time.Time {
	if ttl <= 0 {
		return time.Time{}
	}
	return now.Add(ttl)
}
