package metrics

import (
	"os"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the host's metrics for one run.
type Metrics struct {
	Registry *prometheus.Registry
	runID    string

	runInfo *prometheus.GaugeVec
	start   prometheus.Gauge
	state   *prometheus.GaugeVec
	node    string

	mu        sync.Mutex
	step      string // the study step this process runs (rgml run --step), "" for none
	stateName string

	// Monte Carlo.
	mcConfigs  *prometheus.CounterVec
	mcAttempts *prometheus.CounterVec
	mcAccepted *prometheus.CounterVec
	// Cluster algorithms (Wolff) count clusters and flipped spins: their
	// ratio is a mean cluster size, kept apart from acceptance ratios.
	mcClusters, mcClusterSpins *prometheus.CounterVec
	mcClusterSize              *prometheus.GaugeVec
	mcAccept                   *prometheus.GaugeVec

	// Training.
	epochs       *prometheus.CounterVec
	samples      *prometheus.CounterVec
	epoch        *prometheus.GaugeVec
	epochsPlan   *prometheus.GaugeVec
	known        map[string]*prometheus.GaugeVec
	other        *prometheus.GaugeVec
	stepDuration *prometheus.HistogramVec
	lastProgress prometheus.Gauge

	// Plugins.
	rpcDuration *prometheus.HistogramVec
	starts      *prometheus.CounterVec
	crashes     *prometheus.CounterVec
}

// Training metrics with a name of their own: the learner's metric name →
// the Prometheus name and help. Other learner metrics go to
// rgml_train_metric{name="…"}.
var trainingGauges = map[string][2]string{
	"train_loss":            {"rgml_train_loss", "Training loss (cross-entropy for the thermometer) at the last reported epoch."},
	"test_loss":             {"rgml_test_loss", "Loss on the held-out test set at the last evaluation."},
	"reconstruction_error":  {"rgml_train_reconstruction_error", "Mean squared difference between configurations and their RBM reconstructions."},
	"pseudo_log_likelihood": {"rgml_train_pseudo_log_likelihood", "Pseudo-log-likelihood per spin of the training data under the RBM."},
	"learning_rate":         {"rgml_train_learning_rate", "Learning rate in use."},
	"weight_norm":           {"rgml_train_weight_norm", "Frobenius norm of the weight matrix."},
	"train_accuracy":        {"rgml_train_accuracy_ratio", "Fraction of training configurations classified correctly."},
}

// New creates the metrics of a run in a fresh registry, with the Go and
// process collectors.
func New(runID string) *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	model := []string{"run_id", "model"}
	learner := []string{"run_id", "learner"}
	m := &Metrics{
		Registry: reg,
		runID:    runID,
		runInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "rgml_run_info",
			Help: "Metadata of the run: always 1."}, []string{"run_id", "command", "model", "learner", "version", "node"}),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "rgml_run_state",
			Help: "State of the run: 1 for its current state (running, done, skipped, failed)."}, []string{"run_id", "state"}),
		start: prometheus.NewGauge(prometheus.GaugeOpts{Name: "rgml_run_start_time_seconds",
			Help: "Unix time the run started.", ConstLabels: prometheus.Labels{"run_id": runID}}),
		mcConfigs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_mc_configurations_total",
			Help: "Configurations received from the model plugin."}, model),
		mcAttempts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_mc_attempts_total",
			Help: "Single-spin Monte Carlo moves attempted."}, model),
		mcAccepted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_mc_accepted_total",
			Help: "Single-spin Monte Carlo moves accepted."}, model),
		mcClusters: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_mc_clusters_total",
			Help: "Clusters flipped by a cluster algorithm (Wolff)."}, model),
		mcClusterSpins: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_mc_cluster_spins_total",
			Help: "Spins flipped by the clusters of a cluster algorithm (Wolff)."}, model),
		mcClusterSize: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "rgml_mc_mean_cluster_size",
			Help: "Mean number of spins per cluster of a cluster algorithm since the start of the run."}, model),
		mcAccept: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "rgml_mc_acceptance_ratio",
			Help: "Accepted over attempted moves since the start of the run."}, model),
		epochs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_train_epochs_total",
			Help: "Training epochs completed."}, learner),
		samples: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_train_samples_total",
			Help: "Configurations processed by training."}, learner),
		epoch: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "rgml_train_epoch",
			Help: "Current training epoch."}, learner),
		epochsPlan: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "rgml_train_epochs",
			Help: "Epochs the training will run in all."}, learner),
		other: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "rgml_train_metric",
			Help: "Other training metrics reported by the learner, by name."}, []string{"run_id", "learner", "name"}),
		stepDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rgml_train_step_duration_seconds",
			Help:    "Wall time per training epoch, averaged over each progress report.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 18)}, learner),
		lastProgress: prometheus.NewGauge(prometheus.GaugeOpts{Name: "rgml_last_progress_timestamp_seconds",
			Help: "Unix time of the last progress from any plugin: alert when it stops moving.", ConstLabels: prometheus.Labels{"run_id": runID}}),
		rpcDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "rgml_plugin_rpc_duration_seconds",
			Help:    "Duration of plugin calls.",
			Buckets: prometheus.ExponentialBuckets(0.001, 4, 12)}, []string{"run_id", "plugin", "method"}),
		starts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_plugin_starts_total",
			Help: "Plugin processes started."}, []string{"run_id", "plugin"}),
		crashes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "rgml_plugin_crashes_total",
			Help: "Plugin processes that crashed or hung."}, []string{"run_id", "plugin"}),
		known: map[string]*prometheus.GaugeVec{},
	}
	names := make([]string, 0, len(trainingGauges))
	for k := range trainingGauges {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		g := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: trainingGauges[k][0], Help: trainingGauges[k][1]}, learner)
		m.known[k] = g
		reg.MustRegister(g)
	}
	m.node, _ = os.Hostname()
	reg.MustRegister(m.runInfo, m.start, m.state, m.mcConfigs, m.mcAttempts, m.mcAccepted, m.mcAccept,
		m.mcClusters, m.mcClusterSpins, m.mcClusterSize,
		m.epochs, m.samples, m.epoch, m.epochsPlan, m.other, m.stepDuration, m.lastProgress,
		m.rpcDuration, m.starts, m.crashes)
	m.start.SetToCurrentTime()
	m.lastProgress.SetToCurrentTime()
	m.SetState(StateRunning)
	return m
}

