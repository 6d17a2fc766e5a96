package core

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseCommand(t *testing.T) {
	tests := []struct {
		name, in string
		ok       bool
		want     Command
	}{
		{"plain", "/latest", true, Command{Name: "latest"}},
		{"args", "/latest politics 3", true, Command{Name: "latest", Args: []string{"politics", "3"}, Rest: "politics 3"}},
		{"upper case name", "/LATEST", true, Command{Name: "latest"}},
		{"addressed", "/latest@newsbot economy", true, Command{Name: "latest", Bot: "newsbot", Args: []string{"economy"}, Rest: "economy"}},
		{"read shortcut", "/read_w1ro", true, Command{Name: "read", Args: []string{"w1ro"}, Rest: "w1ro"}},
		{"read shortcut keeps case", "/read_W1Ro@newsbot", true, Command{Name: "read", Bot: "newsbot", Args: []string{"W1Ro"}, Rest: "W1Ro"}},
		{"lang shortcut", "/lang_ru", true, Command{Name: "lang", Args: []string{"ru"}, Rest: "ru"}},
		{"read shortcut without id", "/read_", true, Command{Name: "read"}},
		{"read shortcut without id, addressed", "/read_@newsbot x1", true, Command{Name: "read", Bot: "newsbot", Args: []string{"x1"}, Rest: "x1"}},
		{"underscore in other command", "/foo_bar", true, Command{Name: "foo_bar"}},
		{"unicode spaces", "/subscribe\u00a0\u2003Internațional", true, Command{Name: "subscribe", Args: []string{"Internațional"}, Rest: "Internațional"}},
		{"zero-width and bidi dropped", "/sub\u200bscribe \u202eculture", true, Command{Name: "subscribe", Args: []string{"culture"}, Rest: "culture"}},
		{"newline after name", "/breaking\nFire downtown", true, Command{Name: "breaking", Args: []string{"Fire", "downtown"}, Rest: "Fire downtown"}},
		{"leading spaces", "   /help", true, Command{Name: "help"}},
		{"not a command", "hello", false, Command{}},
		{"slash alone", "/", false, Command{}},
		{"slash space", "/ latest", false, Command{}},
		{"cyrillic name", "/новости", false, Command{}},
		{"path", "/etc/passwd", false, Command{}},
		{"empty", "", false, Command{}},
		{"invalid utf8", "/latest \xff\xfe", true, Command{Name: "latest", Args: []string{"\uFFFD"}, Rest: "\uFFFD"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseCommand(tt.in)
			if ok != tt.ok {
				t.Fatalf("ParseCommand(%q) ok = %v, want %v", tt.in, ok, tt.ok)
			}
			if got.Name != tt.want.Name || got.Bot != tt.want.Bot || got.Rest != tt.want.Rest || !slices.Equal(got.Args, tt.want.Args) {
				t.Errorf("ParseCommand(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzParseCommand(f *testing.F) {
	for _, s := range []string{"/latest politics 3", "/read_w1ro@bot", "/subscribe Internațional", "/lang_", "/\u200b", "/a@", "/breaking\n\nx", "\xff/latest"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cmd, ok := ParseCommand(s)
		if !ok {
			return
		}
		if cmd.Name == "" || cmd.Name != strings.ToLower(cmd.Name) {
			t.Errorf("name %q", cmd.Name)
		}
		for _, part := range append([]string{cmd.Name, cmd.Bot, cmd.Rest}, cmd.Args...) {
			if !utf8.ValidString(part) {
				t.Errorf("invalid UTF-8 in %q", part)
			}
		}
		for _, a := range cmd.Args {
			if a == "" || strings.ContainsAny(a, " \n\t") {
				t.Errorf("arg %q", a)
			}
		}
		if cmd.Rest != strings.TrimSpace(cmd.Rest) {
			t.Errorf("rest not trimmed: %q", cmd.Rest)
		}
	})
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Internațional":  "international",
		"internaţional":  "international",
		"  ȘTIRI   noi ": "stiri noi",
		"Ёлка":           "елка",
		"МЕЖДУНАРОДНЫЕ":  "международные",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
