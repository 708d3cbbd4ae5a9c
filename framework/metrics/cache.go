package metrics

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

// ScrapeCacheAge is how long Serve reuses a /metrics response. One
// collection reads /proc and the Go runtime and encodes (gzips) the result:
// about a millisecond of CPU, which a training would feel at hundreds of
// scrapes a second (several Prometheus servers, a scrape interval set far
// too short, a load test). A Prometheus scraping every second or slower
// always gets a fresh response.
const ScrapeCacheAge = 500 * time.Millisecond

// cachedHandler serves next's responses again for requests within maxAge
// of one another that ask for the same format and encoding. Concurrent
// requests for a stale response wait for one collection.
type cachedHandler struct {
	next   http.Handler
	maxAge time.Duration
	now    func() time.Time

	mu      sync.Mutex
	entries map[string]*cachedResponse
}

type cachedResponse struct {
	at     time.Time
	header http.Header
	body   []byte
}

func newCachedHandler(next http.Handler, maxAge time.Duration) *cachedHandler {
	return &cachedHandler{next: next, maxAge: maxAge, now: time.Now, entries: map[string]*cachedResponse{}}
}

func (h *cachedHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.next.ServeHTTP(w, r)
		return
	}
	key := r.Header.Get("Accept") + "\x00" + r.Header.Get("Accept-Encoding")
	h.mu.Lock()
	e, ok := h.entries[key]
	if !ok || h.now().Sub(e.at) >= h.maxAge {
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		h.next.ServeHTTP(rec, r)
		if rec.status != http.StatusOK {
			h.mu.Unlock()
			rec.writeTo(w)
			return
		}
		if len(h.entries) >= 16 { // clients with odd headers: keep a few
			clear(h.entries)
		}
		e = &cachedResponse{at: h.now(), header: rec.header, body: rec.body.Bytes()}
		h.entries[key] = e
	}
	h.mu.Unlock()
	for k, v := range e.header {
		w.Header()[k] = append([]string(nil), v...)
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		w.Write(e.body)
	}
}

// recorder is the http.ResponseWriter a response is collected in.
type recorder struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(status int) {
	if !r.wroteHeader {
		r.status, r.wroteHeader = status, true
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

func (r *recorder) writeTo(w http.ResponseWriter) {
	for k, v := range r.header {
		w.Header()[k] = v
	}
	w.WriteHeader(r.status)
	w.Write(r.body.Bytes())
}
