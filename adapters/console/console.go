// Package console is a terminal chat with newsbot: one message per line on
// its input, the bot's replies as plain text on its output. Buttons are shown
// as numbered choices; typing the number presses the button. It is the same
// engine every other platform talks to, so it is the quickest way to try the
// bot without any token.
//
// What a chat platform shows by other means is said in words, in the
// reply's language: an alert pushed to the terminal user, an alert edited
// or withdrawn after it was printed, a message replaced by a button press.
package console

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/locales"
)

// Platform is the platform name of console requests.
const Platform = "console"

// Traits describe the terminal to core and delivery: no rate limits, one
// reader, and the /read_<id> shortcut that Telegram users know. Its
// messages can be edited and deleted (printed again, or marked): Chat is a
// core.Editor and a core.Deleter.
var Traits = core.Platform{
	Name:           Platform,
	MaxButtonData:  core.MaxButtonPayload,
	ArticleCommand: "/read_%s",
}

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
	// Catalog translates the console's own words (what a pushed, edited or
	// withdrawn message is; which numbers are buttons). Without it those
	// are shown as their message keys.
	Catalog *locales.Catalog
	// Lang is the language of the console's own words until a reply says
	// which language the user reads.
	Lang string
}

// Chat is a terminal conversation. It is also the console's core.Sender:
// alerts pushed to the terminal user are printed between their replies.
type Chat struct {
	h    Handler
	opts Options

	mu      sync.Mutex    // guards what follows and every write to out
	out     *bufio.Writer // nil until Run starts
	buttons []core.Button // the choices of the last reply
	replyID string        // the message ID of the last reply, for button presses
	sent    int           // messages printed so far, for their IDs
	lang    string        // the language of the last reply
	lines   int           // lines read so far
}

var (
	_ core.Sender  = (*Chat)(nil)
	_ core.Editor  = (*Chat)(nil)
	_ core.Deleter = (*Chat)(nil)
)

// New returns a console chat. It sends pushed messages once Run has
// started.
func New(opts Options) *Chat {
	if opts.UserID == "" {
		opts.UserID = "local"
	}
	return &Chat{opts: opts, lang: opts.Lang}
}

// Run reads messages from in until EOF or ctx ends and writes h's replies
// to out. A line that is a number of a shown button presses that button. Pushed
// alerts go on being written to out until Close.
//
// Run returns as soon as ctx ends, even while a line is being read: the
// read goes on in the background until in has more input or ends, and what
// it reads then is dropped. A process that ends after Run need not care; a
// caller that goes on should close in.
func (c *Chat) Run(ctx context.Context, h Handler, in io.Reader, out io.Writer) error {
	c.mu.Lock()
	c.h = h
	c.out = bufio.NewWriter(out)
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		c.out.Flush()
		c.mu.Unlock()
	}()
	lines := make(chan string)
	next := make(chan struct{})
	readErr := make(chan error, 1)
	go readLines(in, lines, next, readErr)
	defer close(next)
	for {
		c.mu.Lock()
		if c.opts.Prompt != "" {
			fmt.Fprint(c.out, c.opts.Prompt)
		}
		err := c.out.Flush()
		c.mu.Unlock()
		if err != nil {
			return err
		}
		var line string
		select {
		case <-ctx.Done():
			return nil
		case err := <-readErr:
			return err
		case line = <-lines:
		}
		c.mu.Lock()
		c.lines++
		c.mu.Unlock()
		if line = strings.TrimSpace(line); line != "" {
			c.answer(ctx, line)
		}
		select {
		case next <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
	}
}

// readLines sends the lines of in, one at a time: it reads the next only
// when Run asks for it, so that input after a quit is not consumed. It ends
// with the input (sending nil or the read error on errc) or when next is
// closed.
func readLines(in io.Reader, lines chan<- string, next <-chan struct{}, errc chan<- error) {
	r := &lineReader{r: bufio.NewReaderSize(in, 64*1024)}
	for r.Scan() {
		select {
		case lines <- r.Text():
		case <-next:
			return // closed: Run has returned
		}
		if _, ok := <-next; !ok {
			return
		}
	}
	if err := r.Err(); err != nil {
		errc <- fmt.Errorf("console: reading input: %w", err)
		return
	}
	errc <- nil
}

// answer handles one typed line and prints the reply.
func (c *Chat) answer(ctx context.Context, line string) {
	c.mu.Lock()
	req, ok := c.request(line)
	if !ok {
		c.notButton(line)
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	reply := c.h.Handle(ctx, req)
	c.mu.Lock()
	c.render(c.out, reply, true)
	c.mu.Unlock()
}

// Lines returns how many lines, blank ones included, Run has read.
func (c *Chat) Lines() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines
}

// Interject returns a writer for w whose writes wait until no reply or
// alert is being printed, so that log lines sent to w (another descriptor
// on the same terminal) never land inside a reply.
func (c *Chat) Interject(w io.Writer) io.Writer { return interjection{c, w} }

type interjection struct {
	c *Chat
	w io.Writer
}

func (i interjection) Write(p []byte) (int, error) {
	i.c.mu.Lock()
	defer i.c.mu.Unlock()
	if i.c.out != nil {
		i.c.out.Flush()
	}
	return i.w.Write(p)
}

// maxLine is how much of one input line is kept; the rest of a longer line
// is read and dropped, and the engine explains that the message is too long.
const maxLine = 64 * 1024

// lineReader reads lines of any length without failing on huge ones.
type lineReader struct {
	r    *bufio.Reader
	line []byte
	err  error
}

