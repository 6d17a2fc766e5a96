package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestInvalidConfig(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"default lang not configured", map[string]string{"NEWSBOT_DEFAULT_LANG": "de"}, "NEWSBOT_DEFAULT_LANG"},
		{"bad lang code", map[string]string{"NEWSBOT_LANGS": "ro,r u"}, "NEWSBOT_LANGS"},
		{"lang without locale file", map[string]string{"NEWSBOT_LANGS": "ro,xx"}, "NEWSBOT_LANGS"},
		{"bad time zone", map[string]string{"NEWSBOT_TZ": "Mars/Olympus"}, "NEWSBOT_TZ"},
		{"bad log level", map[string]string{"LOG_LEVEL": "loud"}, "LOG_LEVEL"},
		{"bad redis url", map[string]string{"REDIS_URL": "http://x"}, "REDIS_URL"},
		{"missing content dir", map[string]string{"NEWSBOT_CONTENT": "/nonexistent/newsbot"}, "NEWSBOT_CONTENT"},
		{"lang without translations alone", map[string]string{"NEWSBOT_LANGS": "xx"}, "NEWSBOT_LANGS"},
		{"feed in a language not configured", map[string]string{"NEWSBOT_FEEDS": "xx=https://example.com/feed.xml"}, "NEWSBOT_FEEDS"},
		{"feed in a language left out", map[string]string{"NEWSBOT_LANGS": "ro,ru", "NEWSBOT_FEEDS": "en=https://example.com/feed.xml"}, "NEWSBOT_FEEDS"},
		{"translate url not a url", map[string]string{"NEWSBOT_TRANSLATE_URL": "::bad"}, "NEWSBOT_TRANSLATE_URL"},
		{"translate url without host", map[string]string{"NEWSBOT_TRANSLATE_URL": "http://"}, "NEWSBOT_TRANSLATE_URL"},
		{"translate kind", map[string]string{"NEWSBOT_TRANSLATE_URL": "http://localhost:5000", "NEWSBOT_TRANSLATE_KIND": "deepl"}, "NEWSBOT_TRANSLATE_KIND"},
		{"data dir not creatable", map[string]string{"NEWSBOT_DATA": "/proc/nope"}, "NEWSBOT_DATA"},
		{"http addr without port", map[string]string{"HTTP_ADDR": "notanaddr"}, "HTTP_ADDR"},
		{"http addr port out of range", map[string]string{"HTTP_ADDR": ":99999"}, "HTTP_ADDR"},
		{"redis db not a number", map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/abc"}, "REDIS_URL"},
		{"redis timeout", map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0", "REDIS_TIMEOUT": "soon"}, "REDIS_TIMEOUT"},
		{"webhook without address", map[string]string{"TELEGRAM_BOT_TOKEN": "123456:AAE-token", "TELEGRAM_WEBHOOK_URL": "https://bot.example/hook", "TELEGRAM_WEBHOOK_SECRET": "s3cret"}, "HTTP_ADDR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(tt.env))
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, errb.String())
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			// The variable to blame comes first: "invalid configuration: X…".
			_, blamed, _ := strings.Cut(lines[0], "invalid configuration: ")
			if len(lines) != 1 || !strings.HasPrefix(blamed, tt.want) {
				t.Errorf("stderr %q is not one line naming %s", errb.String(), tt.want)
			}
		})
	}
}

func TestTokenNeverLogged(t *testing.T) {
	var out, errb bytes.Buffer
	secret := "123456:AAE-very-secret-token"
	run(context.Background(), nil, strings.NewReader("/help\n"), &out, &errb, env(map[string]string{"DISCORD_BOT_TOKEN": secret, "DISCORD_API_ENDPOINT": "http://127.0.0.1:1/", "LOG_LEVEL": "debug"}))
	if strings.Contains(out.String()+errb.String(), secret) {
		t.Fatal("the token appears in the output")
	}
}

// TestConsoleSession is the README's promise: a fresh clone answers these
// lines, piped in, with correct translated answers.
func TestConsoleSession(t *testing.T) {
	in := strings.Join([]string{"/latest", "/lang ru", "/latest", "/read budget-ru", "/subscribe international", "/subscriptions", "/unsubscribe all", "/nonsense", "1"}, "\n")
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(in), &out, &errb, env(nil))
	if code != 0 {
		t.Fatalf("exit code %d; stderr: %s", code, errb.String())
	}
	got := out.String()
	for _, want := range []string{
		"== Ultimele știri ==", "/read_", "Язык: Русский.", "== Последние новости ==",
		"Муниципальный совет Кишинёва", "English: ", "Международные", "Срочные новости", "2 раздела",
		"Отключены 2 раздела", "Я не знаю команду /nonsense",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(got)
	}
}

