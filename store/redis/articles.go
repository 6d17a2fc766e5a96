package redis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/internal/contract"
)

// maxSaveAttempts bounds the optimistic retries of SaveArticle when other
// writers change the same article at the same time.
const maxSaveAttempts = 64

// curField is the hash field of an article's newest version.
const curField = "cur"

// SaveArticle stores a as a new article or as the next version of the
// article with its ID (see core.ArticleStore), in one transaction that
// retries when another writer changes the article meanwhile. It returns a
// core.CodeInvalid error for an ID that content.ValidID refuses.
func (s *Store) SaveArticle(ctx context.Context, a content.Article) (core.SaveResult, error) {
	if err := contract.CheckArticle(a); err != nil {
		return core.SaveResult{}, err
	}
	key := s.key("article", a.ID)
	var res core.SaveResult
	for range maxSaveAttempts {
		err := s.rdb.Watch(ctx, func(tx *goredis.Tx) error {
			raw, err := tx.HGet(ctx, key, curField).Bytes()
			var old *content.Article
			switch {
			case errors.Is(err, goredis.Nil):
			case err != nil:
				return err
			default:
				o, err := decode(a.ID, raw)
				if err != nil {
					return err
				}
				old = &o
			}
			next, r, store := contract.Next(old, a)
			res = r
			if !store {
				return nil
			}
			data, err := json.Marshal(next)
			if err != nil {
				return fmt.Errorf("redis: article %s: %w: %w", a.ID, errData, err)
			}
			_, err = tx.TxPipelined(ctx, func(p goredis.Pipeliner) error {
				if old != nil {
					p.HSet(ctx, key, "v"+strconv.Itoa(old.Version), raw)
					for _, k := range s.listKeys(*old) {
						if !slices.Contains(s.listKeys(next), k) {
							p.ZRem(ctx, k, next.ID)
						}
					}
					if old.Group != "" && old.Group != next.Group {
						p.SRem(ctx, s.key("group", old.Group), next.ID)
					}
					if k := contract.URLKey(old.URL); k != "" && k != contract.URLKey(next.URL) {
						// Only while the old URL still names this article:
						// another article may have been saved with it since.
						p.Eval(ctx, unmapURLScript, []string{s.key("urls")}, k, next.ID)
					}
				}
				p.HSet(ctx, key, curField, data)
				for _, k := range s.listKeys(next) {
					p.ZAdd(ctx, k, goredis.Z{Score: contract.Score(next), Member: next.ID})
					p.ZRemRangeByRank(ctx, k, 0, int64(-s.depth-1))
				}
				if next.Group != "" {
					p.SAdd(ctx, s.key("group", next.Group), next.ID)
				}
				if k := contract.URLKey(next.URL); k != "" {
					p.HSet(ctx, s.key("urls"), k, next.ID)
				}
				return nil
			})
			return err
		}, key)
		if errors.Is(err, goredis.TxFailedErr) {
			continue
		}
		if err != nil {
			return core.SaveResult{}, wrap(err)
		}
		return res, nil
	}
	return core.SaveResult{}, fmt.Errorf("redis: article %s: still changing after %d attempts", a.ID, maxSaveAttempts)
}

// unmapURLScript removes a URL from the URL index while it names the
// article: KEYS[1] is the index, ARGV the URL key and the article ID. It runs
// inside SaveArticle's transaction (as EVAL, which MULTI accepts).
const unmapURLScript = `
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`

// ArticleByURL returns the newest version of the article last saved with
// the URL, or core.ErrNotFound (see core.ArticleStore): one HGET of the URL
// index, then the article.
func (s *Store) ArticleByURL(ctx context.Context, url string) (content.Article, error) {
	k := contract.URLKey(url)
	if k == "" {
		return content.Article{}, core.ErrNotFound
	}
	id, err := s.rdb.HGet(ctx, s.key("urls"), k).Result()
	if errors.Is(err, goredis.Nil) {
		return content.Article{}, core.ErrNotFound
	}
	if err != nil {
		return content.Article{}, unavailable(err)
	}
	a, err := s.Article(ctx, id)
	if err != nil {
		return content.Article{}, err
	}
	if contract.URLKey(a.URL) != k {
		// The index is written in the article's own transaction, so this
		// is an article that moved to another URL between the two reads.
		return content.Article{}, core.ErrNotFound
	}
	return a, nil
}

