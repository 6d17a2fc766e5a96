package push

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// errNoDigests means the store keeps no digests or there is no
// Broadcaster to send them.
var errNoDigests = errors.New("core: digests need a Store that implements DigestStore and a Broadcaster")

// digestPage is how many due chats SendDueDigests takes at once.
const digestPage = 100

// RunDigests sends due digests and section alerts (SendDueDigests) every
// interval (DigestInterval when <= 0) until ctx is cancelled. Run it in
// every process: a digest or alert is sealed and started once however many
// run. It returns an error at once when the
// store keeps no digests or the engine has no Broadcaster.
func (d *Desk) RunDigests(ctx context.Context, interval time.Duration) error {
	if _, ok := d.chats.Digests(); !ok || d.bcast == nil {
		return errNoDigests
	}
	if interval <= 0 {
		interval = core.DigestInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := d.SendDueDigests(ctx); err != nil && ctx.Err() == nil {
			d.log.Warn("sending due digests", slog.Int("started", n), slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// SendDueDigests starts the digest broadcast of every chat whose digest is
// due by the Desk's clock, and the section alerts whose grace period is
// over (see Alerts), and returns how many broadcasts it started. A chat or
// alert that fails is logged and retried on the next call; its items stay
// stored.
func (d *Desk) SendDueDigests(ctx context.Context) (int, error) {
	ds, ok := d.chats.Digests()
	if !ok || d.bcast == nil {
		return 0, errNoDigests
	}
	now := d.now()
	started, err := d.startDueAlerts(ctx, now)
	if err != nil {
		return started, err
	}
	seen := map[core.ChatRef]bool{}
	for {
		dues, err := ds.DueDigests(ctx, now, digestPage)
		if err != nil {
			return started, core.Unavailable(err)
		}
		fresh := 0
		for _, dd := range dues {
			if seen[dd.Chat] {
				continue // it failed this round; leave it for the next
			}
			seen[dd.Chat] = true
			fresh++
			ok, err := d.sendDigest(ctx, ds, dd, now)
			if ok {
				started++
			}
			if err != nil {
				if ctx.Err() != nil {
					return started, ctx.Err()
				}
				d.log.Warn("sending a digest", slog.String("chat", dd.Chat.String()), slog.Any("err", err))
			}
		}
		if fresh == 0 || len(dues) < digestPage {
			return started, nil
		}
	}
}

// startDueAlerts starts the pending section alerts due by now, when the
// store keeps them, and returns how many it started. An alert that fails
// stays pending for the next call.
func (d *Desk) startDueAlerts(ctx context.Context, now time.Time) (int, error) {
	as, ok := d.store.(core.AlertStore)
	if !ok {
		return 0, nil
	}
	started := 0
	seen := map[string]bool{}
	for {
		due, err := as.DueAlerts(ctx, now, digestPage)
		if err != nil {
			return started, core.Unavailable(err)
		}
		fresh := 0
		for _, pa := range due {
			if seen[pa.ID] {
				continue
			}
			seen[pa.ID] = true
			fresh++
			ok, err := d.startPending(ctx, as, pa)
			if ok {
				started++
			}
			if err != nil {
				if ctx.Err() != nil {
					return started, ctx.Err()
				}
				d.log.Warn("starting a section alert", slog.String("broadcast", pa.ID), slog.Any("err", err))
			}
		}
		if fresh == 0 || len(due) < digestPage {
			return started, nil
		}
	}
}

// sendDigest seals chat's held items, starts their digest broadcast and
// only then removes them: a process that stops in between leaves the
// sealed batch, which the next call sends under the same ID.
func (d *Desk) sendDigest(ctx context.Context, ds core.DigestStore, dd core.DigestDue, now time.Time) (bool, error) {
	batch, ok, err := ds.SealDigest(ctx, dd.Chat, dd.Due)
	if err != nil || !ok {
		return false, err
	}
	s, err := d.store.ChatSettings(ctx, dd.Chat)
	if err != nil {
		return false, err
	}
	lang := d.chats.LangOf(s)
	items, titles, err := d.applyFixes(ctx, lang, batch.Items)
	if err != nil {
		return false, err
	}
	if len(items) == 0 {
		// Every story of the batch was retracted: nothing to send.
		return false, ds.FinishDigest(ctx, dd.Chat, batch.Due, d.chats.ReleaseAt(s, now))
	}
	msg, err := d.digestReply(ctx, lang, items, titles, s.DigestAt == "")
	if err != nil {
		return false, err
	}
	chat := dd.Chat
	b := core.Broadcast{
		ID: core.DigestID(dd.Chat, batch.Due), Kind: core.BroadcastDigest, Priority: core.PriorityRoutine, Chat: &chat,
		Messages: map[string]core.Reply{lang: msg}, Fallback: lang, Created: now, Confirmed: now,
	}
	if err := d.bcast.Start(ctx, b); err != nil {
		return false, err
	}
	if err := ds.FinishDigest(ctx, dd.Chat, batch.Due, d.chats.ReleaseAt(s, now)); err != nil {
		// The digest is recorded; the next call finds the batch again and
		// Start ignores the repeated ID.
		return true, err
	}
	d.log.Info("digest started", slog.String("chat", dd.Chat.String()), slog.String("broadcast", b.ID), slog.Int("items", len(batch.Items)))
	return true, nil
}

// digestReply renders a digest of items in lang: the newest MaxDigestItems
// stories as /read items, and how many more there are. titles are
// corrected titles by item ID.
func (d *Desk) digestReply(ctx context.Context, lang string, items []core.DigestItem, titles map[string]string, quiet bool) (core.Reply, error) {
	n := len(items)
	titleKey := "digest_title"
	if quiet {
		titleKey = "digest_title_quiet"
	}
	r := core.Reply{Lang: lang, Title: d.cat.N(lang, titleKey, n, nil), ItemLabel: d.cat.T(lang, "item_read", nil)}
	newest := slices.Clone(items)
	slices.Reverse(newest)
	shown := newest[:min(n, core.MaxDigestItems)]
	for _, it := range shown {
		item, err := d.digestItem(ctx, lang, it)
		if err != nil {
			return core.Reply{}, err
		}
		if t, ok := titles[it.ID]; ok {
			item.Title = t
		}
		r.Items = append(r.Items, item)
	}
	var footer []string
	if more := n - len(shown); more > 0 {
		footer = append(footer, d.cat.N(lang, "digest_more", more, nil))
	}
	footer = append(footer, d.cat.T(lang, "digest_footer", nil))
	r.Footer = strings.Join(footer, "\n")
	return r, nil
}

// digestItem is one line of a digest: the story's edition in lang when it
// has one, else the held edition, else (the article is gone) the title
// remembered when it was held.
func (d *Desk) digestItem(ctx context.Context, lang string, it core.DigestItem) (core.Item, error) {
	a, err := d.store.Article(ctx, it.ArticleID)
	if core.ErrorCode(err) == core.CodeNotFound {
		return core.Item{ArticleID: it.ArticleID, Title: it.Title, Section: d.render.SectionName(lang, it.Section), Time: d.render.FormatTime(lang, it.At)}, nil
	}
	if err != nil {
		return core.Item{}, err
	}
	if a.Lang != lang && a.Group != "" {
		eds, err := d.store.Editions(ctx, a.Group)
		if err != nil {
			return core.Item{}, err
		}
		if i := slices.IndexFunc(eds, func(x content.Article) bool { return x.Lang == lang }); i >= 0 {
			a = eds[i]
		}
	}
	return d.render.Item(lang, a, ""), nil
}
