package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// What a training costs the host per progress report: an RBM report (four
// metrics) and a thermometer report (six).
func BenchmarkTrainerProgress(b *testing.B) {
	for _, bc := range []struct {
		name    string
		metrics map[string]float64
	}{
		{"rbm", map[string]float64{"reconstruction_error": 0.3, "weight_norm": 10, "learning_rate": 0.1, "pseudo_log_likelihood": -0.6}},
		{"thermometer", map[string]float64{"train_loss": 1.2, "test_loss": 1.3, "train_accuracy": 0.5, "test_accuracy": 0.4, "learning_rate": 0.1, "weight_norm": 3}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			m := New("bench")
			tr := m.Trainer(bc.name, 0, 1<<30)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				// One report per 10 epochs of 5 ms (10 histogram
				// observations), as a learner reporting every 50 ms.
				tr.Progress(10*(i+1), int64(i+1)*12500, 0.05*float64(i+1), bc.metrics)
			}
		})
	}
}

// What one scrape of /metrics costs the host, as Prometheus asks for it
// (gzip) and without compression; collected anew, and from the cache that
// Serve puts in front (requests less than ScrapeCacheAge apart).
func BenchmarkScrape(b *testing.B) {
	m := everything(b)
	fresh := promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{Registry: m.Registry, EnableOpenMetrics: true})
	for _, bc := range []struct {
		name string
		h    http.Handler
		enc  string
	}{
		{"gzip", fresh, "gzip"}, {"identity", fresh, "identity"},
		{"cached/gzip", newCachedHandler(fresh, time.Hour), "gzip"},
	} {
		h, enc := bc.h, bc.enc
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			req.Header.Set("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
			req.Header.Set("Accept-Encoding", enc)
			b.ReportAllocs()
			var size int
			for i := 0; i < b.N; i++ {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, req)
				if w.Code != http.StatusOK {
					b.Fatalf("status %d", w.Code)
				}
				size = w.Body.Len()
				io.Copy(io.Discard, w.Body)
			}
			b.ReportMetric(float64(size), "bytes/scrape")
		})
	}
}
