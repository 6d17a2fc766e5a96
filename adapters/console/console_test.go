package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/adapters/console"
	"github.com/newsbot/newsbot/core"
)

// script answers from a fixed table and records what it was asked.
type script struct {
	replies map[string]core.Reply
	got     []core.Request
}

func (s *script) Handle(_ context.Context, req core.Request) core.Reply {
	s.got = append(s.got, req)
	if req.Button != "" {
		return s.replies["button:"+req.Button]
	}
	return s.replies[req.Text]
}

func TestRun(t *testing.T) {
	s := &script{replies: map[string]core.Reply{
		"/latest": {
			Title:     "Latest",
			Items:     []core.Item{{ArticleID: "a1", Title: "Rain", Section: "Society", Time: "1 hour ago", Snippet: "heavy " + string(core.MarkStart) + "rain" + string(core.MarkEnd)}},
			ItemLabel: "read",
			Buttons:   [][]core.Button{{{Label: "More", Data: "l||5|5"}}},
		},
		"button:l||5|5": {Title: "Latest", Text: []string{"That's all."}, Edit: true, Notice: "page 2"},
		"/read a1":      {Card: &core.Card{Title: "Rain", Section: "Society", Lead: "It rains.", Editions: []core.Edition{{ArticleID: "a2", LangName: "Română", Title: "Ploaie"}}}},
	}}
	in := "/latest\n\n1\n/read a1\n7\n"
	var out bytes.Buffer
	err := console.New(console.Options{Locale: "en-GB", Moderator: true}).Run(context.Background(), s, strings.NewReader(in), &out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"== Latest ==", "• Rain — Society · 1 hour ago", "heavy *rain*", "read: /read_a1", "[1] More", "(page 2)", "That's all.", "## Rain", "Română: Ploaie /read_a2"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if len(s.got) != 4 {
		t.Fatalf("handled %d requests, want 4 (blank lines skipped)", len(s.got))
	}
	if s.got[1].Button != "l||5|5" {
		t.Errorf("typing 1 did not press the button: %+v", s.got[1])
	}
	if s.got[3].Text != "7" || s.got[3].Button != "" {
		t.Errorf("a number without a button is text: %+v", s.got[3])
	}
	r := s.got[0]
	if r.Platform != console.Platform || r.User.Locale != "en-GB" || !r.User.Moderator || r.Chat.Kind != core.ChatPrivate {
		t.Errorf("request %+v", r)
	}
}

func TestHugeLine(t *testing.T) {
	s := &script{replies: map[string]core.Reply{"/help": {Text: []string{"help text"}}}}
	in := "/search " + strings.Repeat("x", 2<<20) + "\n/help\n"
	var out bytes.Buffer
	if err := console.New(console.Options{}).Run(context.Background(), s, strings.NewReader(in), &out); err != nil {
		t.Fatalf("a 2 MB line ended the chat: %v", err)
	}
	if len(s.got) != 2 || len(s.got[0].Text) != 64*1024 || s.got[1].Text != "/help" {
		t.Fatalf("requests: %d, first %d bytes", len(s.got), len(s.got[0].Text))
	}
	if !strings.Contains(out.String(), "help text") {
		t.Errorf("the line after the huge one was not answered: %q", out.String())
	}
}
