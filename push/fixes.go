package push

import (
	"context"
	"strings"

	"github.com/newsbot/newsbot/core"
)

// broadcastFix is what became of a broadcast: its latest confirmed
// correction, or its retraction. The delivery ledger owns the fact (see
// core.Broadcaster.Superseded); this is how the push side reads it.
type broadcastFix struct {
	Retracted bool
	// Latest is the ID of the latest confirmed correction, or of the
	// retraction.
	Latest string
	// Titles are the corrected text's first lines by language, and
	// Fallback the language of those with none.
	Titles   map[string]string
	Fallback string
}

// title is the corrected title in lang.
func (f broadcastFix) title(lang string) string {
	if t, ok := f.Titles[lang]; ok {
		return t
	}
	return f.Titles[f.Fallback]
}

// fix returns the latest correction or the retraction of broadcast id, and
// false when it has neither.
func (d *Desk) fix(ctx context.Context, id string) (broadcastFix, bool, error) {
	if d.bcast == nil {
		return broadcastFix{}, false, nil
	}
	by, kind, err := d.bcast.Superseded(ctx, id)
	if err != nil || by == "" {
		return broadcastFix{}, false, err
	}
	f := broadcastFix{Retracted: kind == core.BroadcastRetract, Latest: by}
	if f.Retracted {
		return f, true, nil
	}
	st, err := d.bcast.Status(ctx, by)
	if core.ErrorCode(err) == core.CodeNotFound {
		return f, true, nil // expired from the ledger: no title to show
	}
	if err != nil {
		return f, false, err
	}
	f.Titles, f.Fallback = map[string]string{}, st.Broadcast.Fallback
	for l, m := range st.Broadcast.Messages {
		if len(m.Text) > 0 {
			first, _, _ := strings.Cut(strings.TrimSpace(m.Text[0]), "\n")
			f.Titles[l] = core.Clip(first, 120)
		}
	}
	return f, true, nil
}

// applyFixes drops the items whose alert was retracted and returns the
// rest, with the corrected titles in lang by item ID.
func (d *Desk) applyFixes(ctx context.Context, lang string, items []core.DigestItem) ([]core.DigestItem, map[string]string, error) {
	out := items[:0:0]
	titles := map[string]string{}
	for _, it := range items {
		f, ok, err := d.fix(ctx, it.ID)
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
