package core

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Clock is a time of day in minutes since midnight, 0 to 23*60+59.
type Clock int

// ParseClock reads a time of day written "H:MM" or "HH:MM" (00:00 to
// 23:59).
func ParseClock(s string) (Clock, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || h[0] == '+' || h[0] == '-' || m[0] == '+' || m[0] == '-' {
		return 0, false
	}
	return Clock(hh*60 + mm), true
}

// String writes c as "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// ParseQuiet reads quiet hours written "HH:MM-HH:MM" (an en dash or an em
// dash also separates). Start and end must differ; an end before the start
// runs past midnight.
func ParseQuiet(s string) (from, to Clock, ok bool) {
	s = strings.NewReplacer("–", "-", "—", "-").Replace(s)
	a, b, found := strings.Cut(s, "-")
	if !found {
		return 0, 0, false
	}
	from, ok1 := ParseClock(a)
	to, ok2 := ParseClock(b)
	if !ok1 || !ok2 || from == to {
		return 0, 0, false
	}
	return from, to, true
}

// zones caches loaded time zones by name: listing an alert's audience asks
// for a chat's zone once per chat, and time.LoadLocation reads a file each
// time. It holds only valid names, a few hundred at most.
var zones sync.Map // string -> *time.Location

// loadZone returns the IANA time zone name names, refusing "" and "Local"
// (the server's zone, which means nothing to a chat), and the zoneinfo
// directory's files that are no zone of their own: "localtime" (the
// server's zone again) and "posixrules".
func loadZone(name string) (*time.Location, bool) {
	if name == "" || name == "Local" || name == "localtime" || name == "posixrules" || len(name) > 64 {
		return nil, false
	}
	if loc, ok := zones.Load(name); ok {
		return loc.(*time.Location), true
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, false
	}
	zones.Store(name, loc)
	return loc, true
}

// Zone is the time zone of the chat's digest and quiet hours: its own,
// else the bot's.
func (c *Chats) Zone(s ChatSettings) *time.Location {
	if loc, ok := loadZone(s.Zone); ok {
		return loc
	}
	return c.loc
}

// nextClock returns the first instant after t at which the wall clock in
// loc reads c.
func nextClock(c Clock, loc *time.Location, t time.Time) time.Time {
	lt := t.In(loc)
	for d := range 3 {
		at := time.Date(lt.Year(), lt.Month(), lt.Day()+d, int(c)/60, int(c)%60, 0, 0, loc)
		if at.After(t) {
			return at
		}
	}
	// Only a zone that jumps more than a day could get here.
	return t.Add(24 * time.Hour).Truncate(time.Minute)
}

// inQuiet reports whether t falls within the quiet hours from-to in loc.
func inQuiet(from, to Clock, loc *time.Location, t time.Time) bool {
	lt := t.In(loc)
	m := Clock(lt.Hour()*60 + lt.Minute())
	if from < to {
		return from <= m && m < to
	}
	return m >= from || m < to
}

// quietHours returns the chat's quiet hours, and false when it has none.
func quietHours(s ChatSettings) (from, to Clock, ok bool) {
	from, ok1 := ParseClock(s.QuietFrom)
	to, ok2 := ParseClock(s.QuietTo)
	return from, to, ok1 && ok2 && from != to
}

// HoldUntil tells whether a routine alert for a chat with settings s,
// arriving at now, is held, and until when: the next daily digest (moved to
// the end of quiet hours when it falls within them), else the end of the
// quiet hours now running.
func (c *Chats) HoldUntil(s ChatSettings, now time.Time) (time.Time, bool) {
	if s.DigestAt == "" && s.QuietFrom == "" {
		return time.Time{}, false // most chats: no zone to load
	}
	loc := c.Zone(s)
	from, to, quiet := quietHours(s)
	if at, ok := ParseClock(s.DigestAt); ok {
		due := nextClock(at, loc, now)
		if quiet && inQuiet(from, to, loc, due) {
			due = nextClock(to, loc, due)
		}
		return due, true
	}
	if quiet && inQuiet(from, to, loc, now) {
		return nextClock(to, loc, now), true
	}
	return time.Time{}, false
}

// ReleaseAt is when the chat's held items go out under settings s: when
// they would be held until, else now.
func (c *Chats) ReleaseAt(s ChatSettings, now time.Time) time.Time {
	if due, ok := c.HoldUntil(s, now); ok {
		return due
	}
	return now.Truncate(time.Second)
}
