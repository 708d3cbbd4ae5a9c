package metrics

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/prometheus/client_golang/prometheus/push"
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

// Serve starts serving the registry's metrics at addr ("host:port"; port 0
// picks a free one) under /metrics. Requests less than ScrapeCacheAge apart
// get the same response.
func Serve(addr string, reg *prometheus.Registry) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("serving metrics on %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", newCachedHandler(
		promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg, EnableOpenMetrics: true}), ScrapeCacheAge))
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

// Job is the Pushgateway job name rgml pushes under. The run's group is
// keyed by instance=RUN_ID (the metrics carry run_id themselves, and a
// grouping label may not repeat a metric label).
const Job = "rgml"

// Push sends the registry's metrics to a Pushgateway, replacing the run's
// group, for jobs that may end before Prometheus scrapes them.
func Push(ctx context.Context, url, runID string, reg *prometheus.Registry) error {
	err := push.New(url, Job).Grouping("instance", runID).Gatherer(reg).PushContext(ctx)
	if err != nil {
		return fmt.Errorf("pushing metrics to %s: %w", url, err)
	}
	return nil
}

// DeletePushed removes a run's group from a Pushgateway.
func DeletePushed(url, runID string) error {
	if err := push.New(url, Job).Grouping("instance", runID).Delete(); err != nil {
		return fmt.Errorf("deleting run %s from %s: %w", runID, url, err)
	}
	return nil
}
