package redis_test

import (
	"testing"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/store/redis/redistest"
)

// redisClient returns a client on the test Redis (see redistest.URL) and a
// fresh key prefix, deleted when t ends.
func redisClient(t *testing.T) (*goredis.Client, string) {
	t.Helper()
	url := redistest.URL(t)
	prefix := redistest.Prefix(t)
	redistest.CleanPrefix(t, url, prefix)
	opts, err := goredis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := goredis.NewClient(opts)
	t.Cleanup(func() { c.Close() })
	return c, prefix
}
