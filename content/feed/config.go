package feed

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/newsbot/newsbot/content"
)

// Defaults used when the Config leaves a field zero.
const (
	DefaultInterval       = 5 * time.Minute
	DefaultTimeout        = 20 * time.Second
	DefaultMaxBytes       = 5 << 20 // per feed response or article page
	DefaultSection        = "society"
	DefaultMaxBackoff     = time.Hour
	DefaultMaxAlertAge    = 24 * time.Hour
	defaultUserAgent      = "newsbot/1 (+https://github.com/newsbot/newsbot)"
	defaultMaxConcurrency = 4
)

// Source is one feed of one language edition.
type Source struct {
	Lang string `yaml:"lang"` // the edition's language code, e.g. "ro"
	URL  string `yaml:"url"`
	// Interval between polls; 0 means Config.Interval.
	Interval time.Duration `yaml:"interval"`
	// Section is this feed's default section, used when no item category
	// matches; "" means Config.DefaultSection.
	Section string `yaml:"section"`
	// Categories maps the feed's category names to section IDs, before the
	// Config-wide map and the built-in matching.
	Categories map[string]string `yaml:"categories"`
	// GroupPattern is a regular expression over the item GUID, then URL,
	// whose first submatch (or whole match) names the story shared by the
	// editions; see the package documentation.
	GroupPattern string `yaml:"group_pattern"`

	groupRE *regexp.Regexp
}

// Config is the feed ingestion's configuration. The zero value of each field
// means its default; Sources must not be empty for a Poller to do anything.
type Config struct {
	Sources        []Source          `yaml:"feeds"`
	Interval       time.Duration     `yaml:"interval"`        // default DefaultInterval
	Timeout        time.Duration     `yaml:"timeout"`         // per fetch; default DefaultTimeout
	MaxBytes       int64             `yaml:"max_bytes"`       // per response; default DefaultMaxBytes
	MaxBackoff     time.Duration     `yaml:"max_backoff"`     // default DefaultMaxBackoff
	DefaultSection string            `yaml:"default_section"` // default DefaultSection
	Categories     map[string]string `yaml:"categories"`      // category name -> section ID, for every feed
	// FetchPages fetches the article page of items that carry only an
	// excerpt or that the feed gives no story key, to extract the body and
	// the hreflang links to the other editions (see the package
	// documentation). On unless set to Off (fetch_pages: false).
	FetchPages Switch `yaml:"fetch_pages"`
	// MaxAlertAge is the age past which a new item is stored without being
	// announced to the listeners, however late it is first seen; 0 means
	// DefaultMaxAlertAge.
	MaxAlertAge time.Duration `yaml:"max_alert_age"`
	UserAgent   string        `yaml:"user_agent"`
}

// Switch is an on/off setting whose zero value means its default. In the
// YAML file it is a boolean.
type Switch int8

// The values of a Switch.
const (
	SwitchDefault Switch = iota
	On
	Off
)

// String returns "on", "off" or "default".
func (s Switch) String() string {
	switch s {
	case On:
		return "on"
	case Off:
		return "off"
	case SwitchDefault:
		return "default"
	}
	return fmt.Sprintf("Switch(%d)", int8(s))
}

// UnmarshalYAML reads a YAML boolean.
func (s *Switch) UnmarshalYAML(n *yaml.Node) error {
	var b bool
	if err := n.Decode(&b); err != nil {
		return err
	}
	*s = Off
	if b {
		*s = On
	}
	return nil
}

// LoadConfig reads a YAML configuration (the NEWSBOT_CONFIG file), for
// example:
//
//	interval: 5m
//	default_section: society
//	fetch_pages: true   # the default; false never fetches article pages
//	max_alert_age: 24h  # older new items are stored without an alert
//	categories: {"Politică": politics, "Политика": politics}
//	feeds:
//	  - lang: ro
//	    url: https://example.md/ro/rss.xml
//	    interval: 2m
//	    section: politics
//	    group_pattern: '/story/(\d+)'
//
// It returns an error naming the bad field. Defaults are applied.
func LoadConfig(r io.Reader) (Config, error) {
	var cfg Config
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("feed: config: %w", err)
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg.withDefaults(), nil
}

