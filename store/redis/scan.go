package redis

import (
	"context"
	"errors"
	"strings"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

// scanBatch is how many article keys one SCAN step asks for, and so how many
// articles one pipelined read fetches.
const scanBatch = 500

// ScanArticles calls fn with the newest version of every stored article,
// in no particular order, reading them in batches with SCAN: unlike
// FindArticles it is not limited to the latest lists' depth. It is for
// rebuilding a search index. An article saved while the scan runs may or
// may not be seen. It stops at and returns fn's first error.
func (s *Store) ScanArticles(ctx context.Context, fn func(content.Article) error) error {
	match := s.key("article", "*")
	iter := s.rdb.Scan(ctx, 0, match, scanBatch).Iterator()
	batch := make([]string, 0, scanBatch)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		cmds := make([]*goredis.StringCmd, len(batch))
		_, err := s.rdb.Pipelined(ctx, func(p goredis.Pipeliner) error {
			for i, k := range batch {
				cmds[i] = p.HGet(ctx, k, curField)
			}
			return nil
		})
		if err != nil && !errors.Is(err, goredis.Nil) {
			return core.Unavailable(err)
		}
		for i, cmd := range cmds {
			raw, err := cmd.Bytes()
			if errors.Is(err, goredis.Nil) {
				continue // deleted meanwhile
			}
			if err != nil {
				return core.Unavailable(err)
			}
			a, err := decode(strings.TrimPrefix(batch[i], s.key("article", "")), raw)
			if err != nil {
				return err
			}
			if err := fn(a); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == scanBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return core.Unavailable(err)
	}
	return flush()
}
