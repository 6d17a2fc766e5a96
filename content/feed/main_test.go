package feed

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// The broken feeds of the tests are logged as warnings by design.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	// Article pages are fetched by default, and the testdata feeds link to
	// pages on the public web: the tests reach only the local test servers.
	http.DefaultTransport = &http.Transport{DialContext: loopbackOnly}
	os.Exit(m.Run())
}

// loopbackOnly dials loopback addresses only, without resolving names.
func loopbackOnly(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("test dial to %s refused: tests stay on loopback", addr)
	}
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}