// ParseFeedsEnv parses NEWSBOT_FEEDS: comma-separated lang=URL pairs, e.g.
// "ro=https://a.md/ro.xml,ru=https://a.md/ru.xml,ro=https://a.md/ro2.xml".
// A language may have several feeds. The error names the bad part.
func ParseFeedsEnv(s string) ([]Source, error) {
	var out []Source
	seen := map[string]bool{}
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		lang, u, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("feed: NEWSBOT_FEEDS part %d %q: want lang=URL", i+1, part)
		}
		src := Source{Lang: strings.ToLower(strings.TrimSpace(lang)), URL: strings.TrimSpace(u)}
		if err := src.validate(); err != nil {
			return nil, fmt.Errorf("feed: NEWSBOT_FEEDS part %d %q: %w", i+1, part, err)
		}
		key := src.Lang + " " + src.URL
		if seen[key] {
			return nil, fmt.Errorf("feed: NEWSBOT_FEEDS part %d %q: listed twice", i+1, part)
		}
		seen[key] = true
		out = append(out, src)
	}
	if len(out) == 0 {
		return nil, errors.New("feed: NEWSBOT_FEEDS has no lang=URL pair")
	}
	return out, nil
}

var langRE = regexp.MustCompile(`^[a-z]{2,3}(-[a-z0-9]{2,8})?$`)

func (s *Source) validate() error {
	if !langRE.MatchString(s.Lang) {
		return fmt.Errorf("language %q is not a language code such as ro, ru or en", s.Lang)
	}
	u, err := url.Parse(s.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("feed URL %q is not an http(s) URL", s.URL)
	}
	if s.Interval < 0 {
		return fmt.Errorf("interval %v is negative", s.Interval)
	}
	if s.Section != "" && !knownSection(s.Section) {
		return fmt.Errorf("section %q is not one of %v", s.Section, content.DefaultSections)
	}
	for name, id := range s.Categories {
		if !knownSection(id) {
			return fmt.Errorf("category %q maps to unknown section %q", name, id)
		}
	}
	if s.GroupPattern != "" {
		re, err := regexp.Compile(s.GroupPattern)
		if err != nil {
			return fmt.Errorf("group_pattern: %w", err)
		}
		s.groupRE = re
	}
	return nil
}

func (c *Config) validate() error {
	for i := range c.Sources {
		if err := c.Sources[i].validate(); err != nil {
			return fmt.Errorf("feed: config feeds[%d]: %w", i, err)
		}
	}
	switch {
	case c.Interval < 0:
		return fmt.Errorf("feed: config interval %v is negative", c.Interval)
	case c.Timeout < 0:
		return fmt.Errorf("feed: config timeout %v is negative", c.Timeout)
	case c.MaxBytes < 0:
		return fmt.Errorf("feed: config max_bytes %d is negative", c.MaxBytes)
	case c.MaxBackoff < 0:
		return fmt.Errorf("feed: config max_backoff %v is negative", c.MaxBackoff)
	case c.MaxAlertAge < 0:
		return fmt.Errorf("feed: config max_alert_age %v is negative", c.MaxAlertAge)
	case c.FetchPages < SwitchDefault || c.FetchPages > Off:
		return fmt.Errorf("feed: config fetch_pages %v is not on, off or default", c.FetchPages)
	case c.DefaultSection != "" && !knownSection(c.DefaultSection):
		return fmt.Errorf("feed: config default_section %q is not one of %v", c.DefaultSection, content.DefaultSections)
	}
	for name, id := range c.Categories {
		if !knownSection(id) {
			return fmt.Errorf("feed: config categories: %q maps to unknown section %q", name, id)
		}
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.Interval == 0 {
		c.Interval = DefaultInterval
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxBackoff == 0 {
		c.MaxBackoff = DefaultMaxBackoff
	}
	if c.MaxAlertAge == 0 {
		c.MaxAlertAge = DefaultMaxAlertAge
	}
	if c.FetchPages == SwitchDefault {
		c.FetchPages = On
	}
	if c.DefaultSection == "" {
		c.DefaultSection = DefaultSection
	}
	if c.UserAgent == "" {
		c.UserAgent = defaultUserAgent
	}
	return c
}

func knownSection(id string) bool {
	for _, s := range content.DefaultSections {
		if s == id {
			return true
		}
	}
	return false
}
