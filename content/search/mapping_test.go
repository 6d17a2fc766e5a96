package search

import (
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2/document"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/newsbot/newsbot/content"
)

// TestDocumentFollowsMapping checks that the documents the index builds
// directly hold what newMapping makes of the same article: the same
// fields, with the same options, values and analyzers.
func TestDocumentFollowsMapping(t *testing.T) {
	x := testIndex(t)
	articles := append(testArticles(t), content.Article{
		ID: "de-x", Lang: "de-AT", Section: " Politics ", Title: "Wahlen", Lead: "Heute", Body: []string{"Eins", "Zwei"},
	})
	for _, a := range articles {
		lang := normLang(a.Lang)
		body := strings.Join(a.Body, "\n")
		suffix := profileFor(lang).suffix
		data := map[string]any{
			fieldLang: lang, fieldSection: strings.ToLower(strings.TrimSpace(a.Section)), fieldPublished: publishedValue(a),
			fieldTitle: a.Title, fieldLead: a.Lead, fieldBody: body,
			fieldTitle + suffix: a.Title, fieldLead + suffix: a.Lead, fieldBody + suffix: body,
		}
		want := document.NewDocument(a.ID)
		if err := x.idx.Mapping().MapDocument(want, data); err != nil {
			t.Fatal(err)
		}
		got := x.document(a)
		if got.ID() != want.ID() || got.Indexed() != want.Indexed() {
			t.Errorf("%s: document %q indexed %v, want %q %v", a.ID, got.ID(), got.Indexed(), want.ID(), want.Indexed())
		}
		fields := func(d *document.Document) map[string]*document.TextField {
			m := map[string]*document.TextField{}
			d.VisitFields(func(f index.Field) {
				tf, ok := f.(*document.TextField)
				if !ok {
					t.Errorf("%s: field %s is a %T", a.ID, f.Name(), f)
					return
				}
				m[f.Name()] = tf
			})
			return m
		}
		gotFields, wantFields := fields(got), fields(want)
		if len(gotFields) != len(wantFields) {
			t.Errorf("%s: %d fields, want %d", a.ID, len(gotFields), len(wantFields))
		}
		for name, w := range wantFields {
			g, ok := gotFields[name]
			switch {
			case !ok:
				t.Errorf("%s: no field %s", a.ID, name)
			case g.Options() != w.Options():
				t.Errorf("%s: field %s options %v, want %v", a.ID, name, g.Options(), w.Options())
			case string(g.Value()) != string(w.Value()):
				t.Errorf("%s: field %s = %q, want %q", a.ID, name, g.Value(), w.Value())
			case w.Options().IsIndexed() && g.Analyzer() != w.Analyzer():
				t.Errorf("%s: field %s analyzer %v, want %v", a.ID, name, g.Analyzer(), w.Analyzer())
			}
		}
	}
}
