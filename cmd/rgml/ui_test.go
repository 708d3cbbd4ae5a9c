package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/urfave/cli/v2"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/framework/report/browsertest"
	"github.com/rgml/rgml/framework/ui"
	"github.com/rgml/rgml/registry"
)

// startUI starts `rgml ui` as a process on reg with args and returns its
// URL (from the line it prints on start) and a function that stops it
// with Ctrl-C (SIGINT) and returns its exit code and stderr.
func startUI(t *testing.T, reg string, args ...string) (url string, stop func() (int, string)) {
	t.Helper()
	cmd := exec.Command(rgmlBin, append([]string{"--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off", "ui"}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line := make(chan string, 1)
	go func() {
		l, _ := bufio.NewReader(out).ReadString('\n')
		line <- l
		io.Copy(io.Discard, out)
	}()
	var first string
	select {
	case first = <-line:
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		t.Fatal("rgml ui said nothing in 60 s")
	}
	i := strings.Index(first, "http://")
	if i < 0 {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("rgml ui printed no URL: %q, stderr %q", first, stderr.String())
	}
	url = strings.TrimRight(strings.Fields(first[i:])[0], "/")
	stopped := false
	stop = func() (int, string) {
		if stopped {
			return 0, ""
		}
		stopped = true
		cmd.Process.Signal(syscall.SIGINT)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			<-done
			t.Error("rgml ui did not stop within 30 s of Ctrl-C")
		}
		return cmd.ProcessState.ExitCode(), stderr.String()
	}
	t.Cleanup(func() { stop() })
	return url, stop
}

// rgmlUI runs rgml ui in-process on reg, for calls that must fail
// before serving: one that serves anyway is stopped after a minute.
func rgmlUI(t *testing.T, reg string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var o, e strings.Builder
	code = run(ctx, append([]string{"rgml", "--registry", reg, "--metrics-addr", "off", "ui"}, args...), &o, &e)
	return code, o.String(), e.String()
}

// A second rgml ui on the port the first holds says which port and
// exits 2; Ctrl-C stops the first cleanly (exit 0).
func TestUIBusyPort(t *testing.T) {
	reg := registryDir(t)
	mustRgml(t, "registry", "init")
	url, stop := startUI(t, reg, "--port", "0")
	_, port, err := net.SplitHostPort(strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr := rgmlUI(t, reg, "--port", port)
	if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "port "+port+" is in use") {
		t.Errorf("second rgml ui on port %s: exit %d, stderr %q; want exit 2 and one line naming the port", port, code, stderr)
	}
	if code, stderr := stop(); code != exitOK {
		t.Errorf("rgml ui after Ctrl-C: exit %d, %q", code, stderr)
	}
}

// An address other machines reach is served only when --listen names
// it on the command line, and rgml ui says so; from the environment it
// is refused (exit 2) before anything is served.
func TestUIListenBeyondLoopback(t *testing.T) {
	reg := registryDir(t)
	mustRgml(t, "registry", "init")
	t.Setenv("RGML_UI_LISTEN", "0.0.0.0:0")
	code, _, stderr := rgmlUI(t, reg)
	if code != exitUsage || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "--listen 0.0.0.0:0 on the command line") {
		t.Errorf("non-loopback RGML_UI_LISTEN: exit %d, stderr %q; want exit 2 and one line asking for --listen", code, stderr)
	}
	t.Setenv("RGML_UI_LISTEN", "127.0.0.1:0")
	_, stop := startUI(t, reg)
	if code, stderr := stop(); code != exitOK || strings.Contains(stderr, "anyone") {
		t.Errorf("loopback RGML_UI_LISTEN: exit %d, %q", code, stderr)
	}
	_, stop = startUI(t, reg, "--listen", "0.0.0.0:0")
	if code, stderr := stop(); code != exitOK || !strings.Contains(stderr, "anyone who can reach this address can read the registry") {
		t.Errorf("--listen 0.0.0.0:0: exit %d, stderr %q; want exit 0 and a warning", code, stderr)
	}
	if code, _, stderr := rgmlUI(t, reg, "--port", "70000"); code != exitUsage {
		t.Errorf("--port 70000: exit %d, %q", code, stderr)
	}
}

