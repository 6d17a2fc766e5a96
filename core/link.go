package core

import (
	"cmp"
	"context"
	"errors"
	"slices"
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
	done := "link_done"
	if a != b && e.linked(ctx, a, b) {
		done = "link_already"
	} else if err := e.linker.Link(ctx, a, b); err != nil {
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
	// The store's order is no order: list the editions in the configured
	// order of their languages, as /read does.
	slices.SortStableFunc(eds, func(x, y content.Article) int {
		if c := cmp.Compare(e.render.LangIndex(x.Lang), e.render.LangIndex(y.Lang)); c != 0 {
			return c
		}
		return strings.Compare(x.ID, y.ID)
	})
	var names []string
	for _, x := range eds {
		names = append(names, e.render.LangName(x.Lang)+": "+e.readCommand(req.Platform, x.ID))
	}
	r := Reply{Lang: lang, Text: []string{e.cat.T(lang, done, map[string]any{"A": a, "B": b})}}
	if len(names) > 0 {
		r.Text = append(r.Text, strings.Join(names, "\n"))
	}
	return r, nil
}

// linked reports whether articles a and b are already editions of one
// story. Any failure to tell is "no": the linker then reports it.
func (e *Engine) linked(ctx context.Context, a, b string) bool {
	x, err := e.store.Article(ctx, a)
	if err != nil || x.Group == "" {
		return false
	}
	y, err := e.store.Article(ctx, b)
	return err == nil && y.Group == x.Group
}