// RunID returns the run's id.
func (m *Metrics) RunID() string { return m.runID }

// SetInfo records the run's metadata, replacing what was set before. The
// node (the host name) is added: on a cluster, it says where a step ran.
func (m *Metrics) SetInfo(command, model, learner, version string) {
	m.runInfo.Reset()
	m.runInfo.WithLabelValues(m.runID, command, model, learner, version, m.node).Set(1)
}

// States of a run, the state label of rgml_run_state.
const (
	StateRunning = "running"
	StateDone    = "done"
	StateSkipped = "skipped" // rgml run --step: the step's result existed
	StateFailed  = "failed"
)

// SetState records the run's state; only the current one is exported, so
// that a table of runs shows one state per run.
func (m *Metrics) SetState(state string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.stateName = state
	m.state.Reset()
	m.state.WithLabelValues(m.runID, state).Set(1)
}

// State returns the run's current state.
func (m *Metrics) State() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.stateName
}

// SetStep marks this process as one step of a study (rgml run --step, a
// batch job): every series it exports gets the label step=STEP, and its
// pushes go to a Pushgateway group of their own (Push). The jobs of a
// study share its run id; the step tells them apart.
func (m *Metrics) SetStep(step string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.step = step
}

// Step returns the step set by SetStep, "" for none.
func (m *Metrics) Step() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.step
}

// Touch records progress now.
func (m *Metrics) Touch() { m.lastProgress.SetToCurrentTime() }

// count adds n to c. The counts come from plugins: a negative one (a
// plugin's bug, refused by the caller) must not panic the host, which a
// Prometheus counter does on a decrease.
func count[N int | int64](c prometheus.Counter, n N) {
	if n > 0 {
		c.Add(float64(n))
	}
}

// Sampled records a chunk of configurations from a model.
func (m *Metrics) Sampled(model string, configs int, attempts, accepted int64) {
	count(m.mcConfigs.WithLabelValues(m.runID, model), configs)
	if attempts > 0 {
		count(m.mcAttempts.WithLabelValues(m.runID, model), attempts)
		count(m.mcAccepted.WithLabelValues(m.runID, model), accepted)
	}
	m.Touch()
}

// SampledClusters records a chunk of configurations from a cluster
// algorithm: clusters flipped and the spins they held.
func (m *Metrics) SampledClusters(model string, configs int, clusters, spins int64) {
	count(m.mcConfigs.WithLabelValues(m.runID, model), configs)
	if clusters > 0 {
		count(m.mcClusters.WithLabelValues(m.runID, model), clusters)
		count(m.mcClusterSpins.WithLabelValues(m.runID, model), spins)
	}
	m.Touch()
}

