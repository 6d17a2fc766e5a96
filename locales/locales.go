// Package locales holds newsbot's user-visible strings, one YAML file per
// language (go-i18n v2 format, CLDR plural forms), and the Catalog that
// serves them. Adding a language is a new <code>.yaml file here plus its code
// in NEWSBOT_LANGS.
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// FS returns the bundled locale files.
func FS() fs.FS { return files }

// Available returns the codes of the bundled languages, sorted: the
// languages NEWSBOT_LANGS may name.
func Available() []string {
	names, _ := fs.Glob(files, "*.yaml")
	codes := make([]string, 0, len(names))
	for _, n := range names {
		codes = append(codes, strings.TrimSuffix(n, ".yaml"))
	}
	return codes
}

// Catalog translates message keys into the configured languages. It is safe
// for concurrent use.
type Catalog struct {
	langs      []string
	fallback   string
	localizers map[string]*i18n.Localizer
}

// Load reads <lang>.yaml for every language from fsys. The first language is
// the fallback for a key that a later language lacks (the completeness test
// keeps that from happening in the bundled files).
func Load(fsys fs.FS, langs ...string) (*Catalog, error) {
	if len(langs) == 0 {
		return nil, fmt.Errorf("locales: no languages")
	}
	bundle := i18n.NewBundle(language.Make(langs[0]))
	bundle.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	c := &Catalog{langs: langs, fallback: langs[0], localizers: map[string]*i18n.Localizer{}}
	for _, l := range langs {
		name := l + ".yaml"
		buf, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("locales: language %q has no file %s: %w", l, name, err)
		}
		if _, err := bundle.ParseMessageFileBytes(buf, path.Base(name)); err != nil {
			return nil, fmt.Errorf("locales: %s: %w", name, err)
		}
	}
	for _, l := range langs {
		c.localizers[l] = i18n.NewLocalizer(bundle, l, c.fallback)
	}
	return c, nil
}

// Langs returns the configured language codes, in configured order.
func (c *Catalog) Langs() []string { return append([]string(nil), c.langs...) }

// Has reports whether lang is one of the configured languages.
func (c *Catalog) Has(lang string) bool {
	_, ok := c.localizers[lang]
	return ok
}

// Match returns the configured language for a platform locale such as
// "ru-RU", "en_GB", "RO" or, as a system names it, "ro_MD.UTF-8", or ""
// when none fits.
func (c *Catalog) Match(locale string) string {
	locale = strings.ToLower(strings.TrimSpace(locale))
	locale, _, _ = strings.Cut(locale, ".") // a POSIX codeset
	locale, _, _ = strings.Cut(locale, "@") // and modifier
	if locale == "" {
		return ""
	}
	if c.Has(locale) {
		return locale
	}
	base, _, _ := strings.Cut(strings.ReplaceAll(locale, "_", "-"), "-")
	if c.Has(base) {
		return base
	}
	return ""
}

// T returns the message key in lang, filled with args. A key that does not
// exist comes back as the key itself, so a mistake shows instead of
// vanishing.
func (c *Catalog) T(lang, key string, args map[string]any) string {
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: key, TemplateData: args})
}

// N returns the plural message key in lang for count, with count available
// to the template as .Count next to args.
func (c *Catalog) N(lang, key string, count int, args map[string]any) string {
	data := map[string]any{"Count": count}
	for k, v := range args {
		data[k] = v
	}
	return c.localize(lang, &i18n.LocalizeConfig{MessageID: key, TemplateData: data, PluralCount: count})
}

func (c *Catalog) localize(lang string, cfg *i18n.LocalizeConfig) string {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[c.fallback]
	}
	s, err := loc.Localize(cfg)
	if err != nil {
		return cfg.MessageID
	}
	return s
}
