package redis

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/core"
)

var _ core.AlertStore = (*Store)(nil)

// alertKeys are the pending alerts and their schedule (see the package
// doc's key schema).
func (s *Store) alertKeys() (pending, due string) {
	return s.key("alerts", "pending"), s.key("alerts", "due")
}

// alertPendScript records an alert unless its ID is pending. KEYS:
// pending, due. ARGV: ID, JSON, due (Unix ms).
var alertPendScript = goredis.NewScript(`
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
`)

// PendAlert implements core.AlertStore.
func (s *Store) PendAlert(ctx context.Context, a core.PendingAlert) (bool, error) {
	if a.ID == "" || a.ArticleID == "" {
		return false, core.Errorf(core.CodeInvalid, "err_invalid_alert", nil)
	}
	a.Seen, a.Due = a.Seen.Truncate(time.Millisecond), a.Due.Truncate(time.Millisecond)
	buf, err := json.Marshal(a)
	if err != nil {
		return false, fmt.Errorf("redis: pending alert: %w", err)
	}
	pending, due := s.alertKeys()
	n, err := alertPendScript.Run(ctx, s.rdb, []string{pending, due}, a.ID, buf, a.Due.UnixMilli()).Int()
	if err != nil {
		return false, unavailable(err)
	}
	return n == 1, nil
}

// DueAlerts implements core.AlertStore.
func (s *Store) DueAlerts(ctx context.Context, now time.Time, max int) ([]core.PendingAlert, error) {
	if max <= 0 {
		max = 100
	}
	pending, due := s.alertKeys()
	ids, err := s.rdb.ZRangeArgs(ctx, goredis.ZRangeArgs{
		Key: due, Start: "-inf", Stop: strconv.FormatInt(now.UnixMilli(), 10), ByScore: true, Count: int64(max),
	}).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	vals, err := s.rdb.HMGet(ctx, pending, ids...).Result()
	if err != nil {
		return nil, unavailable(err)
	}
	out := make([]core.PendingAlert, 0, len(ids))
	for i, v := range vals {
		str, ok := v.(string)
		if !ok {
			continue // dropped since the schedule was read
		}
		var a core.PendingAlert
		if err := json.Unmarshal([]byte(str), &a); err != nil {
			return nil, fmt.Errorf("redis: pending alert %s: %w", ids[i], err)
		}
		out = append(out, a)
	}
	return out, nil
}

// DropAlert implements core.AlertStore.
func (s *Store) DropAlert(ctx context.Context, id string) error {
	pending, due := s.alertKeys()
	_, err := s.rdb.TxPipelined(ctx, func(p goredis.Pipeliner) error {
		p.HDel(ctx, pending, id)
		p.ZRem(ctx, due, id)
		return nil
	})
	if err != nil {
		return unavailable(err)
	}
	return nil
}
