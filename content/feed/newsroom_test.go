package feed

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"

	"github.com/newsbot/newsbot/content"
)

// newsroom is a multilingual news site served from httptest: one RSS feed
// of excerpts per language (/{lang}/rss.xml) and an article page per
// edition (/{lang}/story/{n}) whose <link rel="alternate" hreflang> list the
// editions the site has linked so far. Tests publish editions one by one
// and link them as a newsroom's CMS would, some time after.
type newsroom struct {
	*httptest.Server
	mu    sync.Mutex
	feeds map[string][]*edition // lang -> editions, newest first
	pages map[string]*edition   // path -> edition
	hits  map[string]int        // path -> requests
	// conditional counts the requests for a path that carried validators.
	conditional map[string]int
	notModified map[string]int
	down        map[string]bool // paths that answer 503
}

// edition is one language edition of a story on the site.
type edition struct {
	Lang, Path, GUID, Title, Lead, Author, Category, Group string
	Body                                                   []string
	Published                                              time.Time
	alternates                                             []string // paths of the editions the page links
}

var newsroomTemplates = template.Must(template.ParseFiles(
	filepath.Join("testdata", "newsroom", "rss.xml.tmpl"),
	filepath.Join("testdata", "newsroom", "page.html.tmpl"),
))

func newNewsroom(t testing.TB) *newsroom {
	t.Helper()
	n := &newsroom{
		feeds:       map[string][]*edition{"ro": nil, "ru": nil, "en": nil},
		pages:       map[string]*edition{},
		hits:        map[string]int{},
		conditional: map[string]int{},
		notModified: map[string]int{},
		down:        map[string]bool{},
	}
	n.Server = httptest.NewServer(http.HandlerFunc(n.serve))
	t.Cleanup(n.Close)
	return n
}

// publish puts e at the top of its language's feed and serves its page.
func (n *newsroom) publish(e *edition) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.feeds[e.Lang] = append([]*edition{e}, n.feeds[e.Lang]...)
	n.pages[e.Path] = e
}

// link makes the page at path list the editions at paths (itself included,
// as sites do).
func (n *newsroom) link(path string, paths ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pages[path].alternates = paths
}

// edit changes a published edition's title in the feed and on its page,
// and the page's text when body is given.
func (n *newsroom) edit(path, title string, body ...string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.pages[path].Title = title
	if body != nil {
		n.pages[path].Body = body
	}
}

func (n *newsroom) count(m map[string]int, path string) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return m[path]
}

func (n *newsroom) config(langs ...string) Config {
	cfg := Config{Timeout: 2 * time.Second, MaxBytes: 256 << 10, Interval: time.Minute}
	for _, l := range langs {
		cfg.Sources = append(cfg.Sources, Source{Lang: l, URL: n.URL + "/" + l + "/rss.xml"})
	}
	return cfg
}

