package flow

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/experiment/formats"
	"github.com/rgml/rgml/framework/experiment/steps"
	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/registry"
)

// LiveFlowsDir is the folder, under the registry's work folder, of the
// running flows' progress files: NAME/ATTEMPT/live.jsonl.
const LiveFlowsDir = "flows-running"

// LiveFlow is one attempt at a flow that is still running.
type LiveFlow struct {
	Name, Attempt, Dir string
	Done, Of           int       // iteration counts read of those asked
	Saved              time.Time // of its newest line
}

// ID names the attempt in a URL: NAME/ATTEMPT.
func (f LiveFlow) ID() string { return f.Name + "/" + f.Attempt }

// LiveFlows lists the flows of s running now (by a process not known to
// be gone), newest line first.
func LiveFlows(s *registry.Store) []LiveFlow {
	dirs, _ := filepath.Glob(filepath.Join(s.WorkDir(), LiveFlowsDir, "*", "*"))
	var out []LiveFlow
	for _, dir := range dirs {
		if f, ok := liveFlowAt(dir); ok {
			out = append(out, f)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Saved.After(out[j].Saved) })
	return out
}

// LiveFlowByID returns the running flow LiveFlow.ID names.
func LiveFlowByID(s *registry.Store, id string) (LiveFlow, bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 2 || !steps.SafeParts(parts) {
		return LiveFlow{}, false
	}
	return liveFlowAt(filepath.Join(s.WorkDir(), LiveFlowsDir, parts[0], parts[1]))
}

func liveFlowAt(dir string) (LiveFlow, bool) {
	attempt := filepath.Base(dir)
	if registry.HolderGone(attempt) {
		return LiveFlow{}, false
	}
	f := LiveFlow{Name: filepath.Base(filepath.Dir(dir)), Attempt: attempt, Dir: dir}
	r, saved, ok := steps.LastLiveRow(filepath.Join(dir, steps.LiveFile))
	if !ok {
		return LiveFlow{}, false
	}
	f.Done, f.Of, f.Saved = r.Done, r.Of, saved
	return f, true
}

// flowMeter is a flow's meter that also writes a line of its progress
// file per iteration count read: the count and the mean reading.
type flowMeter struct {
	progress.Meter
	dir   string
	res   *FlowResult
	done  int
	start time.Time
}

func (m *flowMeter) Add(n int64) {
	m.Meter.Add(n)
	m.done += int(n)
	k := m.done - 1
	res := m.res
	if k < 0 || k >= len(res.Iterations) || k >= len(res.TMean) || len(res.Labels) == 0 {
		return
	}
	steps.AppendLive(m.dir, steps.LiveRow{HistoryRow: formats.HistoryRow{Epoch: int(res.Iterations[k]), WallSeconds: time.Since(m.start).Seconds(),
		Metrics: map[string]float64{res.Labels[0] + " mean": res.TMean[k]}}, Done: m.done, Of: len(res.Iterations)})
}

// liveFlow returns bar as a meter that also writes the progress file of
// flow name (attempt holder) as the thermometer reads res's iteration
// counts, and a function that removes that file's folder when the flow
// ends, whichever way.
func liveFlow(s *registry.Store, name, holder string, bar progress.Meter, res *FlowResult) (progress.Meter, func()) {
	dir := filepath.Join(s.WorkDir(), LiveFlowsDir, name, holder)
	return &flowMeter{Meter: bar, dir: dir, res: res, start: time.Now()}, func() {
		os.RemoveAll(dir)
		os.Remove(filepath.Dir(dir)) // only if empty: the same flow may run elsewhere
	}
}
