package feed

import (
	"context"
	"errors"
	"sync"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/memory"
)

// mapStore is store/memory with a switch that makes saves fail, to test
// what a store outage does to a poll.
type mapStore struct {
	*memory.Store
	mu       sync.Mutex
	failSave error
}

var _ core.ArticleStore = (*mapStore)(nil)

func newMapStore() *mapStore { return &mapStore{Store: memory.New()} }

func (s *mapStore) SaveArticle(ctx context.Context, a content.Article) (core.SaveResult, error) {
	s.mu.Lock()
	err := s.failSave
	s.mu.Unlock()
	if err != nil {
		return core.SaveResult{}, err
	}
	return s.Store.SaveArticle(ctx, a)
}

// all returns the newest version of every article.
func (s *mapStore) all() map[string]content.Article {
	as, err := s.FindArticles(context.Background(), core.ArticleFilter{Limit: 1 << 20})
	if err != nil {
		panic(err)
	}
	out := map[string]content.Article{}
	for _, a := range as {
		out[a.ID] = a
	}
	return out
}

func (s *mapStore) setFail(err error) {
	s.mu.Lock()
	s.failSave = err
	s.mu.Unlock()
}

var errStoreDown = errors.New("store is down")
