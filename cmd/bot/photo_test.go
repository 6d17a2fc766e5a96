package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
)

// TestTelegramPhotoAlertEndToEnd runs the bot against a fake Bot API: a
// moderator posts a sample story with a picture as breaking news. The
// preview is the photo subscribers will get; confirming turns its caption
// into the report. A Romanian reader gets the photo with the Romanian
// card as its caption, and retracting the news deletes the photo.
func TestTelegramPhotoAlertEndToEnd(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{})
	defer srv.Close()
	reader := telegramtest.User{ID: 1101, FirstName: "Ana", LanguageCode: "ro"}
	mod := telegramtest.User{ID: 2202, FirstName: "Max", LanguageCode: "en"}
	e := env(map[string]string{
		"TELEGRAM_BOT_TOKEN":    srv.Token(),
		"TELEGRAM_API_ENDPOINT": srv.Endpoint(),
		"TELEGRAM_MODERATORS":   fmt.Sprint(mod.ID),
		"HTTP_ADDR":             freeAddr(t),
	})
	_, errb, stop := startBot(t, e)
	defer stop()
	const wait = 10 * time.Second
	const picture = "https://newsbot.example/media/heat-tariff-1200.jpg"

	srv.UserMessage(reader.ID, reader, "/subscribe economy")
	if !srv.Await(wait, func() bool { return len(srv.Messages(reader.ID)) == 1 }) {
		t.Fatalf("no answer to /subscribe; stderr: %s", errb.String())
	}

	srv.UserMessage(mod.ID, mod, "/breaking heat-ro")
	if !srv.Await(wait, func() bool { return len(srv.Messages(mod.ID)) == 1 }) {
		t.Fatalf("no preview; stderr: %s", errb.String())
	}
	preview := srv.Messages(mod.ID)[0]
	if preview.Photo != picture || !strings.Contains(preview.Text, "Chisinau heating tariff") || len(preview.Keyboard) == 0 {
		t.Fatalf("preview %+v; want the English photo card with confirm and cancel", preview)
	}
	srv.Press(mod.ID, preview.MessageID, mod, preview.Keyboard[0][0].Data)
	if !srv.Await(wait, func() bool { return len(srv.Messages(reader.ID)) == 2 }) {
		t.Fatalf("the reader got no alert; stderr: %s", errb.String())
	}
	alert := srv.Messages(reader.ID)[1]
	if alert.Photo != picture || !strings.Contains(alert.Text, "Tariful la energia termică") || telegramtest.TextLen(alert.Text) > telegramtest.MaxCaptionLen {
		t.Errorf("alert %+v; want the photo with the Romanian card as its caption", alert)
	}
	// The preview's caption becomes the broadcast's report, which delivery
	// edits to its end.
	if !srv.Await(wait, func() bool { return strings.Contains(srv.Messages(mod.ID)[0].Text, "Delivered to 1 chat") }) {
		t.Fatalf("the preview did not end as the report: %+v; stderr: %s", srv.Messages(mod.ID)[0], errb.String())
	}
	if m := srv.Messages(mod.ID)[0]; m.Photo != picture || strings.Contains(m.Text, "Chisinau heating tariff") {
		t.Errorf("preview after confirming: %+v; want the photo with the report as its caption", m)
	}
	for _, c := range srv.Calls("editMessageText") {
		if c.Code != 200 {
			t.Errorf("editMessageText refused: %s", c.Description)
		}
	}

	id := strings.Split(preview.Keyboard[0][0].Data, "|")[1]
	srv.UserMessage(mod.ID, mod, "/retract "+id)
	if !srv.Await(wait, func() bool { return len(srv.Messages(mod.ID)) == 2 }) {
		t.Fatalf("no retraction preview; stderr: %s", errb.String())
	}
	confirm := srv.Messages(mod.ID)[1]
	if len(confirm.Keyboard) == 0 {
		t.Fatalf("retraction preview without buttons: %+v", confirm)
	}
	srv.Press(mod.ID, confirm.MessageID, mod, confirm.Keyboard[0][0].Data)
	if !srv.Await(wait, func() bool { return srv.Messages(reader.ID)[1].Deleted }) {
		t.Fatalf("the retracted photo alert was not deleted; stderr: %s", errb.String())
	}
	if n := len(srv.Calls("sendPhoto")); n != 2 {
		t.Errorf("%d sendPhoto calls, want 2 (preview, alert)", n)
	}
}
