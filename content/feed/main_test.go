package feed

import (
	"log/slog"
	"os"
	"testing"
)

func TestMain(m *testing.M) {
	// The broken feeds of the tests are logged as warnings by design.
	slog.SetDefault(slog.New(slog.DiscardHandler))
	os.Exit(m.Run())
}
