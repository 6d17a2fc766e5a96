package search

import (
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2/document"

	"github.com/blevesearch/bleve/v2/mapping"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/newsbot/newsbot/content"
)

// schemaVersion names the mapping and analysis below. An index persisted
// with another version is rebuilt, so that a change here never mixes terms
// of two analyses.
const schemaVersion = "newsbot-search-3"

// Fields of the indexed document. The text fields are stored once, as
// written, for snippets; they are searched through per-language copies
// (fieldTitle + suffix, e.g. "title_ro"), each analyzed for its language.
const (
	fieldLang    = "lang"
	fieldSection = "section"
	fieldTitle   = "title"
	fieldLead    = "lead"
	fieldBody    = "body"
	// fieldPublished is stored only: the publication time in Unix seconds,
	// which orders hits of equal score (see newerFirst).
	fieldPublished = "published"
)

// textFields are the searched parts of an article with their boosts: a word
// in the title says more about the article than the same word in the lead,
// and the lead more than the body.
//
// The title's boost is so large that a query word in an article's title
// outweighs the words' scores in the leads and bodies of any article
// without it in its title: an article with the words in its title, in any
// of their forms, ranks above one that only mentions them. (A term's score
// grows with its boost and its rarity, so only a word found in nearly every
// title could fall short.) Among articles with the same words in their
// titles, BM25 of the titles orders them, then that of lead and body.
var textFields = []struct {
	name  string
	boost float64
}{
	{fieldTitle, titleBoost},
	{fieldLead, 2},
	{fieldBody, 1},
}

// titleBoost is the boost of the title field; see textFields.
const titleBoost = 1e6

// profile is how one language is indexed and searched: its analyzer and
// the suffix of the fields that analyzer fills.
type profile struct {
	lang     string // "" for the fallback of every other language
	analyzer string
	suffix   string
}

var (
	profileRo    = profile{lang: "ro", analyzer: analyzerRo, suffix: "_ro"}
	profileRu    = profile{lang: "ru", analyzer: analyzerRu, suffix: "_ru"}
	profileEn    = profile{lang: "en", analyzer: analyzerEn, suffix: "_en"}
	profileOther = profile{lang: "", analyzer: analyzerOther, suffix: "_xx"}

	// profiles ends with the fallback, profileOther (see profileIndex).
	profiles = []profile{profileRo, profileRu, profileEn, profileOther}
)

// profileFor returns the profile of a normalised language code.
func profileFor(lang string) profile { return profiles[profileIndex(lang)] }

// profileIndex returns the index in profiles of the profile of a
// normalised language code; the fallback profile is the last.
func profileIndex(lang string) int {
	for i, p := range profiles {
		if p.lang != "" && p.lang == lang {
			return i
		}
	}
	return len(profiles) - 1
}

// normLang reduces a language tag to its lower-case primary subtag: "ro-RO"
// and "RO" are "ro".
func normLang(lang string) string {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if i := strings.IndexAny(lang, "-_"); i >= 0 {
		lang = lang[:i]
	}
	return lang
}

// newMapping returns the index mapping: one static document type whose
// per-language text fields are analyzed by that language's analyzer.
func newMapping() *mapping.IndexMappingImpl {
	m := mapping.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultAnalyzer = analyzerOther
	m.StoreDynamic = false
	m.IndexDynamic = false
	m.DocValuesDynamic = false

	doc := mapping.NewDocumentStaticMapping()
	keywordField := func(store bool) *mapping.FieldMapping {
		f := mapping.NewKeywordFieldMapping()
		f.Store = store
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}
	doc.AddFieldMappingsAt(fieldLang, keywordField(true))
	doc.AddFieldMappingsAt(fieldSection, keywordField(false))
	published := mapping.NewTextFieldMapping()
	published.Index = false
	published.Store = true
	published.IncludeInAll = false
	published.IncludeTermVectors = false
	published.DocValues = false
	doc.AddFieldMappingsAt(fieldPublished, published)

	for _, f := range textFields {
		stored := mapping.NewTextFieldMapping()
		stored.Index = false
		stored.Store = true
		stored.IncludeInAll = false
		stored.IncludeTermVectors = false
		stored.DocValues = false
		doc.AddFieldMappingsAt(f.name, stored)
		for _, p := range profiles {
			searched := mapping.NewTextFieldMapping()
			searched.Analyzer = p.analyzer
			searched.Store = false
			searched.IncludeInAll = false
			searched.IncludeTermVectors = false
			searched.DocValues = false
			doc.AddFieldMappingsAt(f.name+p.suffix, searched)
		}
	}
	// Nothing searches every field at once: skip bleve's "_all" field.
	doc.AddSubDocumentMapping("_all", mapping.NewDocumentDisabledMapping())
	m.DefaultMapping = doc
	return m
}

// document returns what the index keeps of a: the fields newMapping
// describes, built directly rather than by walking a map through the
// mapping (which took a few percent of the indexing time and copied each
// text twice). The stored text and its analyzed copy share their bytes:
// the analyzers never change their input.
func (x *Index) document(a content.Article) *document.Document {
	lang := normLang(a.Lang)
	p := profileFor(lang)
	d := document.NewDocument(a.ID)
	d.AddField(document.NewTextFieldCustom(fieldLang, nil, []byte(lang), index.IndexField|index.StoreField, x.keyword))
	d.AddField(document.NewTextFieldCustom(fieldSection, nil, []byte(strings.ToLower(strings.TrimSpace(a.Section))), index.IndexField, x.keyword))
	d.AddField(document.NewTextFieldCustom(fieldPublished, nil, []byte(publishedValue(a)), index.StoreField, nil))
	for _, f := range textFields {
		var value []byte
		switch f.name {
		case fieldTitle:
			value = []byte(a.Title)
		case fieldLead:
			value = []byte(a.Lead)
		case fieldBody:
			value = []byte(strings.Join(a.Body, "\n"))
		}
		d.AddField(document.NewTextFieldCustom(f.name, nil, value, index.StoreField, nil))
		d.AddField(document.NewTextFieldCustom(f.name+p.suffix, nil, value, index.IndexField, x.analyzers[p.analyzer]))
	}
	d.SetIndexed()
	return d
}

// publishedValue is what fieldPublished stores of a.
func publishedValue(a content.Article) string { return strconv.FormatInt(a.Published.Unix(), 10) }