// listKeys returns the latest lists a belongs to.
func (s *Store) listKeys(a content.Article) []string {
	keys := []string{s.key("latest", "all")}
	if a.Lang != "" {
		keys = append(keys, s.key("latest", "l", a.Lang))
	}
	if a.Section != "" {
		keys = append(keys, s.key("latest", "s", a.Section))
	}
	if a.Lang != "" && a.Section != "" {
		keys = append(keys, s.key("latest", "ls", a.Lang, a.Section))
	}
	return keys
}

// listKey returns the latest list that answers f.
func (s *Store) listKey(f core.ArticleFilter) string {
	switch {
	case f.Lang != "" && f.Section != "":
		return s.key("latest", "ls", f.Lang, f.Section)
	case f.Lang != "":
		return s.key("latest", "l", f.Lang)
	case f.Section != "":
		return s.key("latest", "s", f.Section)
	}
	return s.key("latest", "all")
}

// Article returns the newest version of the article, or core.ErrNotFound.
func (s *Store) Article(ctx context.Context, id string) (content.Article, error) {
	raw, err := s.rdb.HGet(ctx, s.key("article", id), curField).Bytes()
	if errors.Is(err, goredis.Nil) {
		return content.Article{}, core.ErrNotFound
	}
	if err != nil {
		return content.Article{}, unavailable(err)
	}
	return decode(id, raw)
}

// Versions returns every stored version of the article, oldest first, or
// core.ErrNotFound.
func (s *Store) Versions(ctx context.Context, id string) ([]content.Article, error) {
	fields, err := s.rdb.HGetAll(ctx, s.key("article", id)).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	if len(fields) == 0 {
		return nil, core.ErrNotFound
	}
	out := make([]content.Article, 0, len(fields))
	for _, raw := range fields {
		a, err := decode(id, []byte(raw))
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

// findScript reads one page of a latest list and the newest version of each
// article on it in one round trip: KEYS[1] is the list, ARGV the first and
// last rank and the prefix of article keys. It returns the articles' JSON,
// skipping any that vanished. The article keys come from the list, so this
// script assumes one Redis (or one cluster slot for the prefix), as the
// UnsubscribeAll script does.
var findScript = goredis.NewScript(`
local out = {}
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'REV')) do
  local v = redis.call('HGET', ARGV[3] .. id, 'cur')
  if v then out[#out + 1] = v end
end
return out`)

// FindArticles returns the newest versions of the articles matching f,
// newest Published first, from the latest list that answers f, in one round
// trip.
func (s *Store) FindArticles(ctx context.Context, f core.ArticleFilter) ([]content.Article, error) {
	offset, limit := contract.Page(f)
	raws, err := findScript.Run(ctx, s.rdb, []string{s.listKey(f)}, offset, offset+limit-1, s.key("article", "")).StringSlice()
	if err != nil {
		return nil, unavailable(err)
	}
	if len(raws) == 0 {
		return nil, nil
	}
	out := make([]content.Article, len(raws))
	for i, raw := range raws {
		if out[i], err = decode("on a latest list", []byte(raw)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Editions returns the newest version of every article of the translation
// group, in no particular order.
func (s *Store) Editions(ctx context.Context, group string) ([]content.Article, error) {
	if group == "" {
		return nil, nil
	}
	ids, err := s.rdb.SMembers(ctx, s.key("group", group)).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	return s.articles(ctx, ids)
}

// articles reads the newest versions of ids in one round trip, in order,
// skipping any that vanished.
func (s *Store) articles(ctx context.Context, ids []string) ([]content.Article, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	cmds := make([]*goredis.StringCmd, len(ids))
	_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
		for i, id := range ids {
			cmds[i] = p.HGet(ctx, s.key("article", id), curField)
		}
		return nil
	})
	if err != nil && !errors.Is(err, goredis.Nil) {
		return nil, unavailable(err)
	}
	out := make([]content.Article, 0, len(ids))
	for i, cmd := range cmds {
		raw, err := cmd.Bytes()
		if errors.Is(err, goredis.Nil) {
			continue
		}
		if err != nil {
			return nil, unavailable(err)
		}
		a, err := decode(ids[i], raw)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// errData marks failures of the data rather than of Redis: a stored value
// that does not decode, or an article that does not encode.
var errData = errors.New("bad article data")

// decode parses a stored article version.
func decode(id string, raw []byte) (content.Article, error) {
	var a content.Article
	if err := json.Unmarshal(raw, &a); err != nil {
		return content.Article{}, fmt.Errorf("redis: article %s: %w: %w", id, errData, err)
	}
	return a, nil
}

// wrap returns a data failure as is (core.CodeInternal) and wraps any other
// error, a failure of Redis, with core.Unavailable.
func wrap(err error) error {
	if errors.Is(err, errData) {
		return err
	}
	return unavailable(err)
}
