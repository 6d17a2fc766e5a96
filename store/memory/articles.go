package memory

import (
	"context"
	"sort"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

// SaveArticle stores a as a new article or as the next version of the
// article with its ID (see core.ArticleStore). It returns a core.CodeInvalid
// error for an ID that content.ValidID refuses.
func (s *Store) SaveArticle(_ context.Context, a content.Article) (core.SaveResult, error) {
	if err := contract.CheckArticle(a); err != nil {
		return core.SaveResult{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	versions := s.articles[a.ID]
	var old *content.Article
	if len(versions) > 0 {
		old = &versions[len(versions)-1]
	}
	next, res, store := contract.Next(old, a)
	if !store {
		return res, nil
	}
	if old != nil && old.Group != "" && old.Group != next.Group {
		delete(s.groups[old.Group], next.ID)
		if len(s.groups[old.Group]) == 0 {
			delete(s.groups, old.Group)
		}
	}
	if next.Group != "" {
		if s.groups[next.Group] == nil {
			s.groups[next.Group] = map[string]bool{}
		}
		s.groups[next.Group][next.ID] = true
	}
	if old != nil {
		if k := contract.URLKey(old.URL); k != "" && k != contract.URLKey(next.URL) && s.urls[k] == next.ID {
			delete(s.urls, k)
		}
	}
	if k := contract.URLKey(next.URL); k != "" {
		s.urls[k] = next.ID
	}
	s.articles[a.ID] = append(versions, next)
	return res, nil
}

// ArticleByURL returns the newest version of the article last saved with
// the URL, or core.ErrNotFound (see core.ArticleStore).
func (s *Store) ArticleByURL(_ context.Context, url string) (content.Article, error) {
	k := contract.URLKey(url)
	if k == "" {
		return content.Article{}, core.ErrNotFound
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	versions := s.articles[s.urls[k]]
	if len(versions) == 0 {
		return content.Article{}, core.ErrNotFound
	}
	return contract.Clone(versions[len(versions)-1]), nil
}

// Article returns the newest version of the article, or core.ErrNotFound.
func (s *Store) Article(_ context.Context, id string) (content.Article, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	versions := s.articles[id]
	if len(versions) == 0 {
		return content.Article{}, core.ErrNotFound
	}
	return contract.Clone(versions[len(versions)-1]), nil
}

// Versions returns every stored version of the article, oldest first, or
// core.ErrNotFound.
func (s *Store) Versions(_ context.Context, id string) ([]content.Article, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	versions := s.articles[id]
	if len(versions) == 0 {
		return nil, core.ErrNotFound
	}
	out := make([]content.Article, len(versions))
	for i, v := range versions {
		out[i] = contract.Clone(v)
	}
	return out, nil
}

// FindArticles returns the newest versions of the articles matching f,
// newest Published first (see store/storetest for the exact order). It scans
// every article, which suits the embedded store's small newsrooms.
func (s *Store) FindArticles(_ context.Context, f core.ArticleFilter) ([]content.Article, error) {
	offset, limit := contract.Page(f)
	s.mu.RLock()
	var found []content.Article
	for _, versions := range s.articles {
		a := versions[len(versions)-1]
		if (f.Lang == "" || a.Lang == f.Lang) && (f.Section == "" || a.Section == f.Section) {
			found = append(found, a)
		}
	}
	s.mu.RUnlock()
	if offset >= len(found) {
		return nil, nil
	}
	sort.Slice(found, func(i, j int) bool { return contract.Newer(found[i], found[j]) })
	found = found[offset:min(offset+limit, len(found))]
	out := make([]content.Article, len(found))
	for i, a := range found {
		out[i] = contract.Clone(a)
	}
	return out, nil
}

// Editions returns the newest version of every article of the translation
// group, in no particular order.
func (s *Store) Editions(_ context.Context, group string) ([]content.Article, error) {
	if group == "" {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var out []content.Article
	for id := range s.groups[group] {
		versions := s.articles[id]
		out = append(out, contract.Clone(versions[len(versions)-1]))
	}
	return out, nil
}
