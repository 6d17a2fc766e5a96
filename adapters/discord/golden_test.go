package discord_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/newsbot/newsbot/adapters/discord/discordtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// golden compares got, indented, with testdata/golden/name.json.
func golden(t *testing.T, name string, got json.RawMessage) {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Indent(&buf, got, "", "  "); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	buf.WriteByte('\n')
	path := filepath.Join("testdata", "golden", name+".json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("%s differs from %s (run go test -update and review the diff):\n%s", name, path, buf.String())
	}
}

// TestGoldenEmbeds keeps the embeds, lists and buttons the bot answers
// with, as sent to Discord, in each language.
func TestGoldenEmbeds(t *testing.T) {
	for _, l := range []struct{ lang, locale, article string }{
		{"ro", "ro", "bridge-ro"}, {"ru", "ru", "bridge-ru"}, {"en", "en-GB", "bridge-en"},
	} {
		t.Run(l.lang, func(t *testing.T) {
			r := run(t, nil)
			mod := manager(l.locale)
			mod.UserID = "42" // a newsroom moderator
			steps := []struct {
				name string
				w    discordtest.Where
				cmd  string
				opts []discordtest.Option
			}{
				{"help", member(l.locale), "help", nil},
				{"latest", member(l.locale), "latest", []discordtest.Option{str("section", "international"), num("count", 2)}},
				{"read", member(l.locale), "read", []discordtest.Option{str("article", l.article)}},
				{"read_picture", member(l.locale), "read", []discordtest.Option{str("article", "heat-"+l.lang)}},
				{"search", member(l.locale), "search", []discordtest.Option{str("words", "pod")}},
				{"subscribe", manager(l.locale), "subscribe", []discordtest.Option{str("section", "politics")}},
				{"sections", manager(l.locale), "sections", nil},
				{"error", member(l.locale), "unsubscribe", []discordtest.Option{str("section", "all")}},
				{"breaking_preview", mod, "breaking", []discordtest.Option{str("text", "Storm @everyone warning")}},
			}
			for _, s := range steps {
				id := r.srv.Command(s.w, s.cmd, s.opts...)
				cb := r.srv.WaitCallback(id)
				golden(t, l.lang+"_"+s.name, cb.Data)
			}
		})
	}
}
