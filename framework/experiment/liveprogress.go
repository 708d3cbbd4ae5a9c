package experiment

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/progress"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/registry"
)

// LiveFile is the progress file a running training (in its attempt's
// checkpoint folder) or flow (in its folder under LiveFlowsDir) appends a
// line to per report, so that a viewer follows it as it goes without
// decoding a checkpoint. It goes with its folder.
const LiveFile = "live.jsonl"

// LiveFlowsDir is the folder, under the registry's work folder, of the
// running flows' progress files: NAME/ATTEMPT/live.jsonl.
const LiveFlowsDir = "flows-running"

// LiveRow is one line of a progress file: a training's report (Live for
// a learner's live one, which its history does not keep), or the mean
// reading of a flow after iteration count Epoch, the Done-th of Of.
type LiveRow struct {
	HistoryRow
	Live bool `json:"live,omitempty"`
	Done int  `json:"done,omitempty"`
	Of   int  `json:"of,omitempty"`
}

// maxLiveRead bounds what one LiveTail reads: a viewer that fell far
// behind catches up over several reads rather than in one large one.
const maxLiveRead = 1 << 20

// appendLive adds row to dir's progress file in one write, so that a
// reader sees whole lines or a part of the last one, which it leaves.
// A file that cannot be written loses the viewer its curve, never the
// work its result.
func appendLive(dir string, row LiveRow) {
	f := openLive(dir)
	if f == nil {
		return
	}
	writeLive(f, row)
	f.Close()
}

func openLive(dir string) *os.File {
	path := filepath.Join(dir, LiveFile)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if errors.Is(err, fs.ErrNotExist) && os.MkdirAll(dir, 0o755) == nil {
		f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	}
	if err != nil {
		return nil
	}
	return f
}

func writeLive(f *os.File, row LiveRow) {
	row.Metrics = finite(row.Metrics) // JSON has no NaN
	if b, err := json.Marshal(row); err == nil {
		f.Write(append(b, '\n'))
	}
}

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
		if r.live = openLive(r.ck.dir); r.live == nil {
			return
		}
		for _, h := range r.history {
			writeLive(r.live, LiveRow{HistoryRow: h})
		}
	}
	if r.live != nil {
		writeLive(r.live, LiveRow{HistoryRow: rowOf(p, r.offset), Live: p.Live})
	}
}

// closeLive closes the training's progress file; its folder removes it.
func (r *trainRecorder) closeLive() {
	if r.live != nil {
		r.live.Close()
		r.live = nil
	}
}

// LiveTail returns the whole lines of the progress file path from byte
// offset from on, and the offset past the last of them (from itself when
// there is none yet).
func LiveTail(path string, from int64) ([]LiveRow, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, from, err
	}
	defer f.Close()
	buf := make([]byte, maxLiveRead)
	n, err := f.ReadAt(buf, from)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, from, err
	}
	end := bytes.LastIndexByte(buf[:n], '\n')
	if end < 0 {
		return nil, from, nil
	}
	var rows []LiveRow
	for line := range bytes.SplitSeq(buf[:end], []byte("\n")) {
		var r LiveRow
		if err := json.Unmarshal(line, &r); err != nil {
			return rows, from, fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, r)
	}
	return rows, from + int64(end) + 1, nil
}

// lastLiveRow is the newest line of the progress file path, and its
// file's time (false when it has none).
func lastLiveRow(path string) (LiveRow, time.Time, bool) {
	f, err := os.Open(path)
	if err != nil {
		return LiveRow{}, time.Time{}, false
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || fi.Size() == 0 {
		return LiveRow{}, time.Time{}, false
	}
	from := max(0, fi.Size()-64<<10) // a line is far shorter
	buf := make([]byte, fi.Size()-from)
	n, _ := f.ReadAt(buf, from)
	lines := bytes.Split(bytes.TrimRight(buf[:n], "\n"), []byte("\n"))
	var r LiveRow
	if json.Unmarshal(lines[len(lines)-1], &r) != nil {
		return LiveRow{}, fi.ModTime(), true
	}
	return r, fi.ModTime(), true
}

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
	if len(parts) != 2 || !safeParts(parts) {
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
	r, saved, ok := lastLiveRow(filepath.Join(dir, LiveFile))
	if !ok {
		return LiveFlow{}, false
	}
	f.Done, f.Of, f.Saved = r.Done, r.Of, saved
	return f, true
}

// safeParts: an id comes from a URL, and must not climb out of its folder.
func safeParts(parts []string) bool {
	for _, p := range parts {
		if p == "" || p == "." || p == ".." || strings.ContainsAny(p, `/\`) {
			return false
		}
	}
	return true
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
	appendLive(m.dir, LiveRow{HistoryRow: HistoryRow{Epoch: int(res.Iterations[k]), WallSeconds: time.Since(m.start).Seconds(),
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
