package core

import (
	"context"
	"strings"
	"time"
)

// cmdDigest is /digest: alone it shows how the chat gets alerts;
// "/digest daily HH:MM [zone]" (or "/digest HH:MM [zone]") turns digest
// mode on, "/digest off" turns it off.
func (e *Engine) cmdDigest(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) == 0 {
		return e.digestStatus(ctx, req, lang)
	}
	if err := e.mayChangeDelivery(req); err != nil {
		return Reply{}, err
	}
	args := cmd.Args
	switch {
	case e.isWord(args[0], "off", "word_off"):
		if len(args) != 1 {
			return Reply{}, Errorf(CodeInvalid, "err_digest_args", nil)
		}
		return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) { s.DigestAt = "" },
			func(ChatSettings, time.Time) []string { return []string{e.cat.T(lang, "digest_unset", nil)} })
	case e.isWord(args[0], "daily", "word_daily"):
		args = args[1:]
	}
	if len(args) == 0 || len(args) > 2 {
		return Reply{}, Errorf(CodeInvalid, "err_digest_args", nil)
	}
	at, ok := parseClock(args[0])
	if !ok {
		return Reply{}, Errorf(CodeInvalid, "err_digest_time", map[string]any{"Time": clip(args[0], 20)})
	}
	zone, err := zoneArg(args[1:])
	if err != nil {
		return Reply{}, err
	}
	var before string // the chat's zone before the change
	return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) {
		before = e.chatZone(*s).String()
		s.DigestAt = at.String()
		if zone != "" {
			s.Zone = zone
		}
	}, func(s ChatSettings, now time.Time) []string {
		loc := e.chatZone(s)
		next, _ := e.holdUntil(s, now)
		out := []string{e.cat.T(lang, "digest_set", map[string]any{
			"Time": s.DigestAt, "Zone": loc.String(), "Next": next.In(loc).Format(e.cat.T(lang, "time_layout", nil)),
		})}
		// One zone serves the digest and the quiet hours: say so when
		// moving one moves the other.
		if loc.String() != before && s.QuietFrom != "" {
			out = append(out, e.cat.T(lang, "digest_zone_moves_quiet", map[string]any{"From": s.QuietFrom, "To": s.QuietTo, "Zone": loc.String()}))
		}
		return out
	})
}

// mayChangeDelivery returns why req may not change how its chat gets
// alerts (the /subscribe rule, and a store that keeps digests), or nil.
func (e *Engine) mayChangeDelivery(req Request) error {
	if !mayManage(req) {
		return Errorf(CodeForbidden, "err_admins_only", nil)
	}
	if _, ok := e.digestStore(); !ok {
		return Errorf(CodeUnavailable, "err_digest_unavailable", nil)
	}
	return nil
}

// cmdQuiet is /quiet: alone it shows how the chat gets alerts;
// "/quiet HH:MM-HH:MM [zone]" sets quiet hours, "/quiet off" removes them.
func (e *Engine) cmdQuiet(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) == 0 {
		return e.digestStatus(ctx, req, lang)
	}
	if err := e.mayChangeDelivery(req); err != nil {
		return Reply{}, err
	}
	args := cmd.Args
	if e.isWord(args[0], "off", "word_off") {
		if len(args) != 1 {
			return Reply{}, Errorf(CodeInvalid, "err_quiet_range", nil)
		}
		return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) { s.QuietFrom, s.QuietTo = "", "" },
			func(ChatSettings, time.Time) []string { return []string{e.cat.T(lang, "quiet_unset", nil)} })
	}
	span := args[0]
	// "22:00 - 07:00" arrives as three words.
	if len(args) >= 3 && strings.Trim(args[1], "-–—") == "" {
		span, args = args[0]+"-"+args[2], args[2:]
	}
	if len(args) > 2 {
		return Reply{}, Errorf(CodeInvalid, "err_quiet_range", nil)
	}
	from, to, ok := parseQuiet(span)
	if !ok {
		return Reply{}, Errorf(CodeInvalid, "err_quiet_range", nil)
	}
	zone, err := zoneArg(args[1:])
	if err != nil {
		return Reply{}, err
	}
	var before string // the chat's zone before the change
	return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) {
		before = e.chatZone(*s).String()
		s.QuietFrom, s.QuietTo = from.String(), to.String()
		if zone != "" {
			s.Zone = zone
		}
	}, func(s ChatSettings, now time.Time) []string {
		loc := e.chatZone(s)
		out := []string{e.cat.T(lang, "quiet_set", map[string]any{"From": s.QuietFrom, "To": s.QuietTo, "Zone": loc.String()})}
		if loc.String() != before && s.DigestAt != "" {
			next, _ := e.holdUntil(s, now)
			out = append(out, e.cat.T(lang, "quiet_zone_moves_digest", map[string]any{
				"Time": s.DigestAt, "Zone": loc.String(), "Next": next.In(loc).Format(e.cat.T(lang, "time_layout", nil)),
			}))
		}
		return out
	})
}

