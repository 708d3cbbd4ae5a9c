//go:build linux || darwin || freebsd

package progress

import (
	"bytes"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
)

// onTerminal runs f with the terminal side of a pseudo-terminal and
// returns what it wrote there.
func onTerminal(t *testing.T, f func(tty *os.File)) string {
	t.Helper()
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	out := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(ptm) // ends with EIO once the terminal side is closed
		out <- b
	}()
	f(tty)
	tty.Close()
	select {
	case b := <-out:
		return string(b)
	case <-time.After(10 * time.Second):
		t.Fatal("reading the pseudo-terminal hangs")
		return ""
	}
}

func TestTerminalDrawsABarEndingAt100(t *testing.T) {
	out := onTerminal(t, func(tty *os.File) {
		if !IsTerminal(tty) {
			t.Fatal("IsTerminal is false on a pseudo-terminal")
		}
		b := New(tty, "training rbm", "epochs", 50, 0)
		clock := time.Unix(0, 0)
		b.now = func() time.Time { return clock }
		b.start, b.last = clock, clock
		for i := 0; i < 50; i++ {
			clock = clock.Add(30 * time.Millisecond)
			b.Add(1)
		}
		b.Done()
		b.Done() // idempotent
	})
	// Each redraw returns to the start of the line and clears it.
	frames := strings.Split(out, "\r\x1b[K")
	if len(frames) < 5 {
		t.Fatalf("want a redrawn bar (\\r\\x1b[K frames), got %q", out)
	}
	// 50 steps of 30 ms at most every 100 ms: about 15 redraws, not 50.
	if n := len(frames) - 1; n > 20 {
		t.Errorf("%d redraws for 50 updates in 1.5 s: the terminal is redrawn too often", n)
	}
	bar := regexp.MustCompile(`^training rbm \[[= >]{30}\] +\d+% \d+/50 epochs  \S+ elapsed, ETA \S+`)
	for _, f := range frames[1:] {
		if !bar.MatchString(f) {
			t.Errorf("frame %q is not a bar", f)
		}
	}
	mid := frames[len(frames)/2]
	if !strings.Contains(mid, ">") || strings.Contains(mid, "100%") {
		t.Errorf("a middle frame %q shows no partial bar", mid)
	}
	last := strings.TrimRight(frames[len(frames)-1], "\r\n")
	if !strings.Contains(last, "["+strings.Repeat("=", 30)+"] 100% 50/50 epochs") || !strings.HasSuffix(last, "ETA 0s") {
		t.Errorf("the final frame %q is not a full bar at 100%%", last)
	}
	// Done ends the line (the terminal shows \n as \r\n), once.
	if !strings.HasSuffix(out, "\n") || strings.Count(out, "\n") != 1 {
		t.Errorf("the bar does not end with exactly one newline: %q", out)
	}
}

func TestTerminalRealClock(t *testing.T) {
	out := onTerminal(t, func(tty *os.File) {
		b := New(tty, "sampling ising", "configurations", 1000, 0)
		for i := 0; i < 10; i++ {
			time.Sleep(25 * time.Millisecond)
			b.Add(100)
		}
		b.Done()
	})
	if !strings.Contains(out, "\r") || !strings.Contains(out, "sampling ising [") {
		t.Errorf("no bar on the terminal: %q", out)
	}
	if !strings.Contains(out, "100% 1000/1000 configurations") {
		t.Errorf("the bar does not end at 100%%: %q", out)
	}
}

func TestTerminalAbortEndsTheLine(t *testing.T) {
	out := onTerminal(t, func(tty *os.File) {
		b := New(tty, "training", "epochs", 10, 0)
		clock := time.Unix(0, 0)
		b.now = func() time.Time { return clock }
		b.start, b.last = clock, clock
		clock = clock.Add(time.Second)
		b.Add(3)
		b.Abort()
		b.Done() // after Abort: nothing
		tty.WriteString("rgml: plugin crashed\n")
	})
	if !strings.Contains(out, " 30% 3/10 epochs") {
		t.Errorf("no partial bar: %q", out)
	}
	if !strings.Contains(out, "\nrgml: plugin crashed") {
		t.Errorf("the error does not start on a line of its own: %q", out)
	}
	if strings.Contains(out, "100%") {
		t.Errorf("Done after Abort drew the bar: %q", out)
	}
}

