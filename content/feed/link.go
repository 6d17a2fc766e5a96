package feed

import (
	"cmp"
	"context"
	"errors"
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
	ga, err := storyOf(ctx, store, a)
	if err != nil {
		return err
	}
	gb, err := storyOf(ctx, store, b)
	if err != nil {
		return err
	}
	if lang, ok := clash(ga.members, gb.members); ok {
		return core.Errorf(core.CodeInvalid, "err_link_lang", map[string]any{"lang": lang})
	}

	target := a.Group
	var moving []content.Article
	switch {
	case target != "":
		moving = gb.members
	case b.Group != "":
		target, moving = b.Group, ga.members
	default:
		lo, hi := min(idA, idB), max(idA, idB)
		target = groupName("link:" + lo + "\x00" + hi)
		moving = []content.Article{a, b}
	}
	return moveTo(ctx, store, target, moving)
}

// story is a translation group as stored: its name ("" for an article that
// has none) and its editions.
type story struct {
	group   string
	members []content.Article
}

// storyOf returns x's story: the editions of its group (x among them), or x
// alone when it has no group.
func storyOf(ctx context.Context, store core.ArticleStore, x content.Article) (story, error) {
	if x.Group == "" {
		return story{members: []content.Article{x}}, nil
	}
	eds, err := store.Editions(ctx, x.Group)
	if err != nil {
		return story{}, err
	}
	if !slices.ContainsFunc(eds, func(e content.Article) bool { return e.ID == x.ID }) {
		eds = append(eds, x)
	}
	return story{group: x.Group, members: eds}, nil
}

// first is when the story began: the earliest Published of its editions.
func (s story) first() content.Article {
	return slices.MinFunc(s.members, func(x, y content.Article) int {
		return cmp.Or(x.Published.Compare(y.Published), cmp.Compare(x.ID, y.ID))
	})
}

// name is the group the story goes by: its own, else one made from its
// (only) edition, as the poller names a new edition's group.
func (s story) name() string {
	if s.group != "" {
		return s.group
	}
	return editionGroup(s.members[0].ID)
}

// editionGroup is the group of a new edition whose page links no stored
// edition yet: later editions that link to it join this group.
func editionGroup(id string) string { return groupName("edition:" + id) }

// clash returns a language that both sets of editions have.
func clash(a, b []content.Article) (string, bool) {
	for _, x := range a {
		for _, y := range b {
			if x.Lang == y.Lang && x.ID != y.ID {
				return x.Lang, true
			}
		}
	}
	return "", false
}

// moveTo saves every article of moving whose group is not target into it,
// as a new version.
func moveTo(ctx context.Context, store core.ArticleStore, target string, moving []content.Article) error {
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

// joinAlternates decides the translation group of a, an edition about to be
// saved (new, or a new version of a stored one), from alts, the URLs of the
// other editions its page lists. The stored articles at those URLs, in
// other languages than a's, name stories; with a's own story when it has
// one, the oldest of them (the one whose first edition was published first)
// is the target: a joins it, and each younger story whose languages clash
// with neither a nor the target's joins too, every edition of it moving. A
// story a cannot join (it has another edition in a's language) is left as
// it is. A new edition that names no stored story gets a group of its own
// (editionGroup), which later editions join.
//
// It returns a with its group set and the stored editions whose group must
// change, to be saved before a so that a failure leaves a unsaved and the
// item is tried again.
func joinAlternates(ctx context.Context, store core.ArticleStore, a content.Article, alts []string) (content.Article, []content.Article, error) {
	var stories []story
	seen := map[string]bool{a.ID: true}
	if a.Group != "" {
		own, err := storyOf(ctx, store, a)
		if err != nil {
			return a, nil, err
		}
		// a's stored version is replaced by the one being saved.
		own.members = slices.DeleteFunc(own.members, func(e content.Article) bool { return e.ID == a.ID })
		own.members = append(own.members, a)
		for _, e := range own.members {
			seen[e.ID] = true
		}
		stories = append(stories, own)
	}
	for _, u := range alts {
		b, err := store.ArticleByURL(ctx, u)
		switch {
		case errors.Is(err, core.ErrNotFound) || core.ErrorCode(err) == core.CodeNotFound:
			continue
		case err != nil:
			return a, nil, err
		case seen[b.ID] || b.Lang == a.Lang:
			continue
		}
		s, err := storyOf(ctx, store, b)
		if err != nil {
			return a, nil, err
		}
		for _, e := range s.members {
			seen[e.ID] = true
		}
		stories = append(stories, s)
	}
	if len(stories) == 0 {
		a.Group = editionGroup(a.ID)
		return a, nil, nil
	}
	slices.SortStableFunc(stories, func(x, y story) int {
		fx, fy := x.first(), y.first()
		return cmp.Or(fx.Published.Compare(fy.Published), cmp.Compare(fx.ID, fy.ID))
	})

	var target string
	joined := []content.Article{a}
	var moving []content.Article
	for _, s := range stories {
		if _, ok := clash(joined, s.members); ok {
			continue
		}
		if target == "" {
			target = s.name()
		}
		for _, e := range s.members {
			if e.ID != a.ID {
				joined = append(joined, e)
				moving = append(moving, e)
			}
		}
	}
	switch {
	case target != "":
	case a.Group != "":
		// Every story clashes, a's own too (two stored editions of a's
		// language were linked by hand): leave things as they are.
		return a, nil, nil
	default:
		target = editionGroup(a.ID)
	}
	a.Group = target
	moving = slices.DeleteFunc(moving, func(e content.Article) bool { return e.Group == target })
	return a, moving, nil
}
