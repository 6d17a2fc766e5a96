package telegram_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/adapters/telegram/telegramtest"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/core"
)

const picture = "https://newsbot.example/media/bridge-1200.jpg"

// photoAlert is a section alert whose card has a picture; lead makes it
// as long as needed.
func photoAlert(title, lead string) core.Reply {
	r := alert(title)
	r.Card.Lead = lead
	r.Card.Image = content.Image{URL: picture, Alt: "The bridge at dawn", Width: 1200, Height: 675}
	r.Buttons = [][]core.Button{{{Label: "More", Data: "l|economy|0|5"}}}
	return r
}

// calls counts the fake's calls of method, whatever their outcome.
func calls(srv *telegramtest.Server, method string) int { return len(srv.Calls(method)) }

// TestPhotoAlertLifecycle: an alert with a picture goes as one photo with
// the card as its caption and the keyboard under it; a correction edits
// the caption (shortened when the new card is too long for one), and a
// retraction deletes the photo.
func TestPhotoAlertLifecycle(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: 50, Type: "private"})
	ctx := context.Background()
	sent, err := h.bot.Send(ctx, ref(50), photoAlert("Bridge", "The Prut bridge reopens on Monday."))
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.srv.Messages(50)
	if len(msgs) != 1 || calls(h.srv, "sendMessage") != 0 {
		t.Fatalf("%d messages, %d sendMessage calls; want one photo and no text", len(msgs), calls(h.srv, "sendMessage"))
	}
	m := msgs[0]
	if m.Photo != picture || !strings.Contains(m.Text, "Bridge <&>") || !strings.Contains(m.Text, "reopens on Monday") ||
		m.ParseMode != "HTML" || len(m.Keyboard) != 1 {
		t.Errorf("photo %+v; want the picture with the card as its caption and the keyboard", m)
	}
	if !strings.HasPrefix(sent.MessageID, "photo:") {
		t.Errorf("SentRef %+v; want a photo reference", sent)
	}

	if err := h.bot.Edit(ctx, sent, photoAlert("Bridge (corrected)", "The Prut bridge reopens on Tuesday.")); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	m = h.srv.Messages(50)[0]
	if m.Edits != 1 || !strings.Contains(m.Text, "reopens on Tuesday") || m.Photo != picture || calls(h.srv, "editMessageText") != 0 {
		t.Errorf("after the correction: %+v; want the caption edited", m)
	}
	if media := h.srv.Calls("editMessageMedia"); len(media) != 1 || media[0].Code != 200 || h.srv.Fetches(picture) != 1 {
		t.Errorf("editMessageMedia calls %+v, %d fetches; want the picture and caption edited by the kept file", media, h.srv.Fetches(picture))
	}
	long := strings.Repeat("The ministry gave the details of the works on the bridge. ", 40)
	if err := h.bot.Edit(ctx, sent, photoAlert("Bridge (long)", long)); err != nil {
		t.Fatalf("Edit to a card longer than a caption: %v", err)
	}
	m = h.srv.Messages(50)[0]
	if n := telegramtest.TextLen(m.Text); m.Edits != 2 || n > telegramtest.MaxCaptionLen || !strings.Contains(m.Text, "Bridge (long)") ||
		!strings.Contains(m.Text, "…") || !strings.Contains(m.HTML, `href="https://newsbot.example/en/x"`) {
		t.Errorf("after a long correction (%d characters): %+v; want the card shortened to a caption, title and link kept", n, m)
	}

	if err := h.bot.Delete(ctx, sent); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if !h.srv.Messages(50)[0].Deleted {
		t.Error("the retracted photo was not deleted")
	}
}

