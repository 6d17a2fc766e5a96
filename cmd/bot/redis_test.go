package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"

	"github.com/newsbot/newsbot/core"
)

func TestRedisUnreachableClassifies(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"connection refused", core.Unavailable(fmt.Errorf("redis: %w", refused)), true},
		{"no such host", core.Unavailable(&net.DNSError{Err: "no such host", Name: "redis", IsNotFound: true}), true},
		{"closed at once", core.Unavailable(fmt.Errorf("redis: %w", io.EOF)), true},
		{"not redis", core.Unavailable(errors.New(`redis: can't parse map reply: "HTTP/1.1 400 Bad Request"`)), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := redisUnreachable(tt.err); got != tt.want {
				t.Errorf("redisUnreachable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
	if got := redisReason(core.Unavailable(errors.New("redis: redis: ERR DB index is out of range"))); got != "ERR DB index is out of range" {
		t.Errorf("redisReason = %q", got)
	}
}
