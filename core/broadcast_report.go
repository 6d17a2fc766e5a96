package core

import (
	"sort"
	"strings"
	"time"
)

// BroadcastReport renders a broadcast's progress or, when it is done, its
// final report, for editing the moderator's preview message. Failure
// reasons, platforms and durations are in lang: a reason the catalog has no
// name for (bc_reason_<reason>) is shown as its code, after its class's
// name.
func (e *Engine) BroadcastReport(lang string, st BroadcastStatus) Reply {
	r := Reply{Lang: lang, Title: e.cat.T(lang, "bc_report_title", map[string]any{"ID": st.Broadcast.ID}), Edit: true}
	if !st.Done() {
		r.Text = []string{e.cat.T(lang, "bc_progress", map[string]any{"Sent": st.Sent, "Failed": st.FailedCount(), "Remaining": st.Remaining()})}
		return r
	}
	r.Text = []string{e.cat.N(lang, "bc_report_delivered", st.Sent, nil)}
	reasons := make([]string, 0, len(st.Failed))
	for k := range st.Failed {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		r.Text = append(r.Text, e.cat.T(lang, "bc_report_failed_line", map[string]any{"Reason": e.failureName(lang, k), "Count": st.Failed[k]}))
	}
	if st.Gone > 0 {
		r.Text = append(r.Text, e.cat.N(lang, "bc_report_gone", st.Gone, nil))
	}
	if !st.Finished.IsZero() && !st.Broadcast.Confirmed.IsZero() {
		d := st.Finished.Sub(st.Broadcast.Confirmed)
		r.Text = append(r.Text, e.cat.T(lang, "bc_report_elapsed", map[string]any{"Elapsed": e.formatDuration(lang, d)}))
	}
	return r
}

// known returns key's text in lang, and false when the catalog lacks key.
func (e *Engine) known(lang, key string, args map[string]any) (string, bool) {
	s := e.cat.T(lang, key, args)
	return s, s != key
}

// failureName names a failure recorded as "<class>:<reason>" (see
// BroadcastStatus.Failed) in lang.
func (e *Engine) failureName(lang, failure string) string {
	class, reason, _ := strings.Cut(failure, ":")
	name, ok := e.known(lang, "bc_class_"+class, nil)
	if !ok {
		name = class
	}
	return e.cat.T(lang, "bc_failure", map[string]any{"Class": name, "Reason": e.reasonName(lang, reason)})
}

// reasonAliases are reasons named like others: the delivery engine's
// no_edit and no_delete (the platform's sender cannot) are the adapters'
// cannot_edit and cannot_delete.
var reasonAliases = map[string]string{"no_edit": "cannot_edit", "no_delete": "cannot_delete"}

// reasonName names a delivery failure's reason in lang. The adapters'
// reasons "api_<code>" (an HTTP status) and "partial_<reason>" (a message
// sent only in part) are named with their code and inner reason.
func (e *Engine) reasonName(lang, reason string) string {
	if reason == "" {
		reason = "unknown"
	}
	if a, ok := reasonAliases[reason]; ok {
		reason = a
	}
	if s, ok := e.known(lang, "bc_reason_"+reason, nil); ok {
		return s
	}
	if inner, ok := strings.CutPrefix(reason, "partial_"); ok && inner != "" {
		return e.cat.T(lang, "bc_reason_partial", map[string]any{"Reason": e.reasonName(lang, inner)})
	}
	if code, ok := strings.CutPrefix(reason, "api_"); ok && code != "" && strings.Trim(code, "0123456789") == "" {
		return e.cat.T(lang, "bc_reason_api", map[string]any{"Code": code})
	}
	return reason
}

// formatDuration writes d in lang with plural-aware units, to the second
// (to the minute from an hour up): "1 minute 2 seconds".
func (e *Engine) formatDuration(lang string, d time.Duration) string {
	if d < time.Second {
		return e.cat.T(lang, "dur_under_second", nil)
	}
	if d >= time.Hour {
		d = d.Round(time.Minute)
	} else {
		d = d.Round(time.Second)
	}
	h, m, s := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	var parts []string
	if h > 0 {
		parts = append(parts, e.cat.N(lang, "dur_hours", h, nil))
	}
	if m > 0 {
		parts = append(parts, e.cat.N(lang, "dur_minutes", m, nil))
	}
	if s > 0 {
		parts = append(parts, e.cat.N(lang, "dur_seconds", s, nil))
	}
	return strings.Join(parts, " ")
}
