package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/newsbot/newsbot/adapters/telegram"
	"github.com/newsbot/newsbot/core"
)

// cacheCounter is a store that counts its cache lookups (both stores do).
type cacheCounter interface{ HitRatio() float64 }

// metrics registers newsbot's figures: delivery counters, queue depth per
// platform, cache hit ratio, and the Go runtime's.
func (a *app) metrics() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	snap := a.Delivery.Metrics().Snapshot
	counter := func(name, help string, f func() float64) {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "newsbot", Name: name, Help: help}, f))
	}
	gauge := func(name, help string, labels prometheus.Labels, f func() float64) {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "newsbot", Name: name, Help: help, ConstLabels: labels}, f))
	}
	counter("delivery_sent_total", "Messages sent, edited or deleted.", func() float64 { return float64(snap().Sent) })
	counter("delivery_retried_total", "Sends tried again after a transient failure or a 429.", func() float64 { return float64(snap().Retried) })
	counter("delivery_rate_limited_total", "429 answers from the platforms.", func() float64 { return float64(snap().RateLimited) })
	counter("delivery_skipped_total", "Repeated jobs skipped by their idempotency record.", func() float64 { return float64(snap().Skipped) })
	for _, class := range []core.DeliveryClass{core.DeliveryRetryAfter, core.DeliveryTransient, core.DeliveryGone, core.DeliveryMoved, core.DeliveryRejected} {
		gauge("delivery_failed", "Jobs that failed for good, by class.", prometheus.Labels{"class": string(class)}, func() float64 { return float64(snap().Failed[class]) })
	}
	gauge("delivery_in_flight", "Jobs taken and not yet finished.", nil, func() float64 { return float64(snap().InFlight) })
	gauge("delivery_lag_mean_seconds", "Mean time from confirmation to delivery.", nil, func() float64 { return snap().LagMean.Seconds() })
	gauge("delivery_lag_max_seconds", "Longest time from confirmation to delivery.", nil, func() float64 { return snap().LagMax.Seconds() })
	for _, platform := range a.Platforms {
		gauge("delivery_queue_depth", "Jobs queued or pending.", prometheus.Labels{"platform": platform}, func() float64 {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			n, err := a.Queue.Depth(ctx, platform)
			if err != nil {
				return -1
			}
			return float64(n)
		})
	}
	for platform, stats := range a.Replies {
		labels := prometheus.Labels{"platform": platform}
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "newsbot", Name: "replies_sent_total",
			Help: "Replies sent in full.", ConstLabels: labels}, func() float64 { return float64(stats().Sent) }))
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "newsbot", Name: "replies_rate_limited_total",
			Help: "429 answers to replies, each retried after retry_after.", ConstLabels: labels}, func() float64 { return float64(stats().RateLimited) }))
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "newsbot", Name: "images_refused_total",
			Help: "Cards (replies and alerts) whose picture the platform refused; each went as text.", ConstLabels: labels}, func() float64 { return float64(stats().ImagesRefused) }))
		for _, reason := range telegram.DropReasons {
			reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Namespace: "newsbot", Name: "replies_dropped_total",
				Help: "Replies given up, by reason.", ConstLabels: prometheus.Labels{"platform": platform, "reason": reason}},
				func() float64 { return float64(stats().Dropped[reason]) }))
		}
	}
	if c, ok := a.Store.(cacheCounter); ok {
		gauge("cache_hit_ratio", "Share of cache lookups (summaries, searches) that hit.", nil, c.HitRatio)
	}
	return reg
}

// serveHTTP serves /metrics, /healthz and, when set, the webhook on ln
// until ctx ends.
func (a *app) serveHTTP(ctx context.Context, ln net.Listener, webhook http.Handler, log *slog.Logger) error {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.metrics(), promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if a.storeAnswers(ctx) != nil {
			http.Error(w, "store unavailable", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", a.readyz)
	if webhook != nil {
		mux.Handle("/", webhook)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(shut)
	}()
	log.Info("http serving", slog.String("addr", ln.Addr().String()))
	// The listener is closed by the shutdown, or by runBot on its way out.
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// runHealthcheck is `bot healthcheck [-url URL]`: it asks a running bot's
// /healthz (by default on HTTP_ADDR at this host) and exits 0 when the bot
// answers that it is healthy, 1 when not. Container images without a shell
// or curl use it as their health check.
func runHealthcheck(ctx context.Context, getenv func(string) string, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(stderr)
	target := fs.String("url", "", "the URL to probe (default: /healthz on HTTP_ADDR at 127.0.0.1)")
	timeout := fs.Duration("timeout", 3*time.Second, "how long to wait for the answer")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *target == "" {
		addr := strings.TrimSpace(getenv("HTTP_ADDR"))
		if err := checkHTTPAddr(addr); err != nil {
			fmt.Fprintf(stderr, "newsbot: invalid configuration: %v\n", err)
			return 2
		}
		if addr == "" {
			fmt.Fprintln(stderr, "newsbot: invalid configuration: HTTP_ADDR: not set, so the bot serves no /healthz (set it, e.g. :8080, or give -url)")
			return 2
		}
		host, port, _ := net.SplitHostPort(addr)
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1" // a bot listening on every interface answers here
		}
		*target = "http://" + net.JoinHostPort(host, port) + "/healthz"
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *target, nil)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: healthcheck: -url %q: %v\n", *target, err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "newsbot: healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(stderr, "newsbot: healthcheck: %s answered %s: %s\n", *target, resp.Status, strings.TrimSpace(string(body)))
		return 1
	}
	fmt.Fprintf(stdout, "%s", body)
	return 0
}

// storeAnswers checks that the store answers a read, for /healthz and
// /readyz.
func (a *app) storeAnswers(ctx context.Context) error {
	_, _, err := a.Store.Get(ctx, "healthz")
	return err
}
