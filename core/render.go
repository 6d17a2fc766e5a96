package core

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/locales"
)

// Renderer writes articles, lists, times and broadcast reports in a
// reader's language. The request engine and the push side share one, so
// that a card reads the same in a reply and in an alert. It is safe for
// concurrent use.
type Renderer struct {
	cat        *locales.Catalog
	store      RenderStore
	summarizer Summarizer
	translr    Translator
	log        *slog.Logger
	now        func() time.Time
	loc        *time.Location
	sections   []string
	summaryKey string
	summaryTTL time.Duration
}

// RenderStore is the part of Store that a Renderer reads: the other
// editions of a story, and cached summaries.
type RenderStore interface {
	ArticleStore
	Cache
}

// RenderConfig configures a Renderer. Zero fields take the defaults shown.
type RenderConfig struct {
	Sections []string       // section IDs in display order (content.DefaultSections)
	Location *time.Location // where times are shown (UTC)
	// SummaryTTL is how long a computed summary stays cached (30 days).
	SummaryTTL time.Duration
	// SummaryKey names the summarizer's algorithm and settings in cache
	// keys (e.g. "v1b400"), so that a new summarizer does not serve the old
	// one's cached summaries.
	SummaryKey string
}

// RenderDeps are a Renderer's parts. Catalog and Store are required.
type RenderDeps struct {
	Catalog    *locales.Catalog
	Store      RenderStore
	Summarizer Summarizer // nil: the lead is the summary
	Translator Translator // nil: no summary is translated
	Logger     *slog.Logger
	Now        func() time.Time // nil: time.Now
}

// NewRenderer returns a Renderer, or an error naming a missing part.
func NewRenderer(cfg RenderConfig, deps RenderDeps) (*Renderer, error) {
	if deps.Catalog == nil || deps.Store == nil {
		return nil, fmt.Errorf("core: NewRenderer needs a Catalog and a Store")
	}
	rd := &Renderer{
		cat: deps.Catalog, store: deps.Store, summarizer: deps.Summarizer, translr: deps.Translator,
		log: deps.Logger, now: deps.Now, loc: cfg.Location, sections: cfg.Sections,
		summaryKey: cfg.SummaryKey, summaryTTL: cfg.SummaryTTL,
	}
	if len(rd.sections) == 0 {
		rd.sections = content.DefaultSections
	}
	if rd.loc == nil {
		rd.loc = time.UTC
	}
	if rd.summaryTTL == 0 {
		rd.summaryTTL = 30 * 24 * time.Hour
	}
	if rd.log == nil {
		rd.log = slog.New(slog.DiscardHandler)
	}
	if rd.now == nil {
		rd.now = time.Now
	}
	return rd, nil
}

// Catalog returns the renderer's translations.
func (rd *Renderer) Catalog() *locales.Catalog { return rd.cat }

// Sections returns the section IDs in display order.
func (rd *Renderer) Sections() []string { return rd.sections }

// Location returns the time zone times are shown in.
func (rd *Renderer) Location() *time.Location { return rd.loc }

// Translator returns the renderer's translator, nil when none.
func (rd *Renderer) Translator() Translator { return rd.translr }

func (rd *Renderer) Item(lang string, a content.Article, snippet string) Item {
	it := Item{ArticleID: a.ID, Title: a.Title, Section: rd.SectionName(lang, a.Section), Time: rd.FormatTime(lang, a.Published), Snippet: snippet}
	if a.Lang != lang {
		it.Lang = rd.LangName(a.Lang)
	}
	return it
}

// FormatTime shows t relative to now when recent ("5 minutes ago"), else as
// a date in the configured time zone.
func (rd *Renderer) FormatTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	d := rd.now().Sub(t)
	switch {
	case d < 0:
	case d < time.Minute:
		return rd.cat.T(lang, "time_just_now", nil)
	case d < time.Hour:
		return rd.cat.N(lang, "time_minutes_ago", int(d/time.Minute), nil)
	case d < 24*time.Hour:
		return rd.cat.N(lang, "time_hours_ago", int(d/time.Hour), nil)
	}
	return t.In(rd.loc).Format(rd.cat.T(lang, "time_layout", nil))
}

// TranslatedSummary is a's summary translated into lang, when a translator
// is configured; cached per article, language and version like summaries.
func (rd *Renderer) TranslatedSummary(ctx context.Context, a content.Article, lang string) (string, bool) {
	if rd.translr == nil {
		return "", false
	}
	key := "summary:" + rd.summaryKey + ":" + a.ID + ":" + a.Lang + ">" + lang + ":" + strconv.Itoa(a.Version)
	if b, ok, err := rd.store.Get(ctx, key); err == nil && ok {
		return string(b), true
	}
	tr, err := rd.translr.Translate(ctx, rd.Summary(ctx, a), a.Lang, lang)
	if err != nil || strings.TrimSpace(tr) == "" {
		rd.log.Warn("translating a summary", slog.String("article", a.ID), slog.String("to", lang), slog.Any("err", err))
		return "", false
	}
	if err := rd.store.Set(ctx, key, []byte(tr), rd.summaryTTL); err != nil {
		rd.log.Warn("summary cache write", slog.String("article", a.ID), slog.Any("err", err))
	}
	return tr, true
}

