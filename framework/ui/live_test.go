package ui

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/framework/experiment"
	"github.com/rgml/rgml/registry"
)

// sse reads the events of one stream.
type sse struct {
	t *testing.T
	r *bufio.Reader
}

func openEvents(t *testing.T, ctx context.Context, url string) sse {
	t.Helper()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return sse{t, bufio.NewReader(resp.Body)}
}

// next is the next event's name and data (comments skipped).
func (s sse) next() (string, string) {
	s.t.Helper()
	var name, data string
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			s.t.Fatalf("event stream: %v (after event %q)", err, name)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case line == "" && name != "":
			return name, data
		case strings.HasPrefix(line, "event: "):
			name = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = line[len("data: "):]
		}
	}
}

func (s sse) rows() []experiment.LiveRow {
	s.t.Helper()
	name, data := s.next()
	if name != "rows" {
		s.t.Fatalf("event %s %s, want rows", name, data)
	}
	var rows []experiment.LiveRow
	if err := json.Unmarshal([]byte(data), &rows); err != nil {
		s.t.Fatal(err)
	}
	return rows
}

func appendLine(t *testing.T, path, line string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.WriteString(line + "\n")
}

func newLiveServer(t *testing.T) (*registry.Store, *httptest.Server) {
	s, err := registry.Open(filepath.Join(t.TempDir(), "registry"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	srv, err := New(Options{Store: s, Cache: t.TempDir(), Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return s, ts
}

// A training's curve follows its progress file, each report once as it
// is appended, before any checkpoint, and ends when its folder goes.
func TestLiveEventsTailTrainingProgress(t *testing.T) {
	s, ts := newLiveServer(t)
	dir := filepath.Join(s.WorkDir(), "checkpoints", "m", "0123456789abcdef", registry.NewHolder())
	path := filepath.Join(dir, experiment.LiveFile)
	appendLine(t, path, `{"epoch":1,"wall_seconds":0.1,"samples":10,"metrics":{"loss":3}}`)
	appendLine(t, path, `{"epoch":2,"wall_seconds":0.2,"samples":20,"metrics":{"loss":2.5},"live":true}`)
	if _, body := get(t, ts.URL+"/live"); !strings.Contains(body, "/live/view/m/0123456789abcdef/") {
		t.Fatalf("the live page lists no training m:\n%s", body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	id := strings.TrimPrefix(dir, filepath.Join(s.WorkDir(), "checkpoints")+"/")
	ev := openEvents(t, ctx, ts.URL+"/live/events/"+id)
	if rows := ev.rows(); len(rows) != 2 || rows[0].Epoch != 1 || rows[1].Epoch != 2 {
		t.Fatalf("first rows %+v, want epochs 1 and 2", rows)
	}
	appendLine(t, path, `{"epoch":3,"wall_seconds":0.3,"samples":30,"metrics":{"loss":2}}`)
	if rows := ev.rows(); len(rows) != 1 || rows[0].Epoch != 3 {
		t.Fatalf("next rows %+v, want epoch 3 alone", rows)
	}
	os.RemoveAll(dir)
	if name, _ := ev.next(); name != "end" {
		t.Errorf("event %s once the training's folder is gone, want end", name)
	}
}

// A running flow is on the live page, with a view and a stream of its
// mean reading per iteration count.
func TestLiveFlowView(t *testing.T) {
	s, ts := newLiveServer(t)
	holder := registry.NewHolder()
	path := filepath.Join(s.WorkDir(), experiment.LiveFlowsDir, "f", holder, experiment.LiveFile)
	appendLine(t, path, `{"epoch":0,"wall_seconds":1,"samples":0,"metrics":{"T mean":2.5},"done":1,"of":3}`)
	if _, body := get(t, ts.URL+"/live"); !strings.Contains(body, "/live/flow/f/"+holder) {
		t.Fatalf("the live page lists no flow f:\n%s", body)
	}
	if code, body := get(t, ts.URL+"/live/flow/f/"+holder); code != http.StatusOK || !strings.Contains(body, "/live/flow-events/f/"+holder) {
		t.Fatalf("flow view: %d\n%s", code, body)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ev := openEvents(t, ctx, ts.URL+"/live/flow-events/f/"+holder)
	if rows := ev.rows(); len(rows) != 1 || rows[0].Metrics["T mean"] != 2.5 {
		t.Fatalf("rows %+v, want iteration count 0's T mean", rows)
	}
	appendLine(t, path, `{"epoch":4,"wall_seconds":2,"samples":0,"metrics":{"T mean":2.25},"done":2,"of":3}`)
	if rows := ev.rows(); len(rows) != 1 || rows[0].Epoch != 4 {
		t.Fatalf("next rows %+v, want iteration count 4", rows)
	}
	for _, bad := range []string{"/live/flow/f", "/live/flow-events/../x", "/live/flow/f/" + holder + "x"} {
		if code, _ := get(t, ts.URL+bad); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, code)
		}
	}
}
