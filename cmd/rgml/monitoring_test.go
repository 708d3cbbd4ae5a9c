//go:build linux

package main

// End-to-end tests of the monitoring in docs/monitoring: a real Prometheus
// (with the shipped configuration, scrape interval and thresholds scaled
// down to seconds) scrapes rgml trainings run through the CLI and a real
// Pushgateway holds short jobs; every query of the Grafana dashboard and
// of the alerting rules must return data, and the alerts must fire.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/rgml/rgml/framework/metrics"
)

var monitoringDocs = filepath.Join("..", "..", "docs", "monitoring")

// result is what an rgml command run in-process did.
type result struct {
	code           int
	stdout, stderr string
}

// rgmlCmd runs the CLI in-process with the monitoring plugins and the
// given registry; args start with the global flags.
func rgmlCmd(ctx context.Context, t testing.TB, reg string, args ...string) result {
	t.Helper()
	var o, e bytes.Buffer
	full := append([]string{"rgml", "--plugin-dir", pluginDir, "--registry", reg}, args...)
	code := run(ctx, full, &o, &e)
	return result{code, o.String(), e.String()}
}

func mustRun(ctx context.Context, t testing.TB, reg string, args ...string) result {
	t.Helper()
	r := rgmlCmd(ctx, t, reg, args...)
	if r.code != 0 {
		t.Fatalf("rgml %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
	}
	return r
}

// binary returns the path of an installed program, or skips the test.
func binary(t testing.TB, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	t.Skipf("%s not installed: the monitoring tests need a real one (Debian: apt-get install prometheus prometheus-pushgateway; .ci/run installs them)", names[0])
	return ""
}

// freeAddr returns a loopback address with a port nobody listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// daemon is a server process started for a test and stopped after it.
type daemon struct {
	url string
	log *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startDaemon runs bin with args until the test ends, and waits until
// url/-/ready answers 200.
func startDaemon(t testing.TB, bin, addr string, args ...string) *daemon {
	t.Helper()
	d := &daemon{url: "http://" + addr, log: &lockedBuffer{}}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = d.log, d.log
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("%s log (tail):\n%s", filepath.Base(bin), tail(d.log.String(), 3000))
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(d.url + "/-/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return d
			}
		}
		select {
		case <-exited:
			t.Fatalf("%s exited: %s", bin, d.log.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after 30 s: %s", bin, d.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func startPushgateway(t testing.TB) *daemon {
	t.Helper()
	bin := binary(t, "prometheus-pushgateway", "pushgateway")
	addr := freeAddr(t)
	// In memory: Debian's default keeps the metrics in
	// /var/lib/prometheus/pushgateway.data, across runs.
	return startDaemon(t, bin, addr, "--web.listen-address="+addr, "--persistence.file=")
}

// adaptConfig turns the shipped prometheus.yml into the test's: its
// targets, and 1 s intervals.
func adaptConfig(t testing.TB, cfg, rgmlAddr, gatewayAddr string) string {
	t.Helper()
	for _, r := range [][2]string{{"127.0.0.1:9477", rgmlAddr}, {"127.0.0.1:9091", gatewayAddr}} {
		if strings.Count(cfg, `"`+r[0]+`"`) != 1 {
			t.Fatalf("prometheus.yml does not have the target %q once", r[0])
		}
		cfg = strings.ReplaceAll(cfg, `"`+r[0]+`"`, `"`+r[1]+`"`)
	}
	intervals := regexp.MustCompile(`(?m)^(\s*(?:scrape|evaluation)_interval:) \S+`)
	if n := len(intervals.FindAllString(cfg, -1)); n < 2 {
		t.Fatalf("prometheus.yml has %d intervals", n)
	}
	return intervals.ReplaceAllString(cfg, "$1 1s")
}

// stallSeconds replaces the stall alert's 10 minutes.
const stallSeconds = 5

// adaptRules scales alerts.yml's stall threshold down to seconds.
func adaptRules(t testing.TB, rules string) string {
	t.Helper()
	const threshold = "(time() - rgml_last_progress_timestamp_seconds) > 600"
	if strings.Count(rules, threshold) != 1 {
		t.Fatalf("alerts.yml lacks %q", threshold)
	}
	return strings.Replace(rules, threshold, fmt.Sprintf("(time() - rgml_last_progress_timestamp_seconds) > %d", stallSeconds), 1)
}

// startPrometheus runs Prometheus with the shipped configuration and rules,
// adapted, in a directory of the test's.
func startPrometheus(t testing.TB, rgmlAddr, gatewayAddr string) *daemon {
	t.Helper()
	bin := binary(t, "prometheus")
	cfg, err := os.ReadFile(filepath.Join(monitoringDocs, "prometheus.yml"))
	if err != nil {
		t.Fatal(err)
	}
	rules, err := os.ReadFile(filepath.Join(monitoringDocs, "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	u, _ := url.Parse(gatewayAddr)
	os.WriteFile(filepath.Join(dir, "prometheus.yml"), []byte(adaptConfig(t, string(cfg), rgmlAddr, u.Host)), 0o644)
	os.WriteFile(filepath.Join(dir, "alerts.yml"), []byte(adaptRules(t, string(rules))), 0o644)
	addr := freeAddr(t)
	return startDaemon(t, bin, addr,
		"--config.file="+filepath.Join(dir, "prometheus.yml"),
		"--storage.tsdb.path="+filepath.Join(dir, "data"),
		"--web.listen-address="+addr,
		"--log.level=warn")
}

// promSample is one element of a query result.
type promSample struct {
	Metric map[string]string `json:"metric"`
	Value  [2]any            `json:"value"`
}

// query evaluates an instant PromQL query.
func (d *daemon) query(t testing.TB, q string) []promSample {
	t.Helper()
	var r struct {
		Status string `json:"status"`
		Error  string `json:"error"`
		Data   struct {
			ResultType string          `json:"resultType"`
			Result     json.RawMessage `json:"result"`
		} `json:"data"`
	}
	d.get(t, "/api/v1/query?query="+url.QueryEscape(q), &r)
	if r.Status != "success" {
		t.Fatalf("query %q: %s", q, r.Error)
	}
	if r.Data.ResultType != "vector" {
		t.Fatalf("query %q: result type %s", q, r.Data.ResultType)
	}
	var s []promSample
	if err := json.Unmarshal(r.Data.Result, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (d *daemon) get(t testing.TB, path string, v any) {
	t.Helper()
	resp, err := http.Get(d.url + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("GET %s: %v: %s", path, err, b)
	}
}

// eventually polls cond until it holds, or fails the test after timeout.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %v: %s", timeout, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

type alert struct {
	Labels map[string]string `json:"labels"`
	State  string            `json:"state"`
}

func (d *daemon) alerts(t testing.TB) []alert {
	var r struct {
		Data struct {
			Alerts []alert `json:"alerts"`
		} `json:"data"`
	}
	d.get(t, "/api/v1/alerts", &r)
	return r.Data.Alerts
}

func firing(as []alert, name string, labels map[string]string) bool {
	for _, a := range as {
		if a.Labels["alertname"] != name || a.State != "firing" {
			continue
		}
		ok := true
		for k, v := range labels {
			ok = ok && a.Labels[k] == v
		}
		if ok {
			return true
		}
	}
	return false
}

type rule struct {
	Name   string `json:"name"`
	Query  string `json:"query"`
	Type   string `json:"type"`
	Health string `json:"health"`
	Error  string `json:"lastError"`
}

// rules returns the alerting rules Prometheus loaded from alerts.yml.
func (d *daemon) rules(t testing.TB) []rule {
	var r struct {
		Data struct {
			Groups []struct {
				Rules []rule `json:"rules"`
			} `json:"groups"`
		} `json:"data"`
	}
	d.get(t, "/api/v1/rules", &r)
	var rs []rule
	for _, g := range r.Data.Groups {
		rs = append(rs, g.Rules...)
	}
	return rs
}

// grafanaVars replaces Grafana's variables in a dashboard query as Grafana
// would: $run_id (a multi-value variable) by a regex of the runs, the
// interval variables by durations that span several 1 s scrapes.
func grafanaVars(expr string, runs []string) string {
	r := strings.NewReplacer(
		"${run_id}", strings.Join(runs, "|"), "$run_id", strings.Join(runs, "|"), "[[run_id]]", strings.Join(runs, "|"),
		"$__rate_interval", "10s", "${__rate_interval}", "10s",
		"$__interval", "5s", "${__interval}", "5s",
		"$__range", "1m", "${__range}", "1m",
		// The Step variable set to All (allValue .*): runs that are no step too.
		"${step}", ".*", "$step", ".*", "[[step]]", ".*")
	return r.Replace(expr)
}

type dashboardModel struct {
	Templating struct {
		List []struct {
			Name       string `json:"name"`
			Definition string `json:"definition"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		Title   string `json:"title"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

// pluginProcesses returns the pids of this process's children running the
// named executable.
func pluginProcesses(t testing.TB, name string) []int {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		t.Fatal(err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid …; comm may hold spaces and parentheses.
		s := string(stat)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		fields := strings.Fields(s[close+1:])
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		exe, _ := os.Readlink(filepath.Join("/proc", e.Name(), "exe"))
		if ppid == os.Getpid() && filepath.Base(exe) == name {
			pids = append(pids, pid)
		}
	}
	return pids
}

// TestMonitoringEndToEnd runs a pipeline with the shipped monitoring: a
// sampling and a thermometer training pushed to a Pushgateway, an RBM
// training scraped by Prometheus; then it checks every dashboard and alert
// query, stops the RBM plugin (SIGSTOP) until RgmlTrainingStalled fires,
// crashes a plugin and reports a NaN loss until RgmlPluginCrashed and
// RgmlLossNaN fire.
func TestMonitoringEndToEnd(t *testing.T) {
	binary(t, "prometheus")
	gw := startPushgateway(t)
	reg := filepath.Join(t.TempDir(), "registry")
	ctx := context.Background()
	push := []string{"--pushgateway", gw.url, "--metrics-addr", "off"}
	const sampleRun, thermoRun, rbmRun, wolffRun, studyRun = "e2e-sample", "e2e-thermometer", "e2e-rbm", "e2e-wolff", "e2e-study"
	runs := []string{sampleRun, thermoRun, rbmRun, wolffRun, studyRun}

	// The datasets: the training set pushed, the test set not monitored.
	mustRun(ctx, t, reg, append(push, "--run-id", sampleRun, "sample", "--model", "ising",
		"--param", "T=0:6:0.25", "--per-point", "50", "--L", "10", "--name", "train")...)
	mustRun(ctx, t, reg, "--metrics-addr", "off", "sample", "--model", "ising",
		"--param", "T=0:6:0.25", "--per-point", "8", "--L", "10", "--seed", "2", "--name", "test")
	// A cluster algorithm, pushed: the mean cluster size panel.
	mustRun(ctx, t, reg, append(push, "--run-id", wolffRun, "sample", "--model", "ising", "--algorithm", "wolff",
		"--param", "T=2.27", "--per-point", "20", "--L", "10", "--seed", "3", "--name", "wolff")...)

	// Two steps of a study, as two batch jobs of one run id push them.
	pushSteps(t, reg, gw, studyRun)

	rgmlAddr := freeAddr(t)
	prom := startPrometheus(t, rgmlAddr, gw.url)

	// A thermometer, pushed: the losses and the accuracies. Its progress
	// goes to a log (not a terminal): plain lines.
	r := mustRun(ctx, t, reg, append(push, "--run-id", thermoRun, "train", "--learner", "thermometer",
		"--data", "train", "--test", "test", "--set", "hidden=16", "--set", "epochs=300", "--set", "test_every=10")...)
	if strings.ContainsAny(r.stderr, "\r\x1b") || !strings.Contains(r.stderr, "training thermometer: 300/300 epochs (100%)") {
		t.Errorf("training progress in a log: %q", r.stderr)
	}

	// The RBM, scraped while it trains, until the test cancels it.
	trainCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	trained := make(chan result, 1)
	go func() {
		trained <- rgmlCmd(trainCtx, t, reg, "--metrics-addr", rgmlAddr, "--run-id", rbmRun, "--plugin-timeout", "10m",
			"train", "--learner", "rbm", "--data", "train", "--set", "hidden=16", "--set", "epochs=100000000",
			"--set", "pll_every=200", "--checkpoint-every", "100000000")
	}()
	stopped, finished := false, false
	defer func() {
		if stopped {
			for _, pid := range pluginProcesses(t, "rgml-plugin-rbm") {
				syscall.Kill(pid, syscall.SIGCONT)
			}
		}
		cancel()
		if finished {
			return
		}
		select {
		case <-trained:
		case <-time.After(30 * time.Second):
			t.Error("the RBM training did not stop after its context was cancelled")
		}
	}()

	// Several scrapes of everything, and the RBM's pseudo-log-likelihood.
	ready := []string{
		`count_over_time(rgml_train_epochs_total{run_id="e2e-rbm"}[1m]) >= 6`,
		`count_over_time(rgml_mc_acceptance_ratio{run_id="e2e-sample"}[1m]) >= 6`,
		`count_over_time(rgml_test_loss{run_id="e2e-thermometer"}[1m]) >= 6`,
		`rgml_train_pseudo_log_likelihood{run_id="e2e-rbm"}`,
		`rgml_run_state{run_id="e2e-study", step="training/thermo"}`,
	}
	for _, q := range ready {
		eventually(t, 60*time.Second, "no data for "+q, func() bool {
			select {
			case r := <-trained:
				finished = true
				t.Fatalf("the RBM training ended: exit %d\n%s", r.code, r.stderr)
			default:
			}
			return len(prom.query(t, q)) > 0
		})
	}
	if up := prom.query(t, `up{job="rgml"} == 1`); len(up) != 1 || up[0].Metric["instance"] != rgmlAddr {
		t.Errorf("rgml target not up: %v", up)
	}

	t.Run("dashboard", func(t *testing.T) {
		b, err := os.ReadFile(filepath.Join(monitoringDocs, "grafana", "dashboard.json"))
		if err != nil {
			t.Fatal(err)
		}
		var d dashboardModel
		if err := json.Unmarshal(b, &d); err != nil {
			t.Fatal(err)
		}
		// The run_id variable: label_values(rgml_run_info, run_id) is
		// Grafana's call of the label values API.
		var values struct {
			Data []string `json:"data"`
		}
		prom.get(t, "/api/v1/label/run_id/values?match[]=rgml_run_info", &values)
		for _, run := range runs {
			if !contains(values.Data, run) {
				t.Errorf("label_values(rgml_run_info, run_id) = %v lacks %s", values.Data, run)
			}
		}
		n := 0
		for _, p := range d.Panels {
			for _, tg := range p.Targets {
				n++
				q := grafanaVars(tg.Expr, runs)
				if strings.Contains(q, "$") {
					t.Errorf("panel %q: unknown variable in %q", p.Title, tg.Expr)
					continue
				}
				res := prom.query(t, q)
				if len(res) == 0 {
					t.Errorf("panel %q: no data for %s", p.Title, q)
					continue
				}
				for _, s := range res {
					if run := s.Metric["run_id"]; run != "" && !contains(runs, run) {
						t.Errorf("panel %q: %s returns run %s", p.Title, q, run)
					}
				}
			}
		}
		t.Logf("%d dashboard queries return data", n)
		// The Step variable lists the study's steps, and the Steps table
		// has a row per step: its node, its state, the training's epoch.
		prom.get(t, "/api/v1/label/step/values?match[]="+url.QueryEscape(`rgml_run_info{run_id=~"e2e-study"}`), &values)
		if strings.Join(values.Data, " ") != "dataset/d training/thermo" {
			t.Errorf("label_values(rgml_run_info{run_id=~\"e2e-study\"}, step) = %v", values.Data)
		}
		var steps []string
		for _, p := range d.Panels {
			if p.Title != "Steps" {
				continue
			}
			for _, tg := range p.Targets {
				for _, s := range prom.query(t, grafanaVars(tg.Expr, []string{studyRun})) {
					m := s.Metric
					steps = append(steps, fmt.Sprintf("%s %s node=%s state=%s", m["__name__"], m["step"], m["node"], m["state"]))
				}
			}
		}
		sort.Strings(steps)
		host := hostname(t)
		if want := []string{
			"rgml_run_info dataset/d node=" + host + " state=",
			"rgml_run_info training/thermo node=" + host + " state=",
			"rgml_run_state dataset/d node= state=done",
			"rgml_run_state training/thermo node= state=done",
			"rgml_train_epoch training/thermo node= state=",
			"rgml_train_epochs training/thermo node= state=",
			"rgml_train_loss training/thermo node= state=",
		}; strings.Join(steps, "\n") != strings.Join(want, "\n") {
			t.Errorf("the Steps table of the study:\n%s\nwant\n%s", strings.Join(steps, "\n"), strings.Join(want, "\n"))
		}
		// The live RBM is in the panels that show what runs now.
		for _, q := range []string{
			`rate(rgml_train_epochs_total{run_id=~"$run_id"}[$__rate_interval]) > 0`,
			`(time() - rgml_last_progress_timestamp_seconds{run_id=~"$run_id"}) and on (job, instance) (up == 1)`,
			`process_resident_memory_bytes * on (job, instance) group_left (run_id, command) rgml_run_info{run_id=~"$run_id"}`,
			`histogram_quantile(0.5, sum by (le, run_id, learner) (rate(rgml_train_step_duration_seconds_bucket{run_id=~"$run_id"}[$__rate_interval]))) > 0`,
		} {
			if res := prom.query(t, grafanaVars(q, []string{rbmRun})); len(res) != 1 {
				t.Errorf("%s for the running RBM: %v", q, res)
			}
		}
	})

	rules := prom.rules(t)
	var names []string
	for _, r := range rules {
		names = append(names, r.Name)
		if r.Health != "ok" && r.Health != "unknown" {
			t.Errorf("rule %s: health %s %s", r.Name, r.Health, r.Error)
		}
	}
	sort.Strings(names)
	if strings.Join(names, " ") != "RgmlLossNaN RgmlPluginCrashed RgmlTrainingStalled" {
		t.Fatalf("alerting rules loaded: %v", names)
	}

	// A healthy pipeline raises no alert, although the pushed runs stopped
	// progressing long ago.
	if old := prom.query(t, fmt.Sprintf(`time() - rgml_last_progress_timestamp_seconds{run_id="e2e-sample"} > %d`, stallSeconds)); len(old) != 1 {
		t.Fatalf("the pushed sampling's last progress: %v", old)
	}
	for _, r := range rules {
		if res := prom.query(t, r.Query); len(res) > 0 {
			t.Errorf("%s on a healthy pipeline: %v", r.Name, res)
		}
	}

	// Stop the RBM plugin: no more progress.
	pids := pluginProcesses(t, "rgml-plugin-rbm")
	if len(pids) != 1 {
		t.Fatalf("rbm plugin processes: %v", pids)
	}
	if err := syscall.Kill(pids[0], syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped = true
	stoppedAt := time.Now()
	// A plugin crash, in a short job pushed after it.
	cr := rgmlCmd(ctx, t, filepath.Join(t.TempDir(), "registry"), append(push, "--run-id", "e2e-crash",
		"sample", "--model", "misbehave", "--param", "mode=1", "--per-point", "5", "--L", "4")...)
	if cr.code == 0 || !strings.Contains(cr.stderr, `plugin "misbehave" crashed`) {
		t.Errorf("misbehave: exit %d, %q", cr.code, cr.stderr)
	}
	// A learner reporting a NaN loss (the real learners stop instead).
	m := metrics.New("e2e-nan")
	m.SetInfo("train", "", "fake", version)
	m.Trainer("fake", 0, 10).Progress(1, 100, 0.01, map[string]float64{"train_loss": math.NaN(), "test_loss": 1})
	if err := m.Push(ctx, gw.url); err != nil {
		t.Fatal(err)
	}

	want := []struct {
		name   string
		labels map[string]string
	}{
		{"RgmlTrainingStalled", map[string]string{"run_id": rbmRun, "instance": rgmlAddr, "severity": "warning"}},
		{"RgmlPluginCrashed", map[string]string{"run_id": "e2e-crash", "plugin": "misbehave", "severity": "warning"}},
		{"RgmlLossNaN", map[string]string{"run_id": "e2e-nan", "learner": "fake", "severity": "critical"}},
	}
	for _, w := range want {
		eventually(t, 60*time.Second, w.name+" does not fire", func() bool { return firing(prom.alerts(t), w.name, w.labels) })
	}
	t.Logf("RgmlTrainingStalled fired %.1f s after SIGSTOP (threshold %d s, scrapes and evaluations every 1 s)",
		time.Since(stoppedAt).Seconds(), stallSeconds)
	for _, a := range prom.alerts(t) {
		if a.Labels["alertname"] == "RgmlTrainingStalled" && a.Labels["run_id"] != rbmRun {
			t.Errorf("a run that is not stuck stalls: %v", a.Labels)
		}
	}
	// Now every alert expression returns data.
	for _, r := range rules {
		if res := prom.query(t, r.Query); len(res) == 0 {
			t.Errorf("%s: no data for %s", r.Name, r.Query)
		}
	}

	// The plugin continues: the stall ends.
	for _, pid := range pids {
		syscall.Kill(pid, syscall.SIGCONT)
	}
	stopped = false
	stall := fmt.Sprintf(`(time() - rgml_last_progress_timestamp_seconds{run_id="%s"}) > %d`, rbmRun, stallSeconds)
	eventually(t, 30*time.Second, "the stall does not end after SIGCONT", func() bool { return len(prom.query(t, stall)) == 0 })

	cancel()
	select {
	case r := <-trained:
		finished = true
		if r.code == 0 || !strings.Contains(r.stderr, "rgml: interrupted") {
			t.Errorf("cancelled training: exit %d, %q", r.code, tail(r.stderr, 500))
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the RBM training did not stop after its context was cancelled")
	}
	// Its target goes down, and with it the stall alert's condition.
	eventually(t, 30*time.Second, "the rgml target stays up after the training ended", func() bool {
		return len(prom.query(t, `up{job="rgml"} == 0`)) == 1
	})
}

// pushSteps runs two steps of the Slurm test's study as its jobs do
// (rgml run --step, one run id), pushed to gw: the dataset, then a
// thermometer trained on it.
func pushSteps(t testing.TB, reg string, gw *daemon, runID string) {
	t.Helper()
	for _, step := range []string{"dataset/d", "training/thermo"} {
		r := mustRun(context.Background(), t, reg, "--pushgateway", gw.url, "--metrics-addr", "off", "--run-id", runID,
			"run", "--step", step, slurmSpec)
		if !strings.Contains(r.stdout, step+": done") {
			t.Fatalf("run --step %s: %q", step, r.stdout)
		}
	}
}

func hostname(t testing.TB) string {
	h, err := os.Hostname()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// gatewayMetrics returns the Pushgateway's /metrics lines about a run.
func gatewayMetrics(t testing.TB, gw *daemon, run string) []string {
	t.Helper()
	resp, err := http.Get(gw.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var lines []string
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if l := sc.Text(); strings.Contains(l, `instance="`+run+`"`) {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestPushgatewayPushAndDelete(t *testing.T) {
	gw := startPushgateway(t)
	reg := filepath.Join(t.TempDir(), "registry")
	const run = "push-test-1"
	mustRun(context.Background(), t, reg, "--pushgateway", gw.url, "--run-id", run, "--metrics-addr", "off",
		"sample", "--model", "ising", "--param", "T=1,3", "--per-point", "10", "--L", "4")
	lines := strings.Join(gatewayMetrics(t, gw, run), "\n")
	for _, want := range []string{
		`rgml_mc_configurations_total{instance="push-test-1",job="rgml",model="ising",run_id="push-test-1"} 20`,
		`rgml_run_info{command="sample",instance="push-test-1",job="rgml",learner="",model="ising",node="` + hostname(t) + `",run_id="push-test-1",version="` + version + `"} 1`,
		`rgml_run_state{instance="push-test-1",job="rgml",run_id="push-test-1",state="done"} 1`,
		// Two starts: one describes the model to key the step (to reuse
		// an identical dataset), one samples.
		`rgml_plugin_starts_total{instance="push-test-1",job="rgml",plugin="ising",run_id="push-test-1"} 2`,
		`rgml_plugin_crashes_total{instance="push-test-1",job="rgml",plugin="ising",run_id="push-test-1"} 0`,
		`rgml_mc_acceptance_ratio{instance="push-test-1"`,
		`process_resident_memory_bytes{instance="push-test-1",job="rgml"}`,
		`push_time_seconds{instance="push-test-1",job="rgml"}`,
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("the Pushgateway lacks %s; it has:\n%s", want, lines)
		}
	}

	r := mustRun(context.Background(), t, reg, "--pushgateway", gw.url, "pushgateway", "delete", run)
	if !strings.Contains(r.stdout, "deleted run "+run) {
		t.Errorf("stdout %q", r.stdout)
	}
	if left := gatewayMetrics(t, gw, run); len(left) > 0 {
		t.Errorf("after delete the Pushgateway still has:\n%s", strings.Join(left, "\n"))
	}

	// The steps of one study (its batch jobs) share its run id and keep a
	// group each; delete removes them all.
	const study = "push-study"
	pushSteps(t, reg, gw, study)
	lines = strings.Join(gatewayMetrics(t, gw, study), "\n")
	for _, want := range []string{
		`rgml_run_state{instance="push-study",job="rgml",run_id="push-study",state="done",step="dataset/d"} 1`,
		`rgml_run_state{instance="push-study",job="rgml",run_id="push-study",state="done",step="training/thermo"} 1`,
		`rgml_train_epoch{instance="push-study",job="rgml",learner="thermometer",run_id="push-study",step="training/thermo"} 30`,
		`rgml_run_info{command="sample",instance="push-study",job="rgml",learner="",model="ising",node="` + hostname(t) + `",run_id="push-study",step="dataset/d",version="` + version + `"} 1`,
	} {
		if !strings.Contains(lines, want) {
			t.Errorf("the Pushgateway lacks %s; it has:\n%s", want, lines)
		}
	}
	// A step run again replaces its own group only: skipped; then failed
	// (a key that is not the step's).
	again := []string{"--pushgateway", gw.url, "--metrics-addr", "off", "--run-id", study, "run", "--step", "dataset/d"}
	mustRun(context.Background(), t, reg, append(again, slurmSpec)...)
	stateOf := func() string {
		var states []string
		for _, l := range gatewayMetrics(t, gw, study) {
			if strings.HasPrefix(l, "rgml_run_state{") {
				states = append(states, l)
			}
		}
		return strings.Join(states, "\n")
	}
	if got := stateOf(); !strings.Contains(got, `state="skipped",step="dataset/d"} 1`) || !strings.Contains(got, `state="done",step="training/thermo"} 1`) ||
		strings.Count(got, "\n") != 1 {
		t.Errorf("after the dataset step ran again:\n%s", got)
	}
	if r := rgmlCmd(context.Background(), t, reg, append(again, "--step-key", "0123", slurmSpec)...); r.code != exitUsage {
		t.Errorf("run --step with a wrong key: exit %d, %s", r.code, r.stderr)
	}
	if got := stateOf(); !strings.Contains(got, `state="failed",step="dataset/d"} 1`) || !strings.Contains(got, `state="done",step="training/thermo"} 1`) {
		t.Errorf("after a failed step:\n%s", got)
	}
	r = mustRun(context.Background(), t, reg, "--pushgateway", gw.url, "pushgateway", "delete", study)
	if !strings.Contains(r.stdout, "(2 group(s))") {
		t.Errorf("delete of a study: %q", r.stdout)
	}
	if left := gatewayMetrics(t, gw, study); len(left) > 0 {
		t.Errorf("after delete the Pushgateway still has:\n%s", strings.Join(left, "\n"))
	}

	// Mistakes.
	if r := rgmlCmd(context.Background(), t, reg, "pushgateway", "delete", run); r.code != exitUsage || !strings.Contains(r.stderr, "--pushgateway URL") {
		t.Errorf("delete without --pushgateway: exit %d, %q", r.code, r.stderr)
	}
	dead := "http://" + freeAddr(t)
	r = rgmlCmd(context.Background(), t, reg, "--pushgateway", dead, "--metrics-addr", "off",
		"sample", "--model", "ising", "--param", "T=1", "--per-point", "5", "--L", "4")
	if r.code == 0 || !strings.Contains(r.stderr, "pushing metrics to "+dead) {
		t.Errorf("push to nothing: exit %d, %q", r.code, r.stderr)
	}
}

// The CLI draws a bar on a terminal and writes lines to a log.
func TestProgressOnTerminalAndInLogs(t *testing.T) {
	ptm, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptm.Close()
	got := make(chan []byte)
	go func() { b, _ := io.ReadAll(ptm); got <- b }()
	reg := filepath.Join(t.TempDir(), "registry")
	args := []string{"rgml", "--plugin-dir", pluginDir, "--registry", reg, "--metrics-addr", "off",
		"sample", "--model", "ising", "--param", "T=0:6:0.5", "--per-point", "200", "--L", "16"}
	var stdout bytes.Buffer
	code := run(context.Background(), args, &stdout, tty)
	tty.Close()
	out := string(<-got)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	if !strings.Contains(out, "\r\x1b[K") || !regexp.MustCompile(`sampling ising \[=+\] 100% 2600/2600 configurations`).MatchString(out) {
		t.Errorf("no bar ending at 100%% on the terminal: %q", out)
	}

	var log bytes.Buffer
	args[4] = filepath.Join(t.TempDir(), "registry")
	if code := run(context.Background(), args, &stdout, &log); code != 0 {
		t.Fatalf("exit %d: %s", code, log.String())
	}
	if strings.ContainsAny(log.String(), "\r\x1b") || !strings.Contains(log.String(), "sampling ising: 2600/2600 configurations (100%)") {
		t.Errorf("progress in a log: %q", log.String())
	}
}

// loadGen requests a URL rps times a second, open loop, while it is on.
type loadGen struct {
	on             atomic.Bool
	sent, failed   atomic.Int64
	mu             sync.Mutex
	latencies      []time.Duration
	stop           chan struct{}
	done, inFlight sync.WaitGroup
}

func startLoad(client *http.Client, url string, rps int) *loadGen {
	g := &loadGen{stop: make(chan struct{})}
	g.done.Add(1)
	go func() {
		defer g.done.Done()
		tick := time.NewTicker(time.Second / time.Duration(rps))
		defer tick.Stop()
		for {
			select {
			case <-g.stop:
				g.inFlight.Wait()
				return
			case <-tick.C:
			}
			if !g.on.Load() {
				continue
			}
			g.sent.Add(1)
			g.inFlight.Add(1)
			go func() {
				defer g.inFlight.Done()
				start := time.Now()
				req, _ := http.NewRequest(http.MethodGet, url, nil)
				// As Prometheus asks; Go adds Accept-Encoding: gzip, as
				// Prometheus does.
				req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")
				resp, err := client.Do(req)
				if err != nil {
					g.failed.Add(1)
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK || n == 0 {
					g.failed.Add(1)
					return
				}
				g.mu.Lock()
				g.latencies = append(g.latencies, time.Since(start))
				g.mu.Unlock()
			}()
		}
	}()
	return g
}

func (g *loadGen) close() {
	close(g.stop)
	g.done.Wait()
}

func (g *loadGen) quantile(p float64) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.latencies) == 0 {
		return 0
	}
	l := append([]time.Duration(nil), g.latencies...)
	sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
	return l[int(p*float64(len(l)-1))]
}

// cpuSeconds is the CPU time of this process so far (the rgml host, its
// metrics server and the load generator; not the plugin).
func cpuSeconds() float64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
}

// TestMetricsUnderLoad: /metrics under 200 requests a second for 30 s
// while an RBM trains; no request may fail and the training may not slow
// down by 5 % or more (30 s of load against 15 s before and after). Opt-in
// (RGML_LOADTEST=1): it takes two minutes. On a machine with other work,
// rerun it: as a cross-check it also measures six pairs of 5 s windows
// without and with load (the median of the pairs), and the CPU the host
// process (server and load generator) uses.
func TestMetricsUnderLoad(t *testing.T) {
	if os.Getenv("RGML_LOADTEST") == "" {
		t.Skip("load test: set RGML_LOADTEST=1 to run it (2 minutes)")
	}
	const rps, loadFor, baseFor, window, pairs = 200, 30 * time.Second, 15 * time.Second, 5 * time.Second, 6
	reg := filepath.Join(t.TempDir(), "registry")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	mustRun(ctx, t, reg, "--metrics-addr", "off", "sample", "--model", "ising", "--param", "T=0:6:0.25", "--per-point", "50", "--L", "10", "--name", "train")
	addr := freeAddr(t)
	trained := make(chan result, 1)
	go func() {
		trained <- rgmlCmd(ctx, t, reg, "--metrics-addr", addr, "--plugin-timeout", "10m", "train", "--learner", "rbm",
			"--data", "train", "--set", "hidden=16", "--set", "epochs=100000000", "--set", "pll_every=0",
			"--checkpoint-every", "100000000")
	}()
	defer func() { cancel(); <-trained }()
	metricsURL := "http://" + addr + "/metrics"
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	// The epochs so far. Reads are 1 s or more apart, and ask for no
	// compression (unlike the load): never a cached response.
	epochs := func() float64 {
		req, _ := http.NewRequest(http.MethodGet, metricsURL, nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := client.Do(req)
		if err != nil {
			return -1
		}
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if l := sc.Text(); strings.HasPrefix(l, "rgml_train_epochs_total{") {
				f, _ := strconv.ParseFloat(l[strings.LastIndexByte(l, ' ')+1:], 64)
				return f
			}
		}
		return -1
	}
	eventually(t, 30*time.Second, "the training does not start", func() bool { return epochs() > 100 })
	gen := startLoad(client, metricsURL, rps)
	defer gen.close()
	// rate returns the epochs per second and the host's CPU seconds per
	// second over d, with the load on or off.
	rate := func(d time.Duration, load bool) (float64, float64) {
		gen.on.Store(load)
		e0, c0, t0 := epochs(), cpuSeconds(), time.Now()
		time.Sleep(d)
		e1, c1, t1 := epochs(), cpuSeconds(), time.Now()
		gen.on.Store(false)
		return (e1 - e0) / t1.Sub(t0).Seconds(), (c1 - c0) / t1.Sub(t0).Seconds()
	}

	before, cpuBefore := rate(baseFor, false)
	loaded, cpuLoaded := rate(loadFor, true)
	sent, failed := gen.sent.Load(), gen.failed.Load()
	after, cpuAfter := rate(baseFor, false)
	continuous := 1 - loaded/((before+after)/2)
	t.Logf("30 s of load: %d requests (%.0f/s), %d failed; latency p50 %v, p99 %v, max %v",
		sent, float64(sent)/loadFor.Seconds(), failed, gen.quantile(0.5), gen.quantile(0.99), gen.quantile(1))
	t.Logf("training: %.0f epochs/s before, %.0f under load, %.0f after: slowdown %.1f %%", before, loaded, after, 100*continuous)
	t.Logf("host process CPU: %.1f %% of a core before, %.1f %% under load, %.1f %% after",
		100*cpuBefore, 100*cpuLoaded, 100*cpuAfter)

	var ratios []float64
	prev, _ := rate(window, false)
	for i := 0; i < pairs; i++ {
		on, _ := rate(window, true)
		off, _ := rate(window, false)
		ratios = append(ratios, on/((prev+off)/2))
		prev = off
	}
	sort.Float64s(ratios)
	paired := 1 - (ratios[pairs/2-1]+ratios[pairs/2])/2
	t.Logf("paired 5 s windows: slowdown median %.1f %% (range %.1f … %.1f %%)",
		100*paired, 100*(1-ratios[pairs-1]), 100*(1-ratios[0]))

	if f := gen.failed.Load(); f > 0 {
		t.Errorf("%d of %d requests failed", f, gen.sent.Load())
	}
	if float64(sent) < 0.95*rps*loadFor.Seconds() {
		t.Errorf("only %d requests sent in %v", sent, loadFor)
	}
	if continuous >= 0.05 {
		t.Errorf("the training slowed down by %.1f %% under load", 100*continuous)
	}
}

// BenchmarkTrainEpoch: an RBM training (1250 configurations of 10×10, 16
// hidden units, 5000 epochs) through the CLI with the metrics off, then
// served and scraped ten times a second (Prometheus scrapes every 5 s),
// alternately, so that other work on the machine hits both alike. One op is
// one of each; off-ns/epoch and on-ns/epoch are the commands' wall times
// over their epochs, overhead-% the difference.
func BenchmarkTrainEpoch(b *testing.B) {
	reg := filepath.Join(b.TempDir(), "registry")
	ctx := context.Background()
	mustRun(ctx, b, reg, "--metrics-addr", "off", "sample", "--model", "ising", "--param", "T=0:6:0.25", "--per-point", "50", "--L", "10", "--name", "train")
	const epochs = 5000
	train := []string{"train", "--learner", "rbm", "--data", "train", "--set", "hidden=16",
		"--set", "epochs=" + strconv.Itoa(epochs), "--set", "pll_every=0", "--checkpoint-every", strconv.Itoa(epochs)}
	var off, on time.Duration
	scraped := 0
	for i := 0; i < b.N; i++ {
		start := time.Now()
		mustRun(ctx, b, reg, append([]string{"--metrics-addr", "off"}, train...)...)
		off += time.Since(start)

		addr := freeAddr(b)
		stop := make(chan struct{})
		var scrapes sync.WaitGroup
		scrapes.Add(1)
		go func() {
			defer scrapes.Done()
			tick := time.NewTicker(100 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if resp, err := http.Get("http://" + addr + "/metrics"); err == nil {
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						scraped++
					}
				}
			}
		}()
		start = time.Now()
		mustRun(ctx, b, reg, append([]string{"--metrics-addr", addr}, train...)...)
		on += time.Since(start)
		close(stop)
		scrapes.Wait()
	}
	n := float64(b.N * epochs)
	b.ReportMetric(float64(off.Nanoseconds())/n, "off-ns/epoch")
	b.ReportMetric(float64(on.Nanoseconds())/n, "on-ns/epoch")
	b.ReportMetric(100*(float64(on)/float64(off)-1), "overhead-%")
	b.ReportMetric(float64(scraped)/float64(b.N), "scrapes/op")
}