// browser is a headless Chromium that notes every console error,
// exception, failed load, and request to anything but base.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	problems []string
}

func newBrowser(t *testing.T, base string) *browser {
	exe := browsertest.FindChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("headless", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1200, 900))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(cancel)
	// Drawing a flow's figures on two loaded cores takes seconds; the
	// whole walk through the pages gets four minutes.
	ctx, cancel = context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel)
	b := &browser{ctx: ctx}
	note := func(format string, args ...any) {
		b.mu.Lock()
		b.problems = append(b.problems, fmt.Sprintf(format, args...))
		b.mu.Unlock()
	}
	if err := chromedp.Listen(ctx, func(ev any) {
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
			if !strings.HasPrefix(e.Request.URL, base+"/") && !strings.HasPrefix(e.Request.URL, "data:") {
				note("network request: %s", e.Request.URL)
			}
		case *network.EventLoadingFailed:
			if !e.Canceled { // an event stream closed by leaving its page
				note("failed load: %s", e.ErrorText)
			}
		}
	}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, log.Enable, cdp.Empty{}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
		t.Fatalf("chromium: %v", err)
	}
	return b
}

func (b *browser) run(t *testing.T, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		t.Fatalf("chromium: %s: %v", what, err)
	}
}

func (b *browser) eval(t *testing.T, js string) string {
	t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("chromium: %s: %v", js, err)
	}
	return v
}

// The interface in a real browser: the pages of a registry with a run
// load without a console error or a request beyond the server, the links
// lead runs → run → entry → lineage → figures, and the curve of a
// training running in its own rgml process gains points while it runs.
func TestUIInChromium(t *testing.T) {
	reg := registryDir(t)
	if code, _, stderr := rgml(t, "run", smallSpec(t, 8, 40)); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	train := exec.Command(rgmlBin, "--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off",
		"train", "--learner", "rbm", "--data", "s-train", "--set", "hidden=16", "--set", "epochs=1000000",
		"--seed", "4", "--name", "live-rbm") // its first checkpoint, at epoch 50 000, is far off: the curve is its reports
	train.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := train.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { syscall.Kill(-train.Process.Pid, syscall.SIGKILL); train.Wait() })
	url, stop := startUI(t, reg, "--port", "0")
	b := newBrowser(t, url)

	b.run(t, "runs page", chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS(`#runs`)))
	b.run(t, "run page", chromedp.Click(chromedp.CSS(`#runs a[href^="/entry/"]`)), chromedp.WaitVisible(chromedp.CSS(`#steps`)))
	if n := b.eval(t, `String(document.querySelectorAll("#steps a").length)`); n != "5" {
		t.Errorf("the run page links %s steps' entries, want 5", n)
	}
	b.run(t, "flow's page", chromedp.Click(chromedp.Search(`//table[@id="steps"]//a[starts-with(., "s-flow:")]`)), chromedp.WaitVisible(chromedp.CSS(`#inputs`)))
	b.run(t, "lineage", chromedp.Click(chromedp.CSS(`#lineage-link`)), chromedp.WaitVisible(chromedp.CSS(`svg#lineage`)))
	// The flow, its RBM and thermometer, its start and their data.
	if n := b.eval(t, `String(document.querySelectorAll("svg#lineage a.node").length)`); n != "5" {
		t.Errorf("the flow's lineage graph has %s entries, want 5 (flow, rbm, thermometer, s-test, and s-train behind both models)", n)
	}
	b.run(t, "back to the flow", chromedp.Click(chromedp.CSS(`svg#lineage a.node.root`)), chromedp.WaitVisible(chromedp.CSS(`#figures-link`)))
	b.run(t, "figures", chromedp.Click(chromedp.CSS(`#figures-link`)), chromedp.WaitVisible(chromedp.CSS(`img`)))
	imgs := b.eval(t, `Array.from(document.images).map(i => i.getAttribute("src") + "=" + (i.complete ? i.naturalWidth : -1)).join(" ")`)
	if imgs == "" || strings.Contains(imgs, "=0") || strings.Contains(imgs, "=-1") {
		t.Errorf("the flow's figures did not all load: %q", imgs)
	}

	// The training shows from its first report on.
	deadline := time.Now().Add(2 * time.Minute)
	for {
		b.run(t, "live page", chromedp.Navigate(url+"/live"), chromedp.WaitVisible(chromedp.CSS(`main`)))
		if b.eval(t, `String(document.querySelectorAll("#live-list a").length)`) != "0" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the running training is not on the live page after 2 minutes")
		}
		time.Sleep(500 * time.Millisecond)
	}
	b.run(t, "live curve", chromedp.Click(chromedp.CSS(`#live-list a`)), chromedp.WaitVisible(chromedp.CSS(`svg.chart polyline`)))
	points := func() int {
		var n int
		fmt.Sscan(b.eval(t, `document.getElementById("live").dataset.points`), &n)
		return n
	}
	// The learner reports every 50 ms and the server reads twice a
	// second: three more points within ten seconds leaves room for a
	// loaded machine, and none would come from checkpoints.
	first := points()
	for deadline := time.Now().Add(10 * time.Second); points() < first+3; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the live curve went from %d to %d points in 10 s while the training ran", first, points())
		}
	}
	if p := b.eval(t, `document.querySelector("svg.chart polyline").getAttribute("points")`); strings.Count(p, ",") < 2 {
		t.Errorf("the live curve has no line: %q", p)
	}
	liveFlowInChromium(t, b, url, reg)
	b.mu.Lock()
	problems := append([]string(nil), b.problems...)
	b.mu.Unlock()
	if len(problems) > 0 {
		t.Errorf("the browser saw problems:\n%s", strings.Join(problems, "\n"))
	}
	if code, stderr := stop(); code != exitOK {
		t.Errorf("rgml ui after Ctrl-C: exit %d, %q", code, stderr)
	}
}

