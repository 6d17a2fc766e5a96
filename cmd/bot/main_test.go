package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
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
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), nil, strings.NewReader(""), &out, &errb, env(tt.env))
			if code != 2 {
				t.Errorf("exit code %d, want 2; stderr: %s", code, errb.String())
			}
			lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
			if last := lines[len(lines)-1]; !strings.Contains(last, tt.want) {
				t.Errorf("stderr %q does not name %s", errb.String(), tt.want)
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

// TestComposeFile checks the production shape: Redis keeps data (append-only
// file on a named volume) and the bot waits for it to be healthy.
func TestComposeFile(t *testing.T) {
	buf, err := os.ReadFile("../../docker-compose.yml")
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string
			Command     []string
			Volumes     []string
			Healthcheck struct{ Test []string }
			DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
			Environment map[string]string
		}
		Volumes map[string]any
	}
	if err := yaml.Unmarshal(buf, &c); err != nil {
		t.Fatal(err)
	}
	redis, bot := c.Services["redis"], c.Services["bot"]
	if !strings.Contains(strings.Join(redis.Command, " "), "--appendonly yes") {
		t.Errorf("redis without appendonly: %v", redis.Command)
	}
	if len(redis.Healthcheck.Test) == 0 || len(redis.Volumes) == 0 {
		t.Errorf("redis needs a healthcheck and a volume")
	}
	if _, ok := c.Volumes["redis-data"]; !ok {
		t.Errorf("no named volume redis-data")
	}
	if bot.DependsOn["redis"].Condition != "service_healthy" {
		t.Errorf("bot does not wait for a healthy redis")
	}
	if !strings.HasPrefix(bot.Environment["REDIS_URL"], "redis://redis:") {
		t.Errorf("bot REDIS_URL %q", bot.Environment["REDIS_URL"])
	}
}

func TestIngest(t *testing.T) {
	srv := httptest.NewServer(http.FileServer(http.Dir("../../content/feed/testdata")))
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