// A file that is not a terminal (a log file, a pipe to a Slurm log) gets
// plain lines.
func TestFileGetsPlainLines(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	if IsTerminal(w) || IsTerminal(&bytes.Buffer{}) {
		t.Fatal("IsTerminal is true for a pipe or a buffer")
	}
	out := make(chan []byte)
	go func() { b, _ := io.ReadAll(r); out <- b }()
	b := New(w, "sampling ising", "configurations", 100, 20*time.Millisecond)
	for i := 0; i < 10; i++ {
		time.Sleep(10 * time.Millisecond)
		b.Add(10)
	}
	b.Done()
	w.Close()
	s := string(<-out)
	if strings.ContainsAny(s, "\r\x1b\b") {
		t.Errorf("control characters in a log: %q", s)
	}
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) < 2 {
		t.Errorf("want periodic lines, got %q", s)
	}
	line := regexp.MustCompile(`^sampling ising: \d+/100 configurations \(\d+%\), \S+ elapsed, ETA \S+$`)
	for _, l := range lines {
		if !line.MatchString(l) {
			t.Errorf("line %q", l)
		}
	}
	if !strings.HasPrefix(lines[len(lines)-1], "sampling ising: 100/100 configurations (100%)") {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
}

// On a terminal a board draws a bar per running step (with its note) and
// a bar of the whole run.
func TestTerminalBoard(t *testing.T) {
	out := onTerminal(t, func(tty *os.File) {
		if err := pty.Setsize(tty, &pty.Winsize{Rows: 24, Cols: 120}); err != nil {
			t.Skipf("cannot size the pseudo-terminal: %v", err)
		}
		b := NewBoard(tty, 2, 0)
		m := b.Start("training rbm-v16", "epochs", 100)
		m.Note("reconstruction_error 0.25")
		for i := 0; i < 4; i++ {
			m.Add(10)
			time.Sleep(200 * time.Millisecond) // let mpb draw a frame
		}
		b.Finished("dataset/d", "skipped")
		m.Done()
		b.Close()
	})
	for _, want := range []string{"training rbm-v16", "reconstruction_error 0.25", "run ", "steps"} {
		if !strings.Contains(out, want) {
			t.Errorf("the terminal shows no %q: %q", want, out)
		}
	}
	// "77 %train_loss": the percentage and the note are apart.
	if !regexp.MustCompile(`\d+%  reconstruction_error`).MatchString(out) {
		t.Errorf("the percentage runs into the note: %q", out)
	}
}

// A terminal that reports no window size (`script -q -c …` gives one of 0
// columns) cannot draw bars: mpb drew nothing until the run ended. The
// board logs a line per event there, as on a file.
func TestUnsizedTerminalBoardLogsLines(t *testing.T) {
	out := onTerminal(t, func(tty *os.File) {
		if err := pty.Setsize(tty, &pty.Winsize{}); err != nil {
			t.Skipf("cannot size the pseudo-terminal: %v", err)
		}
		b := NewBoard(tty, 2, 0)
		m := b.Start("training rbm-v16", "epochs", 100)
		m.Add(10)
		b.Finished("dataset/d", "skipped")
		m.Done()
		b.Close()
	})
	for _, want := range []string{"training rbm-v16: started (100 epochs)", "dataset/d: skipped", "training rbm-v16: done in "} {
		if !strings.Contains(out, want) {
			t.Errorf("an unsized terminal shows no %q: %q", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("cursor control on an unsized terminal: %q", out)
	}
}
