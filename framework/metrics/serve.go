package metrics

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/push"
	dto "github.com/prometheus/client_model/go"
	"github.com/rgml/rgml/framework/internal/clip"
)

// DefaultAddr is where the host serves /metrics unless told otherwise:
// loopback only, a port of its own (docs/monitoring/prometheus.yml scrapes
// it).
const DefaultAddr = "127.0.0.1:9477"

// Server serves /metrics over HTTP.
type Server struct {
	Addr string // the address actually listened on
	srv  *http.Server
	done chan struct{}
}

// Serve starts serving the metrics g gathers (a *prometheus.Registry, or
// Metrics.Gatherer) at addr ("host:port"; port 0 picks a free one) under
// /metrics. Requests less than ScrapeCacheAge apart get the same response.
func Serve(addr string, g prometheus.Gatherer) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serving metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", newCachedHandler(
		promhttp.HandlerFor(g, promhttp.HandlerOpts{EnableOpenMetrics: true}), ScrapeCacheAge))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintln(w, "rgml: metrics at /metrics")
	})
	s := &Server{Addr: ln.Addr().String(), done: make(chan struct{}),
		srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go func() {
		defer close(s.done)
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = err // the listener is gone; nothing left to serve
		}
	}()
	return s, nil
}

// Close stops the server, letting scrapes in flight finish for a moment.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := s.srv.Shutdown(ctx)
	<-s.done
	return err
}

// Job is the Pushgateway job name rgml pushes under. A run's group is
// keyed by instance=RUN_ID, and a study step's (Metrics.SetStep) by
// instance=RUN_ID and step=STEP, so that the batch jobs of one study keep
// a group each. (A grouping label may not repeat a metric label: the
// run_id is in the metrics, and the step is left to the grouping key,
// which the Pushgateway adds to every series of the group.)
const Job = "rgml"

// StepLabel is the label that tells the steps of a study apart.
const StepLabel = "step"

// Gatherer returns what Serve should expose: the registry's metrics, with
// step=STEP on every series once SetStep was called, as they look when
// pushed (Push).
func (m *Metrics) Gatherer() prometheus.Gatherer {
	return prometheus.GathererFunc(func() ([]*dto.MetricFamily, error) {
		mfs, err := m.Registry.Gather()
		step := m.Step()
		if step == "" {
			return mfs, err
		}
		name := StepLabel
		for _, mf := range mfs {
			for _, x := range mf.Metric {
				// Each Gather builds new metrics: adding to them is safe.
				i := sort.Search(len(x.Label), func(i int) bool { return x.Label[i].GetName() >= name })
				x.Label = append(x.Label, nil)
				copy(x.Label[i+1:], x.Label[i:])
				x.Label[i] = &dto.LabelPair{Name: &name, Value: &step}
			}
		}
		return mfs, err
	})
}

// Push sends the run's metrics to a Pushgateway, replacing its group (the
// run's, or the step's: see Job), for jobs that may end before Prometheus
// scrapes them or run where it cannot scrape them.
func (m *Metrics) Push(ctx context.Context, url string) error {
	p := push.New(url, Job).Grouping("instance", m.runID).Gatherer(m.Registry).Client(boundedDoer{})
	if step := m.Step(); step != "" {
		p = p.Grouping(StepLabel, step)
	}
	if err := p.PushContext(ctx); err != nil {
		return fmt.Errorf("pushing metrics to %s: %s", url, oneLine(err.Error()))
	}
	return nil
}

// maxPushReply bounds what is read of a Pushgateway's reply to a push:
// the push client quotes a failed push's whole reply in its error, and a
// gateway (or whatever answers at its address) may send megabytes.
const maxPushReply = 4 << 10

// boundedDoer is http.DefaultClient reading at most maxPushReply bytes of
// a reply.
type boundedDoer struct{}

func (boundedDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultClient.Do(r)
	if resp != nil {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, maxPushReply), resp.Body}
	}
	return resp, err
}

// oneLine makes an error quoting a server's reply one line of at most
// 300 bytes.
func oneLine(msg string) string {
	return clip.Bytes(strings.Join(strings.Fields(msg), " "), 300)
}

// DeletePushed removes a run's groups from a Pushgateway: the run's own
// and those of each of its steps. It returns how many groups it deleted.
func DeletePushed(url, runID string) (int, error) {
	groups, err := pushedGroups(url)
	if err != nil {
		return 0, fmt.Errorf("deleting run %s from %s: %w", runID, url, err)
	}
	n := 0
	for _, g := range groups {
		if g["job"] != Job || g["instance"] != runID {
			continue
		}
		p := push.New(url, Job)
		for k, v := range g {
			if k != "job" {
				p = p.Grouping(k, v)
			}
		}
		if err := p.Delete(); err != nil {
			return n, fmt.Errorf("deleting run %s from %s: %w", runID, url, err)
		}
		n++
	}
	return n, nil
}

// pushedGroups lists the grouping labels of every group a Pushgateway
// holds (its API, /api/v1/metrics, Pushgateway 1.0 or later).
func pushedGroups(url string) ([]map[string]string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(url, "/")+"/api/v1/metrics", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("listing its groups: %s (a Pushgateway 1.0 or later?)", resp.Status)
	}
	var body struct {
		Data []struct {
			Labels map[string]string `json:"labels"`
		} `json:"data"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("listing its groups: %w", err)
	}
	groups := make([]map[string]string, 0, len(body.Data))
	for _, d := range body.Data {
		groups = append(groups, d.Labels)
	}
	return groups, nil
}

// StepPushInterval is how often a study step pushes while it works
// (PushEvery): often enough for a dashboard of a study whose steps take
// minutes to hours, rare enough that hundreds of jobs cost a Pushgateway
// little.
const StepPushInterval = 30 * time.Second

// PushEvery pushes the run's metrics now and then every interval, so that
// a batch job Prometheus cannot scrape shows on the dashboard while it
// works. A failed push is passed to failed and the pushes go on. stop ends
// them and returns once no push is in flight, so that a final Push comes
// last.
func (m *Metrics) PushEvery(url string, interval time.Duration, failed func(error)) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			pctx, pcancel := context.WithTimeout(ctx, 10*time.Second)
			err := m.Push(pctx, url)
			pcancel()
			if err != nil && ctx.Err() == nil {
				failed(err)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { cancel(); <-done }
}
