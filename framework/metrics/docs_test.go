package metrics

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The monitoring files shipped in docs/ (docs/monitoring.md).
var (
	docsDir       = filepath.Join("..", "..", "docs")
	monitoringDir = filepath.Join(docsDir, "monitoring")
)

// everything returns metrics with a series in every family: all training
// gauges, the catch-all, MC, plugins.
func everything(t testing.TB) *Metrics {
	m := exercised()
	tr := m.Trainer("thermometer", 0, 100)
	all := map[string]float64{"custom_metric": 1}
	for k := range trainingGauges {
		all[k] = 0.5
	}
	tr.Progress(10, 1000, 0.2, all)
	return m
}

// gathered returns the names of the families the registry gathers.
func gathered(t testing.TB, m *Metrics) map[string]bool {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		names[mf.GetName()] = true
	}
	return names
}

// seriesNames returns the names a family exposes series under: histograms
// add _bucket, _sum and _count.
func seriesNames(t testing.TB, m *Metrics) map[string]bool {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, mf := range mfs {
		n := mf.GetName()
		names[n] = true
		switch mf.GetType().String() {
		case "HISTOGRAM":
			names[n+"_bucket"], names[n+"_sum"], names[n+"_count"] = true, true, true
		case "SUMMARY":
			names[n+"_sum"], names[n+"_count"] = true, true
		}
	}
	return names
}

var rgmlName = regexp.MustCompile(`\brgml_[a-z_]+[a-z]\b`)

// docs/monitoring.md lists every rgml_ metric the host exports, and names
// no metric that does not exist.
func TestDocsListEveryMetric(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(docsDir, "monitoring.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	have := seriesNames(t, everything(t))
	for name := range gathered(t, everything(t)) {
		if strings.HasPrefix(name, "rgml_") && !strings.Contains(doc, "`"+name+"`") {
			t.Errorf("docs/monitoring.md does not list %s", name)
		}
	}
	for _, name := range rgmlName.FindAllString(doc, -1) {
		if !have[name] {
			t.Errorf("docs/monitoring.md names %s, which the host does not export", name)
		}
	}
}

// Every metric the dashboard and the alerts query exists (a typo would
// only show as an empty panel). The end-to-end test in cmd/rgml runs the
// queries against a real Prometheus.
func TestDashboardAndAlertsUseExistingMetrics(t *testing.T) {
	have := seriesNames(t, everything(t))
	dash := readDashboard(t)
	var exprs []string
	for _, p := range dash.Panels {
		for _, tg := range p.Targets {
			exprs = append(exprs, tg.Expr)
		}
	}
	if len(exprs) < 10 {
		t.Fatalf("dashboard.json has only %d queries", len(exprs))
	}
	alerts, err := os.ReadFile(filepath.Join(monitoringDir, "alerts.yml"))
	if err != nil {
		t.Fatal(err)
	}
	exprs = append(exprs, string(alerts))
	others := regexp.MustCompile(`\b(?:go|process)_[a-z_]+[a-z]\b`)
	for _, e := range exprs {
		for _, name := range append(rgmlName.FindAllString(e, -1), others.FindAllString(e, -1)...) {
			if !have[name] {
				t.Errorf("%s is not exported by the host (in %q)", name, firstLine(e))
			}
		}
	}
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return s
}

type dashboard struct {
	UID        string `json:"uid"`
	Title      string `json:"title"`
	Templating struct {
		List []struct {
			Name       string          `json:"name"`
			Type       string          `json:"type"`
			Definition string          `json:"definition"`
			Query      json.RawMessage `json:"query"`
		} `json:"list"`
	} `json:"templating"`
	Panels []struct {
		Title   string `json:"title"`
		Type    string `json:"type"`
		Targets []struct {
			Expr string `json:"expr"`
		} `json:"targets"`
	} `json:"panels"`
}

func readDashboard(t testing.TB) dashboard {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(monitoringDir, "grafana", "dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("dashboard.json: %v", err)
	}
	return d
}

// The dashboard has the run_id variable and the panels docs/monitoring.md
// describes, each with queries.
func TestDashboardModel(t *testing.T) {
	d := readDashboard(t)
	if d.UID == "" || d.Title == "" {
		t.Error("dashboard.json lacks uid or title")
	}
	found := false
	for _, v := range d.Templating.List {
		if v.Name == "run_id" {
			found = true
			if v.Type != "query" || v.Definition != "label_values(rgml_run_info, run_id)" ||
				!strings.Contains(string(v.Query), "label_values(rgml_run_info, run_id)") {
				t.Errorf("variable run_id: %+v", v)
			}
		}
	}
	if !found {
		t.Error("dashboard.json has no run_id variable")
	}
	want := map[string][]string{
		"Losses":                    {"rgml_train_loss", "rgml_test_loss"},
		"Reconstruction error":      {"rgml_train_reconstruction_error"},
		"Throughput":                {"rate(rgml_train_epochs_total", "rate(rgml_train_samples_total"},
		"Epoch vs planned":          {"rgml_train_epoch{", "rgml_train_epochs{"},
		"Step time quantiles":       {"histogram_quantile(0.5,", "histogram_quantile(0.9,", "rgml_train_step_duration_seconds_bucket"},
		"Stall time":                {"time() - rgml_last_progress_timestamp_seconds"},
		"Memory":                    {"process_resident_memory_bytes"},
		"Plugin starts and crashes": {"rgml_plugin_starts_total", "rgml_plugin_crashes_total"},
		"MC acceptance":             {"rgml_mc_acceptance_ratio"},
		"MC mean cluster size":      {"rgml_mc_mean_cluster_size", "rgml_mc_cluster_spins_total", "rgml_mc_clusters_total"},
	}
	for _, p := range d.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no queries", p.Title)
		}
		var all strings.Builder
		for _, tg := range p.Targets {
			if !strings.Contains(tg.Expr, `run_id=~"$run_id"`) {
				t.Errorf("panel %q: query %q does not select $run_id", p.Title, tg.Expr)
			}
			all.WriteString(tg.Expr + "\n")
		}
		if w, ok := want[p.Title]; ok {
			for _, s := range w {
				if !strings.Contains(all.String(), s) {
					t.Errorf("panel %q lacks %s", p.Title, s)
				}
			}
			delete(want, p.Title)
		}
	}
	for title := range want {
		t.Errorf("dashboard.json has no panel %q", title)
	}
}

