package telegram

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/newsbot/newsbot/core"
)

// Lease lets one process of many take Telegram's updates by long polling
// (two would get 409 Conflict). The store/redis Lease is one.
type Lease interface {
	// Hold takes the lease for holder, or renews it, for ttl; it reports
	// whether holder holds it now.
	Hold(ctx context.Context, holder string, ttl time.Duration) (bool, error)
	// Release gives the lease up when holder has it.
	Release(ctx context.Context, holder string) error
}

// DefaultLeaseTTL is how long the polling lease lasts unless renewed
// (Config.LeaseTTL): another process takes over within about that long
// after the holder dies.
const DefaultLeaseTTL = 5 * time.Second

// The polling states PollingState reports.
const (
	PollingOff      = "off"      // not running, or webhook mode
	PollingWaiting  = "waiting"  // another process holds the lease
	PollingHolding  = "holding"  // this process polls
	PollingStarting = "starting" // Run is starting
)

// PollingState says whether this bot takes updates by long polling: one
// of PollingOff, PollingWaiting (another process holds the lease),
// PollingHolding, PollingStarting.
func (b *Bot) PollingState() string {
	if s, ok := b.polling.Load().(string); ok {
		return s
	}
	return PollingOff
}

// holderName names this process as a lease holder: host-pid-random.
func holderName() string {
	host, _ := os.Hostname()
	var r [3]byte
	_, _ = rand.Read(r[:])
	return fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(r[:]))
}

// pollUnderLease polls while this process holds the lease, waiting for it
// when another does, until ctx ends. Losing the lease (a renewal that
// fails or finds another holder) stops the poll in flight at once.
func (b *Bot) pollUnderLease(ctx context.Context) error {
	ttl := b.cfg.LeaseTTL
	every := ttl / 5
	for ctx.Err() == nil {
		ok, err := b.cfg.Lease.Hold(ctx, b.holder, ttl)
		if err != nil && ctx.Err() == nil {
			b.log.Warn("taking the polling lease", slog.Any("err", err))
		}
		if !ok {
			b.polling.Store(PollingWaiting)
			if core.Sleep(ctx, every) != nil {
				break
			}
			continue
		}
		b.polling.Store(PollingHolding)
		b.log.Info("holding the polling lease", slog.String("holder", b.holder))
		held, lost := context.WithCancel(ctx)
		go func() {
			defer lost()
			for core.Sleep(held, every) == nil {
				ok, err := b.cfg.Lease.Hold(held, b.holder, ttl)
				if err != nil || !ok {
					if held.Err() == nil {
						b.log.Warn("the polling lease was lost; polling stops", slog.Bool("taken", err == nil), slog.Any("err", err))
					}
					return
				}
			}
		}()
		err = b.poll(held)
		lost()
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		if rerr := b.cfg.Lease.Release(rctx, b.holder); rerr != nil {
			b.log.Warn("releasing the polling lease", slog.Any("err", rerr))
		}
		cancel()
		if err != nil {
			return err
		}
	}
	b.polling.Store(PollingOff)
	return nil
}

// Ready reports whether the bot takes updates or stands by for them, and
// what it does, in words: in webhook mode, once Run serves; with long
// polling, while its getUpdates succeed, or while another process holds
// the polling lease.
func (b *Bot) Ready() (bool, string) {
	if b.cfg.WebhookURL != "" {
		if b.door.IsShut() {
			return false, "not serving the webhook"
		}
		return true, "serving the webhook"
	}
	switch b.PollingState() {
	case PollingHolding:
		if b.pollFailing.Load() {
			return false, "polling, but getUpdates fails"
		}
		return true, "polling"
	case PollingWaiting:
		return true, "standing by: another process holds the polling lease"
	case PollingStarting:
		return false, "starting"
	}
	return false, "not polling"
}
