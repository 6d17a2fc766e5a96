package push

import (
	"context"
	"strings"
	"time"

	"github.com/newsbot/newsbot/core"
)

// cmdDigest is /digest: alone it shows how the chat gets alerts;
// "/digest daily HH:MM [zone]" (or "/digest HH:MM [zone]") turns digest
// mode on, "/digest off" turns it off.
func (d *Desk) cmdDigest(ctx context.Context, req core.Request, lang string, cmd core.Command) (core.Reply, error) {
	if len(cmd.Args) == 0 {
		return d.digestStatus(ctx, req, lang)
	}
	if err := d.mayChangeDelivery(req); err != nil {
		return core.Reply{}, err
	}
	args := cmd.Args
	switch {
	case d.render.IsWord(args[0], "off", "word_off"):
		if len(args) != 1 {
			return core.Reply{}, core.Errorf(core.CodeInvalid, "err_digest_args", nil)
		}
		return d.changeDelivery(ctx, req, lang, func(s *core.ChatSettings) { s.DigestAt = "" },
			func(core.ChatSettings, time.Time) []string { return []string{d.cat.T(lang, "digest_unset", nil)} })
	case d.render.IsWord(args[0], "daily", "word_daily"):
		args = args[1:]
	}
	if len(args) == 0 || len(args) > 2 {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "err_digest_args", nil)
	}
	at, ok := core.ParseClock(args[0])
	if !ok {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "err_digest_time", map[string]any{"Time": core.Clip(args[0], 20)})
	}
	zone, err := core.ZoneArg(args[1:])
	if err != nil {
		return core.Reply{}, err
	}
	var before string // the chat's zone before the change
	return d.changeDelivery(ctx, req, lang, func(s *core.ChatSettings) {
		before = d.chats.Zone(*s).String()
		s.DigestAt = at.String()
		if zone != "" {
			s.Zone = zone
		}
	}, func(s core.ChatSettings, now time.Time) []string {
		loc := d.chats.Zone(s)
		next, _ := d.chats.HoldUntil(s, now)
		out := []string{d.cat.T(lang, "digest_set", map[string]any{
			"Time": s.DigestAt, "Zone": loc.String(), "Next": next.In(loc).Format(d.cat.T(lang, "time_layout", nil)),
		})}
		// One zone serves the digest and the quiet hours: say so when
		// moving one moves the other.
		if loc.String() != before && s.QuietFrom != "" {
			out = append(out, d.cat.T(lang, "digest_zone_moves_quiet", map[string]any{"From": s.QuietFrom, "To": s.QuietTo, "Zone": loc.String()}))
		}
		return out
	})
}

// mayChangeDelivery returns why req may not change how its chat gets
// alerts (the /subscribe rule, and a store that keeps digests), or nil.
func (d *Desk) mayChangeDelivery(req core.Request) error {
	if !req.MayManage() {
		return core.Errorf(core.CodeForbidden, "err_admins_only", nil)
	}
	if _, ok := d.chats.Digests(); !ok {
		return core.Errorf(core.CodeUnavailable, "err_digest_unavailable", nil)
	}
	return nil
}

// cmdQuiet is /quiet: alone it shows how the chat gets alerts;
// "/quiet HH:MM-HH:MM [zone]" sets quiet hours, "/quiet off" removes them.
func (d *Desk) cmdQuiet(ctx context.Context, req core.Request, lang string, cmd core.Command) (core.Reply, error) {
	if len(cmd.Args) == 0 {
		return d.digestStatus(ctx, req, lang)
	}
	if err := d.mayChangeDelivery(req); err != nil {
		return core.Reply{}, err
	}
	args := cmd.Args
	if d.render.IsWord(args[0], "off", "word_off") {
		if len(args) != 1 {
			return core.Reply{}, core.Errorf(core.CodeInvalid, "err_quiet_range", nil)
		}
		return d.changeDelivery(ctx, req, lang, func(s *core.ChatSettings) { s.QuietFrom, s.QuietTo = "", "" },
			func(core.ChatSettings, time.Time) []string { return []string{d.cat.T(lang, "quiet_unset", nil)} })
	}
	span := args[0]
	// "22:00 - 07:00" arrives as three words.
	if len(args) >= 3 && strings.Trim(args[1], "-–—") == "" {
		span, args = args[0]+"-"+args[2], args[2:]
	}
	if len(args) > 2 {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "err_quiet_range", nil)
	}
	from, to, ok := core.ParseQuiet(span)
	if !ok {
		return core.Reply{}, core.Errorf(core.CodeInvalid, "err_quiet_range", nil)
	}
	zone, err := core.ZoneArg(args[1:])
	if err != nil {
		return core.Reply{}, err
	}
	var before string // the chat's zone before the change
	return d.changeDelivery(ctx, req, lang, func(s *core.ChatSettings) {
		before = d.chats.Zone(*s).String()
		s.QuietFrom, s.QuietTo = from.String(), to.String()
		if zone != "" {
			s.Zone = zone
		}
	}, func(s core.ChatSettings, now time.Time) []string {
		loc := d.chats.Zone(s)
		out := []string{d.cat.T(lang, "quiet_set", map[string]any{"From": s.QuietFrom, "To": s.QuietTo, "Zone": loc.String()})}
		if loc.String() != before && s.DigestAt != "" {
			next, _ := d.chats.HoldUntil(s, now)
			out = append(out, d.cat.T(lang, "quiet_zone_moves_digest", map[string]any{
				"Time": s.DigestAt, "Zone": loc.String(), "Next": next.In(loc).Format(d.cat.T(lang, "time_layout", nil)),
			}))
		}
		return out
	})
}