// TestLongCardTakesLargePreview: a card too long for a caption goes as text
// with the picture as a large link preview above it, never also as a photo;
// the later parts show no preview.
func TestLongCardTakesLargePreview(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: 51, Type: "private"})
	ctx := context.Background()
	long := strings.Repeat("Traffic resumes on the bridge after months of works, the ministry said. ", 20)
	sent, err := h.bot.Send(ctx, ref(51), photoAlert("Bridge", long))
	if err != nil {
		t.Fatal(err)
	}
	msgs := h.srv.Messages(51)
	if calls(h.srv, "sendPhoto") != 0 || len(msgs) != 1 {
		t.Fatalf("%d sendPhoto calls, %d messages; want one text message", calls(h.srv, "sendPhoto"), len(msgs))
	}
	m := msgs[0]
	if p := m.Preview; p == nil || p.URL != picture || !p.PreferLargeMedia || !p.ShowAboveText || m.NoPreview || m.Photo != "" {
		t.Errorf("message %+v, preview %+v; want the picture as a large preview above the text", m, m.Preview)
	}
	if strings.HasPrefix(sent.MessageID, "photo:") {
		t.Errorf("SentRef %+v of a text message", sent)
	}
	// Its correction edits the text and keeps the preview.
	if err := h.bot.Edit(ctx, sent, photoAlert("Bridge (corrected)", long)); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	if m := h.srv.Messages(51)[0]; m.Edits != 1 || m.Preview == nil || m.Preview.URL != picture || !strings.Contains(m.Text, "corrected") {
		t.Errorf("after the correction: %+v", m)
	}

	huge := strings.Repeat("Traffic resumes on the bridge after months of works, the ministry said. ", 80)
	if _, err := h.bot.Send(ctx, ref(51), photoAlert("Bridge", huge)); err != nil {
		t.Fatal(err)
	}
	parts := h.srv.Messages(51)[1:]
	if len(parts) < 2 {
		t.Fatalf("%d parts, want the card split", len(parts))
	}
	for i, p := range parts {
		if first := i == 0; (p.Preview != nil && p.Preview.URL == picture) != first || (!first && !p.NoPreview) {
			t.Errorf("part %d: preview %+v, no preview %v; want the picture above the first part only", i, p.Preview, p.NoPreview)
		}
	}
}

