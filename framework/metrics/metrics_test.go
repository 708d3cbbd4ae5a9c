package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func exercised() *Metrics {
	m := New("r1")
	m.SetInfo("train", "", "rbm", "test")
	m.Sampled("ising", 100, 1000, 400)
	m.SetAcceptance("ising", 0.4)
	m.SampledClusters("ising", 10, 50, 3000)
	m.SetMeanClusterSize("ising", 60)
	tr := m.Trainer("rbm", 0, 10)
	tr.Progress(2, 200, 0.5, map[string]float64{"reconstruction_error": 0.25, "learning_rate": 0.1, "custom": 3})
	tr.Progress(5, 500, 1.1, map[string]float64{"reconstruction_error": 0.125})
	m.PluginStarted("rbm")
	m.PluginCrashed("rbm")
	m.ObserveRPC("rbm", "training", 1500e6)
	return m
}

// promlint: names, units, help texts.
func TestLint(t *testing.T) {
	problems, err := testutil.GatherAndLint(exercised().Registry)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Errorf("promlint: %s: %s", p.Metric, p.Text)
	}
}

func TestValues(t *testing.T) {
	m := exercised()
	host, _ := os.Hostname()
	want := `
# HELP rgml_train_epochs_total Training epochs completed.
# TYPE rgml_train_epochs_total counter
rgml_train_epochs_total{learner="rbm",run_id="r1"} 5
# HELP rgml_train_samples_total Configurations processed by training.
# TYPE rgml_train_samples_total counter
rgml_train_samples_total{learner="rbm",run_id="r1"} 500
# HELP rgml_train_reconstruction_error Mean squared difference between configurations and their RBM reconstructions.
# TYPE rgml_train_reconstruction_error gauge
rgml_train_reconstruction_error{learner="rbm",run_id="r1"} 0.125
# HELP rgml_train_metric Other training metrics reported by the learner, by name.
# TYPE rgml_train_metric gauge
rgml_train_metric{learner="rbm",name="custom",run_id="r1"} 3
# HELP rgml_mc_attempts_total Single-spin Monte Carlo moves attempted.
# TYPE rgml_mc_attempts_total counter
rgml_mc_attempts_total{model="ising",run_id="r1"} 1000
# HELP rgml_plugin_crashes_total Plugin processes that crashed or hung.
# TYPE rgml_plugin_crashes_total counter
rgml_plugin_crashes_total{plugin="rbm",run_id="r1"} 1
# HELP rgml_run_info Metadata of the run: always 1.
# TYPE rgml_run_info gauge
rgml_run_info{command="train",learner="rbm",model="",node="` + host + `",run_id="r1",version="test"} 1
`
	err := testutil.GatherAndCompare(m.Registry, strings.NewReader(want),
		"rgml_train_epochs_total", "rgml_train_samples_total", "rgml_train_reconstruction_error",
		"rgml_train_metric", "rgml_mc_attempts_total", "rgml_plugin_crashes_total", "rgml_run_info")
	if err != nil {
		t.Error(err)
	}
	// 5 epochs in 1.1 s: every epoch observed once in the step histogram.
	if n := testutil.CollectAndCount(m.stepDuration); n != 1 {
		t.Errorf("step duration series: %d", n)
	}
}

func TestServe(t *testing.T) {
	m := exercised()
	srv, err := Serve("127.0.0.1:0", m.Gatherer())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	resp, err := http.Get("http://" + srv.Addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"rgml_train_epoch{", "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if _, err := Serve(srv.Addr, m.Gatherer()); err == nil {
		t.Error("a second server on the same address started")
	}
}

// A study step's series all carry step=STEP when served, and its run
// info names the node it ran on.
func TestStepLabelsEverySeries(t *testing.T) {
	m := exercised()
	host, _ := os.Hostname()
	if got := testutil.ToFloat64(m.runInfo.WithLabelValues("r1", "train", "", "rbm", "test", host)); got != 1 {
		t.Errorf("rgml_run_info with node=%q: %v", host, got)
	}
	mfs, err := m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, x := range mf.Metric {
			for _, l := range x.Label {
				if l.GetName() == StepLabel {
					t.Fatalf("%s has a step label before SetStep", mf.GetName())
				}
			}
		}
	}
	m.SetStep("train/rbm-64")
	m.SetState(StateSkipped)
	mfs, err = m.Gatherer().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		for _, x := range mf.Metric {
			n := 0
			for i, l := range x.Label {
				if l.GetName() == StepLabel && l.GetValue() == "train/rbm-64" {
					n++
				}
				if i > 0 && x.Label[i-1].GetName() >= l.GetName() {
					t.Errorf("%s: labels out of order: %v", mf.GetName(), x.Label)
				}
			}
			if n != 1 {
				t.Errorf("%s %v: want one step label", mf.GetName(), x.Label)
			}
		}
	}
	// The registry itself stays unlabelled: a push leaves the step to the
	// grouping key (a pushed label may not repeat one).
	if err := testutil.GatherAndCompare(m.Registry, strings.NewReader(`
# HELP rgml_run_state State of the run: 1 for its current state (running, done, skipped, failed).
# TYPE rgml_run_state gauge
rgml_run_state{run_id="r1",state="skipped"} 1
`), "rgml_run_state"); err != nil {
		t.Error(err)
	}
}

// PushEvery pushes the step's group at once (a batch job shows while it
// works) and pushes nothing after stop returns, so that the final push
// is the last word. The server records what it is sent.
func TestPushEvery(t *testing.T) {
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	m := New("study-1")
	m.SetStep("training/rbm-h4")
	stop := m.PushEvery(srv.URL, time.Hour, func(err error) { t.Error(err) })
	for {
		mu.Lock()
		n := len(paths)
		mu.Unlock()
		if n > 0 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	mu.Lock()
	defer mu.Unlock()
	// "/" in a grouping value is sent base64-encoded (URL-safe). The push
	// client writes the grouping labels in map order: either order is
	// the same group.
	want := []string{
		"PUT /metrics/job/rgml/instance/study-1/step@base64/dHJhaW5pbmcvcmJtLWg0",
		"PUT /metrics/job/rgml/step@base64/dHJhaW5pbmcvcmJtLWg0/instance/study-1",
	}
	if len(paths) != 1 || (paths[0] != want[0] && paths[0] != want[1]) {
		t.Errorf("pushes %v, want one of %v", paths, want)
	}
}

// Counts a plugin sent negative (refused by the sampler afterwards) leave
// the counters as they were instead of panicking the host.
func TestNegativeCountsDoNotPanic(t *testing.T) {
	m := New("r1")
	m.Sampled("m", 2, 10, 4)
	m.Sampled("m", -1, 5, -7)
	m.SampledClusters("m", -3, 4, -100)
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]float64{"rgml_mc_configurations_total": 2, "rgml_mc_attempts_total": 15, "rgml_mc_accepted_total": 4,
		"rgml_mc_clusters_total": 4, "rgml_mc_cluster_spins_total": 0} {
		got := -1.0
		for _, mf := range mfs {
			if mf.GetName() == name {
				got = mf.GetMetric()[0].GetCounter().GetValue()
			}
		}
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
}