// Card renders article a for a reader of lang: localized section and time,
// summary (cached), byline, and the story's other editions, which it also
// returns.
func (rd *Renderer) Card(ctx context.Context, lang string, a content.Article) (Card, []content.Article, error) {
	var others []content.Article
	if a.Group != "" {
		eds, err := rd.store.Editions(ctx, a.Group)
		if err != nil {
			return Card{}, nil, Unavailable(err)
		}
		for _, x := range eds {
			if x.ID != a.ID {
				others = append(others, x)
			}
		}
		slices.SortFunc(others, func(x, y content.Article) int { return rd.LangIndex(x.Lang) - rd.LangIndex(y.Lang) })
	}
	when := rd.FormatTime(lang, a.Published)
	if a.Updated.After(a.Published.Add(time.Minute)) {
		when = rd.cat.T(lang, "time_updated", map[string]any{"Published": when, "Updated": rd.FormatTime(lang, a.Updated)})
	}
	c := Card{
		ArticleID: a.ID,
		Title:     a.Title,
		Section:   rd.SectionName(lang, a.Section),
		Time:      when,
		Lead:      a.Lead,
		Summary:   rd.Summary(ctx, a),
		URL:       a.URL,
	}
	switch {
	case a.Author != "" && a.Translator != "":
		c.Byline = rd.cat.T(lang, "byline_translated", map[string]any{"Author": a.Author, "Translator": a.Translator})
	case a.Author != "":
		c.Byline = rd.cat.T(lang, "byline", map[string]any{"Author": a.Author})
	}
	// Summaries often open with the lead, which the card already shows.
	c.Summary = strings.TrimSpace(strings.TrimPrefix(c.Summary, c.Lead))
	c.Image = a.Image
	for _, x := range others {
		c.Editions = append(c.Editions, Edition{ArticleID: x.ID, Lang: x.Lang, LangName: rd.LangName(x.Lang), Title: x.Title})
		if c.Image == (content.Image{}) && x.Image.URL != "" {
			// Editions of one story may share the picture, but not its
			// caption: that is in the other edition's language.
			c.Image = content.Image{URL: x.Image.URL, Width: x.Image.Width, Height: x.Image.Height}
		}
	}
	return c, others, nil
}

// LangIndex orders languages as configured; unknown ones go last.
func (rd *Renderer) LangIndex(l string) int {
	if i := slices.Index(rd.cat.Langs(), l); i >= 0 {
		return i
	}
	return len(rd.cat.Langs())
}

// Summary returns a's summary in its own language, computed once per
// article version and cached. Without a summarizer, or when it fails, the
// lead is the summary.
func (rd *Renderer) Summary(ctx context.Context, a content.Article) string {
	if rd.summarizer == nil {
		return a.Lead
	}
	key := "summary:" + rd.summaryKey + ":" + a.ID + ":" + a.Lang + ":" + strconv.Itoa(a.Version)
	if b, ok, err := rd.store.Get(ctx, key); err == nil && ok {
		return string(b)
	} else if err != nil {
		rd.log.Warn("summary cache read", slog.String("article", a.ID), slog.Any("err", err))
	}
	s, err := rd.summarizer.Summarize(ctx, a)
	if err != nil || strings.TrimSpace(s) == "" {
		if err != nil {
			rd.log.Warn("summarizing", slog.String("article", a.ID), slog.Any("err", err))
		}
		return a.Lead
	}
	if err := rd.store.Set(ctx, key, []byte(s), rd.summaryTTL); err != nil {
		rd.log.Warn("summary cache write", slog.String("article", a.ID), slog.Any("err", err))
	}
	return s
}

// SectionName is a section's name in lang, from the locale key
// "section_<id>"; a section the locales do not know shows its ID.
func (rd *Renderer) SectionName(lang, id string) string {
	key := "section_" + id
	if s := rd.cat.T(lang, key, nil); s != key {
		return s
	}
	return id
}

// LangName is a language's own name for itself, e.g. "Русский".
func (rd *Renderer) LangName(code string) string {
	if !rd.cat.Has(code) {
		return code
	}
	return rd.cat.T(code, "lang_name", nil)
}

// LangIn is the name of language code as a sentence in lang needs it
// ("rusă", "русском", "Russian"): the locale key "language_<code>", else
// the language's own name.
func (rd *Renderer) LangIn(lang, code string) string {
	key := "language_" + code
	if s := rd.cat.T(lang, key, nil); s != key {
		return s
	}
	return rd.LangName(code)
}

