package push

import (
	"context"
	"fmt"
	"math"
	"sort"

	"github.com/newsbot/newsbot/core"
)

// ReachSample is the most chats whose language the /breaking preview reads:
// a bigger audience is counted by platform in full (chat IDs name their
// platform) and by language from an even sample of ReachSample chats, so
// that the moderator's request stays quick however many chats subscribe.
const ReachSample = 2000

// reachCount is a preview's audience: exact by platform, by platform and
// language exact or estimated from a sample.
type reachCount struct {
	total     int
	platforms map[string]int
	// langs counts chats by platform and language; estimated when sampled
	// is less than total.
	langs   map[string]map[string]int
	sampled int
}

// estimated reports whether the language counts come from a sample.
func (r reachCount) estimated() bool { return r.sampled < r.total }

// reach counts the chats subscribed to section: all of them by platform,
// from the listing alone, and by language from every k-th listed chat, k
// chosen from CountSectionChats so that at most ReachSample chats' settings
// are read.
func (d *Desk) reach(ctx context.Context, section string) (reachCount, error) {
	n, err := d.store.CountSectionChats(ctx, section)
	if err != nil {
		return reachCount{}, core.Unavailable(err)
	}
	step := max(1, (n+ReachSample-1)/ReachSample)
	r := reachCount{platforms: map[string]int{}, langs: map[string]map[string]int{}}
	sampledBy := map[string]int{}
	err = d.store.SectionChats(ctx, section, 1000, func(chats []core.ChatRef) error {
		for _, c := range chats {
			r.platforms[c.Platform]++
			if r.total%step == 0 && r.sampled < ReachSample {
				l, err := d.chats.Lang(ctx, c)
				if err != nil {
					return err
				}
				if r.langs[c.Platform] == nil {
					r.langs[c.Platform] = map[string]int{}
				}
				r.langs[c.Platform][l]++
				sampledBy[c.Platform]++
				r.sampled++
			}
			r.total++
		}
		return nil
	})
	if err != nil {
		return reachCount{}, core.Unavailable(err)
	}
	if r.estimated() {
		// Scale each platform's sample up to the platform's exact count.
		for p, byLang := range r.langs {
			f := float64(r.platforms[p]) / float64(sampledBy[p])
			for l, c := range byLang {
				byLang[l] = int(math.Round(float64(c) * f))
			}
		}
	}
	return r, nil
}

// reachLines are the preview's audience: the total, then each platform
// by name (those the catalog does not name together, last) with its
// languages in catalog order, said to be estimates when they are.
func (d *Desk) reachLines(lang string, r reachCount) []string {
	lines := []string{d.cat.N(lang, "bc_preview_reach", r.total, nil)}
	// "" gathers the platforms without a bc_reach_<platform> name.
	counts := map[string]int{}
	langs := map[string]map[string]int{}
	for p, n := range r.platforms {
		name := p
		if key := "bc_reach_" + p; d.cat.N(lang, key, n, nil) == key {
			name = ""
		}
		counts[name] += n
		if langs[name] == nil {
			langs[name] = map[string]int{}
		}
		for l, c := range r.langs[p] {
			langs[name][l] += c
		}
	}
	platforms := make([]string, 0, len(counts))
	for p := range counts {
		platforms = append(platforms, p)
	}
	sort.Slice(platforms, func(i, j int) bool {
		if (platforms[i] == "") != (platforms[j] == "") {
			return platforms[j] == ""
		}
		return platforms[i] < platforms[j]
	})
	lineKey := "bc_preview_lang"
	if r.estimated() {
		lineKey = "bc_preview_lang_about"
	}
	for _, p := range platforms {
		if p == "" {
			lines = append(lines, d.cat.N(lang, "bc_reach_other", counts[p], nil))
		} else {
			lines = append(lines, d.cat.N(lang, "bc_reach_"+p, counts[p], nil))
		}
		byLang := make([]string, 0, len(langs[p]))
		for l := range langs[p] {
			byLang = append(byLang, l)
		}
		sort.Slice(byLang, func(i, j int) bool { return d.render.LangIndex(byLang[i]) < d.render.LangIndex(byLang[j]) })
		for _, l := range byLang {
			lines = append(lines, d.cat.T(lang, lineKey, map[string]any{"Lang": d.render.LangName(l), "Count": fmt.Sprint(langs[p][l])}))
		}
	}
	if r.estimated() {
		lines = append(lines, d.cat.N(lang, "bc_preview_sampled", r.sampled, nil))
	}
	return lines
}
