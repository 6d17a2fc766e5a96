package main

import (
	"errors"
	"io"
	"net"
	"strings"

	goredis "github.com/redis/go-redis/v9"
)

// redisUnreachable reports whether err, from opening the Redis store, means
// the server could not be reached or is not ready yet (worth waiting for
// REDIS_WAIT), rather than that it answered and refused: a database that
// does not exist, a wrong password, or something that does not speak Redis
// at that address. Those are configuration errors, which no wait fixes.
func redisUnreachable(err error) bool {
	var rerr goredis.Error
	if errors.As(err, &rerr) {
		// Replies a server gives while it starts or fails over.
		for _, p := range []string{"LOADING", "BUSY", "MASTERDOWN", "TRYAGAIN", "CLUSTERDOWN"} {
			if strings.HasPrefix(rerr.Error(), p+" ") {
				return true
			}
		}
		return false
	}
	var nerr net.Error
	return errors.As(err, &nerr) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// redisReason is what the server or the connection said, without the
// "redis: " prefixes that the store and go-redis each add.
func redisReason(err error) string {
	if u := errors.Unwrap(err); u != nil {
		err = u // core.Error's own text is its code and key
	}
	msg := err.Error()
	for strings.HasPrefix(msg, "redis: ") {
		msg = strings.TrimPrefix(msg, "redis: ")
	}
	return msg
}
