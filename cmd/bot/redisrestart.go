package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
)

// runBenchRedisRestart is `bot bench-redis-restart`: a bot process (this
// binary) delivers breaking news from its own redis-server (started here,
// append-only, on a free loopback port), which is stopped at about 40% for
// a few seconds and started again on the same port with its append-only
// file. Every chat must be reached within 10s of Redis being back, none
// twice beyond the sends in flight, and a command during the outage must
// be answered. It exits 1 when a target is missed.
func runBenchRedisRestart(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench-redis-restart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	chats := fs.Int("chats", 2000, "chats subscribed to breaking news")
	perSec := fs.Int("rate", 500, "the fake Bot API's global limit, messages per second")
	down := fs.Duration("down", 4*time.Second, "how long Redis stays stopped")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *chats < 10 || *perSec < 1 || *down <= 0 {
		fmt.Fprintln(stderr, "usage: bot bench-redis-restart [-chats N ≥ 10] [-rate N ≥ 1] [-down D]")
		return 2
	}
	ok, err := benchRedisRestart(ctx, *chats, *perSec, *down, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: bench-redis-restart: %v\n", err)
		return 1
	}
	if !ok {
		fmt.Fprintln(stderr, "newsbot: bench-redis-restart: target missed")
		return 1
	}
	return 0
}

// ownRedis is a redis-server of our own, append-only, on a fixed port.
type ownRedis struct {
	dir  string
	port int
	cmd  *exec.Cmd
}

func (s *ownRedis) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

func (s *ownRedis) start(ctx context.Context) error {
	s.cmd = exec.Command("redis-server", "--bind", "127.0.0.1", "--port", strconv.Itoa(s.port), "--dir", s.dir,
		"--appendonly", "yes", "--appendfsync", "always", "--save", "")
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("redis-server: %w (is it installed?)", err)
	}
	opts, _ := goredis.ParseURL(s.url())
	c := goredis.NewClient(opts)
	defer c.Close()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if c.Ping(ctx).Err() == nil {
			return nil
		}
	}
	return fmt.Errorf("redis-server on port %d did not answer within 10s", s.port)
}

// stop stops the server as an operator would (SIGTERM: the append-only
// file is flushed) and waits for it.
func (s *ownRedis) stop() {
	if s.cmd != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(syscall.SIGTERM)
		_ = s.cmd.Wait()
	}
}

func benchRedisRestart(ctx context.Context, chats, perSec int, down time.Duration, w io.Writer) (bool, error) {
	dir, err := os.MkdirTemp("", "bench-redis-restart")
	if err != nil {
		return false, err
	}
	defer os.RemoveAll(dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return false, err
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	rs := &ownRedis{dir: dir, port: port}
	if err := rs.start(ctx); err != nil {
		return false, err
	}
	defer rs.stop()
	r, err := newCrashRig(ctx, rs.url(), chats, perSec, w)
	if err != nil {
		return false, err
	}
	defer r.close()
	p, err := r.spawn("redis-restart")
	if err != nil {
		return false, err
	}
	if err := r.alive(ctx, 1, 30*time.Second); err != nil {
		return false, err
	}
	id := "rr" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := r.broadcast(ctx, id); err != nil {
		return false, err
	}
	var sentAtStop int
	for end := time.Now().Add(2 * time.Minute); ; time.Sleep(5 * time.Millisecond) {
		if n, _ := r.reached(id); float64(n) >= 0.4*float64(chats) {
			sentAtStop = n
			break
		}
		if time.Now().After(end) {
			return false, fmt.Errorf("the broadcast never reached 40%%; see the logs in %s", r.dir)
		}
	}
	rs.stop()
	stopped := time.Now()
	// A command during the outage gets an answer, not silence.
	user := telegramtest.User{ID: 4_000_001, FirstName: "Ana", LanguageCode: "ro"}
	asked := time.Now()
	r.srv.UserMessage(user.ID, user, "/subscribe international")
	answer, answeredIn := "", time.Duration(-1)
	for time.Since(asked) < down-200*time.Millisecond {
		if ms := r.srv.Messages(user.ID); len(ms) > 0 {
			answer, answeredIn = ms[0].Text, time.Since(asked)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(time.Until(stopped.Add(down)))
	if err := rs.start(ctx); err != nil {
		return false, err
	}
	back := time.Now()
	sentWhileDown, _ := r.reached(id)
	_, all := r.done(id, time.Minute)
	took := time.Since(back)
	n, dup := r.reached(id)
	_ = p.Process.Signal(syscall.SIGTERM)
	_ = p.Wait()
	ok := all && took <= 10*time.Second && dup <= 64 && answeredIn >= 0
	fmt.Fprintf(w, "redis-restart: a command during the outage was answered in %.1fs: %q\n", answeredIn.Seconds(), answer)
	fmt.Fprintf(w, "redis-restart: Redis stopped at %d/%d chats for %.1fs (%d reached meanwhile), restarted with its append-only file; every chat reached %.1fs after it was back (target ≤ 10s); chats=%d reached=%d dup=%d (≤ 64, one process's sends in flight) lost=%d\n",
		sentAtStop, chats, down.Seconds(), sentWhileDown, took.Seconds(), chats, n, dup, chats-n)
	return ok, nil
}
