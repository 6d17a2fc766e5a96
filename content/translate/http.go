package translate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/newsbot/newsbot/core"
)

// maxResponse bounds the body read from a service.
const maxResponse = 4 << 20

// postJSON posts in as JSON to url with the given headers, bounded by
// timeout, and decodes a 2xx answer into out. errMsg extracts the message
// of an error answer's body. Failures come back classified.
func postJSON(ctx context.Context, o options, url string, header http.Header, in, out any, errMsg func([]byte) string) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("translate: encode request: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return &core.Error{Code: core.CodeInternal, Key: "err_translate_unavailable", Err: err}
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := o.client.Do(req)
	if err != nil {
		if parent := context.Cause(ctx); parent != nil && !errors.Is(parent, context.DeadlineExceeded) {
			return parent
		}
		return &core.Error{Code: core.CodeUnavailable, Key: "err_translate_unavailable", Err: fmt.Errorf("translate: %w", err)}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return &core.Error{Code: core.CodeUnavailable, Key: "err_translate_unavailable", Err: fmt.Errorf("translate: read answer: %w", err)}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := errMsg(data)
		if msg == "" {
			msg = strings.TrimSpace(string(data[:min(len(data), 200)]))
		}
		return classify(resp.StatusCode, resp.Header.Get("Retry-After"), msg)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return &core.Error{Code: core.CodeUnavailable, Key: "err_translate_unavailable", Err: fmt.Errorf("translate: decode answer: %w", err)}
	}
	return nil
}

// endpoint returns base with path appended unless base already ends in it.
func endpoint(base, path string) string {
	base = strings.TrimRight(base, "/")
	if strings.HasSuffix(base, path) {
		return base
	}
	return base + path
}
