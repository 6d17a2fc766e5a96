package core

import (
	"strings"
	"time"
)

// ZoneArg returns the IANA name of the time zone in args (none: ""), or a
// translated explanation.
func ZoneArg(args []string) (string, error) {
	if len(args) == 0 {
		return "", nil
	}
	loc, ok := FindZone(args[0])
	if !ok {
		return "", Errorf(CodeInvalid, "err_digest_zone", map[string]any{"Zone": Clip(args[0], 40)})
	}
	return loc.String(), nil
}

// FindZone loads a time zone by its IANA name as users type it, in any
// case: "europe/chisinau" finds Europe/Chisinau, "utc" finds UTC and
// "america/port-au-prince" finds America/Port-au-Prince. Go cannot list
// the zones it knows, so after the name as typed it tries the way the tz
// database spells names (see zoneSpellings), then zoneOddNames.
func FindZone(name string) (*time.Location, bool) {
	if loc, ok := loadZone(name); ok {
		return loc, true
	}
	lower := strings.ToLower(strings.TrimSpace(name))
	if lower == "" || len(lower) > 64 {
		return nil, false
	}
	for _, c := range zoneSpellings(lower) {
		if loc, ok := loadZone(c); ok {
			return loc, true
		}
	}
	if odd, ok := zoneOddNames[lower]; ok {
		return loadZone(odd)
	}
	return nil, false
}

// zoneLowerWords are the words that the tz database writes in lower case
// inside a place name: Port-au-Prince, Dar_es_Salaam, Isle_of_Man.
var zoneLowerWords = map[string]bool{"au": true, "es": true, "of": true}

// zoneSpellings returns the ways the tz database could spell the
// lower-case zone name lower: each word capitalized ("America/Ho_Chi_Minh")
// except the small words of zoneLowerWords after a segment's first word,
// and each short segment also in capitals ("Etc/GMT+3", "US/Eastern",
// "EST5EDT").
func zoneSpellings(lower string) []string {
	out := []string{""}
	for i, seg := range strings.Split(lower, "/") {
		opts := []string{spellZoneSegment(seg)}
		if up := strings.ToUpper(seg); len(seg) <= 7 && up != opts[0] {
			opts = append(opts, up)
		}
		next := make([]string, 0, len(out)*len(opts))
		for _, prefix := range out {
			for _, o := range opts {
				if i > 0 {
					o = prefix + "/" + o
				}
				next = append(next, o)
			}
		}
		out = next
	}
	return out
}

// spellZoneSegment capitalizes each word of seg (words are separated by
// "_" or "-") but the small words of zoneLowerWords after the first.
func spellZoneSegment(seg string) string {
	var b strings.Builder
	for i := 0; seg != ""; i++ {
		end := strings.IndexAny(seg, "_-")
		if end < 0 {
			end = len(seg)
		}
		word := seg[:end]
		if i == 0 || !zoneLowerWords[word] {
			word = strings.ToUpper(word[:min(1, len(word))]) + word[min(1, len(word)):]
		}
		b.WriteString(word)
		if end < len(seg) {
			b.WriteByte(seg[end])
			end++
		}
		seg = seg[end:]
	}
	return b.String()
}

// zoneOddNames are the tz database's names that zoneSpellings does not
// find, by their lower-case spelling.
var zoneOddNames = map[string]string{
	"america/argentina/comodrivadavia": "America/Argentina/ComodRivadavia",
	"america/knox_in":                  "America/Knox_IN",
	"antarctica/dumontdurville":        "Antarctica/DumontDUrville",
	"antarctica/mcmurdo":               "Antarctica/McMurdo",
	"brazil/denoronha":                 "Brazil/DeNoronha",
	"chile/easterisland":               "Chile/EasterIsland",
	"gb-eire":                          "GB-Eire",
	"mexico/bajanorte":                 "Mexico/BajaNorte",
	"mexico/bajasur":                   "Mexico/BajaSur",
}
