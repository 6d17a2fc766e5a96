package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
	"github.com/newsbot/newsbot/delivery"
	"github.com/newsbot/newsbot/delivery/deliverytest"
	"github.com/newsbot/newsbot/delivery/redis"
	"github.com/newsbot/newsbot/locales"
	redisstore "github.com/newsbot/newsbot/store/redis"
)

// runBenchCrash is `bot bench-crash`: bot processes (this binary, run as
// the bot) on one Redis deliver breaking news to the fake Bot API, and one
// is killed with SIGKILL at about 40%: first with two processes (the dead
// one's jobs must move to the live one within 5s), then with one process
// restarted at once (the rest must be reached within 10s of the restart).
// It exits 1 when a target is missed.
func runBenchCrash(ctx context.Context, cfg config, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("bench-crash", flag.ContinueOnError)
	fs.SetOutput(stderr)
	chats := fs.Int("chats", 2000, "chats subscribed to breaking news")
	perSec := fs.Int("rate", 500, "the fake Bot API's global limit, messages per second")
	at := fs.Float64("at", 0.4, "kill when this share of the chats got the news")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *chats < 10 || *perSec < 1 || *at <= 0 || *at >= 1 {
		fmt.Fprintln(stderr, "usage: bot bench-crash [-chats N ≥ 10] [-rate N ≥ 1] [-at 0…1]")
		return 2
	}
	if cfg.RedisURL == "" {
		fmt.Fprintln(stderr, "newsbot: invalid configuration: REDIS_URL: bench-crash runs bot processes on one Redis; set it (e.g. redis://127.0.0.1:6379/0)")
		return 2
	}
	r, err := newCrashRig(ctx, cfg.RedisURL, *chats, *perSec, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: bench-crash: %v\n", err)
		return 1
	}
	defer r.close()
	ok1, err := r.twoProcesses(ctx, *at)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: bench-crash: %v\n", err)
		return 1
	}
	ok2, err := r.restart(ctx, *at)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: bench-crash: %v\n", err)
		return 1
	}
	if !ok1 || !ok2 {
		fmt.Fprintln(stderr, "newsbot: bench-crash: target missed")
		return 1
	}
	return 0
}

// crashRig is the fake Bot API, the Redis under a fresh prefix, the
// subscribed chats, and the bot processes.
type crashRig struct {
	srv     *telegramtest.Server
	url     string
	prefix  string
	chats   int
	rate    int
	st      *redisstore.Store
	c       *goredis.Client
	starter *delivery.Engine // starts broadcasts; consumes nothing
	dir     string           // the processes' logs
	w       io.Writer
	procs   []*exec.Cmd
}

func newCrashRig(ctx context.Context, url string, chats, perSec int, w io.Writer) (*crashRig, error) {
	goredis.SetLogger(redisLogger{slog.New(slog.DiscardHandler)}) // the rig's own dial failures are expected
	r := &crashRig{url: url, chats: chats, rate: perSec, w: w, prefix: fmt.Sprintf("bench-crash:%d:", time.Now().UnixNano())}
	r.srv = telegramtest.NewServer(telegramtest.Options{Global: rate.Limit(perSec), GlobalBurst: perSec, PerChat: 1, PerChatBurst: 3})
	var err error
	if r.dir, err = os.MkdirTemp("", "bench-crash"); err != nil {
		return nil, err
	}
	if r.st, err = redisstore.Open(ctx, redisstore.Config{URL: url, Prefix: r.prefix}); err != nil {
		return nil, err
	}
	r.c = r.st.Client().(*goredis.Client)
	for i := range chats {
		id := int64(3_000_000 + i)
		r.srv.AddChat(telegramtest.Chat{ID: id, Type: "private"})
		if _, err := r.st.Subscribe(ctx, core.ChatRef{Platform: telegram.Platform, ID: strconv.FormatInt(id, 10)}, content.Breaking); err != nil {
			return nil, err
		}
	}
	cat, err := locales.Load(locales.FS(), "en")
	if err != nil {
		return nil, err
	}
	pol, err := core.NewChats(core.ChatsConfig{DefaultLang: "en"}, r.st, cat)
	if err != nil {
		return nil, err
	}
	startLog, err := os.Create(filepath.Join(r.dir, "starter.log"))
	if err != nil {
		return nil, err
	}
	r.starter, err = delivery.New(delivery.Config{Consumer: "bench-crash-starter"}, delivery.Deps{
		Queue: redis.NewQueue(r.c, r.prefix), Ledger: redis.NewLedger(r.c, r.prefix, time.Hour),
		Senders: map[string]core.Sender{telegram.Platform: nowhere{}}, Store: r.st, Chats: pol,
		Logger: slog.New(slog.NewTextHandler(startLog, nil)),
	})
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "bench-crash: %d chats, Bot API limit %d/s global, bot processes on %s under %s; logs in %s\n", chats, perSec, redact(url), r.prefix, r.dir)
	return r, nil
}

