package feed

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// feedServer serves the testdata feeds and the misbehaving endpoints.
type feedServer struct {
	*httptest.Server
	mu    sync.Mutex
	files map[string]string // path -> testdata file
	hits  map[string]int
	// conditional counts requests that carried If-None-Match.
	conditional map[string]int
}

func newFeedServer(t testing.TB) *feedServer {
	t.Helper()
	s := &feedServer{
		files: map[string]string{
			"/ro.xml":         "ro_rss.xml",
			"/ru.xml":         "ru_atom.xml",
			"/en.json":        "en_feed.json",
			"/ru1251.xml":     "ru_cp1251.xml",
			"/ro88592.xml":    "ro_iso88592.xml",
			"/malformed.xml":  "malformed.xml",
			"/excerpt-ro.xml": "excerpt_ro.xml",
			"/excerpt-ru.xml": "excerpt_ru.xml",
			"/ro/story/2001":  "page_ro.html",
			"/ru/story/2001":  "page_ru.html",
		},
		hits:        map[string]int{},
		conditional: map[string]int{},
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

// set makes path serve the testdata file name.
func (s *feedServer) set(path, name string) {
	s.mu.Lock()
	s.files[path] = name
	s.mu.Unlock()
}

func (s *feedServer) hitCount(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func (s *feedServer) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.hits[r.URL.Path]++
	if r.Header.Get("If-None-Match") != "" {
		s.conditional[r.URL.Path]++
	}
	name, ok := s.files[r.URL.Path]
	s.mu.Unlock()
	switch r.URL.Path {
	case "/429":
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	case "/503":
		w.Header().Set("Retry-After", time.Now().Add(90*time.Second).UTC().Format(http.TimeFormat))
		http.Error(w, "maintenance", http.StatusServiceUnavailable)
		return
	case "/500":
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case "/slow":
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
		return
	case "/big":
		// Valid-looking XML that never ends within the cap, without a
		// Content-Length, as a hostile feed would send it.
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>big</title>`)
		item := strings.Repeat("<item><title>x</title><description>"+strings.Repeat("y", 900)+"</description></item>", 10)
		for i := 0; i < 20; i++ {
			fmt.Fprint(w, item)
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
		}
		return
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	body, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	body = []byte(strings.ReplaceAll(string(body), "{{BASE}}", s.URL))
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(body))
	w.Header().Set("ETag", etag)
	w.Header().Set("Last-Modified", "Tue, 14 May 2024 06:30:00 GMT")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	switch {
	case strings.HasSuffix(name, ".json"):
		w.Header().Set("Content-Type", "application/feed+json")
	case strings.HasSuffix(name, ".html"):
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "application/rss+xml")
	}
	w.Write(body)
}

// testConfig is a Config of the given lang=path pairs on s, with short
// limits.
func (s *feedServer) config(pairs ...string) Config {
	cfg := Config{Timeout: 500 * time.Millisecond, MaxBytes: 64 << 10, Interval: time.Minute}
	for _, p := range pairs {
		lang, path, _ := strings.Cut(p, "=")
		cfg.Sources = append(cfg.Sources, Source{Lang: lang, URL: s.URL + path})
	}
	return cfg
}