// BroadcastReport renders a broadcast's progress or, when it is done, its
// final report, for editing the moderator's preview message. Failure
// reasons, platforms and durations are in lang: a reason the catalog has no
// name for (bc_reason_<reason>) is shown as its code, after its class's
// name.
func (rd *Renderer) BroadcastReport(lang string, st BroadcastStatus) Reply {
	r := Reply{Lang: lang, Title: rd.cat.T(lang, "bc_report_title", map[string]any{"ID": st.Broadcast.ID}), Edit: true}
	if !st.Done() {
		r.Text = []string{rd.cat.T(lang, "bc_progress", map[string]any{"Sent": st.Sent, "Failed": st.FailedCount(), "Remaining": st.Remaining()})}
		return r
	}
	r.Text = []string{rd.cat.N(lang, "bc_report_delivered", st.Sent, nil)}
	reasons := make([]string, 0, len(st.Failed))
	for k := range st.Failed {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		r.Text = append(r.Text, rd.cat.T(lang, "bc_report_failed_line", map[string]any{"Reason": rd.failureName(lang, k), "Count": st.Failed[k]}))
	}
	if st.Gone > 0 {
		r.Text = append(r.Text, rd.cat.N(lang, "bc_report_gone", st.Gone, nil))
	}
	if !st.Finished.IsZero() && !st.Broadcast.Confirmed.IsZero() {
		d := st.Finished.Sub(st.Broadcast.Confirmed)
		r.Text = append(r.Text, rd.cat.T(lang, "bc_report_elapsed", map[string]any{"Elapsed": rd.FormatDuration(lang, d)}))
	}
	return r
}

// known returns key's text in lang, and false when the catalog lacks key.
func (rd *Renderer) known(lang, key string, args map[string]any) (string, bool) {
	s := rd.cat.T(lang, key, args)
	return s, s != key
}

// failureName names a failure recorded as "<class>:<reason>" (see
// BroadcastStatus.Failed) in lang.
func (rd *Renderer) failureName(lang, failure string) string {
	class, reason, _ := strings.Cut(failure, ":")
	name, ok := rd.known(lang, "bc_class_"+class, nil)
	if !ok {
		name = class
	}
	return rd.cat.T(lang, "bc_failure", map[string]any{"Class": name, "Reason": rd.reasonName(lang, reason)})
}

// reasonName names a delivery failure's reason in lang. The adapters'
// reasons "api_<code>" (an HTTP status) and "partial_<reason>" (a message
// sent only in part) are named with their code and inner reason.
func (rd *Renderer) reasonName(lang, reason string) string {
	if reason == "" {
		reason = "unknown"
	}
	if a, ok := reasonAliases[reason]; ok {
		reason = a
	}
	if s, ok := rd.known(lang, "bc_reason_"+reason, nil); ok {
		return s
	}
	if inner, ok := strings.CutPrefix(reason, "partial_"); ok && inner != "" {
		return rd.cat.T(lang, "bc_reason_partial", map[string]any{"Reason": rd.reasonName(lang, inner)})
	}
	if code, ok := strings.CutPrefix(reason, "api_"); ok && code != "" && strings.Trim(code, "0123456789") == "" {
		return rd.cat.T(lang, "bc_reason_api", map[string]any{"Code": code})
	}
	return reason
}

// FormatDuration writes d in lang with plural-aware units, to the second
// (to the minute from an hour up): "1 minute 2 seconds".
func (rd *Renderer) FormatDuration(lang string, d time.Duration) string {
	if d < time.Second {
		return rd.cat.T(lang, "dur_under_second", nil)
	}
	if d >= time.Hour {
		d = d.Round(time.Minute)
	} else {
		d = d.Round(time.Second)
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if h > 0 {
		parts = append(parts, rd.cat.N(lang, "dur_hours", h, nil))
	}
	if m > 0 {
		parts = append(parts, rd.cat.N(lang, "dur_minutes", m, nil))
	}
	if s > 0 {
		parts = append(parts, rd.cat.N(lang, "dur_seconds", s, nil))
	}
	return strings.Join(parts, " ")
}

// reasonAliases are reasons named like others: the delivery engine's
// no_edit and no_delete (the platform's sender cannot) are the adapters'
// cannot_edit and cannot_delete.
var reasonAliases = map[string]string{"no_edit": "cannot_edit", "no_delete": "cannot_delete"}

// IsWord reports whether s is the English word en or the word of locale
// key in any configured language.
func (rd *Renderer) IsWord(s, en, key string) bool {
	f := Fold(s)
	if f == en {
		return true
	}
	for _, l := range rd.cat.Langs() {
		if f == Fold(rd.cat.T(l, key, nil)) {
			return true
		}
	}
	return false
}