// TestRefusedPictureFallsBackOnce: a picture Telegram cannot fetch costs one
// refused sendPhoto; the alert goes as a text card at once, counted, not
// lost and not sent twice. The next chat gets the text without trying the
// picture again.
func TestRefusedPictureFallsBackOnce(t *testing.T) {
	h := start(t, setup{})
	for _, id := range []int64{60, 61, 62} {
		h.srv.AddChat(telegramtest.Chat{ID: id, Type: "private"})
	}
	h.srv.BreakImage(picture)
	ctx := context.Background()
	sent, err := h.bot.Send(ctx, ref(60), photoAlert("Bridge", "The Prut bridge reopens on Monday."))
	if err != nil {
		t.Fatalf("Send with a refused picture: %v, want the text card sent", err)
	}
	photos := h.srv.Calls("sendPhoto")
	if len(photos) != 1 || photos[0].Code != 400 {
		t.Fatalf("sendPhoto calls %+v; want one, refused", photos)
	}
	msgs := h.srv.Messages(60)
	if len(msgs) != 1 || msgs[0].Photo != "" || !strings.Contains(msgs[0].Text, "reopens on Monday") || len(msgs[0].Keyboard) != 1 {
		t.Fatalf("messages %+v; want one text card with its keyboard", msgs)
	}
	if sent.MessageID != "" && strings.HasPrefix(sent.MessageID, "photo:") {
		t.Errorf("SentRef %+v; want the text message's", sent)
	}
	if got := h.bot.ReplyStats().ImagesRefused; got != 1 {
		t.Errorf("ImagesRefused %d, want 1", got)
	}
	if !strings.Contains(h.logs.String(), "refused a card's picture") {
		t.Error("the refused picture was not logged")
	}

	// The next chat gets the text card without another refused sendPhoto;
	// a 429 on it leaves nothing sent, and the retry sends it once.
	h.srv.Fail("sendMessage", telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 1", RetryAfter: 1})
	_, err = h.bot.Send(ctx, ref(61), photoAlert("Bridge", "The Prut bridge reopens on Monday."))
	if class, _ := core.ClassifyDelivery(err); class != core.DeliveryRetryAfter || len(h.srv.Messages(61)) != 0 {
		t.Fatalf("a 429 on the text: class %q, %d messages; want retry_after and nothing sent", class, len(h.srv.Messages(61)))
	}
	if _, err := h.bot.Send(ctx, ref(61), photoAlert("Bridge", "The Prut bridge reopens on Monday.")); err != nil {
		t.Fatal(err)
	}
	if n := len(h.srv.Messages(61)); n != 1 || calls(h.srv, "sendPhoto") != 1 {
		t.Errorf("%d messages to the second chat, %d sendPhoto calls; want 1 and still 1", n, calls(h.srv, "sendPhoto"))
	}

	// A picture refused for what it is (not fetched) is classified the same.
	other := photoAlert("Other", "Another story.")
	other.Card.Image.URL = "https://newsbot.example/media/not-an-image.html"
	h.srv.Fail("sendPhoto", telegramtest.Fault{Code: 400, Description: "Bad Request: wrong type of the web page content"})
	if _, err := h.bot.Send(ctx, ref(62), other); err != nil {
		t.Fatal(err)
	}
	if msgs := h.srv.Messages(62); len(msgs) != 1 || msgs[0].Photo != "" {
		t.Errorf("messages %+v; want one text card", msgs)
	}
	if got := h.bot.ReplyStats().ImagesRefused; got != 2 {
		t.Errorf("ImagesRefused %d, want 2", got)
	}
}

// TestPhotoFailuresAreClassified: a photo to a chat that is gone, or
// rate-limited, fails like a text: nothing falls back.
func TestPhotoFailuresAreClassified(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: 63, Type: "private", Blocked: "Forbidden: bot was blocked by the user"})
	h.srv.AddChat(telegramtest.Chat{ID: 64, Type: "private"})
	ctx := context.Background()
	_, err := h.bot.Send(ctx, ref(63), photoAlert("Bridge", "Short."))
	if class, de := core.ClassifyDelivery(err); class != core.DeliveryGone || de.Reason != "blocked" {
		t.Errorf("blocked: %v; want gone/blocked", err)
	}
	h.srv.Fail("sendPhoto", telegramtest.Fault{Code: 429, Description: "Too Many Requests: retry after 3", RetryAfter: 3})
	_, err = h.bot.Send(ctx, ref(64), photoAlert("Bridge", "Short."))
	if class, _ := core.ClassifyDelivery(err); class != core.DeliveryRetryAfter {
		t.Errorf("429: %v; want retry_after", err)
	}
	if calls(h.srv, "sendMessage") != 0 || len(h.srv.Messages(64)) != 0 {
		t.Error("a failed photo fell back to text")
	}
}

// TestReadShowsPhotoListsStayCompact: /read of a story with a picture
// answers with the photo; /latest lists without any preview.
func TestReadShowsPhotoListsStayCompact(t *testing.T) {
	h := start(t, setup{})
	user := telegramtest.User{ID: 70, FirstName: "Ion", LanguageCode: "ro"}
	got := h.say(70, user, "/read heat-ro", 1)
	if got[0].Photo == "" || !strings.Contains(got[0].Text, "Chișinău") {
		t.Errorf("/read: %+v; want the story's photo with its Romanian card", got[0])
	}
	got = h.say(70, user, "/latest 3", 1)
	if got[0].Photo != "" || !got[0].NoPreview || got[0].Preview != nil {
		t.Errorf("/latest: %+v; want a list without pictures or previews", got[0])
	}
	if calls(h.srv, "sendPhoto") != 1 {
		t.Errorf("%d sendPhoto calls, want 1", calls(h.srv, "sendPhoto"))
	}
}

