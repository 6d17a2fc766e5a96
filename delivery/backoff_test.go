package delivery

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	e := &Engine{cfg: Config{Backoff: 100 * time.Millisecond, BackoffMax: time.Second}}
	for n, hi := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 3: 400 * time.Millisecond, 10: time.Second} {
		for range 50 {
			if d := e.backoff(n); d < hi/2 || d > hi {
				t.Errorf("backoff(%d) = %s, want in [%s, %s]", n, d, hi/2, hi)
			}
		}
	}
}
