package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/mattn/go-isatty"
)

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd()))
}

// Width is the number of columns of the terminal f, 0 if it reports none.
func Width(f *os.File) int { return width(f) }

// canDrawBars reports whether w can show live bars: a terminal that
// reports a width. Elsewhere progress is logged line by line.
func canDrawBars(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && IsTerminal(w) && width(f) > 0
}

// Bar tracks a count towards a total. It is safe for concurrent use.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	label    string
	unit     string
	total    int64
	done     int64
	tty      bool
	start    time.Time
	last     time.Time
	interval time.Duration
	now      func() time.Time
	finished bool
}

// New starts a bar on w. On a terminal it redraws at most ten times a
// second; otherwise it writes one line every interval (10 s if zero).
func New(w io.Writer, label, unit string, total int64, interval time.Duration) *Bar {
	if interval == 0 {
		interval = 10 * time.Second
	}
	b := &Bar{w: w, label: label, unit: unit, total: total, tty: IsTerminal(w), interval: interval, now: time.Now}
	if b.tty {
		b.interval = 100 * time.Millisecond
	}
	b.start = b.now()
	b.last = b.start
	return b
}

// Add records n more units done.
func (b *Bar) Add(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	if t := b.now(); t.Sub(b.last) >= b.interval {
		b.last = t
		b.render(t)
	}
}

// Done draws the final state: 100 % if the total was reached.
func (b *Bar) Done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	b.render(b.now())
	if b.tty {
		fmt.Fprintln(b.w)
	}
}

func (b *Bar) render(t time.Time) {
	elapsed := t.Sub(b.start)
	frac := 0.0
	if b.total > 0 {
		frac = min(1, float64(b.done)/float64(b.total))
	}
	eta := "?"
	if frac > 0 && frac < 1 {
		eta = (time.Duration(float64(elapsed) * (1 - frac) / frac)).Round(time.Second).String()
	} else if frac >= 1 {
		eta = "0s"
	}
	if b.tty {
		const width = 30
		n := int(frac * width)
		bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
		if n < width {
			bar = strings.Repeat("=", n) + ">" + strings.Repeat(" ", width-n-1)
		}
		fmt.Fprintf(b.w, "\r\x1b[K%s [%s] %3.0f%% %d/%d %s  %s elapsed, ETA %s",
			b.label, bar, 100*frac, b.done, b.total, b.unit, elapsed.Round(100*time.Millisecond), eta)
		return
	}
	fmt.Fprintf(b.w, "%s: %d/%d %s (%.0f%%), %s elapsed, ETA %s\n",
		b.label, b.done, b.total, b.unit, 100*frac, elapsed.Round(100*time.Millisecond), eta)
}

// Abort ends the bar without a final report: on a terminal it moves to a
// new line so that an error message starts on its own line.
func (b *Bar) Abort() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.finished {
		return
	}
	b.finished = true
	if b.tty && b.last != b.start {
		fmt.Fprintln(b.w)
	}
}
