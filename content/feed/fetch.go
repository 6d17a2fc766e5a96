package feed

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps how long a Retry-After can keep a feed quiet, so that a
// wrong header cannot silence a feed for good.
const maxRetryAfter = 24 * time.Hour

// ErrTooBig is returned (wrapped) when a response exceeds Config.MaxBytes.
var ErrTooBig = errors.New("response larger than the size cap")

// StatusError is a feed or page answered with an unexpected HTTP status.
// RetryAfter is the wait the server asked for with 429 or 503, 0 if none.
type StatusError struct {
	URL        string
	Status     int
	RetryAfter time.Duration
}

func (e *StatusError) Error() string {
	s := fmt.Sprintf("GET %s: HTTP %d", e.URL, e.Status)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %v)", e.RetryAfter)
	}
	return s
}

// validators are a response's cache validators, sent back on the next
// request for a conditional GET.
type validators struct {
	etag         string
	lastModified string
}

// response is a fetched body, or NotModified.
type response struct {
	notModified bool
	body        []byte
	validators  validators
	url         string // the final URL, after redirects
	contentType string
}

// fetcher does the HTTP side of polling: one GET with a deadline, a size
// cap and conditional headers.
type fetcher struct {
	client    *http.Client
	timeout   time.Duration
	maxBytes  int64
	userAgent string
	now       func() time.Time
}

// get fetches u. It returns a *StatusError for statuses other than 200 and
// 304, and an error wrapping ErrTooBig when the body exceeds the cap.
func (f *fetcher) get(ctx context.Context, u, accept string, v validators) (response, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("User-Agent", f.userAgent)
	req.Header.Set("Accept", accept)
	if v.etag != "" {
		req.Header.Set("If-None-Match", v.etag)
	}
	if v.lastModified != "" {
		req.Header.Set("If-Modified-Since", v.lastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return response{}, err
	}
	defer func() {
		// Drain a little so the connection can be reused, never much.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4<<10))
		resp.Body.Close()
	}()
	switch resp.StatusCode {
	case http.StatusOK:
	case http.StatusNotModified:
		return response{notModified: true, validators: v, url: resp.Request.URL.String()}, nil
	default:
		se := &StatusError{URL: u, Status: resp.StatusCode}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable {
			se.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), f.now())
		}
		return response{}, se
	}
	if resp.ContentLength > f.maxBytes {
		return response{}, fmt.Errorf("GET %s: %d bytes: %w", u, resp.ContentLength, ErrTooBig)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return response{}, fmt.Errorf("GET %s: reading body: %w", u, err)
	}
	if int64(len(body)) > f.maxBytes {
		return response{}, fmt.Errorf("GET %s: more than %d bytes: %w", u, f.maxBytes, ErrTooBig)
	}
	return response{
		body: body,
		validators: validators{
			etag:         resp.Header.Get("ETag"),
			lastModified: resp.Header.Get("Last-Modified"),
		},
		url:         resp.Request.URL.String(),
		contentType: resp.Header.Get("Content-Type"),
	}, nil
}

// parseRetryAfter reads a Retry-After value: delay seconds or an HTTP date.
// It returns 0 for a missing, bad or past value, and caps it at
// maxRetryAfter.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		d = time.Duration(secs) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	if d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}
