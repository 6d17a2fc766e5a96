package console_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/newsbot/newsbot/adapters/console"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
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

func catalog(t *testing.T) *locales.Catalog {
	t.Helper()
	cat, err := locales.Load(locales.FS(), "en", "ro", "ru")
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// TestNotAButton: a number that is none of the shown buttons is explained,
// in the language of the reply that showed them, and not sent as a search.
func TestNotAButton(t *testing.T) {
	s := &script{replies: map[string]core.Reply{
		"/sections": {Lang: "ro", Title: "Secțiuni", Buttons: [][]core.Button{{{Label: "A", Data: "a"}, {Label: "B", Data: "b"}}, {{Label: "C", Data: "c"}}}},
	}}
	var out bytes.Buffer
	err := console.New(console.Options{Catalog: catalog(t), Lang: "en"}).Run(context.Background(), s, strings.NewReader("/sections\n9\n0\n3\n"), &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.got) != 2 || s.got[1].Button != "c" {
		t.Fatalf("requests %+v, want /sections and the third button", s.got)
	}
	for _, want := range []string{"9 nu este un buton. Butoanele sunt de la 1 la 3.", "/search 9", "0 nu este un buton."} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestPushedInWords: what a platform shows by other means, the terminal
// says in the alert's language.
func TestPushedInWords(t *testing.T) {
	s := &script{replies: map[string]core.Reply{
		"/latest":  {Lang: "en", Title: "Latest", Buttons: [][]core.Button{{{Label: "More", Data: "m"}}}},
		"button:m": {Lang: "en", Title: "Latest", Edit: true},
	}}
	in, feed := io.Pipe()
	chat := console.New(console.Options{Catalog: catalog(t), Lang: "en"})
	var out syncBuffer
	done := make(chan error)
	go func() { done <- chat.Run(context.Background(), s, in, &out) }()
	fmt.Fprintln(feed, "/latest")
	fmt.Fprintln(feed, "1")
	ref, err := chat.Send(context.Background(), core.ChatRef{Platform: console.Platform, ID: "local"}, core.Reply{Lang: "ru", Text: []string{"Мост закрыт"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := chat.Edit(context.Background(), ref, core.Reply{Lang: "ru", Text: []string{"Мост открыт"}}); err != nil {
		t.Fatal(err)
	}
	if err := chat.Delete(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	feed.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	id := ref.MessageID
	for _, want := range []string{
		"~ the message whose button you pressed now reads:",
		"🔔 #" + id + " — оповещение для этого чата",
		"✎ — оповещение #" + id + " исправлено",
		"✗ — alert #" + id + " was withdrawn",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestRunEndsWithContext: a cancelled chat returns although its input is
// still open and nothing more comes, as a terminal's does after Ctrl-C.
func TestRunEndsWithContext(t *testing.T) {
	s := &script{replies: map[string]core.Reply{"/help": {Text: []string{"help text"}}}}
	in, feed := io.Pipe()
	defer feed.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error)
	go func() { done <- console.New(console.Options{}).Run(ctx, s, in, &out) }()
	fmt.Fprint(feed, "/help\n/hel") // the second line is half typed
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(s.got) > 1 {
		t.Errorf("the half-typed line was handled: %+v", s.got)
	}
}

// syncBuffer is a bytes.Buffer safe for the chat and a pusher writing.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestCardPicture: a card's picture shows as its address on a line of its
// own, with the alt text when there is one, in the reply's language.
func TestCardPicture(t *testing.T) {
	s := &script{replies: map[string]core.Reply{
		"/read a1": {Lang: "ru", Card: &core.Card{Title: "Мост", Lead: "Открыт.", URL: "https://newsbot.example/ru/most",
			Image: content.Image{URL: "https://newsbot.example/media/most.jpg", Alt: "Мост утром"}}},
		"/read a2": {Lang: "en", Card: &core.Card{Title: "Bridge", Lead: "Open.", Image: content.Image{URL: "https://newsbot.example/media/most.jpg"}}},
	}}
	var out bytes.Buffer
	if err := console.New(console.Options{Catalog: catalog(t), Lang: "en"}).Run(context.Background(), s, strings.NewReader("/read a1\n/read a2\n"), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nИзображение: https://newsbot.example/media/most.jpg (Мост утром)\n", "\nPicture: https://newsbot.example/media/most.jpg\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
