package deliverytest_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

var (
	fanoutChats     = flag.Int("fanout.chats", 0, "run the full fan-out bench with this many chats (e.g. 10000)")
	fanoutRate      = flag.Int("fanout.rate", 1000, "the bench sink's global limit per second")
	fanoutConsumers = flag.Int("fanout.consumers", 2, "consumers in the bench")
	fanoutCrash     = flag.Float64("fanout.crash", 0, "kill a consumer after this share of the chats (e.g. 0.4)")
)

var fanoutLine = regexp.MustCompile(`fanout: chats=(\d+) .* dup=(\d+) lost=(\d+) 429s=(\d+)`)

// TestBenchFanoutSmall runs a small fan-out in memory and on Redis, with and
// without a crash, and checks that nothing is lost and nothing repeats
// beyond the sends in flight at a crash. The figures are printed, not
// asserted: timing is for BenchmarkFanout and -fanout.chats.
func TestBenchFanoutSmall(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	tests := []struct {
		name  string
		redis bool
		crash float64
	}{
		{"memory", false, 0},
		{"memory crash", false, 0.4},
		{"redis", true, 0},
		{"redis crash", true, 0.4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := deliverytest.BenchConfig{Platform: telegram.Traits, Chats: 600, Rate: 600, Consumers: 2, Crash: tt.crash, Latency: 10 * time.Millisecond}
			if tt.redis {
				cfg.RedisURL = redistest.URL(t)
			}
			var out bytes.Buffer
			if err := deliverytest.BenchFanout(context.Background(), cfg, &out); err != nil {
				t.Fatal(err)
			}
			t.Log("\n" + out.String())
			m := fanoutLine.FindStringSubmatch(out.String())
			if m == nil {
				t.Fatalf("no fanout line in:\n%s", out.String())
			}
			dup, _ := strconv.Atoi(m[2])
			if lost, _ := strconv.Atoi(m[3]); lost != 0 {
				t.Errorf("lost=%d, want 0", lost)
			}
			if tt.crash == 0 && dup != 0 {
				t.Errorf("dup=%d without a crash, want 0", dup)
			}
			if tt.crash > 0 {
				inFlight := regexp.MustCompile(`with (\d+) jobs in flight`).FindStringSubmatch(out.String())
				n, _ := strconv.Atoi(inFlight[1])
				if dup > n {
					t.Errorf("dup=%d after a crash with %d jobs in flight", dup, n)
				}
			}
		})
	}
}

// TestBenchFanout is the full bench, run only when asked:
//
//	go test ./delivery/deliverytest -run TestBenchFanout$ -fanout.chats 10000 -fanout.rate 1000 -fanout.consumers 2 -v
//
// It uses Redis when REDIS_URL is set.
func TestBenchFanout(t *testing.T) {
	if *fanoutChats == 0 {
		t.Skip("set -fanout.chats to run the bench")
	}
	cfg := deliverytest.BenchConfig{Chats: *fanoutChats, Rate: *fanoutRate, Consumers: *fanoutConsumers, Crash: *fanoutCrash, RedisURL: os.Getenv("REDIS_URL")}
	if err := deliverytest.BenchFanout(context.Background(), cfg, os.Stdout); err != nil {
		t.Fatal(err)
	}
}
