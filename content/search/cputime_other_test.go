//go:build !linux

package search

import "time"

// threadCPUTime returns 0 where the thread's CPU time is not read: the
// benchmarks then report CPU times of 0.
func threadCPUTime() time.Duration { return 0 }
