package delivery

import (
	"context"
	"log/slog"
	"time"

	"github.com/newsbot/newsbot/core"
)

// maxProgress bounds how long a broadcast's progress is followed.
const maxProgress = 24 * time.Hour

// progress edits the moderator's preview message with b's progress every
// ProgressEvery until b is done, then with the final report. Only the
// process that started b follows it; when that process stops, delivery goes
// on without progress edits.
func (e *Engine) progress(ctx context.Context, b core.Broadcast) {
	ref := *b.Report
	ed, ok := e.senders[ref.Chat.Platform].(core.Editor)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, maxProgress)
	defer cancel()
	var last core.BroadcastStatus
	first := true
	for {
		if err := core.Sleep(ctx, e.cfg.ProgressEvery); err != nil {
			return
		}
		st, err := e.ledger.Status(ctx, b.ID)
		if err != nil {
			e.log.Warn("reading a broadcast's progress", slog.String("broadcast", b.ID), slog.Any("err", err))
			continue
		}
		if !first && st.Sent == last.Sent && st.FailedCount() == last.FailedCount() && st.Listed == last.Listed {
			continue
		}
		first, last = false, st
		r := e.report(b.ReportLang, st)
		// The moderator watching the report is an interactive user.
		if err := e.wait(ctx, ref.Chat, core.PriorityReply); err != nil {
			return
		}
		if err := ed.Edit(ctx, ref, r); err != nil {
			e.log.Warn("editing a broadcast's progress", slog.String("broadcast", b.ID), slog.Any("err", err))
		}
		if st.Done() {
			return
		}
	}
}
