package delivery_test

import (
	"testing"

	"github.com/newsbot/newsbot/store/redis/redistest"
)

// redisURL is REDIS_URL or a throwaway server's, per the redistest rule.
func redisURL(t *testing.T) string {
	t.Helper()
	return redistest.URL(t)
}