func TestContentDir(t *testing.T) {
	dir := t.TempDir()
	article := `[{"id":"x1","lang":"en","section":"sport","title":"Local club wins","lead":"A win.","body":["The club won."],"published":"2026-11-28T10:00:00Z"}]`
	if err := os.WriteFile(dir+"/x1.json", []byte(article), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-lang", "en"}, strings.NewReader("/latest\n"), &out, &errb, env(map[string]string{"NEWSBOT_CONTENT": dir}))
	if code != 0 || !strings.Contains(out.String(), "Local club wins") {
		t.Fatalf("exit %d, out %q, err %q", code, out.String(), errb.String())
	}
	if err := os.WriteFile(dir+"/bad.json", []byte(`[{"id":"x2","lang":"en"}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(map[string]string{"NEWSBOT_CONTENT": dir})); code == 0 || !strings.Contains(errb.String(), "bad.json") {
		t.Errorf("bad file: exit %d, stderr %q", code, errb.String())
	}
}

func TestUnknownSubcommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"frobnicate"}, strings.NewReader(""), &out, &errb, env(nil)); code != 2 {
		t.Errorf("exit %d", code)
	}
}

func TestIngest(t *testing.T) {
	// The feeds' article links are rewritten to this server, so that the
	// article pages the poller fetches are asked of it, never of the
	// Internet (it answers them 404).
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := os.ReadFile(filepath.Join("../../content/feed/testdata", filepath.Base(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(bytes.ReplaceAll(body, []byte("https://news.example.md"), []byte(srv.URL)))
	}))
	defer srv.Close()
	var out, errb bytes.Buffer
	feeds := "ro=" + srv.URL + "/ro_rss.xml,ru=" + srv.URL + "/ru_atom.xml,en=" + srv.URL + "/en_feed.json"
	code := run(context.Background(), []string{"ingest", "-feeds", feeds}, strings.NewReader(""), &out, &errb, env(nil))
	if code != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out.String(), errb.String())
	}
	if n := strings.Count(out.String(), "\nnew ") + boolInt(strings.HasPrefix(out.String(), "new ")); n < 3 {
		t.Errorf("stored %d new articles:\n%s", n, out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"ingest", "-feeds", "ro=" + srv.URL + "/malformed.xml"}, strings.NewReader(""), &out, &errb, env(nil)); code != 1 {
		t.Errorf("malformed feed: exit %d", code)
	}
	if code := run(context.Background(), []string{"ingest"}, strings.NewReader(""), &out, &errb, env(nil)); code != 2 {
		t.Errorf("no feeds: exit %d", code)
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestSummarize(t *testing.T) {
	article := "Bugetul a fost aprobat\n\nConsiliul a aprobat joi bugetul pentru 2027, cu venituri de 7,8 miliarde de lei. Documentul a fost votat de 27 de consilieri. Opoziția a criticat deficitul.\n"
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"summarize", "-lang", "ro", "-chars", "120", "-"}, strings.NewReader(article), &out, &errb, env(nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	s := strings.TrimSpace(out.String())
	if s == "" || len([]rune(s)) > 120 || !strings.Contains(article, strings.SplitN(s, ". ", 2)[0]) {
		t.Errorf("summary %q", s)
	}
	if code := run(context.Background(), []string{"summarize", "-"}, strings.NewReader(article), &out, &errb, env(nil)); code != 2 {
		t.Errorf("no -lang: exit %d", code)
	}
}

func TestEvalSummaries(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"eval-summaries", "-dir", "../../content/summary/testdata/eval"}, strings.NewReader(""), &out, &errb, env(nil))
	if code != 0 {
		t.Fatalf("exit %d: %s\n%s", code, errb.String(), out.String())
	}
	for _, lang := range []string{"en", "ro", "ru"} {
		if !strings.Contains(out.String(), " "+lang+" ") {
			t.Errorf("no line for %s:\n%s", lang, out.String())
		}
	}
}

func TestBenchFanoutSmall(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"bench-fanout", "-chats", "200", "-rate", "1000"}, strings.NewReader(""), &out, &errb, env(nil))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "fanout: chats=200 ") || !strings.Contains(last, " dup=0 lost=0 ") {
		t.Errorf("last line %q", last)
	}
}

// TestBreakingInTerminal is the embedded default end to end: a moderator
// in the terminal posts breaking news, confirms, and the alert arrives.
func TestBreakingInTerminal(t *testing.T) {
	in := "/subscribe politics\n/lang en\n/breaking en: Bridge closed | ro: Pod închis\n1\n"
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-moderator"}, strings.NewReader(in), &out, &errb, env(nil)); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	preview := strings.Index(got, "Bridge closed")
	alert := strings.Index(got, "🔔")
	if preview < 0 || alert < preview || !strings.Contains(got[alert:], "Bridge closed") {
		t.Errorf("no alert after the preview:\n%s", got)
	}
	if strings.Count(got, "🔔") != 1 {
		t.Errorf("alert delivered %d times:\n%s", strings.Count(got, "🔔"), got)
	}
}

// TestRedisPasswordNotEchoed: a malformed REDIS_URL is reported without
// the password it holds.
func TestRedisPasswordNotEchoed(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(map[string]string{"REDIS_URL": "redis://user:hunter2@127.0.0.1:notaport/0"}))
	if code != 2 || !strings.Contains(errb.String(), "REDIS_URL") || strings.Contains(errb.String(), "hunter2") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}

func TestHTTPAddrInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader("/help\n"), &out, &errb, env(map[string]string{"HTTP_ADDR": ln.Addr().String()}))
	if code != 2 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "HTTP_ADDR:") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("the bot answered before failing: %q", out.String())
	}
}

// TestNoTokenNoInput is a container started without its token: no
// terminal, an input that ends at once. It must not pass for a bot that
// ran and finished.
func TestNoTokenNoInput(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(nil))
	if code != 2 || !strings.Contains(errb.String(), "TELEGRAM_BOT_TOKEN") || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), nil, strings.NewReader("\n"), &out, &errb, env(nil)); code != 0 {
		t.Errorf("an input of one blank line: exit %d, stderr %q", code, errb.String())
	}
}

func TestLangFlag(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"-lang", "xx"}, strings.NewReader("/help\n"), &out, &errb, env(nil))
	if code != 2 || !strings.Contains(errb.String(), "ro, ru, en") {
		t.Errorf("-lang xx: exit %d, stderr %q", code, errb.String())
	}
	out.Reset()
	// British English writes the day first.
	if code := run(context.Background(), []string{"-lang", "en-GB"}, strings.NewReader("/read heat-en\n"), &out, &errb, env(nil)); code != 0 || !strings.Contains(out.String(), "27 Nov 2026") {
		t.Errorf("-lang en-GB: exit %d, output %q", code, out.String())
	}
	errb.Reset()
	// A system locale the bot does not speak is no error: the default
	// language answers.
	code = run(context.Background(), nil, strings.NewReader("/help\n"), &out, &errb, env(map[string]string{"LANG": "de_DE.UTF-8"}))
	if code != 0 || !strings.Contains(out.String(), "== Comenzi ==") {
		t.Errorf("LANG=de_DE: exit %d, stderr %q", code, errb.String())
	}
}

func TestHelpListsSubcommands(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-h"}, strings.NewReader(""), &out, &errb, env(nil)); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	for _, want := range []string{"ingest", "summarize", "eval-summaries", "bench-fanout", "healthcheck", "README", ".env.example", "-lang", "-moderator"} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("-h does not mention %s:\n%s", want, errb.String())
		}
	}
}

func TestSystemLocale(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"LANG": "ru_RU.UTF-8"}, "ru_RU.UTF-8"},
		{map[string]string{"LANG": "ru_RU.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en_GB.UTF-8"},
		{map[string]string{"LANG": "ru_RU.UTF-8", "LC_MESSAGES": "en_GB.UTF-8", "LC_ALL": "ro_MD.UTF-8"}, "ro_MD.UTF-8"},
		{map[string]string{"LANG": "C.UTF-8"}, ""},
		{map[string]string{"LC_ALL": "POSIX", "LANG": "ru_RU"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := systemLocale(env(tt.env)); got != tt.want {
			t.Errorf("systemLocale(%v) = %q, want %q", tt.env, got, tt.want)
		}
	}
	// What the terminal does with it is locales.Catalog.Match's (its test
	// has these locales).
}

func TestHealthcheck(t *testing.T) {
	healthy := true
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" || !healthy {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"healthcheck"}, strings.NewReader(""), &out, &errb, env(map[string]string{"HTTP_ADDR": addr})); code != 0 {
		t.Errorf("healthy: exit %d, stderr %q", code, errb.String())
	}
	healthy = false
	if code := run(context.Background(), []string{"healthcheck", "-url", srv.URL + "/healthz"}, strings.NewReader(""), &out, &errb, env(nil)); code != 1 || !strings.Contains(errb.String(), "503") {
		t.Errorf("unhealthy: exit %d, stderr %q", code, errb.String())
	}
	if code := run(context.Background(), []string{"healthcheck"}, strings.NewReader(""), &out, &errb, env(nil)); code != 2 {
		t.Errorf("no HTTP_ADDR: exit %d", code)
	}
}

// TestFeedsExample: the README's example NEWSBOT_CONFIG file is one the
// bot accepts.
func TestFeedsExample(t *testing.T) {
	cfg, err := loadConfig(env(map[string]string{"NEWSBOT_CONFIG": "../../docs/feeds.example.yaml"}))
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Feeds.Sources) < 3 {
		t.Errorf("the example has %d feeds", len(cfg.Feeds.Sources))
	}
	// A file with several mistakes is still reported in one line.
	bad := t.TempDir() + "/feeds.yaml"
	if err := os.WriteFile(bad, []byte("feeds:\n  - lang: ro\n    url: https://example.com/ro.xml\n    colour: red\nintervl: 5m\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(map[string]string{"NEWSBOT_CONFIG": bad}))
	if code != 2 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), "colour") || !strings.Contains(errb.String(), "intervl") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
}
