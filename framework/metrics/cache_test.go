package metrics

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

func get(t *testing.T, h http.Handler, encoding string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
	req.Header.Set("Accept-Encoding", encoding)
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	resp := w.Result()
	body := io.Reader(resp.Body)
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestScrapeCache(t *testing.T) {
	m := New("r")
	tr := m.Trainer("rbm", 0, 100)
	h := newCachedHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}), time.Second)
	clock := time.Unix(1000, 0)
	h.now = func() time.Time { return clock }

	tr.Progress(1, 10, 0.1, nil)
	_, first := get(t, h, "identity")
	if !strings.Contains(first, "rgml_train_epoch{learner=\"rbm\",run_id=\"r\"} 1\n") {
		t.Fatalf("first scrape:\n%s", first)
	}
	tr.Progress(2, 20, 0.2, nil)
	clock = clock.Add(999 * time.Millisecond)
	if _, again := get(t, h, "identity"); again != first {
		t.Error("a scrape within the cache age was collected anew")
	}
	// Another encoding is another response, collected now.
	resp, zipped := get(t, h, "gzip")
	if resp.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(zipped, "rgml_train_epoch{learner=\"rbm\",run_id=\"r\"} 2\n") {
		t.Errorf("gzip scrape (%q):\n%s", resp.Header.Get("Content-Encoding"), zipped)
	}
	clock = clock.Add(time.Millisecond)
	resp, fresh := get(t, h, "identity")
	if !strings.Contains(fresh, "rgml_train_epoch{learner=\"rbm\",run_id=\"r\"} 2\n") {
		t.Errorf("a scrape after the cache age is stale:\n%s", fresh)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q", ct)
	}
}

func TestScrapeCacheKeepsNoErrors(t *testing.T) {
	fail := true
	h := newCachedHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if fail {
			http.Error(w, "broken", http.StatusInternalServerError)
			return
		}
		io.WriteString(w, "ok")
	}), time.Hour)
	if resp, body := get(t, h, ""); resp.StatusCode != 500 || !strings.Contains(body, "broken") {
		t.Errorf("error response: %d %q", resp.StatusCode, body)
	}
	fail = false
	if resp, body := get(t, h, ""); resp.StatusCode != 200 || body != "ok" {
		t.Errorf("after an error: %d %q", resp.StatusCode, body)
	}
}

// Many concurrent scrapes (go test -race): each gets a whole response.
func TestScrapeCacheConcurrent(t *testing.T) {
	m := everything(t)
	h := newCachedHandler(promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{}), time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				enc := []string{"gzip", "identity"}[j%2]
				if resp, body := get(t, h, enc); resp.StatusCode != 200 || !strings.Contains(body, "rgml_run_info{") {
					t.Errorf("status %d, body %d bytes", resp.StatusCode, len(body))
					return
				}
			}
		}()
	}
	wg.Wait()
}