func (n *newsroom) serve(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.hits[r.URL.Path]++
	if r.Header.Get("If-None-Match") != "" || r.Header.Get("If-Modified-Since") != "" {
		n.conditional[r.URL.Path]++
	}
	if n.down[r.URL.Path] {
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	}
	var b strings.Builder
	var err error
	lang, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	switch eds, isFeed := n.feeds[lang]; {
	case isFeed && rest == "rss.xml":
		type item struct {
			*edition
			PubDate string
		}
		data := struct {
			Lang, Base string
			Items      []item
		}{Lang: lang, Base: n.URL}
		for _, e := range eds {
			data.Items = append(data.Items, item{e, e.Published.Format(time.RFC1123Z)})
		}
		w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
		err = newsroomTemplates.ExecuteTemplate(&b, "rss.xml.tmpl", data)
	case n.pages[r.URL.Path] != nil:
		e := n.pages[r.URL.Path]
		type alt struct{ Lang, Href string }
		data := struct {
			*edition
			Base       string
			Alternates []alt
		}{edition: e, Base: n.URL}
		for i, p := range e.alternates {
			href := n.URL + p
			switch {
			case p == e.Path:
				href = p // relative, as many sites write their own
			case i%2 == 1:
				href += "/" // the same page, spelt with a trailing slash
			}
			data.Alternates = append(data.Alternates, alt{n.pages[p].Lang, href})
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		err = newsroomTemplates.ExecuteTemplate(&b, "page.html.tmpl", data)
	default:
		http.NotFound(w, r)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256([]byte(b.String())))
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		n.notModified[r.URL.Path]++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	fmt.Fprint(w, b.String())
}

// storyAt is when the tests' story was first published (Romanian edition).
var storyAt = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// airport returns the story's edition in lang, published at.
func airport(lang string, at time.Time) *edition {
	e := map[string]edition{
		"ro": {Title: "Aeroportul din Chișinău deschide un terminal nou", Author: "Maria Ciobanu", Category: "Societate",
			Lead: "Noul terminal va deservi până la două milioane de pasageri pe an.",
			Body: []string{
				"Terminalul, construit în doi ani, are douăsprezece porți de îmbarcare și o parcare subterană pentru o mie de mașini.",
				"Administrația aeroportului spune că timpul de așteptare la controlul de securitate va scădea la cel mult zece minute.",
			}},
		"ru": {Title: "Аэропорт Кишинёва открывает новый терминал", Author: "Мария Чобану", Category: "Общество",
			Lead: "Новый терминал сможет обслуживать до двух миллионов пассажиров в год.",
			Body: []string{
				"Терминал, построенный за два года, имеет двенадцать выходов на посадку и подземную парковку на тысячу машин.",
				"Администрация аэропорта обещает, что ожидание на досмотре сократится до десяти минут.",
			}},
		"en": {Title: "Chișinău airport opens a new terminal", Author: "Maria Ciobanu", Category: "Society",
			Lead: "The new terminal will serve up to two million passengers a year.",
			Body: []string{
				"The terminal, built in two years, has twelve gates and an underground car park for a thousand cars.",
				"The airport says the wait at security will drop to ten minutes at most.",
			}},
	}[lang]
	e.Lang, e.Path, e.GUID, e.Published = lang, "/"+lang+"/story/3001", "newsroom-"+lang+"-3001", at
	return &e
}

// tram returns another story's edition in lang, published at.
func tram(lang string, at time.Time) *edition {
	e := map[string]edition{
		"ro": {Title: "Linia de tramvai spre aeroport, aprobată", Author: "Ion Rusu", Category: "Societate",
			Lead: "Consiliul municipal a aprobat studiul de fezabilitate.",
			Body: []string{"Lucrările ar putea începe în primăvară, după consultările publice."}},
		"ru": {Title: "Трамвайная линия в аэропорт одобрена", Author: "Ион Русу", Category: "Общество",
			Lead: "Муниципальный совет одобрил технико-экономическое обоснование.",
			Body: []string{"Работы могут начаться весной, после общественных консультаций."}},
		"en": {Title: "Airport tram line approved", Author: "Ion Rusu", Category: "Society",
			Lead: "The city council approved the feasibility study.",
			Body: []string{"Works could start in spring, after public consultations."}},
	}[lang]
	e.Lang, e.Path, e.GUID, e.Published = lang, "/"+lang+"/story/3002", "newsroom-"+lang+"-3002", at
	return &e
}

// paths returns the page paths of editions.
func paths(eds ...*edition) []string {
	out := make([]string, len(eds))
	for i, e := range eds {
		out[i] = e.Path
	}
	return out
}

// announcements records what the listeners are told.
type announcements struct {
	mu     sync.Mutex
	titles []string
	groups map[string]string // title -> group when announced
}

func (a *announcements) listener() Listener {
	return ListenerFunc(func(_ context.Context, art content.Article) {
		a.mu.Lock()
		defer a.mu.Unlock()
		a.titles = append(a.titles, art.Title)
		if a.groups == nil {
			a.groups = map[string]string{}
		}
		a.groups[art.Title] = art.Group
	})
}

func (a *announcements) list() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.titles)
}
