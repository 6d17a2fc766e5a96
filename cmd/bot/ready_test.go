package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/newsbot/newsbot/store/memory"
)

func TestReadyzNamesWhatIsNotReady(t *testing.T) {
	a := &app{Store: memory.New()}
	a.Ready.add("telegram", func(context.Context) (bool, string) { return false, "starting" })
	a.Ready.add("feeds", func(context.Context) (bool, string) { return true, "2 feeds polled on time" })
	rec := httptest.NewRecorder()
	a.readyz(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
	var st readyStatus
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatalf("%v: %s", err, rec.Body.String())
	}
	if rec.Code != http.StatusServiceUnavailable || st.Ready || !slices.Equal(st.NotReady, []string{"telegram"}) ||
		st.Checks["telegram"] != "starting" || st.Checks["store"] != "answers" || st.Checks["feeds"] == "" {
		t.Errorf("/readyz with Telegram starting: %d %s", rec.Code, rec.Body.String())
	}
}
