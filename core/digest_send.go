package core

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/content"
)

// errNoDigests means the store keeps no digests or there is no
// Broadcaster to send them.
var errNoDigests = errors.New("core: digests need a Store that implements DigestStore and a Broadcaster")

// digestPage is how many due chats SendDueDigests takes at once.
const digestPage = 100

// HoldAlert is called by the delivery engine for each chat of a broadcast's
// audience as it lists it. It returns the chat's language and whether b, a
// routine section alert, was held for the chat's digest (digest mode or
// quiet hours) instead of being sent now. Breaking news, corrections and
// retractions are never held. A held alert is stored before HoldAlert
// returns, so it is not lost if the process stops.
func (e *Engine) HoldAlert(ctx context.Context, chat ChatRef, b Broadcast) (lang string, held bool, err error) {
	s, err := e.store.ChatSettings(ctx, chat)
	if err != nil {
		return "", false, err
	}
	lang = e.cfg.DefaultLang
	if e.cat.Has(s.Lang) {
		lang = s.Lang
	}
	if b.Kind != BroadcastAlert || b.Priority != PriorityRoutine || b.Section == content.Breaking {
		return lang, false, nil
	}
	ds, ok := e.digestStore()
	if !ok {
		return lang, false, nil
	}
	now := e.now()
	due, hold := e.holdUntil(s, now)
	if !hold {
		return lang, false, nil
	}
	item := DigestItem{ID: b.ID, ArticleID: b.ArticleID, Section: b.Section, At: now}
	if m := b.Message(lang); m.Card != nil {
		item.ArticleID, item.Title = m.Card.ArticleID, m.Card.Title
	}
	if _, err := ds.HoldDigestItem(ctx, chat, item, due); err != nil {
		return lang, false, err
	}
	return lang, true, nil
}

