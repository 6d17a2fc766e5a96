package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
)

// soakCommands are what the simulated users ask, in turn.
var soakCommands = []string{"/latest", "/sections", "/subscribe international", "/subscriptions", "/search moldova", "/unsubscribe international", "/help", "/latest politics 3"}

// runSoak is `bot soak`: a bot process (this binary, on loopback, in
// memory or on REDIS_URL under a fresh prefix) answers many simulated
// users against the fake Bot API with Telegram's limits for a bounded
// time. It prints the reply latency, and the process's memory and
// goroutines (from its /metrics) after a warm-up and at the end; it exits
// 1 when a reply is missing or they grew like a leak.
func runSoak(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	users := fs.Int("users", 200, "simulated users, each sending a command every -every")
	every := fs.Duration("every", 5*time.Second, "how often each user sends a command (the flood limit is 20 a minute)")
	dur := fs.Duration("duration", 2*time.Minute, "how long the soak runs")
	perSec := fs.Int("rate", 100, "the fake Bot API's global limit, messages per second")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *users < 1 || *every < 3*time.Second || *dur < 20*time.Second || *perSec < 1 {
		fmt.Fprintln(stderr, "usage: bot soak [-users N ≥ 1] [-every D ≥ 3s] [-duration D ≥ 20s] [-rate N ≥ 1]")
		return 2
	}
	ok, err := soak(ctx, cfg.RedisURL, *users, *every, *dur, *perSec, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: soak: %v\n", err)
		return 1
	}
	if !ok {
		fmt.Fprintln(stderr, "newsbot: soak: target missed")
		return 1
	}
	return 0
}

// processFigures reads go_goroutines and go_memstats_heap_inuse_bytes from
// a /metrics page.
func processFigures(ctx context.Context, addr string) (goroutines, heap float64, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/metrics", nil)
	if err != nil {
		return 0, 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		switch name {
		case "go_goroutines":
			goroutines, _ = strconv.ParseFloat(val, 64)
		case "go_memstats_heap_inuse_bytes":
			heap, _ = strconv.ParseFloat(val, 64)
		}
	}
	return goroutines, heap, sc.Err()
}

func soak(ctx context.Context, redisURL string, users int, every, dur time.Duration, perSec int, w io.Writer) (bool, error) {
	srv := telegramtest.NewServer(telegramtest.Options{PerChat: 1, PerChatBurst: 3, Global: rate.Limit(perSec), GlobalBurst: perSec})
	defer srv.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	addr := ln.Addr().String()
	ln.Close()
	dir, err := os.MkdirTemp("", "soak")
	if err != nil {
		return false, err
	}
	logf, err := os.Create(filepath.Join(dir, "bot.log"))
	if err != nil {
		return false, err
	}
	defer logf.Close()
	exe, err := os.Executable()
	if err != nil {
		return false, err
	}
	prefix := fmt.Sprintf("soak:%d:", time.Now().UnixNano())
	if redisURL != "" {
		defer deleteKeys(redisURL, prefix)
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"TELEGRAM_BOT_TOKEN=" + srv.Token(), "TELEGRAM_API_ENDPOINT=" + srv.Endpoint(), "HTTP_ADDR=" + addr,
		"REDIS_URL=" + redisURL, "REDIS_PREFIX=" + prefix, "TELEGRAM_RATE_GLOBAL=" + strconv.Itoa(perSec), "LOG_LEVEL=warn"}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		return false, err
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, _, err := processFigures(ctx, addr); err == nil {
			break
		}
		if time.Now().After(end) {
			return false, fmt.Errorf("the bot did not serve /metrics within 30s; see %s", logf.Name())
		}
	}
	backend := "memory"
	if redisURL != "" {
		backend = "redis"
	}
	fmt.Fprintf(w, "soak: %d users, a command each every %s, for %s; Bot API limits %d/s global, 1/s per chat; store=%s; bot log %s\n",
		users, every, dur, perSec, backend, logf.Name())

	var (
		mu      sync.Mutex
		lat     []time.Duration
		missing int
		wg      sync.WaitGroup
	)
	start := time.Now()
	var g0, h0 float64
	warm := make(chan struct{})
	go func() {
		defer close(warm)
		time.Sleep(min(dur/4, 30*time.Second))
		g0, h0, _ = processFigures(ctx, addr)
	}()
	for i := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u := telegramtest.User{ID: int64(5_000_000 + i), FirstName: "S" + strconv.Itoa(i), LanguageCode: []string{"ro", "ru", "en"}[i%3]}
			time.Sleep(rand.N(every)) // spread the users over the period
			for n := 0; time.Since(start) < dur; n++ {
				sent := time.Now()
				before := len(srv.Messages(u.ID))
				srv.UserMessage(u.ID, u, soakCommands[(i+n)%len(soakCommands)])
				got := false
				for time.Since(sent) < 30*time.Second {
					if len(srv.Messages(u.ID)) > before {
						got = true
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				mu.Lock()
				if got {
					lat = append(lat, time.Since(sent))
				} else {
					missing++
				}
				mu.Unlock()
				time.Sleep(time.Until(sent.Add(every)))
			}
		}()
	}
	wg.Wait()
	<-warm
	time.Sleep(2 * time.Second) // replies' goroutines end
	g1, h1, err := processFigures(ctx, addr)
	if err != nil {
		return false, err
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
	}
	leak := g1 > g0+20 || h1 > 2*h0+8<<20
	fmt.Fprintf(w, "soak: commands=%d answered=%d missing=%d p50=%s p99=%s 429s=%d\n", len(lat)+missing, len(lat), missing, pct(0.5), pct(0.99), srv.RateLimited())
	fmt.Fprintf(w, "soak: goroutines %0.f after warm-up → %0.f at the end; heap in use %.1f MiB → %.1f MiB (leak=%v)\n", g0, g1, h0/(1<<20), h1/(1<<20), leak)
	return missing == 0 && !leak, nil
}
