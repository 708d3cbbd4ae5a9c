package steps

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/rgml/rgml/framework/experiment/formats"
)

// LiveFile is the progress file a running training (in its attempt's
// checkpoint folder) or flow (in its folder under LiveFlowsDir) appends a
// line to per report, so that a viewer follows it as it goes without
// decoding a checkpoint. It goes with its folder.
const LiveFile = "live.jsonl"

// LiveRow is one line of a progress file: a training's report (Live for
// a learner's live one, which its history does not keep), or the mean
// reading of a flow after iteration count Epoch, the Done-th of Of.
type LiveRow struct {
	formats.HistoryRow
	Live bool `json:"live,omitempty"`
	Done int  `json:"done,omitempty"`
	Of   int  `json:"of,omitempty"`
}

// maxLiveRead bounds what one LiveTail reads: a viewer that fell far
// behind catches up over several reads rather than in one large one.
const maxLiveRead = 1 << 20

// AppendLive adds row to dir's progress file in one write, so that a
// reader sees whole lines or a part of the last one, which it leaves.
// A file that cannot be written loses the viewer its curve, never the
// work its result.
func AppendLive(dir string, row LiveRow) {
	f := OpenLive(dir)
	if f == nil {
		return
	}
	WriteLive(f, row)
	f.Close()
}

func OpenLive(dir string) *os.File {
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

// WriteLive writes row as one line of the open progress file f.
func WriteLive(f *os.File, row LiveRow) {
	row.Metrics = finiteMetrics(row.Metrics) // JSON has no NaN
	if b, err := json.Marshal(row); err == nil {
		f.Write(append(b, '\n'))
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

// LastLiveRow is the newest line of the progress file path, and its
// file's time (false when it has none).
func LastLiveRow(path string) (LiveRow, time.Time, bool) {
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

// SafeParts: an id comes from a URL, and must not climb out of its folder.
func SafeParts(parts []string) bool {
	for _, p := range parts {
		if p == "" || p == "." || p == ".." || strings.ContainsAny(p, `/\`) {
			return false
		}
	}
	return true
}

// finiteMetrics drops NaN and ±Inf values, which JSON cannot hold.
func finiteMetrics(m map[string]float64) map[string]float64 {
	out := make(map[string]float64, len(m))
	for k, v := range m {
		if !math.IsNaN(v) && !math.IsInf(v, 0) {
			out[k] = v
		}
	}
	return out
}