// TestPhotoFanOutFetchesOnce: a photo alert to many chats makes Telegram
// fetch the picture once; the other chats get the file Telegram kept. A
// file Telegram no longer knows is forgotten and the picture sent from its
// URL again, in the same Send.
func TestPhotoFanOutFetchesOnce(t *testing.T) {
	h := start(t, setup{})
	ctx := context.Background()
	for id := int64(80); id < 85; id++ {
		h.srv.AddChat(telegramtest.Chat{ID: id, Type: "private"})
		if _, err := h.bot.Send(ctx, ref(id), photoAlert("Bridge", "Short.")); err != nil {
			t.Fatal(err)
		}
		if m := h.srv.Messages(id); len(m) != 1 || m[0].Photo != picture {
			t.Fatalf("chat %d: %+v; want the photo", id, m)
		}
	}
	if n := h.srv.Fetches(picture); n != 1 {
		t.Errorf("the picture was fetched %d times for 5 chats, want 1", n)
	}
	calls := h.srv.Calls("sendPhoto")
	if len(calls) != 5 || calls[0].Params.Get("photo") != picture || calls[4].Params.Get("photo") == picture {
		t.Errorf("sendPhoto photos %q … %q; want the URL first, then the kept file", calls[0].Params.Get("photo"), calls[len(calls)-1].Params.Get("photo"))
	}

	h.srv.ForgetFiles()
	h.srv.AddChat(telegramtest.Chat{ID: 85, Type: "private"})
	if _, err := h.bot.Send(ctx, ref(85), photoAlert("Bridge", "Short.")); err != nil {
		t.Fatal(err)
	}
	if m := h.srv.Messages(85); len(m) != 1 || m[0].Photo != picture || h.srv.Fetches(picture) != 2 {
		t.Errorf("after the file expired: %+v, %d fetches; want the photo from its URL", m, h.srv.Fetches(picture))
	}
	if got := h.bot.ReplyStats().ImagesRefused; got != 0 {
		t.Errorf("ImagesRefused %d; an expired file is not a refused picture", got)
	}
}

// TestCorrectionChangesPicture: a correction whose card has another
// picture replaces the photo's picture with its caption; when Telegram
// refuses the new picture, the caption is corrected and the old picture
// stays.
func TestCorrectionChangesPicture(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: 90, Type: "private"})
	ctx := context.Background()
	sent, err := h.bot.Send(ctx, ref(90), photoAlert("Bridge", "The wrong bridge."))
	if err != nil {
		t.Fatal(err)
	}
	fixed := photoAlert("Bridge", "The right bridge.")
	fixed.Card.Image.URL = "https://newsbot.example/media/right-bridge.jpg"
	if err := h.bot.Edit(ctx, sent, fixed); err != nil {
		t.Fatalf("Edit: %v", err)
	}
	if m := h.srv.Messages(90)[0]; m.Photo != fixed.Card.Image.URL || !strings.Contains(m.Text, "right bridge") || m.Edits != 1 {
		t.Errorf("after the correction: %+v; want the new picture and caption", m)
	}

	broken := photoAlert("Bridge", "The bridge, again.")
	broken.Card.Image.URL = "https://newsbot.example/media/broken.jpg"
	h.srv.BreakImage(broken.Card.Image.URL)
	if err := h.bot.Edit(ctx, sent, broken); err != nil {
		t.Fatalf("Edit to a refused picture: %v, want the caption corrected", err)
	}
	if m := h.srv.Messages(90)[0]; m.Photo != fixed.Card.Image.URL || !strings.Contains(m.Text, "again") || m.Edits != 2 {
		t.Errorf("after a correction with a refused picture: %+v; want the caption corrected, the picture kept", m)
	}
	if got := h.bot.ReplyStats().ImagesRefused; got != 1 {
		t.Errorf("ImagesRefused %d, want 1", got)
	}
}

// TestCaptionTooLongIsNotThePicture: when Telegram counts a caption longer
// than render did, the card goes as text with the picture as its preview,
// and the picture is not held against the next story.
func TestCaptionTooLongIsNotThePicture(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: 91, Type: "private"})
	ctx := context.Background()
	h.srv.Fail("sendPhoto", telegramtest.Fault{Code: 400, Description: "Bad Request: message caption is too long"})
	if _, err := h.bot.Send(ctx, ref(91), photoAlert("Bridge", "Short.")); err != nil {
		t.Fatal(err)
	}
	m := h.srv.Messages(91)
	if len(m) != 1 || m[0].Photo != "" || m[0].Preview == nil || m[0].Preview.URL != picture {
		t.Fatalf("messages %+v; want one text card with the picture as its preview", m)
	}
	if _, err := h.bot.Send(ctx, ref(91), photoAlert("Another story", "Same picture.")); err != nil {
		t.Fatal(err)
	}
	if m := h.srv.Messages(91); len(m) != 2 || m[1].Photo != picture {
		t.Errorf("the next story with the picture: %+v; want a photo", m[len(m)-1])
	}
	if got := h.bot.ReplyStats().ImagesRefused; got != 0 {
		t.Errorf("ImagesRefused %d, want 0", got)
	}
}

