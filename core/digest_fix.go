package core

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// fixKeep is how long a correction or retraction is remembered: for the
// digests that still hold its target (far longer than a held story waits
// for a daily digest or the end of quiet hours), and for /correct and
// /retract, which refuse a retracted broadcast and build on its latest
// correction for as long as the delivery ledger keeps broadcasts (30 days).
const fixKeep = 31 * 24 * time.Hour

// broadcastFix is what became of a broadcast that digests may hold: kept
// in the cache under "bc:fix:<id>" by a confirmed correction or retraction.
type broadcastFix struct {
	Retracted bool `json:"retracted,omitempty"`
	// Latest is the ID of the latest confirmed correction, or of the
	// retraction.
	Latest string `json:"latest,omitempty"`
	// Titles are the corrected text's first lines by language, and
	// Fallback the language of those with none.
	Titles   map[string]string `json:"titles,omitempty"`
	Fallback string            `json:"fallback,omitempty"`
}

func fixKey(id string) string { return "bc:fix:" + id }

// title is the corrected title in lang.
func (f broadcastFix) title(lang string) string {
	if t, ok := f.Titles[lang]; ok {
		return t
	}
	return f.Titles[f.Fallback]
}

// recordFix remembers a confirmed correction or retraction of b.Target, so
// that digests still holding the target drop it (retracted) or show the
// corrected text (corrected). A retraction stays: a later correction does
// not bring a retracted story back. Other kinds record nothing.
func (e *Engine) recordFix(ctx context.Context, b Broadcast) error {
	if b.Target == "" || (b.Kind != BroadcastCorrect && b.Kind != BroadcastRetract) {
		return nil
	}
	f := broadcastFix{Retracted: b.Kind == BroadcastRetract, Latest: b.ID}
	if !f.Retracted {
		if old, ok, err := e.fix(ctx, b.Target); err != nil {
			return err
		} else if ok && old.Retracted {
			return nil
		}
		f.Titles, f.Fallback = map[string]string{}, b.Fallback
		for l, m := range b.Messages {
			if len(m.Text) > 0 {
				first, _, _ := strings.Cut(strings.TrimSpace(m.Text[0]), "\n")
				f.Titles[l] = clip(first, 120)
			}
		}
	}
	buf, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return e.store.Set(ctx, fixKey(b.Target), buf, fixKeep)
}

// fix returns the recorded correction or retraction of broadcast id.
func (e *Engine) fix(ctx context.Context, id string) (broadcastFix, bool, error) {
	var f broadcastFix
	buf, ok, err := e.store.Get(ctx, fixKey(id))
	if err != nil || !ok {
		return f, false, err
	}
	if err := json.Unmarshal(buf, &f); err != nil {
		return f, false, fmt.Errorf("core: %s: %w", fixKey(id), err)
	}
	return f, true, nil
}

// applyFixes drops the items whose alert was retracted and returns the
// rest, with the corrected titles in lang by item ID.
func (e *Engine) applyFixes(ctx context.Context, lang string, items []DigestItem) ([]DigestItem, map[string]string, error) {
	out := items[:0:0]
	titles := map[string]string{}
	for _, it := range items {
		f, ok, err := e.fix(ctx, it.ID)
		if err != nil {
			return nil, nil, err
		}
		switch {
		case !ok:
		case f.Retracted:
			continue
		case f.title(lang) != "":
			titles[it.ID] = f.title(lang)
		}
		out = append(out, it)
	}
	return out, titles, nil
}
