package feed

import (
	"context"
	"errors"
	"sort"
	"sync"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// mapStore is a small core.ArticleStore keeping every version, following
// the contract in core/store.go.
type mapStore struct {
	mu       sync.Mutex
	versions map[string][]content.Article
	saves    int
	failSave error // when set, SaveArticle fails with it
}

var _ core.ArticleStore = (*mapStore)(nil)

func newMapStore() *mapStore { return &mapStore{versions: map[string][]content.Article{}} }

func (s *mapStore) SaveArticle(_ context.Context, a content.Article) (core.SaveResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failSave != nil {
		return core.SaveResult{}, s.failSave
	}
	if !content.ValidID(a.ID) {
		return core.SaveResult{}, core.Errorf(core.CodeInvalid, "err_bad_id", nil)
	}
	vs := s.versions[a.ID]
	if len(vs) == 0 {
		a.Version = 1
		s.versions[a.ID] = []content.Article{a}
		s.saves++
		return core.SaveResult{Created: true, Version: 1}, nil
	}
	last := vs[len(vs)-1]
	if a.Published.IsZero() {
		a.Published = last.Published
	}
	if last.SameContent(a) {
		return core.SaveResult{Version: last.Version}, nil
	}
	a.Version = last.Version + 1
	s.versions[a.ID] = append(vs, a)
	s.saves++
	return core.SaveResult{Updated: true, Version: a.Version}, nil
}

func (s *mapStore) Article(_ context.Context, id string) (content.Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	vs := s.versions[id]
	if len(vs) == 0 {
		return content.Article{}, core.ErrNotFound
	}
	return vs[len(vs)-1], nil
}

func (s *mapStore) FindArticles(_ context.Context, f core.ArticleFilter) ([]content.Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []content.Article
	for _, vs := range s.versions {
		a := vs[len(vs)-1]
		if (f.Lang == "" || a.Lang == f.Lang) && (f.Section == "" || a.Section == f.Section) {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Published.After(out[j].Published) })
	return out, nil
}

func (s *mapStore) Editions(_ context.Context, group string) ([]content.Article, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []content.Article
	if group == "" {
		return nil, nil
	}
	for _, vs := range s.versions {
		if a := vs[len(vs)-1]; a.Group == group {
			out = append(out, a)
		}
	}
	return out, nil
}

// all returns the newest version of every article.
func (s *mapStore) all() map[string]content.Article {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]content.Article{}
	for id, vs := range s.versions {
		out[id] = vs[len(vs)-1]
	}
	return out
}

func (s *mapStore) setFail(err error) {
	s.mu.Lock()
	s.failSave = err
	s.mu.Unlock()
}

var errStoreDown = errors.New("store is down")