// Scan reads the next line, keeping at most maxLine bytes of it.
func (l *lineReader) Scan() bool {
	l.line = l.line[:0]
	for {
		chunk, err := l.r.ReadSlice('\n')
		if room := maxLine - len(l.line); room > 0 {
			l.line = append(l.line, chunk[:min(len(chunk), room)]...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			return len(l.line) > 0
		case err != nil:
			l.err = err
			return false
		default:
			return true
		}
	}
}

func (l *lineReader) Text() string { return string(l.line) }

// Err is the first read error other than io.EOF.
func (l *lineReader) Err() error { return l.err }

// Close ends the chat for pushed messages: later sends fail as transient,
// to be retried by the delivery queue. Until Close, alerts are printed even
// after the input has ended.
func (c *Chat) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out == nil {
		return nil
	}
	err := c.out.Flush()
	c.out = nil
	return err
}

// Send prints an alert pushed to the terminal user. It fails as a transient
// delivery error while the chat is not running.
func (c *Chat) Send(_ context.Context, chat core.ChatRef, r core.Reply) (core.SentRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out == nil {
		return core.SentRef{}, &core.DeliveryError{Class: core.DeliveryTransient, Reason: "console_closed"}
	}
	if chat.ID != c.opts.UserID {
		return core.SentRef{}, &core.DeliveryError{Class: core.DeliveryGone, Reason: "chat_not_found"}
	}
	c.sent++
	id := strconv.Itoa(c.sent)
	fmt.Fprintf(c.out, "\n🔔 #%s %s\n", id, c.t(r.Lang, "console_pushed", map[string]any{"ID": id}))
	c.render(c.out, r, false)
	return core.SentRef{Chat: chat, MessageID: id}, c.out.Flush()
}

// Edit prints the new version of a pushed message.
func (c *Chat) Edit(_ context.Context, ref core.SentRef, r core.Reply) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out == nil {
		return &core.DeliveryError{Class: core.DeliveryTransient, Reason: "console_closed"}
	}
	fmt.Fprintf(c.out, "\n✎ %s\n", c.t(r.Lang, "console_edited", map[string]any{"ID": ref.MessageID}))
	c.render(c.out, r, false)
	return c.out.Flush()
}

// Delete prints that a pushed message was withdrawn.
func (c *Chat) Delete(_ context.Context, ref core.SentRef) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.out == nil {
		return &core.DeliveryError{Class: core.DeliveryTransient, Reason: "console_closed"}
	}
	fmt.Fprintf(c.out, "\n✗ %s\n\n", c.t("", "console_deleted", map[string]any{"ID": ref.MessageID}))
	return c.out.Flush()
}

// request turns a typed line into a request. A number that is not one of
// the shown buttons, while buttons are shown, is no request (ok is false):
// it is more likely a slip than a search.
func (c *Chat) request(line string) (req core.Request, ok bool) {
	req = core.Request{
		Platform: Platform,
		User:     core.User{ID: c.opts.UserID, Name: c.opts.UserID, Locale: c.opts.Locale, Moderator: c.opts.Moderator},
		Chat:     core.Chat{ID: c.opts.UserID, Kind: core.ChatPrivate, CanManage: true},
		Text:     line,
		Time:     time.Now(),
	}
	n, err := strconv.Atoi(line)
	switch {
	case err != nil || len(c.buttons) == 0:
	case n >= 1 && n <= len(c.buttons):
		req.Button, req.Text, req.MessageID = c.buttons[n-1].Data, "", c.replyID
	default:
		return req, false
	}
	return req, true
}

// notButton explains that the number typed is not one of the buttons.
func (c *Chat) notButton(typed string) {
	buttons := c.n(c.lang, "console_buttons", len(c.buttons), nil)
	fmt.Fprintln(c.out, c.t(c.lang, "console_not_button", map[string]any{"Typed": typed, "Buttons": buttons}))
	fmt.Fprintln(c.out)
}

// t translates the console's own words in lang, else in the language of
// the last reply.
func (c *Chat) t(lang, key string, args map[string]any) string {
	if c.opts.Catalog == nil {
		return key
	}
	if lang == "" {
		lang = c.lang
	}
	return c.opts.Catalog.T(lang, key, args)
}

func (c *Chat) n(lang, key string, count int, args map[string]any) string {
	if c.opts.Catalog == nil {
		return key
	}
	if lang == "" {
		lang = c.lang
	}
	return c.opts.Catalog.N(lang, key, count, args)
}

// render writes r as plain text. Matched words of search snippets are shown
// between asterisks. Buttons become the typeable choices only for replies
// to the user (answer), not for pushed alerts.
func (c *Chat) render(w io.Writer, r core.Reply, answer bool) {
	if r.Empty() {
		return
	}
	if answer && r.Lang != "" {
		c.lang = r.Lang
	}
	if r.Edit {
		// A terminal cannot edit what it printed: show the new version below
		// and the button's notice first.
		fmt.Fprintf(w, "~ %s\n", c.t(r.Lang, "console_replaced", nil))
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
		if img := card.Image; img.URL != "" {
			// A terminal shows no picture: its address, on a line of its
			// own, opens in a browser.
			args := map[string]any{"URL": img.URL, "Alt": img.Alt}
			key := "console_image"
			if img.Alt != "" {
				key = "console_image_alt"
			}
			fmt.Fprintln(w, c.t(r.Lang, key, args))
		}
		for _, ed := range card.Editions {
			fmt.Fprintf(w, "  %s: %s /read_%s\n", ed.LangName, ed.Title, ed.ArticleID)
		}
	}
	if r.Footer != "" {
		fmt.Fprintln(w, r.Footer)
	}
	if answer {
		c.buttons = c.buttons[:0]
		c.sent++
		c.replyID = strconv.Itoa(c.sent)
	}
	for _, row := range r.Buttons {
		if !answer {
			break
		}
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
