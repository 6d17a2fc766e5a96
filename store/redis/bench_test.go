package redis_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/store/redis"
	"github.com/newsbot/newsbot/store/redis/redistest"
)

// The targets.
const (
	targetMemoryMB     = 150     // Redis memory for 1,000,000 subscriptions
	targetListRate     = 500_000 // chats of one section streamed per second
	targetSubscribeOps = 20_000  // subscribe/unsubscribe operations per second
	targetFindP99      = 2 * time.Millisecond
)

// report prints a figure next to its target.
func report(b *testing.B, what string, got, target float64, unit string, lowerIsBetter bool) {
	b.Helper()
	ratio := got / target
	verdict := "meets"
	if lowerIsBetter && got > target || !lowerIsBetter && got < target {
		verdict = "MISSES"
	}
	cmp := "≥"
	if lowerIsBetter {
		cmp = "≤"
	}
	b.Logf("%s: %.4g %s (target %s %.4g %s, ratio %.2f: %s the target)", what, got, unit, cmp, target, unit, ratio, verdict)
}

// benchStore opens a store for a benchmark on REDIS_URL or a throwaway
// server, under a prefix deleted afterwards.
func benchStore(b *testing.B) (*redis.Store, string) {
	b.Helper()
	url := redistest.URL(b)
	// A prefix as short as the default "newsbot:", so that the memory
	// figures are those of production keys.
	prefix := fmt.Sprintf("nb%06x:", rand.IntN(1<<24))
	redistest.CleanPrefix(b, url, prefix)
	s, err := redis.Open(context.Background(), redis.Config{URL: url, Prefix: prefix, Timeout: 5 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s, url
}

// usedMemory returns Redis's used_memory in bytes.
func usedMemory(b *testing.B, s *redis.Store) int64 {
	b.Helper()
	info, err := s.Client().Info(context.Background(), "memory").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "used_memory:"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatal("INFO memory has no used_memory")
	return 0
}

// tgChat returns a Telegram group chat, with an ID of a real group's length.
func tgChat(i int) core.ChatRef {
	return core.ChatRef{Platform: "telegram", ID: strconv.Itoa(-1001000000000 - i)}
}

// BenchmarkMillionSubscriptions stores 1,000,000 subscriptions over 10
// sections in bulk, then measures Redis's memory for them and how fast one
// section's chats stream out. Three shapes: 1,000,000 chats with one
// section each (the most keys), 250,000 chats with four, and 100,000 chats
// with all ten.
func BenchmarkMillionSubscriptions(b *testing.B) {
	const total = 1_000_000
	sections := make([]string, 10)
	for i := range sections {
		sections[i] = fmt.Sprintf("section%d", i)
	}
	for _, shape := range []struct {
		name     string
		chats    int
		sections func(i int) []string
	}{
		{"chats=1000000,sections_per_chat=1", total, func(i int) []string { return sections[i%10 : i%10+1] }},
		{"chats=250000,sections_per_chat=4", total / 4, func(i int) []string { return sections[i%7 : i%7+4] }},
		{"chats=100000,sections_per_chat=10", total / 10, func(int) []string { return sections }},
	} {
		b.Run(shape.name, func(b *testing.B) {
			s, _ := benchStore(b)
			ctx := context.Background()
			before := usedMemory(b, s)
			subs := make([]redis.Subscription, 0, 10_000)
			start := time.Now()
			added := 0
			for i := range shape.chats {
				subs = append(subs, redis.Subscription{Chat: tgChat(i), Sections: shape.sections(i)})
				if len(subs) == cap(subs) || i == shape.chats-1 {
					n, err := s.SubscribeMany(ctx, subs)
					if err != nil {
						b.Fatal(err)
					}
					added += n
					subs = subs[:0]
				}
			}
			bulk := time.Since(start)
			if added != total {
				b.Fatalf("SubscribeMany added %d subscriptions, want %d", added, total)
			}
			mb := float64(usedMemory(b, s)-before) / (1 << 20)
			perSection, err := s.CountSectionChats(ctx, sections[0])
			if err != nil {
				b.Fatal(err)
			}

			listed := 0
			for b.Loop() {
				err := s.SectionChats(ctx, sections[0], 1000, func(cs []core.ChatRef) error {
					listed += len(cs)
					return nil
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			rate := float64(listed) / b.Elapsed().Seconds()
			bulkRate := float64(total) / bulk.Seconds()
			b.ReportMetric(mb, "redis-MB")
			b.ReportMetric(rate, "chats/s")
			b.ReportMetric(bulkRate, "bulk-subs/s")
			b.Logf("%d subscriptions, %d chats in the listed section", total, perSection)
			report(b, "Redis memory for 1,000,000 subscriptions (INFO used_memory delta)", mb, targetMemoryMB, "MB", true)
			report(b, "listing one section's chats (bucket HKEYS, pipelined; batches of 1000)", rate, targetListRate, "chats/s", false)
			report(b, "bulk subscribe (SubscribeMany, pipelined)", bulkRate, targetSubscribeOps, "subs/s", false)
		})
	}
}

// BenchmarkSubscribe measures subscribe and unsubscribe throughput from one
// process: one call at a time, many goroutines at once, and pipelined.
func BenchmarkSubscribe(b *testing.B) {
	ctx := context.Background()
	b.Run("single-op/one-goroutine", func(b *testing.B) {
		s, _ := benchStore(b)
		i := 0
		for b.Loop() {
			if _, err := s.Subscribe(ctx, tgChat(i), "politics"); err != nil {
				b.Fatal(err)
			}
			if _, err := s.Unsubscribe(ctx, tgChat(i), "politics"); err != nil {
				b.Fatal(err)
			}
			i++
		}
		rate := float64(2*b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rate, "ops/s")
		report(b, "Subscribe+Unsubscribe, one call at a time", rate, targetSubscribeOps, "ops/s", false)
	})
	b.Run("single-op/parallel", func(b *testing.B) {
		s, _ := benchStore(b)
		var next atomic.Int64
		b.SetParallelism(8) // 8 x GOMAXPROCS goroutines, as a busy bot has
		start := time.Now()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c := tgChat(int(next.Add(1)))
				if _, err := s.Subscribe(ctx, c, "politics"); err != nil {
					b.Error(err)
					return
				}
				if _, err := s.Unsubscribe(ctx, c, "politics"); err != nil {
					b.Error(err)
					return
				}
			}
		})
		rate := float64(2*b.N) / time.Since(start).Seconds()
		b.ReportMetric(rate, "ops/s")
		report(b, "Subscribe+Unsubscribe from concurrent goroutines", rate, targetSubscribeOps, "ops/s", false)
	})
	b.Run("pipelined", func(b *testing.B) {
		s, _ := benchStore(b)
		const chunk = 1000
		subs := make([]redis.Subscription, chunk)
		round := 0
		for b.Loop() {
			for i := range subs {
				subs[i] = redis.Subscription{Chat: tgChat(round*chunk + i), Sections: []string{"politics"}}
			}
			if _, err := s.SubscribeMany(ctx, subs); err != nil {
				b.Fatal(err)
			}
			if _, err := s.UnsubscribeMany(ctx, subs); err != nil {
				b.Fatal(err)
			}
			round++
		}
		rate := float64(2*chunk*b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rate, "ops/s")
		report(b, "SubscribeMany+UnsubscribeMany, 1000 per pipeline", rate, targetSubscribeOps, "ops/s", false)
	})
}

// BenchmarkFindArticles measures the /latest path with 100,000 articles
// stored: FindArticles by language and section, by language, and overall,
// 20 articles a page.
func BenchmarkFindArticles(b *testing.B) {
	const n = 100_000
	s, _ := benchStore(b)
	ctx := context.Background()
	langs := []string{"ro", "ru", "en"}
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var wg sync.WaitGroup
	var failed atomic.Value
	const workers = 16
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				a := content.Article{
					ID:        fmt.Sprintf("art-%06d", i),
					Lang:      langs[i%3],
					Section:   content.DefaultSections[i%7],
					Title:     fmt.Sprintf("Headline number %d about the budget", i),
					Lead:      "A lead paragraph of a typical length, one or two sentences that tell the story.",
					Body:      []string{strings.Repeat("Body text of the article. ", 40), strings.Repeat("More body text. ", 40)},
					Author:    "Ana Popescu",
					URL:       fmt.Sprintf("https://news.example/%d", i),
					Published: base.Add(time.Duration(i) * time.Minute),
					Group:     fmt.Sprintf("g%d", i/3),
				}
				if _, err := s.SaveArticle(ctx, a); err != nil {
					failed.Store(err)
					return
				}
			}
		})
	}
	wg.Wait()
	if err := failed.Load(); err != nil {
		b.Fatal(err)
	}
	filters := []core.ArticleFilter{
		{Lang: "ro", Section: "politics"},
		{Lang: "ru"},
		{},
		{Lang: "en", Section: "sport", Offset: 20},
	}
	// A PING before each call measures the floor that this machine's load
	// puts under any Redis round trip, to read the p99 against.
	var lat, ping []time.Duration
	i := 0
	for b.Loop() {
		start := time.Now()
		if err := s.Client().Ping(ctx).Err(); err != nil {
			b.Fatal(err)
		}
		ping = append(ping, time.Since(start))
		start = time.Now()
		got, err := s.FindArticles(ctx, filters[i%len(filters)])
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		if len(got) != 20 {
			b.Fatalf("FindArticles(%+v) returned %d articles", filters[i%len(filters)], len(got))
		}
		i++
	}
	slices.Sort(lat)
	slices.Sort(ping)
	p50, p99 := lat[len(lat)/2], lat[len(lat)*99/100]
	b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
	b.ReportMetric(float64(ping[len(ping)*99/100].Microseconds())/1000, "ping-p99-ms")
	b.Logf("%d articles stored; %d FindArticles calls, p50 %v; PING p50 %v, p99 %v (the round-trip floor)",
		n, len(lat), p50, ping[len(ping)/2], ping[len(ping)*99/100])
	report(b, "FindArticles p99 on loopback", float64(p99.Microseconds())/1000, float64(targetFindP99.Microseconds())/1000, "ms", true)
}
