package train

import (
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/sdk"
)

// liveProgress is trainRecorder's hook: every report, live or kept, as
// it comes, after the history a resumed training starts with (each
// attempt has its own file). The file stays open for the training: a
// learner reports up to ~20 times a second, and an open per line cost
// five times the write (BenchmarkAppendLive).
func (r *trainRecorder) liveProgress(p sdk.Progress) {
	if r.ck == nil || r.ck.dir == "" {
		return
	}
	if !r.started {
		r.started = true
		if r.live = steps.OpenLive(r.ck.dir); r.live == nil {
			return
		}
		for _, h := range r.history {
			steps.WriteLive(r.live, steps.LiveRow{HistoryRow: h})
		}
	}
	if r.live != nil {
		steps.WriteLive(r.live, steps.LiveRow{HistoryRow: rowOf(p, r.offset), Live: p.Live})
	}
}

// closeLive closes the training's progress file; its folder removes it.
func (r *trainRecorder) closeLive() {
	if r.live != nil {
		r.live.Close()
		r.live = nil
	}
}
