package progress

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// Meter is the progress of one piece of work (a step of a run).
type Meter interface {
	// Add records n more units done.
	Add(n int64)
	// Note sets a short status shown with the bar, e.g. "loss 0.231".
	Note(s string)
	// Done ends the work as finished.
	Done()
	// Abort ends the work without finishing it.
	Abort()
}

// Tracker starts meters: one bar for a command, many for a run.
type Tracker interface {
	Start(label, unit string, total int64) Meter
}

// Discard shows nothing.
var Discard Tracker = discard{}

type discard struct{}

func (discard) Start(string, string, int64) Meter { return nopMeter{} }

type nopMeter struct{}

func (nopMeter) Add(int64)   {}
func (nopMeter) Note(string) {}
func (nopMeter) Done()       {}
func (nopMeter) Abort()      {}

// Single is a Tracker of one Bar at a time on W (the single-step
// commands: rgml sample, rgml train).
type Single struct{ W io.Writer }

// Start implements Tracker.
func (s Single) Start(label, unit string, total int64) Meter { return New(s.W, label, unit, total, 0) }

// Note is a no-op: a single bar's line has no room for it.
func (b *Bar) Note(string) {}

// NewBoard returns the Tracker of a run of many concurrent steps on w: on
// a terminal one live bar per running step (with its note, e.g. its loss)
// above a bar of the whole run; otherwise (a file, a pipe, or a terminal
// that reports no width) one log line per step event (started, every
// interval while it runs, done or aborted), so logs stay plain text. total is the number of steps; Close ends the display.
func NewBoard(w io.Writer, total int, interval time.Duration) *Board {
	if interval == 0 {
		interval = 10 * time.Second
	}
	b := &Board{w: w, tty: canDrawBars(w), interval: interval, total: total, now: time.Now}
	if b.tty {
		b.p = mpb.New(mpb.WithOutput(w), mpb.WithWidth(30), mpb.WithRefreshRate(150*time.Millisecond))
		b.all = b.p.AddBar(int64(max(total, 1)), mpb.BarPriority(1<<30),
			mpb.PrependDecorators(decor.Name("run ", decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d steps")),
			mpb.AppendDecorators(decor.Elapsed(decor.ET_STYLE_GO)))
	}
	return b
}

// Board is a Tracker for concurrent steps; see NewBoard.
type Board struct {
	w        io.Writer
	tty      bool
	interval time.Duration
	total    int
	now      func() time.Time

	mu       sync.Mutex
	finished int
	p        *mpb.Progress
	all      *mpb.Bar
}

// Start implements Tracker.
func (b *Board) Start(label, unit string, total int64) Meter {
	m := &boardMeter{b: b, label: label, unit: unit, total: total, start: b.now()}
	m.last = m.start
	if b.tty {
		m.bar = b.p.AddBar(max(total, 1),
			mpb.PrependDecorators(decor.Name(label, decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d "+unit)),
			mpb.AppendDecorators(decor.NewPercentage("%d", decor.WCSyncSpace), decor.Any(func(decor.Statistics) string { return prefixedBy("  ", m.note()) })),
			mpb.BarRemoveOnComplete())
		return m
	}
	b.logf("%s: started (%d %s)", label, total, unit)
	return m
}

// Finished counts a step that ended without a meter (found in the
// registry, or not run) in the run's total.
func (b *Board) Finished(label, status string) {
	b.mu.Lock()
	b.finished++
	b.mu.Unlock()
	if b.tty {
		b.all.Increment()
		return
	}
	b.logf("%s: %s", label, status)
}

// Close ends the display.
func (b *Board) Close() {
	if b.tty {
		b.all.Abort(false)
		b.p.Wait()
	}
}

func (b *Board) logf(format string, args ...any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	fmt.Fprintf(b.w, "%s "+format+"\n", append([]any{b.now().Format("15:04:05")}, args...)...)
}

type boardMeter struct {
	b          *Board
	bar        *mpb.Bar
	label      string
	unit       string
	total      int64
	mu         sync.Mutex
	done       int64
	notes      string
	start      time.Time
	last       time.Time
	isFinished bool
}

func (m *boardMeter) note() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.notes
}

func (m *boardMeter) Add(n int64) {
	m.mu.Lock()
	m.done += n
	t := m.b.now()
	due := !m.b.tty && t.Sub(m.last) >= m.b.interval
	if due {
		m.last = t
	}
	done, notes := m.done, m.notes
	m.mu.Unlock()
	if m.bar != nil {
		m.bar.IncrInt64(n)
	}
	if due {
		m.b.logf("%s: %d/%d %s%s", m.label, done, m.total, m.unit, prefixed(notes))
	}
}

func (m *boardMeter) Note(s string) {
	m.mu.Lock()
	m.notes = s
	m.mu.Unlock()
}

func (m *boardMeter) end(status string) {
	m.mu.Lock()
	if m.isFinished {
		m.mu.Unlock()
		return
	}
	m.isFinished = true
	notes := m.notes
	took := m.b.now().Sub(m.start)
	m.mu.Unlock()
	if m.bar != nil {
		if status == "done" {
			m.bar.SetCurrent(max(m.total, 1))
		} else {
			m.bar.Abort(true)
		}
	}
	m.b.Finished(m.label, fmt.Sprintf("%s in %s%s", status, took.Round(100*time.Millisecond), prefixed(notes)))
}

func (m *boardMeter) Done()  { m.end("done") }
func (m *boardMeter) Abort() { m.end("stopped") }

func prefixed(s string) string { return prefixedBy(", ", s) }

func prefixedBy(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

// Losses formats a learner's metrics for a Note: the losses and errors,
// sorted by name, e.g. "reconstruction_error 0.0213".
func Losses(m map[string]float64) string {
	var keys []string
	for k := range m {
		if strings.Contains(k, "loss") || strings.Contains(k, "error") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %.4g", k, m[k])
	}
	return strings.Join(parts, " ")
}
