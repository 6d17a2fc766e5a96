package core

import (
	"context"
	"errors"
	"strings"

	"github.com/newsbot/newsbot/content"
)

// Linker links two articles as language editions of one story (content/feed
// implements it on the article store).
type Linker interface {
	Link(ctx context.Context, idA, idB string) error
}

// LinkerFunc adapts a function to Linker.
type LinkerFunc func(ctx context.Context, idA, idB string) error

// Link implements Linker.
func (f LinkerFunc) Link(ctx context.Context, idA, idB string) error { return f(ctx, idA, idB) }

// cmdLink is /link <id> <id>, for moderators: the two articles become
// editions of one story.
func (e *Engine) cmdLink(ctx context.Context, req Request, lang string, cmd Command) (Reply, error) {
	if len(cmd.Args) != 2 || !content.ValidID(cmd.Args[0]) || !content.ValidID(cmd.Args[1]) {
		return Reply{}, Errorf(CodeInvalid, "err_link_args", nil)
	}
	if e.linker == nil {
		return Reply{}, Errorf(CodeUnavailable, "err_link_unavailable", nil)
	}
	a, b := strings.ToLower(cmd.Args[0]), strings.ToLower(cmd.Args[1])
	if err := e.linker.Link(ctx, a, b); err != nil {
		if ErrorCode(err) == CodeNotFound {
			return Reply{}, Errorf(CodeNotFound, "err_link_not_found", map[string]any{"A": a, "B": b})
		}
		var ce *Error
		if errors.As(err, &ce) && ce.Key == "err_link_lang" {
			// The linker names the language by its code; say it in words.
			code, _ := ce.Args["lang"].(string)
			return Reply{}, Errorf(CodeInvalid, "err_link_lang", map[string]any{"lang": e.render.LangIn(lang, code)})
		}
		return Reply{}, err
	}
	eds := []content.Article{}
	if art, err := e.store.Article(ctx, a); err == nil && art.Group != "" {
		if eds, err = e.store.Editions(ctx, art.Group); err != nil {
			return Reply{}, Unavailable(err)
		}
	}
	var names []string
	for _, x := range eds {
		names = append(names, e.render.LangName(x.Lang)+": "+e.readCommand(req.Platform, x.ID))
	}
	r := Reply{Lang: lang, Text: []string{e.cat.T(lang, "link_done", map[string]any{"A": a, "B": b})}}
	if len(names) > 0 {
		r.Text = append(r.Text, strings.Join(names, "\n"))
	}
	return r, nil
}
