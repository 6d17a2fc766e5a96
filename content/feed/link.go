package feed

import (
	"context"
	"slices"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// Link puts the articles idA and idB into one translation group, as a
// moderator's /link does: when both already have groups, every edition of
// idB's group moves into idA's; when one has a group, the other joins it;
// else both get a new group. Articles whose group changes are saved as a
// new version.
//
// It returns core.ErrNotFound (from the store) for an unknown ID, and a
// *core.Error with CodeInvalid when the IDs are the same (key
// "err_link_same") or when the merged group would hold two editions of one
// language (key "err_link_lang", Args "lang"). Link is not atomic: a store
// failure midway leaves some editions moved, and running it again finishes
// the move.
func Link(ctx context.Context, store core.ArticleStore, idA, idB string) error {
	if idA == idB {
		return core.Errorf(core.CodeInvalid, "err_link_same", map[string]any{"id": idA})
	}
	a, err := store.Article(ctx, idA)
	if err != nil {
		return err
	}
	b, err := store.Article(ctx, idB)
	if err != nil {
		return err
	}
	if a.Group != "" && a.Group == b.Group {
		return nil
	}
	members := func(x content.Article) ([]content.Article, error) {
		if x.Group == "" {
			return []content.Article{x}, nil
		}
		eds, err := store.Editions(ctx, x.Group)
		if err != nil {
			return nil, err
		}
		if !slices.ContainsFunc(eds, func(e content.Article) bool { return e.ID == x.ID }) {
			eds = append(eds, x)
		}
		return eds, nil
	}
	ga, err := members(a)
	if err != nil {
		return err
	}
	gb, err := members(b)
	if err != nil {
		return err
	}
	langs := map[string]bool{}
	for _, e := range ga {
		langs[e.Lang] = true
	}
	for _, e := range gb {
		if langs[e.Lang] {
			return core.Errorf(core.CodeInvalid, "err_link_lang", map[string]any{"lang": e.Lang})
		}
	}

	target := a.Group
	var moving []content.Article
	switch {
	case target != "":
		moving = gb
	case b.Group != "":
		target, moving = b.Group, ga
	default:
		lo, hi := min(idA, idB), max(idA, idB)
		target = groupName("link:" + lo + "\x00" + hi)
		moving = []content.Article{a, b}
	}
	for _, e := range moving {
		if e.Group == target {
			continue
		}
		e.Group = target
		if _, err := store.SaveArticle(ctx, e); err != nil {
			return err
		}
	}
	return nil
}