// redact hides a password in a Redis URL.
func redact(url string) string {
	if i, j := strings.Index(url, "://"), strings.LastIndex(url, "@"); i >= 0 && j > i {
		return url[:i+3] + "…" + url[j:]
	}
	return url
}

// nowhere is the starter's sender: it never runs, so it never sends.
type nowhere struct{}

func (nowhere) Send(context.Context, core.ChatRef, core.Reply) (core.SentRef, error) {
	return core.SentRef{}, errors.New("bench-crash: the starter sends nothing")
}

func (r *crashRig) close() {
	for _, p := range r.procs {
		if p.ProcessState == nil {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	}
	r.starter.Close()
	_ = deliverytest.DeletePrefix(context.Background(), r.c, r.prefix)
	r.st.Close()
	r.srv.Close()
}

// spawn starts a bot process (this executable) on the rig.
func (r *crashRig) spawn(name string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	log, err := os.Create(filepath.Join(r.dir, name+".log"))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(exe)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"TELEGRAM_BOT_TOKEN=" + r.srv.Token(), "TELEGRAM_API_ENDPOINT=" + r.srv.Endpoint(),
		"REDIS_URL=" + r.url, "REDIS_PREFIX=" + r.prefix, "TELEGRAM_RATE_GLOBAL=" + strconv.Itoa(r.rate),
		"NEWSBOT_DEFAULT_LANG=en", "LOG_LEVEL=info",
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r.procs = append(r.procs, cmd)
	return cmd, nil
}

// consumers returns the delivery consumers of the breaking stream with
// their pending jobs.
func (r *crashRig) consumers(ctx context.Context) (map[string]int64, error) {
	cs, err := r.c.XInfoConsumers(ctx, r.prefix+"dq:"+telegram.Platform+":hi", redis.Group).Result()
	if err != nil {
		return nil, err
	}
	out := map[string]int64{}
	for _, c := range cs {
		out[c.Name] = c.Pending
	}
	return out, nil
}

// alive waits until n bot processes have a live delivery heartbeat.
func (r *crashRig) alive(ctx context.Context, n int, within time.Duration) error {
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		keys, err := r.c.Keys(ctx, r.prefix+"dq:"+telegram.Platform+":alive:*").Result()
		if err == nil && len(keys) >= n {
			return nil
		}
	}
	return fmt.Errorf("%d bot processes not alive within %s; see the logs in %s", n, within, r.dir)
}

// broadcast starts breaking news tagged id.
func (r *crashRig) broadcast(ctx context.Context, id string) error {
	return r.starter.Start(ctx, core.Broadcast{
		ID: id, Kind: core.BroadcastBreaking, Priority: core.PriorityBreaking, Section: content.Breaking, Fallback: "en",
		Messages: map[string]core.Reply{"en": {Title: "Crash bench " + id, Text: []string{"Breaking news for the crash bench."}}},
	})
}

// reached counts the chats that got broadcast id, and the messages beyond
// the first per chat.
func (r *crashRig) reached(id string) (chats, dup int) {
	got := map[string]int{}
	for _, c := range r.srv.Calls("sendMessage") {
		if c.Code == 200 && strings.Contains(c.Params.Get("text"), id) {
			got[c.Params.Get("chat_id")]++
		}
	}
	for _, n := range got {
		dup += n - 1
	}
	return len(got), dup
}

// killAt waits until share of the chats got id, then SIGKILLs p and
// returns its consumer's pending jobs right after the kill.
func (r *crashRig) killAt(ctx context.Context, p *exec.Cmd, id string, share float64) (sent int, consumer string, pending int64, err error) {
	for end := time.Now().Add(2 * time.Minute); ; time.Sleep(5 * time.Millisecond) {
		if n, _ := r.reached(id); float64(n) >= share*float64(r.chats) {
			sent = n
			break
		}
		if time.Now().After(end) {
			return 0, "", 0, fmt.Errorf("broadcast %s never reached %.0f%%; see the logs in %s", id, 100*share, r.dir)
		}
	}
	if err := p.Process.Signal(syscall.SIGKILL); err != nil {
		return 0, "", 0, err
	}
	_ = p.Wait()
	cs, err := r.consumers(ctx)
	if err != nil {
		return 0, "", 0, err
	}
	mark := "-" + strconv.Itoa(p.Process.Pid) + "-"
	for name, n := range cs {
		if strings.Contains(name, mark) {
			consumer, pending = name, n
		}
	}
	return sent, consumer, pending, nil
}