// liveFlowInChromium: a flow running (its progress file as a flow of
// this process writes it) is on the live page, and its view draws its
// mean reading per iteration count.
func liveFlowInChromium(t *testing.T, b *browser, url, reg string) {
	s, err := registry.OpenReadOnly(reg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	dir := filepath.Join(s.WorkDir(), experiment.LiveFlowsDir, "live-flow", registry.NewHolder())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(filepath.Dir(dir))
	lines := `{"epoch":0,"wall_seconds":1,"samples":0,"metrics":{"T mean":2.9},"done":1,"of":3}` + "\n" +
		`{"epoch":8,"wall_seconds":2,"samples":0,"metrics":{"T mean":2.6},"done":2,"of":3}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, experiment.LiveFile), []byte(lines), 0o644); err != nil {
		t.Fatal(err)
	}
	b.run(t, "live page with a flow", chromedp.Navigate(url+"/live"), chromedp.WaitVisible(chromedp.CSS(`#live-flows a`)))
	b.run(t, "flow's live curve", chromedp.Click(chromedp.CSS(`#live-flows a`)), chromedp.WaitVisible(chromedp.CSS(`svg.chart polyline`)))
	if n := b.eval(t, `document.getElementById("live").dataset.points`); n != "2" {
		t.Errorf("the flow's live curve has %s points, want 2", n)
	}
	if x := b.eval(t, `document.querySelector("svg.chart").textContent`); !strings.Contains(x, "T mean") || !strings.Contains(x, "iterations") {
		t.Errorf("the flow's chart reads %q: want its metric (T mean) and axis (iterations)", x)
	}
}

// BenchmarkTrainViewed is the cost of a viewer on a training: one
// `rgml train` (an RBM of 16 hidden units, 3000 epochs, a report every
// 50 ms or so) alone, and with a live curve following it through rgml
// ui's event stream (its progress file tailed) from its first report to
// its end. Compare the two ns/op (target: under 2 % apart).
func BenchmarkTrainViewed(b *testing.B) {
	reg := b.TempDir() + "/registry"
	rgmlExec := func(args ...string) {
		b.Helper()
		cmd := exec.Command(rgmlBin, append([]string{"--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("rgml %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	rgmlExec("sample", "--model", "ising", "--param", "T=0:6:1", "--per-point", "40", "--L", "6", "--seed", "1", "--name", "d")
	train := func() {
		rgmlExec("train", "--learner", "rbm", "--data", "d", "--set", "hidden=16", "--set", "epochs=3000",
			"--seed", "3", "--name", "bench", "--force")
	}
	b.Run("alone", func(b *testing.B) {
		for b.Loop() {
			train()
		}
	})
	b.Run("viewed", func(b *testing.B) {
		s, err := registry.OpenReadOnly(reg)
		if err != nil {
			b.Fatal(err)
		}
		defer s.Close()
		srv, err := ui.New(ui.Options{Store: s, Cache: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		ts := httptest.NewServer(srv.Handler())
		defer ts.Close()
		var rows atomic.Int64
		for b.Loop() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
			done := make(chan struct{})
			go func() {
				defer close(done)
				rows.Add(followLive(ctx, ts.URL, s))
			}()
			train()
			<-done
			cancel()
		}
		b.ReportMetric(float64(rows.Load())/float64(b.N), "rows/op")
	})
}

// followLive waits for a running training and reads its event stream
// to its end, returning how many "rows" events it read.
func followLive(ctx context.Context, base string, s *registry.Store) int64 {
	var id string
	for id == "" {
		if l, _ := experiment.LiveTrainings(s); len(l) > 0 {
			id = l[0].ID()
			break
		}
		select {
		case <-ctx.Done():
			return 0
		case <-time.After(20 * time.Millisecond):
		}
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/live/events/"+id, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var n int64
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		switch sc.Text() {
		case "event: rows":
			n++
		case "event: end":
			return n
		}
	}
	return n
}

func TestUIFlagsTranslate(t *testing.T) {
	e := testEnv()
	var got *uiOptions
	cmd := func() *cli.Command { return newCmdUI(e, capture(&got)) }
	for _, c := range []struct {
		args, env string
		want      uiOptions
	}{
		{"", "", uiOptions{env: e, Addr: "127.0.0.1:8765", Loopback: true}},
		{"--port 9000", "", uiOptions{env: e, Addr: "127.0.0.1:9000", Loopback: true}},
		{"--listen [::1]:80", "", uiOptions{env: e, Addr: "[::1]:80", Loopback: true}},
		{"--listen 0.0.0.0:80", "", uiOptions{env: e, Addr: "0.0.0.0:80"}},
		{"", "localhost:81", uiOptions{env: e, Addr: "localhost:81", Loopback: true}},
		{"--listen 0.0.0.0:80", "127.0.0.1:1", uiOptions{env: e, Addr: "0.0.0.0:80"}},
		{"--port 9000", "0.0.0.0:80", uiOptions{env: e, Addr: "127.0.0.1:9000", Loopback: true}}, // the command line wins
	} {
		t.Setenv(uiListenEnv, c.env)
		got = nil
		if err := translate(t, e, cmd, append([]string{"ui"}, strings.Fields(c.args)...)...); err != nil {
			t.Errorf("ui %s (%s=%q): %v", c.args, uiListenEnv, c.env, err)
			continue
		}
		if *got != c.want {
			t.Errorf("ui %s (%s=%q): %+v, want %+v", c.args, uiListenEnv, c.env, *got, c.want)
		}
	}
	for _, c := range []struct{ args, env, want string }{
		{"", "0.0.0.0:80", "give --listen 0.0.0.0:80 on the command line"},
		{"--port 1 --listen 127.0.0.1:2", "", "not both"},
		{"--port -1", "", "--port -1"},
		{"--listen nohost", "", "want HOST:PORT"},
	} {
		t.Setenv(uiListenEnv, c.env)
		err := translate(t, e, cmd, append([]string{"ui"}, strings.Fields(c.args)...)...)
		var ue usageError
		if !errors.As(err, &ue) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ui %s (%s=%q): %v, want a usage error saying %q", c.args, uiListenEnv, c.env, err, c.want)
		}
	}
}
