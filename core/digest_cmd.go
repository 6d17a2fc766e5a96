package core

import (
	"context"
	"strings"
	"time"
	"unicode"
)

// cmdDigest is /digest: alone it shows how the chat gets alerts;
// "/digest daily HH:MM [zone]" (or "/digest HH:MM [zone]") turns digest
// mode on, "/digest off" turns it off.
func (e *Engine) cmdDigest(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) == 0 {
		return e.digestStatus(ctx, req, lang)
	}
	if !mayManage(req) {
		return Reply{}, Errorf(CodeForbidden, "err_admins_only", nil)
	}
	if _, ok := e.digestStore(); !ok {
		return Reply{}, Errorf(CodeUnavailable, "err_digest_unavailable", nil)
	}
	args := cmd.Args
	switch {
	case e.isWord(args[0], "off", "word_off"):
		if len(args) != 1 {
			return Reply{}, Errorf(CodeInvalid, "err_digest_args", nil)
		}
		return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) { s.DigestAt = "" },
			func(ChatSettings, time.Time) string { return e.cat.T(lang, "digest_unset", nil) })
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
	return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) {
		s.DigestAt = at.String()
		if zone != "" {
			s.Zone = zone
		}
	}, func(s ChatSettings, now time.Time) string {
		loc := e.chatZone(s)
		next, _ := e.holdUntil(s, now)
		return e.cat.T(lang, "digest_set", map[string]any{
			"Time": s.DigestAt, "Zone": loc.String(), "Next": next.In(loc).Format(e.cat.T(lang, "time_layout", nil)),
		})
	})
}

// cmdQuiet is /quiet: alone it shows how the chat gets alerts;
// "/quiet HH:MM-HH:MM [zone]" sets quiet hours, "/quiet off" removes them.
func (e *Engine) cmdQuiet(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) == 0 {
		return e.digestStatus(ctx, req, lang)
	}
	if !mayManage(req) {
		return Reply{}, Errorf(CodeForbidden, "err_admins_only", nil)
	}
	if _, ok := e.digestStore(); !ok {
		return Reply{}, Errorf(CodeUnavailable, "err_digest_unavailable", nil)
	}
	args := cmd.Args
	if e.isWord(args[0], "off", "word_off") {
		if len(args) != 1 {
			return Reply{}, Errorf(CodeInvalid, "err_quiet_range", nil)
		}
		return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) { s.QuietFrom, s.QuietTo = "", "" },
			func(ChatSettings, time.Time) string { return e.cat.T(lang, "quiet_unset", nil) })
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
	return e.changeDelivery(ctx, req, lang, func(s *ChatSettings) {
		s.QuietFrom, s.QuietTo = from.String(), to.String()
		if zone != "" {
			s.Zone = zone
		}
	}, func(s ChatSettings, _ time.Time) string {
		return e.cat.T(lang, "quiet_set", map[string]any{"From": s.QuietFrom, "To": s.QuietTo, "Zone": e.chatZone(s).String()})
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

// zoneArg returns the IANA name of the time zone in args (none: ""), or a
// translated explanation.
func zoneArg(args []string) (string, error) {
	if len(args) == 0 {
		return "", nil
	}
	loc, ok := findZone(args[0])
	if !ok {
		return "", Errorf(CodeInvalid, "err_digest_zone", map[string]any{"Zone": clip(args[0], 40)})
	}
	return loc.String(), nil
}

// findZone loads a time zone by its IANA name as users type it, also in
// lower case: "europe/chisinau" finds Europe/Chisinau, "utc" finds UTC.
func findZone(name string) (*time.Location, bool) {
	if loc, ok := loadZone(name); ok {
		return loc, true
	}
	if !strings.Contains(name, "/") {
		return loadZone(strings.ToUpper(name))
	}
	title := []rune(strings.ToLower(name))
	for i, r := range title {
		if i == 0 || strings.ContainsRune("/_-", title[i-1]) {
			title[i] = unicode.ToUpper(r)
		}
	}
	return loadZone(string(title))
}

// changeDelivery applies change to the chat's settings, saves them, moves
// the chat's held alerts to when the new settings release them, and answers
// with say's text about the new settings.
func (e *Engine) changeDelivery(ctx context.Context, req Request, lang string, change func(*ChatSettings), say func(s ChatSettings, now time.Time) string) (Reply, error) {
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
	r := Reply{Lang: lang, Text: []string{say(s, now)}}
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
