package core

import (
	"testing"
	"time"
)

func TestParseClock(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" for invalid
	}{
		{"08:00", "08:00"},
		{"8:00", "08:00"},
		{" 23:59 ", "23:59"},
		{"00:00", "00:00"},
		{"25:00", ""},
		{"24:00", ""},
		{"8", ""},
		{"08:0", ""},
		{"08:60", ""},
		{"-1:00", ""},
		{"+8:00", ""},
		{"8:+5", ""},
		{"008:00", ""},
		{"ab:cd", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			c, ok := ParseClock(tt.in)
			if got := map[bool]string{true: c.String(), false: ""}[ok]; got != tt.want {
				t.Errorf("ParseClock(%q) = %q, %v; want %q", tt.in, c, ok, tt.want)
			}
		})
	}
}

func TestParseQuiet(t *testing.T) {
	tests := []struct {
		in       string
		from, to string
		ok       bool
	}{
		{"22:00-07:00", "22:00", "07:00", true},
		{"22:00–7:00", "22:00", "07:00", true},
		{"13:00-14:30", "13:00", "14:30", true},
		{"22:00-22:00", "", "", false},
		{"22-07", "", "", false},
		{"22:00", "", "", false},
		{"22:00-25:00", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			from, to, ok := ParseQuiet(tt.in)
			if ok != tt.ok || (ok && (from.String() != tt.from || to.String() != tt.to)) {
				t.Errorf("ParseQuiet(%q) = %s, %s, %v; want %s, %s, %v", tt.in, from, to, ok, tt.from, tt.to, tt.ok)
			}
		})
	}
}

func FuzzParseQuiet(f *testing.F) {
	for _, s := range []string{"22:00-07:00", "8:00", "23:59–00:00", "-", "1:1-2:2", "٠٨:٠٠-09:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		from, to, ok := ParseQuiet(s)
		if !ok {
			return
		}
		if from == to || from < 0 || to < 0 || from >= 24*60 || to >= 24*60 {
			t.Fatalf("%q: quiet %d-%d", s, from, to)
		}
		// What parses writes back as something that parses the same.
		f2, t2, ok2 := ParseQuiet(from.String() + "-" + to.String())
		if !ok2 || f2 != from || t2 != to {
			t.Fatalf("%q: %s-%s does not parse back", s, from, to)
		}
	})
}

func TestNextClockAndQuiet(t *testing.T) {
	md, err := time.LoadLocation("Europe/Chisinau")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, md)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name  string
		c     string
		after time.Time
		want  time.Time
	}{
		{"later today", "08:00", at("2026-03-01 07:30"), at("2026-03-01 08:00")},
		{"at the minute is tomorrow", "08:00", at("2026-03-01 08:00"), at("2026-03-02 08:00")},
		{"tomorrow", "08:00", at("2026-03-01 09:00"), at("2026-03-02 08:00")},
		// Clocks go forward on 29 March 2026: 08:00 is still 08:00 local.
		{"over the DST change", "08:00", at("2026-03-28 09:00"), at("2026-03-29 08:00")},
		{"in another zone's terms", "08:00", at("2026-03-01 07:30").UTC(), at("2026-03-01 08:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := ParseClock(tt.c)
			if got := nextClock(c, md, tt.after); !got.Equal(tt.want) {
				t.Errorf("nextClock(%s, %s) = %s, want %s", tt.c, tt.after, got.In(md), tt.want)
			}
		})
	}
	from, to, _ := ParseQuiet("22:00-07:00")
	for _, tt := range []struct {
		t    string
		want bool
	}{{"2026-03-01 21:59", false}, {"2026-03-01 22:00", true}, {"2026-03-02 03:00", true}, {"2026-03-02 07:00", false}} {
		if got := inQuiet(from, to, md, at(tt.t)); got != tt.want {
			t.Errorf("inQuiet(22:00-07:00, %s) = %v", tt.t, got)
		}
	}
	from, to, _ = ParseQuiet("13:00-14:00")
	if !inQuiet(from, to, md, at("2026-03-01 13:30")) || inQuiet(from, to, md, at("2026-03-01 14:00")) {
		t.Error("daytime quiet hours misread")
	}
}

func TestHoldUntil(t *testing.T) {
	md, err := time.LoadLocation("Europe/Chisinau")
	if err != nil {
		t.Skipf("no time zone data: %v", err)
	}
	c := &Chats{loc: time.UTC}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, md)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name string
		s    ChatSettings
		now  time.Time
		want time.Time // zero: not held
	}{
		{"no digest, no quiet", ChatSettings{}, at("2026-03-01 12:00"), time.Time{}},
		{"digest", ChatSettings{DigestAt: "08:00", Zone: "Europe/Chisinau"}, at("2026-03-01 12:00"), at("2026-03-02 08:00")},
		{"digest in the bot's zone", ChatSettings{DigestAt: "08:00"}, at("2026-03-01 12:00"), time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		{"unknown stored zone is the bot's", ChatSettings{DigestAt: "08:00", Zone: "Nowhere/Else"}, at("2026-03-01 12:00"), time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)},
		{"outside quiet hours", ChatSettings{QuietFrom: "22:00", QuietTo: "07:00", Zone: "Europe/Chisinau"}, at("2026-03-01 21:00"), time.Time{}},
		{"in quiet hours", ChatSettings{QuietFrom: "22:00", QuietTo: "07:00", Zone: "Europe/Chisinau"}, at("2026-03-01 23:00"), at("2026-03-02 07:00")},
		{"after midnight in quiet hours", ChatSettings{QuietFrom: "22:00", QuietTo: "07:00", Zone: "Europe/Chisinau"}, at("2026-03-02 01:00"), at("2026-03-02 07:00")},
		{"digest within quiet hours waits for their end", ChatSettings{DigestAt: "23:00", QuietFrom: "22:00", QuietTo: "07:00", Zone: "Europe/Chisinau"}, at("2026-03-01 12:00"), at("2026-03-02 07:00")},
		{"digest outside quiet hours", ChatSettings{DigestAt: "08:00", QuietFrom: "22:00", QuietTo: "07:00", Zone: "Europe/Chisinau"}, at("2026-03-01 23:00"), at("2026-03-02 08:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, held := c.HoldUntil(tt.s, tt.now)
			if held != !tt.want.IsZero() || (held && !got.Equal(tt.want)) {
				t.Errorf("holdUntil = %s, %v; want %s", got, held, tt.want)
			}
		})
	}
}