func promtool(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("promtool")
	if err != nil {
		t.Skip("promtool not installed (Debian: apt-get install prometheus; .ci/run installs it)")
	}
	return p
}

func runPromtool(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command(promtool(t), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	if !strings.Contains(string(out), "SUCCESS") {
		t.Errorf("promtool %s:\n%s", strings.Join(args, " "), out)
	}
}

func TestPromtoolCheckConfig(t *testing.T) {
	runPromtool(t, "check", "config", filepath.Join(monitoringDir, "prometheus.yml"))
}

func TestPromtoolCheckRules(t *testing.T) {
	runPromtool(t, "check", "rules", filepath.Join(monitoringDir, "alerts.yml"))
}

// alerts_test.yml: the alerts with their shipped thresholds on synthetic
// series (stall after 10 minutes only while scraped, NaN losses, crashes
// scraped and pushed).
func TestPromtoolAlertUnitTests(t *testing.T) {
	runPromtool(t, "test", "rules", filepath.Join(monitoringDir, "alerts_test.yml"))
}

// A plugin that started has a crash counter at 0: the dashboard shows 0
// crashes, and RgmlPluginCrashed sees the increase when it crashes.
func TestCrashCounterStartsAtZero(t *testing.T) {
	m := New("r")
	m.PluginStarted("ising")
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "rgml_plugin_crashes_total" {
			if v := mf.GetMetric()[0].GetCounter().GetValue(); v != 0 || math.IsNaN(v) {
				t.Errorf("crashes of a started plugin: %v", v)
			}
			return
		}
	}
	t.Error("no rgml_plugin_crashes_total series after a plugin start")
}