// SetMeanClusterSize sets the mean cluster size so far.
func (m *Metrics) SetMeanClusterSize(model string, size float64) {
	m.mcClusterSize.WithLabelValues(m.runID, model).Set(size)
}

// SetAcceptance sets the acceptance ratio so far.
func (m *Metrics) SetAcceptance(model string, ratio float64) {
	m.mcAccept.WithLabelValues(m.runID, model).Set(ratio)
}

// Trainer follows one training; its Progress method is called with every
// progress event.
type Trainer struct {
	m                *Metrics
	learner          string
	epochs, samples  prometheus.Counter
	epoch            prometheus.Gauge
	step             prometheus.Observer
	gauges           map[string]prometheus.Gauge
	startEpoch       int
	lastEpoch        int
	lastWall         float64
	lastSamples      int64
	firstSeenSamples bool
}

// Trainer returns the tracker of a training by learner, starting at epoch
// startEpoch (non-zero when resuming) and planned to run epochs epochs.
func (m *Metrics) Trainer(learner string, startEpoch, epochs int) *Trainer {
	t := &Trainer{
		m: m, learner: learner, lastEpoch: startEpoch, startEpoch: startEpoch,
		epochs:  m.epochs.WithLabelValues(m.runID, learner),
		samples: m.samples.WithLabelValues(m.runID, learner),
		epoch:   m.epoch.WithLabelValues(m.runID, learner),
		step:    m.stepDuration.WithLabelValues(m.runID, learner),
		gauges:  map[string]prometheus.Gauge{},
	}
	t.epochs.Add(0)
	t.samples.Add(0)
	t.epoch.Set(float64(startEpoch))
	m.epochsPlan.WithLabelValues(m.runID, learner).Set(float64(epochs))
	return t
}

// Progress records a progress event: epoch, samples, wall seconds since
// the start of the training call, and the learner's metrics by name.
func (t *Trainer) Progress(epoch int, samples int64, wallSeconds float64, metrics map[string]float64) {
	if d := epoch - t.lastEpoch; d > 0 {
		t.epochs.Add(float64(d))
		if dt := wallSeconds - t.lastWall; dt > 0 {
			per := dt / float64(d)
			// One observation per epoch would cost as much as the
			// epoch for fast trainings; the report's mean stands for
			// each of its epochs.
			for i := 0; i < min(d, 64); i++ {
				t.step.Observe(per)
			}
		}
		t.lastEpoch, t.lastWall = epoch, wallSeconds
	}
	if !t.firstSeenSamples {
		// Learners count samples from epoch 0; a resumed training starts
		// at startEpoch, whose samples this run did not process.
		t.firstSeenSamples = true
		if start := t.startEpoch; start > 0 && epoch > 0 {
			t.lastSamples = samples / int64(epoch) * int64(start)
		}
	}
	if samples > t.lastSamples {
		t.samples.Add(float64(samples - t.lastSamples))
		t.lastSamples = samples
	}
	t.epoch.Set(float64(epoch))
	for name, v := range metrics {
		g, ok := t.gauges[name]
		if !ok {
			if vec, known := t.m.known[name]; known {
				g = vec.WithLabelValues(t.m.runID, t.learner)
			} else {
				g = t.m.other.WithLabelValues(t.m.runID, t.learner, name)
			}
			t.gauges[name] = g
		}
		g.Set(v)
	}
	t.m.Touch()
}

// PluginStarted counts a plugin launch. It also creates the plugin's crash
// counter at 0, so that a crash shows as an increase (alerts.yml) and the
// dashboard shows the plugin's crashes as 0 rather than "no data".
func (m *Metrics) PluginStarted(plugin string) {
	m.starts.WithLabelValues(m.runID, plugin).Inc()
	m.crashes.WithLabelValues(m.runID, plugin).Add(0)
}

// PluginCrashed counts a plugin that crashed or hung.
func (m *Metrics) PluginCrashed(plugin string) { m.crashes.WithLabelValues(m.runID, plugin).Inc() }

// ObserveRPC records the duration of a plugin call.
func (m *Metrics) ObserveRPC(plugin, method string, d time.Duration) {
	m.rpcDuration.WithLabelValues(m.runID, plugin, method).Observe(d.Seconds())
}