// RunDigests sends due digests and section alerts (SendDueDigests) every
// interval (DigestInterval when <= 0) until ctx is cancelled. Run it in
// every process: a digest or alert is sealed and started once however many
// run. It returns an error at once when the
// store keeps no digests or the engine has no Broadcaster.
func (e *Engine) RunDigests(ctx context.Context, interval time.Duration) error {
	if _, ok := e.digestStore(); !ok || e.bcast == nil {
		return errNoDigests
	}
	if interval <= 0 {
		interval = DigestInterval
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := e.SendDueDigests(ctx); err != nil && ctx.Err() == nil {
			e.log.Warn("sending due digests", slog.Int("started", n), slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// SendDueDigests starts the digest broadcast of every chat whose digest is
// due by the engine's clock, and the section alerts whose grace period is
// over (see Alerts), and returns how many broadcasts it started. A chat or
// alert that fails is logged and retried on the next call; its items stay
// stored.
func (e *Engine) SendDueDigests(ctx context.Context) (int, error) {
	ds, ok := e.digestStore()
	if !ok || e.bcast == nil {
		return 0, errNoDigests
	}
	now := e.now()
	seen := map[ChatRef]bool{}
	started := 0
	for {
		dues, err := ds.DueDigests(ctx, now, digestPage)
		if err != nil {
			return started, Unavailable(err)
		}
		fresh := 0
		for _, d := range dues {
			if seen[d.Chat] {
				continue // it failed this round; leave it for the next
			}
			seen[d.Chat] = true
			fresh++
			send := e.sendDigest
			if d.Chat.Platform == AlertPlatform {
				send = e.sendDueAlert
			}
			ok, err := send(ctx, ds, d, now)
			if ok {
				started++
			}
			if err != nil {
				if ctx.Err() != nil {
					return started, ctx.Err()
				}
				e.log.Warn("sending a digest", slog.String("chat", d.Chat.String()), slog.Any("err", err))
			}
		}
		if fresh == 0 || len(dues) < digestPage {
			return started, nil
		}
	}
}

// sendDigest seals chat's held items, starts their digest broadcast and
// only then removes them: a process that stops in between leaves the
// sealed batch, which the next call sends under the same ID.
func (e *Engine) sendDigest(ctx context.Context, ds DigestStore, d DigestDue, now time.Time) (bool, error) {
	batch, ok, err := ds.SealDigest(ctx, d.Chat, d.Due)
	if err != nil || !ok {
		return false, err
	}
	s, err := e.store.ChatSettings(ctx, d.Chat)
	if err != nil {
		return false, err
	}
	lang := e.cfg.DefaultLang
	if e.cat.Has(s.Lang) {
		lang = s.Lang
	}
	items, titles, err := e.applyFixes(ctx, lang, batch.Items)
	if err != nil {
		return false, err
	}
	if len(items) == 0 {
		// Every story of the batch was retracted: nothing to send.
		return false, ds.FinishDigest(ctx, d.Chat, batch.Due, e.releaseAt(s, now))
	}
	msg, err := e.digestReply(ctx, lang, items, titles, s.DigestAt == "")
	if err != nil {
		return false, err
	}
	chat := d.Chat
	b := Broadcast{
		ID: DigestID(d.Chat, batch.Due), Kind: BroadcastDigest, Priority: PriorityRoutine, Chat: &chat,
		Messages: map[string]Reply{lang: msg}, Fallback: lang, Created: now, Confirmed: now,
	}
	if err := e.bcast.Start(ctx, b); err != nil {
		return false, err
	}
	if err := ds.FinishDigest(ctx, d.Chat, batch.Due, e.releaseAt(s, now)); err != nil {
		// The digest is recorded; the next call finds the batch again and
		// Start ignores the repeated ID.
		return true, err
	}
	e.log.Info("digest started", slog.String("chat", d.Chat.String()), slog.String("broadcast", b.ID), slog.Int("items", len(batch.Items)))
	return true, nil
}

// digestReply renders a digest of items in lang: the newest MaxDigestItems
// stories as /read items, and how many more there are. titles are
// corrected titles by item ID.
func (e *Engine) digestReply(ctx context.Context, lang string, items []DigestItem, titles map[string]string, quiet bool) (Reply, error) {
	n := len(items)
	titleKey := "digest_title"
	if quiet {
		titleKey = "digest_title_quiet"
	}
	r := Reply{Lang: lang, Title: e.cat.N(lang, titleKey, n, nil), ItemLabel: e.cat.T(lang, "item_read", nil)}
	newest := slices.Clone(items)
	slices.Reverse(newest)
	shown := newest[:min(n, MaxDigestItems)]
	for _, it := range shown {
		item, err := e.digestItem(ctx, lang, it)
		if err != nil {
			return Reply{}, err
		}
		if t, ok := titles[it.ID]; ok {
			item.Title = t
		}
		r.Items = append(r.Items, item)
	}
	var footer []string
	if more := n - len(shown); more > 0 {
		footer = append(footer, e.cat.N(lang, "digest_more", more, nil))
	}
	footer = append(footer, e.cat.T(lang, "digest_footer", nil))
	r.Footer = strings.Join(footer, "\n")
	return r, nil
}

// digestItem is one line of a digest: the story's edition in lang when it
// has one, else the held edition, else (the article is gone) the title
// remembered when it was held.
func (e *Engine) digestItem(ctx context.Context, lang string, it DigestItem) (Item, error) {
	a, err := e.store.Article(ctx, it.ArticleID)
	if ErrorCode(err) == CodeNotFound {
		return Item{ArticleID: it.ArticleID, Title: it.Title, Section: e.sectionName(lang, it.Section), Time: e.formatTime(lang, it.At)}, nil
	}
	if err != nil {
		return Item{}, err
	}
	if a.Lang != lang && a.Group != "" {
		eds, err := e.store.Editions(ctx, a.Group)
		if err != nil {
			return Item{}, err
		}
		if i := slices.IndexFunc(eds, func(x content.Article) bool { return x.Lang == lang }); i >= 0 {
			a = eds[i]
		}
	}
	return e.item(lang, a, ""), nil
}
