package ui

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/rgml/rgml/registry"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Options configure a Server.
type Options struct {
	Store *registry.Store
	// Cache is the folder figures are drawn into, one subfolder per
	// entry or run; "" makes a temporary one that Close removes.
	Cache string
	// Poll is how often a live curve reads what its progress file (or,
	// without one, its newest checkpoint) gained (DefaultPoll if 0).
	Poll time.Duration
	// DrawTimeout bounds the drawing of one page of figures
	// (DefaultDrawTimeout if 0).
	DrawTimeout time.Duration
}

// DefaultPoll: a live curve follows a training within half a second of
// its report, well within the second aimed at. A read is only the bytes
// appended since the last; following checkpoints (an rgml before
// progress files) decodes each new one whole, and at four reads a second
// cost a training 2-7 % on a loaded machine (BenchmarkTrainViewed,
// cmd/rgml).
const DefaultPoll = 500 * time.Millisecond

// DefaultDrawTimeout: a report of a full study draws ~80 figures in about
// a minute on two cores; ten leaves room for a loaded machine.
const DefaultDrawTimeout = 10 * time.Minute

// Server serves the pages of one registry.
type Server struct {
	o        Options
	tmpl     *template.Template
	cache    string
	ownCache bool
	draw     sync.Mutex // one drawing at a time: it is CPU-bound
}

// New returns a server of o.Store.
func New(o Options) (*Server, error) {
	if o.Store == nil {
		return nil, errors.New("ui: no registry")
	}
	if o.Poll <= 0 {
		o.Poll = DefaultPoll
	}
	if o.DrawTimeout <= 0 {
		o.DrawTimeout = DefaultDrawTimeout
	}
	t, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, tmpl: t, cache: o.Cache}
	if s.cache == "" {
		if s.cache, err = os.MkdirTemp("", "rgml-ui-"); err != nil {
			return nil, err
		}
		s.ownCache = true
	}
	return s, nil
}

// Close removes the figures drawn into a temporary cache.
func (s *Server) Close() error {
	if s.ownCache {
		return os.RemoveAll(s.cache)
	}
	return nil
}

// Handler returns the server's routes. Every route reads; none writes.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(assetFS, "assets")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	// Browsers ask for /favicon.ico on every page, the reports' too.
	mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(w, r, static, "icon.svg")
	})
	mux.HandleFunc("GET /{$}", s.runsPage)
	mux.HandleFunc("GET /list/{kind}", s.listPage)
	mux.HandleFunc("GET /entry/{digest}", s.entryPage)
	mux.HandleFunc("GET /lineage/{digest}", s.lineagePage)
	mux.HandleFunc("GET /compare", s.comparePage)
	mux.HandleFunc("GET /figures/{digest}/{file...}", s.figures)
	mux.HandleFunc("GET /live", s.livePage)
	mux.HandleFunc("GET /live/view/{id...}", s.liveView)
	mux.HandleFunc("GET /live/events/{id...}", s.liveEvents)
	mux.HandleFunc("GET /live/flow/{id...}", s.liveFlowView)
	mux.HandleFunc("GET /live/flow-events/{id...}", s.liveFlowEvents)
	return mux
}

// ErrPortBusy: another process listens on the address.
var ErrPortBusy = errors.New("address already in use")

// Listen listens on addr (HOST:PORT); an address another process holds
// is ErrPortBusy.
func Listen(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, fmt.Errorf("%s: %w", addr, ErrPortBusy)
	}
	return ln, err
}

// IsLoopback reports whether addr (HOST:PORT) is reachable from this
// machine only: localhost or a loopback IP. An empty host is every
// interface, not loopback.
func IsLoopback(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, err
	}
	if host == "localhost" {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// ShutdownTimeout bounds how long Serve waits for requests in flight
// once its context ends.
const ShutdownTimeout = 5 * time.Second

// Serve serves h on ln until ctx ends (Ctrl-C), then stops: live curves
// end with the context, other requests get ShutdownTimeout to finish.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	base, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return base }}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	cancel() // ends the event streams, which would hold Shutdown up
	sctx, stop := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer stop()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-done
	return nil
}
