// Package browsertest opens an HTML page in real headless Chromium (via
// chromedp) for tests: which images loaded, what went wrong in the
// console or on the network, and a screenshot. Tests that check a report
// (framework/report, cmd/rgml) share it.
package browsertest

import (
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// FindChromium returns the path of a Chromium (or Chrome) executable, or
// skips the test, saying so, when there is none.
func FindChromium(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium on PATH (Debian: apt-get install chromium); the report is not checked in a browser")
	return ""
}

// Browse opens page in headless Chromium and returns, for every image,
// "src: naturalWidth", the console errors, failed loads and non-file
// requests it saw, and a screenshot.
func Browse(t testing.TB, exe, page string) (images []string, problems []string, shot []byte) {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("headless", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1000, 800))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	// A report of ~80 figures takes ~40 s to load and capture on two idle
	// cores (before and after the figure style alike), and more on
	// shared ones: 60 s timed out there.
	ctx, cancel = context.WithTimeout(ctx, 180*time.Second)
	defer cancel()
	var mu sync.Mutex
	note := func(format string, args ...any) {
		mu.Lock()
		problems = append(problems, fmt.Sprintf(format, args...))
		mu.Unlock()
	}
	err := chromedp.Listen(ctx, func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.ConsoleAPICalledTypeError || e.Type == runtime.ConsoleAPICalledTypeWarning {
				note("console %s", e.Type)
			}
		case *runtime.EventExceptionThrown:
			note("exception: %s", e.ExceptionDetails.Text)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError {
				note("log error: %s %s", e.Entry.Text, e.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if !strings.HasPrefix(e.Request.URL, "file://") && !strings.HasPrefix(e.Request.URL, "data:") {
				note("network request: %s", e.Request.URL)
			}
		case *network.EventLoadingFailed:
			note("failed load: %s", e.ErrorText)
		}
	})
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate("file://"+page), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.images).map(i => i.getAttribute("src") + ": " + (i.complete ? i.naturalWidth : -1))`))
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if shot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)); err != nil && strings.Contains(err.Error(), "too large") {
		shot, err = chromedp.Run(ctx, topScreenshot(maxShot))
	}
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return widths, problems, shot
}

// maxShot is the height of a screenshot of a page too tall for Chromium
// to capture whole (a report of 250 figures, ~60 000 px, "Page is too
// large"): its top, the verdicts and the table of contents first.
const maxShot = 15000

// topScreenshot captures the top height pixels of the page, as PNG.
func topScreenshot(height float64) chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		yes := true
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			CaptureBeyondViewport: &yes, FromSurface: &yes, Format: page.CaptureScreenshotFormatPng,
			Clip: &page.Viewport{Width: 1000, Height: height, Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}
}
