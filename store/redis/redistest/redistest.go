// Package redistest gives tests a Redis server to talk to. It is for _test.go
// files only; no program code imports it.
//
// The rule every Redis-backed test in newsbot follows: use REDIS_URL when it
// is set; otherwise start a throwaway redis-server from PATH on a free
// loopback port and stop it when the test ends; where neither is possible,
// skip, except under CI=true, where that is a failure. Tests sharing one
// server keep apart by key prefix (see Prefix) so they can run in parallel.
//
//	url := redistest.URL(t)
//	prefix := redistest.Prefix(t) // "test:<test name>:<random>:"
//	redistest.CleanPrefix(t, url, prefix)
package redistest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// URL returns REDIS_URL when it is set, else the URL of a throwaway server
// started for t (see Start). It skips t when neither exists, or fails it
// under CI=true.
func URL(t testing.TB) string {
	t.Helper()
	if u := os.Getenv("REDIS_URL"); u != "" {
		return u
	}
	return Start(t).URL()
}

// unavailable skips t, or fails it under CI=true, because no Redis can be had.
func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("no Redis for this test under CI=true: %s", why)
	}
	t.Skipf("no Redis: %s (set REDIS_URL or put redis-server on PATH)", why)
}

// Prefix returns a key prefix no other test uses: "test:", t's name made
// safe for keys and glob patterns, and a random part, ending in ':'.
func Prefix(t testing.TB) string {
	t.Helper()
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, t.Name())
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return "test:" + name + ":" + hex.EncodeToString(b[:]) + ":"
}

// CleanPrefix deletes every key under prefix when t ends, so that tests on a
// shared REDIS_URL leave nothing behind. On a throwaway server it costs one
// SCAN.
func CleanPrefix(t testing.TB, url, prefix string) {
	t.Helper()
	t.Cleanup(func() {
		opts, err := goredis.ParseURL(url)
		if err != nil {
			t.Error(err)
			return
		}
		c := goredis.NewClient(opts)
		defer c.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := DeletePrefix(ctx, c, prefix); err != nil {
			// The server may already be gone: throwaway servers stop first.
			t.Logf("cleaning %s: %v", prefix, err)
		}
	})
}

// DeletePrefix deletes every key under prefix, which must hold no glob
// characters.
func DeletePrefix(ctx context.Context, c goredis.UniversalClient, prefix string) error {
	iter := c.Scan(ctx, 0, prefix+"*", 1000).Iterator()
	var keys []string
	flush := func() error {
		if len(keys) == 0 {
			return nil
		}
		err := c.Unlink(ctx, keys...).Err()
		keys = keys[:0]
		return err
	}
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	return flush()
}

// Server is a throwaway redis-server process.
type Server struct {
	t    testing.TB
	bin  string
	dir  string // the server's working directory, which Restart keeps
	args []string
	port int

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
}

// Start starts redis-server from PATH on a free loopback port, in a
// temporary directory, with no persistence unless args (extra redis-server
// arguments such as "--appendonly", "yes") ask for it. The server stops when
// t ends. Start skips t, or fails it under CI=true, when redis-server is not
// on PATH.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		unavailable(t, "REDIS_URL is unset and redis-server is not on PATH")
	}
	s := &Server{t: t, bin: bin}
	var lastErr error
	for range 5 {
		s.port, lastErr = freePort()
		if lastErr != nil {
			continue
		}
		s.dir = t.TempDir()
		s.args = append([]string{
			"--port", fmt.Sprint(s.port), "--bind", "127.0.0.1", "--dir", s.dir,
			"--save", "", "--appendonly", "no", "--protected-mode", "no", "--loglevel", "warning",
		}, args...)
		if lastErr = s.start(); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("starting redis-server: %v", lastErr)
	return nil
}

// URL returns the server's redis:// URL.
func (s *Server) URL() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

// Addr returns the server's host:port.
func (s *Server) Addr() string { return fmt.Sprintf("127.0.0.1:%d", s.port) }

// Stop shuts the server down, as redis-cli SHUTDOWN would (saving first when
// persistence is on), and waits for it to exit. Stopping a stopped server
// does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	// SIGINT and SIGTERM make redis-server save (when persistence is on)
	// and exit cleanly.
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

// Restart stops the server and starts it again on the same port and
// directory, so a client sees its connections drop and the address come
// back, with the data the server persisted.
func (s *Server) Restart() {
	s.t.Helper()
	s.Stop()
	if err := s.start(); err != nil {
		s.t.Fatalf("restarting redis-server: %v", err)
	}
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	// The server's log goes to a file of its own, shown only when it fails.
	logFile, err := os.CreateTemp(s.dir, "redis-*.log")
	if err != nil {
		return err
	}
	defer logFile.Close()
	cmd := exec.Command(s.bin, s.args...)
	cmd.Stdout = logFile
	cmd.Stderr = logFile
	if err := cmd.Start(); err != nil {
		return err
	}
	failed := func(format string, args ...any) error {
		out, _ := os.ReadFile(logFile.Name())
		return fmt.Errorf(format+"\n%s", append(args, out)...)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	c := goredis.NewClient(&goredis.Options{Addr: s.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer c.Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		// Any reply, even NOAUTH from a server with a password, means the
		// server is up.
		var reply goredis.Error
		if err == nil || errors.As(err, &reply) {
			s.cmd, s.done = cmd, done
			return nil
		}
		select {
		case <-done:
			return failed("redis-server on port %d exited: %v", s.port, err)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			<-done
			return failed("redis-server on port %d did not answer: %v", s.port, err)
		}
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
