package telegram

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/core"
)

// Gate is Telegram's shared limiter as the bot uses it: every message the
// bot sends on its own (replies, the edits of button answers, the later
// parts of long messages) takes a slot from it first, at its priority, so
// that replies and broadcasts share Telegram's limits across every process,
// replies first. delivery's limiters are Gates (delivery.MemoryLimiter,
// and redis.Limiter in delivery/redis); the first message of a broadcast's
// send is spaced by delivery itself.
type Gate interface {
	// Reserve asks to send to chat at priority p: when reserved, send after
	// wait; else ask again after wait.
	Reserve(ctx context.Context, chat core.ChatRef, p core.Priority) (wait time.Duration, reserved bool, err error)
	// Penalize records Telegram's 429 for chat with retry_after d.
	Penalize(ctx context.Context, chat core.ChatRef, d time.Duration) error
}

// DefaultReplyDeadline is how long a reply may wait for Telegram's limits
// (Config.ReplyDeadline) by default.
const DefaultReplyDeadline = time.Minute

// DropReasons are the reasons a reply is given up, as ReplyStats counts
// them: "deadline" (the reply deadline passed waiting for the limits or
// after 429s), then the delivery class of a permanent failure ("gone",
// "rejected", "moved") or of transient ones that kept failing
// ("transient").
var DropReasons = []string{"deadline", string(core.DeliveryGone), string(core.DeliveryRejected), string(core.DeliveryMoved), string(core.DeliveryTransient)}

// ReplyStats counts the bot's replies (answers, button answers' edits,
// flood notices).
type ReplyStats struct {
	Sent        int64 // replies sent in full
	RateLimited int64 // 429 answers to replies, each retried after retry_after
	// ImagesRefused counts cards, replies and alerts alike, whose picture
	// Telegram refused: each went as text instead.
	ImagesRefused int64
	Dropped       map[string]int64 // replies given up, by reason (DropReasons)
}

// DroppedTotal is how many replies were given up, for any reason.
func (s ReplyStats) DroppedTotal() int64 {
	var n int64
	for _, d := range s.Dropped {
		n += d
	}
	return n
}

// replyStats are a bot's counters; safe for concurrent use.
type replyStats struct {
	sent, rateLimited, imagesRefused atomic.Int64
	mu                               sync.Mutex
	dropped                          map[string]int64
}

func (s *replyStats) drop(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropped == nil {
		s.dropped = map[string]int64{}
	}
	s.dropped[reason]++
}

// ReplyStats returns the counts of the bot's replies so far.
func (b *Bot) ReplyStats() ReplyStats {
	b.stats.mu.Lock()
	defer b.stats.mu.Unlock()
	st := ReplyStats{Sent: b.stats.sent.Load(), RateLimited: b.stats.rateLimited.Load(), ImagesRefused: b.stats.imagesRefused.Load(), Dropped: map[string]int64{}}
	for _, r := range DropReasons {
		st.Dropped[r] = b.stats.dropped[r]
	}
	return st
}

// pass waits until the gate lets a message to chat go at priority p. It
// returns errWaitTooLong at once when the slot comes after giveUp (zero:
// no bound) or ctx's deadline, and ctx's error when ctx ends first. When
// the gate itself fails (its store is unreachable) the message goes
// without it: the 429 retries still hold it to Telegram's limits, and a
// reply is not lost for want of the limiter.
func (b *Bot) pass(ctx context.Context, chat string, p core.Priority, giveUp time.Time) error {
	if b.cfg.Gate == nil {
		return ctx.Err()
	}
	ref := core.ChatRef{Platform: Platform, ID: chat}
	for {
		w, ok, err := b.cfg.Gate.Reserve(ctx, ref, p)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			b.log.Debug("rate limiter unavailable; sending without it", slog.Any("err", err))
			return nil
		}
		end := time.Now().Add(w)
		if dl, has := ctx.Deadline(); (!giveUp.IsZero() && end.After(giveUp)) || (has && end.After(dl)) {
			return errWaitTooLong
		}
		if core.Sleep(ctx, w) != nil {
			return ctx.Err()
		}
		if ok {
			return nil
		}
	}
}

// penalize tells the gate of Telegram's 429 for chat.
func (b *Bot) penalize(ctx context.Context, chat string, d time.Duration) {
	if b.cfg.Gate == nil {
		return
	}
	if err := b.cfg.Gate.Penalize(ctx, core.ChatRef{Platform: Platform, ID: chat}, d); err != nil && ctx.Err() == nil {
		b.log.Debug("slowing the shared bucket", slog.Any("err", err))
	}
}

// sendReply sends c, one message of a reply to chat, through the gate at
// PriorityReply: after a 429 it waits retry_after (and slows the shared
// bucket) and tries again, after a network or server error it tries again
// up to maxPartFailures times with backoff, all while ctx lasts (the
// reply deadline). Errors are classified (see classify); when the deadline
// ends the wait, the last failure is returned, or a transient
// "timeout" error.
func (b *Bot) sendReply(ctx context.Context, chat string, c apiCall) (tgbotapi.Message, error) {
	failures := 0
	var last error
	var wait time.Duration
	for {
		if wait > 0 {
			if dl, has := ctx.Deadline(); has && time.Now().Add(wait).After(dl) {
				return tgbotapi.Message{}, timedOut(last, errWaitTooLong)
			}
			if core.Sleep(ctx, wait) != nil {
				return tgbotapi.Message{}, timedOut(last, ctx.Err())
			}
		}
		if err := b.pass(ctx, chat, core.PriorityReply, time.Time{}); err != nil {
			return tgbotapi.Message{}, timedOut(last, err)
		}
		m, err := b.do(ctx, c)
		if err = classify(err); err == nil {
			return m, nil
		}
		last = err
		_, de := core.ClassifyDelivery(err)
		switch {
		case ctx.Err() != nil:
			return tgbotapi.Message{}, timedOut(last, ctx.Err())
		case de.Class == core.DeliveryRetryAfter:
			b.stats.rateLimited.Add(1)
			b.penalize(ctx, chat, de.RetryAfter)
			wait = de.RetryAfter
		case de.Class == core.DeliveryTransient && failures < maxPartFailures:
			failures++
			wait = time.Second << (failures - 1)
		default:
			return tgbotapi.Message{}, err
		}
	}
}

// errReplyDeadline marks a reply given up because its deadline passed.
var errReplyDeadline = errors.New("telegram: the reply deadline passed")

// timedOut is the error of a reply whose wait ended with err (the deadline,
// or ctx's end) after the failure last (nil if none).
func timedOut(last, err error) error {
	return &core.DeliveryError{Class: core.DeliveryTransient, Reason: "deadline", Err: errors.Join(errReplyDeadline, err, last)}
}
