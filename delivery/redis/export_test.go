package redis

import "github.com/newsbot/newsbot/core"

// Stream returns the key of platform's stream for priority p, for the tests
// that look at the consumer group itself.
func (q *Queue) Stream(platform string, p core.Priority) string { return q.stream(platform, p) }