// done waits until every chat got id, at most within.
func (r *crashRig) done(id string, within time.Duration) (time.Duration, bool) {
	start := time.Now()
	for time.Since(start) < within {
		if n, _ := r.reached(id); n >= r.chats {
			return time.Since(start), true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start), false
}

func (r *crashRig) twoProcesses(ctx context.Context, at float64) (bool, error) {
	a, err := r.spawn("two-a")
	if err != nil {
		return false, err
	}
	b, err := r.spawn("two-b")
	if err != nil {
		return false, err
	}
	if err := r.alive(ctx, 2, 30*time.Second); err != nil {
		return false, err
	}
	id := "two" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := r.broadcast(ctx, id); err != nil {
		return false, err
	}
	// The one killed is the one polling Telegram, so that the lease's
	// takeover is measured too.
	leaseKey := r.prefix + "lease:telegram-polling"
	if held, _ := r.c.Get(ctx, leaseKey).Result(); strings.Contains(held, "-"+strconv.Itoa(b.Process.Pid)+"-") {
		a, b = b, a
	}
	sent, victim, pending, err := r.killAt(ctx, a, id, at)
	if err != nil {
		return false, err
	}
	killed := time.Now()
	held, _ := r.c.Get(ctx, leaseKey).Result()
	victimHeld := strings.Contains(held, "-"+strconv.Itoa(a.Process.Pid)+"-")
	moved, takeover := time.Duration(-1), time.Duration(-1)
	for time.Since(killed) < 30*time.Second && (moved < 0 || (victimHeld && takeover < 0)) {
		if cs, err := r.consumers(ctx); err == nil && cs[victim] == 0 && moved < 0 {
			moved = time.Since(killed)
		}
		if h, _ := r.c.Get(ctx, leaseKey).Result(); victimHeld && takeover < 0 && strings.Contains(h, "-"+strconv.Itoa(b.Process.Pid)+"-") {
			takeover = time.Since(killed)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if victimHeld {
		fmt.Fprintf(r.w, "two processes: the killed one held Telegram's polling lease; the other took it %.1fs after the kill (target: a few seconds)\n", takeover.Seconds())
	} else {
		fmt.Fprintln(r.w, "two processes: the live one held Telegram's polling lease all along")
	}
	_, all := r.done(id, time.Minute)
	afterKill := time.Since(killed)
	n, dup := r.reached(id)
	_ = b.Process.Signal(syscall.SIGTERM)
	_ = b.Wait()
	ok := moved >= 0 && moved <= 5*time.Second && all && int64(dup) <= pending && (!victimHeld || (takeover >= 0 && takeover <= 10*time.Second))
	fmt.Fprintf(r.w, "two processes: SIGKILL at %d/%d chats with %d jobs pending on the dead consumer; its jobs moved %.1fs after the kill (target ≤ 5s); every chat reached %.1fs after the kill; chats=%d reached=%d dup=%d (≤ %d in flight at the kill) lost=%d\n",
		sent, r.chats, pending, moved.Seconds(), afterKill.Seconds(), r.chats, n, dup, pending, r.chats-n)
	return ok, nil
}

func (r *crashRig) restart(ctx context.Context, at float64) (bool, error) {
	c, err := r.spawn("one")
	if err != nil {
		return false, err
	}
	if err := r.alive(ctx, 1, 30*time.Second); err != nil {
		return false, err
	}
	id := "one" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if err := r.broadcast(ctx, id); err != nil {
		return false, err
	}
	sent, _, pending, err := r.killAt(ctx, c, id, at)
	if err != nil {
		return false, err
	}
	restarted := time.Now()
	d, err := r.spawn("one-restarted")
	if err != nil {
		return false, err
	}
	_, all := r.done(id, time.Minute)
	took := time.Since(restarted)
	n, dup := r.reached(id)
	_ = d.Process.Signal(syscall.SIGTERM)
	_ = d.Wait()
	ok := all && took <= 10*time.Second && int64(dup) <= pending
	fmt.Fprintf(r.w, "restart: SIGKILL at %d/%d chats with %d jobs pending, restarted at once; the rest reached %.1fs after the restart (target ≤ 10s); chats=%d reached=%d dup=%d (≤ %d in flight at the kill) lost=%d\n",
		sent, r.chats, pending, took.Seconds(), r.chats, n, dup, pending, r.chats-n)
	return ok, nil
}