// changeDelivery applies change to the chat's settings, saves them, moves
// the chat's held alerts to when the new settings release them, and answers
// with say's lines about the new settings (the first is the notice).
func (d *Desk) changeDelivery(ctx context.Context, req core.Request, lang string, change func(*core.ChatSettings), say func(s core.ChatSettings, now time.Time) []string) (core.Reply, error) {
	ds, _ := d.chats.Digests()
	chat := req.ChatRef()
	s, err := d.store.ChatSettings(ctx, chat)
	if err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	change(&s)
	if err := d.store.SaveChatSettings(ctx, chat, s); err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	now := d.now()
	if err := ds.RescheduleDigest(ctx, chat, d.chats.ReleaseAt(s, now)); err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	r := core.Reply{Lang: lang, Text: say(s, now)}
	if _, held := d.chats.HoldUntil(s, now); !held {
		items, err := ds.HeldDigestItems(ctx, chat)
		if err != nil {
			return core.Reply{}, core.Unavailable(err)
		}
		if len(items) > 0 {
			r.Text = append(r.Text, d.cat.N(lang, "digest_released", len(items), nil))
		}
	}
	if s.DigestAt != "" || s.QuietFrom != "" {
		r.Text = append(r.Text, d.cat.T(lang, "digest_breaking_note", nil))
	}
	r.Notice = r.Text[0]
	return r, nil
}

// digestStatus shows how the chat gets alerts: at once or as a daily
// digest, its quiet hours, and how many stories wait.
func (d *Desk) digestStatus(ctx context.Context, req core.Request, lang string) (core.Reply, error) {
	chat := req.ChatRef()
	s, err := d.store.ChatSettings(ctx, chat)
	if err != nil {
		return core.Reply{}, core.Unavailable(err)
	}
	zone := d.chats.Zone(s).String()
	r := core.Reply{Lang: lang, Title: d.cat.T(lang, "digest_status_title", nil)}
	if s.DigestAt != "" {
		r.Text = append(r.Text, d.cat.T(lang, "digest_status_daily", map[string]any{"Time": s.DigestAt, "Zone": zone}))
	} else {
		r.Text = append(r.Text, d.cat.T(lang, "digest_status_off", nil))
	}
	if s.QuietFrom != "" {
		r.Text = append(r.Text, d.cat.T(lang, "quiet_status_on", map[string]any{"From": s.QuietFrom, "To": s.QuietTo, "Zone": zone}))
	} else {
		r.Text = append(r.Text, d.cat.T(lang, "quiet_status_off", nil))
	}
	if ds, ok := d.chats.Digests(); ok {
		items, err := ds.HeldDigestItems(ctx, chat)
		if err != nil {
			return core.Reply{}, core.Unavailable(err)
		}
		if len(items) > 0 {
			r.Text = append(r.Text, d.cat.N(lang, "digest_waiting", len(items), nil))
		}
	}
	if s.DigestAt != "" || s.QuietFrom != "" {
		r.Text = append(r.Text, d.cat.T(lang, "digest_breaking_note", nil))
	}
	r.Footer = d.cat.T(lang, "digest_hint", nil)
	return r, nil
}