// TestCorrectionDropsPicture: a correction without a picture corrects a
// photo's caption; Telegram cannot remove the picture, which is said in
// the log.
func TestCorrectionDropsPicture(t *testing.T) {
	h := start(t, setup{})
	h.srv.AddChat(telegramtest.Chat{ID: 92, Type: "private"})
	ctx := context.Background()
	sent, err := h.bot.Send(ctx, ref(92), photoAlert("Bridge", "With the wrong picture."))
	if err != nil {
		t.Fatal(err)
	}
	r := photoAlert("Bridge", "Without the picture.")
	r.Card.Image = content.Image{}
	if err := h.bot.Edit(ctx, sent, r); err != nil {
		t.Fatal(err)
	}
	if m := h.srv.Messages(92)[0]; m.Edits != 1 || !strings.Contains(m.Text, "Without the picture") || calls(h.srv, "editMessageCaption") != 1 {
		t.Errorf("after the correction: %+v; want the caption corrected", m)
	}
	if !strings.Contains(h.logs.String(), "drops a photo's picture") {
		t.Error("the kept picture was not logged")
	}
}

// TestParallelSendsFetchOnce: many sends of one picture at once, as a
// broadcast's workers make them while Telegram takes its time to fetch the
// picture: one fetch; for a refused picture, one refused sendPhoto and
// text cards for all.
func TestParallelSendsFetchOnce(t *testing.T) {
	for _, broken := range []bool{false, true} {
		name := map[bool]string{false: "ok", true: "refused"}[broken]
		t.Run(name, func(t *testing.T) {
			h := start(t, setup{opts: telegramtest.Options{FetchDelay: 200 * time.Millisecond}})
			if broken {
				h.srv.BreakImage(picture)
			}
			const chats = 20
			errs := make(chan error, chats)
			for i := range int64(chats) {
				h.srv.AddChat(telegramtest.Chat{ID: 100 + i, Type: "private"})
				go func() {
					_, err := h.bot.Send(context.Background(), ref(100+i), photoAlert("Bridge", "Short."))
					errs <- err
				}()
			}
			for range chats {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			photos := 0
			for i := range int64(chats) {
				m := h.srv.Messages(100 + i)
				if len(m) != 1 {
					t.Fatalf("chat %d got %d messages, want 1", 100+i, len(m))
				}
				if m[0].Photo != "" {
					photos++
				}
			}
			wantPhotos, wantCalls := chats, chats
			if broken {
				wantPhotos, wantCalls = 0, 1
			}
			if photos != wantPhotos || calls(h.srv, "sendPhoto") != wantCalls || h.srv.Fetches(picture) != 1 {
				t.Errorf("%d photos, %d sendPhoto calls, %d fetches; want %d, %d and 1", photos, calls(h.srv, "sendPhoto"), h.srv.Fetches(picture), wantPhotos, wantCalls)
			}
		})
	}
}

// TestReadWithRefusedPicture: /read of a story whose picture Telegram
// refuses answers with the text card, once.
func TestReadWithRefusedPicture(t *testing.T) {
	h := start(t, setup{})
	h.srv.BreakImage("https://newsbot.example/media/heat-tariff-1200.jpg")
	user := telegramtest.User{ID: 71, FirstName: "Ion", LanguageCode: "ro"}
	got := h.say(71, user, "/read heat-ro", 1)
	h.settle()
	if msgs := h.srv.Messages(71); len(msgs) != 1 || got[0].Photo != "" || !strings.Contains(got[0].Text, "Chișinău") {
		t.Errorf("/read: %d messages, %+v; want one text card", len(msgs), got[0])
	}
	if n := calls(h.srv, "sendPhoto"); n != 1 {
		t.Errorf("%d sendPhoto calls, want 1", n)
	}
}
