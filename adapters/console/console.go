// Package console is a terminal chat with newsbot: one message per line on
// its input, the bot's replies as plain text on its output. Buttons are shown
// as numbered choices; typing the number presses the button. It is the same
// engine every other platform talks to, so it is the quickest way to try the
// bot without any token.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/core"
)

// Platform is the platform name of console requests.
const Platform = "console"

// Handler answers requests; *core.Engine is one.
type Handler interface {
	Handle(ctx context.Context, req core.Request) core.Reply
}

// Options describe the console user.
type Options struct {
	Locale    string // the "platform locale", e.g. "ru-RU"
	Moderator bool
	Prompt    string // printed before each line is read; "" for none
	UserID    string // "local" when empty
}

// Chat is a terminal conversation.
type Chat struct {
	h       Handler
	opts    Options
	buttons []core.Button // the choices of the last reply
}

// New returns a console chat with h.
func New(h Handler, opts Options) *Chat {
	if opts.UserID == "" {
		opts.UserID = "local"
	}
	return &Chat{h: h, opts: opts}
}

// Run reads messages from in until EOF or ctx ends and writes replies to
// out. A line that is a number of a shown button presses that button.
func (c *Chat) Run(ctx context.Context, in io.Reader, out io.Writer) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	w := bufio.NewWriter(out)
	defer w.Flush()
	for {
		if c.opts.Prompt != "" {
			fmt.Fprint(w, c.opts.Prompt)
		}
		if err := w.Flush(); err != nil {
			return err
		}
		if ctx.Err() != nil || !sc.Scan() {
			break
		}
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		req := c.request(line)
		reply := c.h.Handle(ctx, req)
		c.render(w, reply)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("console: reading input: %w", err)
	}
	return w.Flush()
}

func (c *Chat) request(line string) core.Request {
	req := core.Request{
		Platform: Platform,
		User:     core.User{ID: c.opts.UserID, Name: c.opts.UserID, Locale: c.opts.Locale, Moderator: c.opts.Moderator},
		Chat:     core.Chat{ID: c.opts.UserID, Kind: core.ChatPrivate, CanManage: true},
		Text:     line,
		Time:     time.Now(),
	}
	if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(c.buttons) {
		req.Button, req.Text = c.buttons[n-1].Data, ""
	}
	return req
}

// render writes r as plain text. Matched words of search snippets are shown
// between asterisks.
func (c *Chat) render(w io.Writer, r core.Reply) {
	if r.Empty() {
		return
	}
	if r.Edit {
		// A terminal cannot edit what it printed: show the new version below
		// and the button's notice first.
		fmt.Fprintln(w, "~")
		if r.Notice != "" {
			fmt.Fprintf(w, "(%s)\n", r.Notice)
		}
	}
	if r.Title != "" {
		fmt.Fprintf(w, "== %s ==\n", r.Title)
	}
	for _, p := range r.Text {
		fmt.Fprintln(w, p)
	}
	for _, it := range r.Items {
		meta := []string{it.Section, it.Time}
		if it.Lang != "" {
			meta = append(meta, it.Lang)
		}
		fmt.Fprintf(w, "• %s — %s\n", it.Title, strings.Join(nonEmpty(meta), " · "))
		if it.Snippet != "" {
			fmt.Fprintf(w, "  %s\n", marks(it.Snippet))
		}
		fmt.Fprintf(w, "  %s: /read_%s\n", r.ItemLabel, it.ArticleID)
	}
	if card := r.Card; card != nil {
		fmt.Fprintf(w, "## %s\n", card.Title)
		fmt.Fprintln(w, strings.Join(nonEmpty([]string{card.Section, card.Time}), " · "))
		for _, p := range nonEmpty([]string{card.Lead, card.Summary, card.Byline, card.URL}) {
			fmt.Fprintln(w, p)
		}
		for _, ed := range card.Editions {
			fmt.Fprintf(w, "  %s: %s /read_%s\n", ed.LangName, ed.Title, ed.ArticleID)
		}
	}
	if r.Footer != "" {
		fmt.Fprintln(w, r.Footer)
	}
	c.buttons = c.buttons[:0]
	for _, row := range r.Buttons {
		var labels []string
		for _, b := range row {
			c.buttons = append(c.buttons, b)
			labels = append(labels, fmt.Sprintf("[%d] %s", len(c.buttons), b.Label))
		}
		fmt.Fprintln(w, strings.Join(labels, "  "))
	}
	if len(r.Text) == 0 && r.Notice != "" && r.Title == "" && r.Card == nil && len(r.Items) == 0 {
		fmt.Fprintln(w, r.Notice)
	}
	fmt.Fprintln(w)
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func marks(s string) string {
	return strings.NewReplacer(string(core.MarkStart), "*", string(core.MarkEnd), "*").Replace(s)
}
