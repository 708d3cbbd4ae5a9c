package metrics_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/metrics"
)

// A Pushgateway (or whatever answers at its address) that fails a push
// with a reply of megabytes, over many lines, gives a one-line error of a
// few hundred bytes, not the reply.
func TestPushErrorIsOneShortLine(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		line := strings.Repeat("x", 99) + "\n"
		for range 50_000 {
			w.Write([]byte(line))
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := metrics.New("").Push(ctx, srv.URL)
	if err == nil {
		t.Fatal("a push answered 500 succeeded")
	}
	if msg := err.Error(); len(msg) > 500 || strings.Contains(msg, "\n") || !strings.Contains(msg, "500") {
		t.Errorf("error of %d bytes (newline: %v): %.200q", len(msg), strings.Contains(msg, "\n"), msg)
	}
}
