package telegram

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/newsbot/newsbot/core"
)

// SecretHeader is the header in which Telegram sends the webhook's secret
// token.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Backoff of the polling loop after a failed getUpdates.
const (
	minBackoff = time.Second
	maxBackoff = time.Minute
)

// Run publishes the command menus, then takes updates, answered by engine,
// until ctx ends:
// by long polling (deleting any webhook first), or in webhook mode by
// registering cfg.WebhookURL with the secret token and, when cfg.HTTPAddr
// is set, serving it there itself (else mount Handler on your own server).
// It returns once it has stopped taking updates and the updates in hand
// are answered: nil when ctx ended, an error when updates cannot be taken
// (the token is rejected, the webhook cannot be set or served).
func (b *Bot) Run(ctx context.Context, engine Engine) error {
	if engine == nil {
		return errors.New("telegram: Run needs an engine")
	}
	b.engine = engine
	b.door.Open()
	if b.cfg.WebhookURL == "" {
		b.polling.Store(PollingStarting)
	}
	if err := b.setCommands(ctx); err != nil {
		b.log.Warn("setting the command menus", slog.Any("err", err))
	}
	var err error
	if b.cfg.WebhookURL != "" {
		err = b.runWebhook(ctx)
	} else {
		err = b.runPolling(ctx)
	}
	b.door.Shut()
	b.door.Wait()
	return err
}

func (b *Bot) runPolling(ctx context.Context) error {
	if err := b.request(ctx, tgbotapi.DeleteWebhookConfig{}); err != nil && ctx.Err() == nil {
		b.log.Warn("deleting the webhook before polling", slog.Any("err", err))
	}
	b.log.Info("taking updates by long polling", slog.Duration("timeout", b.cfg.PollTimeout))
	if b.cfg.Lease != nil {
		return b.pollUnderLease(ctx)
	}
	b.polling.Store(PollingHolding)
	defer b.polling.Store(PollingOff)
	return b.poll(ctx)
}

// poll takes updates by long polling until ctx ends, then confirms those
// taken.
func (b *Bot) poll(ctx context.Context) error {
	offset, failures := 0, 0
	backoff := minBackoff
	for ctx.Err() == nil {
		updates, err := b.call(ctx).GetUpdates(tgbotapi.UpdateConfig{
			Offset:         offset,
			Timeout:        int(b.cfg.PollTimeout / time.Second),
			AllowedUpdates: allowedUpdates,
		})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			err = redact(err, b.cfg.Token)
			if isAPIError(err, 401, "") || isAPIError(err, 404, "") {
				return fmt.Errorf("telegram: getUpdates: the token was rejected: %w", err)
			}
			failures++
			b.pollFailing.Store(true)
			delay := backoff
			var te *tgbotapi.Error
			if errors.As(err, &te) && te.RetryAfter > 0 {
				delay = time.Duration(te.RetryAfter) * time.Second
			}
			b.log.Warn("getUpdates failed", slog.Int("failures", failures), slog.Duration("retry_in", delay), slog.Any("err", err))
			if core.Sleep(ctx, delay) != nil {
				break
			}
			backoff = min(backoff*2, maxBackoff)
			continue
		}
		b.pollFailing.Store(false)
		if failures > 0 {
			b.log.Info("getUpdates recovered", slog.Int("failures", failures))
			failures, backoff = 0, minBackoff
		}
		for _, u := range updates {
			if u.UpdateID < offset {
				continue
			}
			offset = u.UpdateID + 1
			b.dispatch(context.WithoutCancel(ctx), u)
		}
	}
	if offset > 0 {
		// Confirm what was taken, so that a restart does not answer it again.
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if _, err := b.call(cctx).GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 1, AllowedUpdates: allowedUpdates}); err != nil {
			b.log.Warn("confirming the last updates", slog.Any("err", redact(err, b.cfg.Token)))
		}
	}
	return nil
}

func (b *Bot) runWebhook(ctx context.Context) error {
	// The library's WebhookConfig has no secret_token: set it by hand.
	params := tgbotapi.Params{"url": b.cfg.WebhookURL, "secret_token": b.cfg.WebhookSecret}
	if err := params.AddInterface("allowed_updates", allowedUpdates); err != nil {
		return err
	}
	if _, err := b.call(ctx).MakeRequest("setWebhook", params); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("telegram: setWebhook: %w", redact(err, b.cfg.Token))
	}
	if b.cfg.HTTPAddr == "" {
		b.log.Info("taking updates by webhook on the shared HTTP server")
		<-ctx.Done()
		return nil
	}
	u, _ := url.Parse(b.cfg.WebhookURL)
	path := "/"
	if u != nil && u.Path != "" {
		path = u.Path
	}
	mux := http.NewServeMux()
	mux.Handle(path, b.Handler())
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", b.cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("telegram: webhook: HTTP_ADDR: %w", err)
	}
	b.log.Info("taking updates by webhook", slog.String("addr", ln.Addr().String()), slog.String("path", path))
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("telegram: webhook server: %w", err)
	case <-ctx.Done():
	}
	b.door.Shut()
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		b.log.Warn("stopping the webhook server", slog.Any("err", err))
	}
	return nil
}

// Handler is the webhook endpoint: it accepts Telegram's POSTs that carry
// the configured secret token (403 otherwise), hands each update to a
// worker and answers 200; 503 before Run starts and once it has stopped,
// so that Telegram retries. Run serves it on cfg.HTTPAddr itself; mount it on a
// shared server instead when cfg.HTTPAddr is empty.
func (b *Bot) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		secret := r.Header.Get(SecretHeader)
		if b.cfg.WebhookSecret == "" || subtle.ConstantTimeCompare([]byte(secret), []byte(b.cfg.WebhookSecret)) != 1 {
			b.log.Warn("webhook request with a wrong secret token", slog.String("remote", r.RemoteAddr))
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if b.door.IsShut() {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		var u tgbotapi.Update
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&u); err != nil {
			http.Error(w, "bad update", http.StatusBadRequest)
			return
		}
		if !b.dispatch(r.Context(), u) {
			http.Error(w, "busy", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
