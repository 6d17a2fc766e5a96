package feed

import (
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// SectionNames reports the section ID a category names, e.g. from the
// localized section names ("Politică", "Политика" -> "politics"). The lead
// builds one from the locales and passes it with WithSectionNames;
// NamesMatcher builds one from a map.
type SectionNames func(category string) (sectionID string, ok bool)

// NamesMatcher returns a SectionNames that looks names up case- and
// diacritics-insensitively in names (name -> section ID).
func NamesMatcher(names map[string]string) SectionNames {
	folded := make(map[string]string, len(names))
	for name, id := range names {
		folded[core.Fold(name)] = id
	}
	return func(category string) (string, bool) {
		id, ok := folded[core.Fold(category)]
		return id, ok
	}
}

// sectionMatcher picks an item's section from its categories.
type sectionMatcher struct {
	global map[string]string // folded category -> section, from the config
	names  SectionNames
	ids    map[string]string // folded section ID -> ID, without Breaking
}

func newSectionMatcher(cfg Config, names SectionNames) *sectionMatcher {
	m := &sectionMatcher{global: foldMap(cfg.Categories), names: names, ids: map[string]string{}}
	for _, id := range content.DefaultSections {
		// A feed category never makes an item breaking news: that is the
		// moderators' call, unless the config maps a category to it.
		if id != content.Breaking {
			m.ids[core.Fold(id)] = id
		}
	}
	return m
}

func foldMap(in map[string]string) map[string]string {
	out := make(map[string]string, len(in))
	for k, v := range in {
		out[core.Fold(k)] = v
	}
	return out
}

// match returns the section of the first category that names one, trying
// the feed's map, the config's map, section IDs and then localized names;
// else the feed's section, else the default.
func (m *sectionMatcher) match(src *Source, srcMap map[string]string, categories []string, def string) string {
	for _, c := range categories {
		f := core.Fold(c)
		if f == "" {
			continue
		}
		if id, ok := srcMap[f]; ok {
			return id
		}
		if id, ok := m.global[f]; ok {
			return id
		}
		if id, ok := m.ids[f]; ok {
			return id
		}
		if m.names != nil {
			if id, ok := m.names(c); ok && knownSection(id) && id != content.Breaking {
				return id
			}
		}
	}
	if src.Section != "" {
		return src.Section
	}
	return def
}