// isWord reports whether s is the English word en or the word of locale
// key in any configured language.
func (e *Engine) isWord(s, en, key string) bool {
	f := Fold(s)
	if f == en {
		return true
	}
	for _, l := range e.cat.Langs() {
		if f == Fold(e.cat.T(l, key, nil)) {
			return true
		}
	}
	return false
}

// changeDelivery applies change to the chat's settings, saves them, moves
// the chat's held alerts to when the new settings release them, and answers
// with say's lines about the new settings (the first is the notice).
func (e *Engine) changeDelivery(ctx context.Context, req Request, lang string, change func(*ChatSettings), say func(s ChatSettings, now time.Time) []string) (Reply, error) {
	ds, _ := e.digestStore()
	chat := req.ChatRef()
	s, err := e.store.ChatSettings(ctx, chat)
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	change(&s)
	if err := e.store.SaveChatSettings(ctx, chat, s); err != nil {
		return Reply{}, Unavailable(err)
	}
	now := e.now()
	if err := ds.RescheduleDigest(ctx, chat, e.releaseAt(s, now)); err != nil {
		return Reply{}, Unavailable(err)
	}
	r := Reply{Lang: lang, Text: say(s, now)}
	if _, held := e.holdUntil(s, now); !held {
		items, err := ds.HeldDigestItems(ctx, chat)
		if err != nil {
			return Reply{}, Unavailable(err)
		}
		if len(items) > 0 {
			r.Text = append(r.Text, e.cat.N(lang, "digest_released", len(items), nil))
		}
	}
	if s.DigestAt != "" || s.QuietFrom != "" {
		r.Text = append(r.Text, e.cat.T(lang, "digest_breaking_note", nil))
	}
	r.Notice = r.Text[0]
	return r, nil
}

// digestStatus shows how the chat gets alerts: at once or as a daily
// digest, its quiet hours, and how many stories wait.
func (e *Engine) digestStatus(ctx context.Context, req Request, lang string) (Reply, error) {
	chat := req.ChatRef()
	s, err := e.store.ChatSettings(ctx, chat)
	if err != nil {
		return Reply{}, Unavailable(err)
	}
	zone := e.chatZone(s).String()
	r := Reply{Lang: lang, Title: e.cat.T(lang, "digest_status_title", nil)}
	if s.DigestAt != "" {
		r.Text = append(r.Text, e.cat.T(lang, "digest_status_daily", map[string]any{"Time": s.DigestAt, "Zone": zone}))
	} else {
		r.Text = append(r.Text, e.cat.T(lang, "digest_status_off", nil))
	}
	if s.QuietFrom != "" {
		r.Text = append(r.Text, e.cat.T(lang, "quiet_status_on", map[string]any{"From": s.QuietFrom, "To": s.QuietTo, "Zone": zone}))
	} else {
		r.Text = append(r.Text, e.cat.T(lang, "quiet_status_off", nil))
	}
	if ds, ok := e.digestStore(); ok {
		items, err := ds.HeldDigestItems(ctx, chat)
		if err != nil {
			return Reply{}, Unavailable(err)
		}
		if len(items) > 0 {
			r.Text = append(r.Text, e.cat.N(lang, "digest_waiting", len(items), nil))
		}
	}
	if s.DigestAt != "" || s.QuietFrom != "" {
		r.Text = append(r.Text, e.cat.T(lang, "digest_breaking_note", nil))
	}
	r.Footer = e.cat.T(lang, "digest_hint", nil)
	return r, nil
}
