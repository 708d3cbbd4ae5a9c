package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rgml/rgml/registry"
)

// study is a registry shaped as a study leaves it: datasets, models
// trained on them, flows of each model from a dataset, and one run whose
// steps are all of them. Files are placeholders: the pages read
// manifests and run records, not data (figures are drawn from real
// plugins' entries in cmd/rgml's end-to-end test).
type study struct {
	s        *registry.Store
	run      registry.Entry
	models   []registry.Entry
	datasets []registry.Entry
}

func newStudy(t testing.TB, models int) *study {
	t.Helper()
	s, err := registry.Open(filepath.Join(t.TempDir(), "registry"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	ctx := context.Background()
	st := &study{s: s}
	put := func(kind registry.Kind, name string, l registry.Lineage) registry.Entry {
		en, err := s.Put(ctx, kind, name, []registry.File{{Name: "data.npz", Data: []byte(string(kind) + name)}}, l)
		if err != nil {
			t.Fatal(err)
		}
		return en
	}
	var steps []registry.RunStep
	var inputs []registry.Input
	step := func(en registry.Entry) {
		steps = append(steps, registry.RunStep{Name: en.Name, Kind: en.Kind, Entry: en.Ref(), Digest: en.Digest, Status: registry.StatusDone, Seconds: 1.5})
		inputs = append(inputs, registry.Input{Role: "step:" + en.Name, Digest: en.Digest})
	}
	for i := range 3 {
		d := put(registry.Dataset, fmt.Sprintf("data-%d", i), registry.Lineage{Plugin: &registry.PluginRef{Name: "model-a", Version: "1"},
			Seed: uint64(i), Parameters: map[string]any{"L": 10, "T": float64(i)}})
		st.datasets = append(st.datasets, d)
		step(d)
	}
	for i := range models {
		m := put(registry.Model, fmt.Sprintf("model-%03d", i), registry.Lineage{Plugin: &registry.PluginRef{Name: "learner-a", Version: "1"},
			Seed: 7, Datasets: []string{st.datasets[i%3].Digest}, HyperParameters: map[string]any{"hidden": float64(16 + i%4*16), "epochs": 100.0},
			Metrics: &registry.Metrics{Epochs: 100, FinalLosses: map[string]float64{"loss": 0.1 * float64(i%5)}}})
		st.models = append(st.models, m)
		step(m)
		f := put(registry.Flow, fmt.Sprintf("flow-%03d", i), registry.Lineage{Inputs: []registry.Input{{Role: "rbm", Digest: m.Digest}, {Role: "from", Digest: st.datasets[0].Digest}}})
		step(f)
	}
	rec, _ := json.Marshal(registry.RunRecord{Format: registry.RunRecordFormat, Spec: "preset:test", Status: registry.StatusDone, Seconds: 42, Steps: steps})
	run, err := s.Put(ctx, registry.Run, "study", []registry.File{{Name: registry.RunRecordFile, Data: rec}}, registry.Lineage{Inputs: inputs})
	if err != nil {
		t.Fatal(err)
	}
	st.run = run
	return st
}

func newTestServer(t testing.TB, s *registry.Store) *httptest.Server {
	t.Helper()
	srv, err := New(Options{Store: s, Cache: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts
}

func get(t testing.TB, url string) (int, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Every page of a study answers and links the next: runs → run → its
// steps' entries → lineage; compare puts the differing columns first.
func TestPagesLinkRunsEntriesLineage(t *testing.T) {
	st := newStudy(t, 4)
	ts := newTestServer(t, st.s)
	run := hexOf(st.run.Digest)
	model := hexOf(st.models[1].Digest)
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/", []string{"/entry/" + run, "study:1", ">done<", "preset:test"}},
		{"/list/model", []string{"/entry/" + model, "learner-a", "/entry/" + hexOf(st.datasets[1].Digest)}},
		{"/entry/" + run, []string{`id="steps"`, "/entry/" + model, "/lineage/" + run, "/figures/" + run + "/"}},
		{"/entry/" + model, []string{"hidden", "32", "loss", "/entry/" + hexOf(st.datasets[1].Digest), "/lineage/" + model}},
		{"/lineage/" + model, []string{"<svg", "/entry/" + model, "/entry/" + hexOf(st.datasets[1].Digest), "marker-end"}},
		{"/compare?d=" + hexOf(st.models[0].Digest) + "&d=" + model, []string{`id="compare"`, "model-000:1", "model-001:1"}},
		{"/static/style.css", []string{"body"}},
		{"/favicon.ico", []string{"<svg"}},
	} {
		code, body := get(t, ts.URL+c.path)
		if code != http.StatusOK {
			t.Errorf("GET %s: %d %s", c.path, code, body)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s: no %q in the page", c.path, w)
			}
		}
	}
	for _, bad := range []string{"/entry/" + strings.Repeat("0", 64), "/entry/nothex", "/list/nokind", "/live/view/a/b/c", "/live/events/../../x"} {
		if code, _ := get(t, ts.URL+bad); code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, code)
		}
	}
	if code, body := get(t, ts.URL+"/compare?d="+run+"&d="+model); code != http.StatusBadRequest || !strings.Contains(body, "one kind") {
		t.Errorf("compare of a run and a model: %d %q", code, body)
	}
}

// The compare page shows first the column in which the two models
// differ (hidden units), marked.
func TestComparePageDifferingColumnFirst(t *testing.T) {
	st := newStudy(t, 2)
	ts := newTestServer(t, st.s)
	_, body := get(t, ts.URL+"/compare?d="+hexOf(st.models[0].Digest)+"&d="+hexOf(st.models[1].Digest))
	head := body[strings.Index(body, `id="compare"`):]
	first := head[strings.Index(head, "<th"):]
	first = first[strings.Index(first[3:], "<th")+3:] // past the kind's column
	if !strings.HasPrefix(first, `<th class="differ">`) {
		t.Errorf("the first column is not marked as differing: %.120s", first)
	}
}

// In the lineage graph every arrow runs left to right, from what an
// entry was made from to the entry, and the entry itself is rightmost.
func TestLineageGraphRunsLeftToRight(t *testing.T) {
	st := newStudy(t, 3)
	flow, err := st.s.Resolve(registry.Flow, "flow-002")
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range []registry.Entry{flow, st.run} {
		g, err := lineageGraph(st.s, en)
		if err != nil {
			t.Fatal(err)
		}
		if len(g.Edges) == 0 {
			t.Fatalf("%s: no edges", en)
		}
		for _, e := range g.Edges {
			if e.X1 >= e.X2 {
				t.Errorf("%s: edge %s runs right to left: %+v", en, e.Role, e)
			}
		}
		for _, n := range g.Nodes[1:] {
			if n.X >= g.Nodes[0].X {
				t.Errorf("%s: %s is not left of the entry", en, n.Entry)
			}
		}
	}
	g, _ := lineageGraph(st.s, flow)
	if len(g.Nodes) != 4 || len(g.Edges) != 3 { // flow, model, its dataset, the start dataset
		t.Errorf("flow lineage: %d nodes, %d edges, want 4 and 3", len(g.Nodes), len(g.Edges))
	}
}

// Serve ends when its context does, even with a request that waits for
// the request's own end (as an event stream does), within its bound.
func TestServeStopsWithOpenStream(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	started := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		close(started)
		<-r.Context().Done()
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h) }()
	go http.Get("http://" + ln.Addr().String() + "/")
	select {
	case <-started:
	case <-time.After(30 * time.Second):
		t.Fatal("the request did not start in 30 s")
	}
	cancel()
	// An open stream that held Shutdown up would end only when the
	// bound ran out, cut off: it must end with the context instead.
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve: %v", err)
		}
	case <-time.After(ShutdownTimeout - time.Second):
		t.Fatal("Serve waited out its shutdown bound: the open stream did not end with its context")
	}
}

func TestListenSaysPortBusy(t *testing.T) {
	ln, err := Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, err := Listen(ln.Addr().String()); err == nil || !strings.Contains(err.Error(), ln.Addr().String()) || !isBusy(err) {
		t.Errorf("second Listen on %s: %v", ln.Addr(), err)
	}
}

func isBusy(err error) bool { return err != nil && strings.Contains(err.Error(), ErrPortBusy.Error()) }

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:8765": true, "localhost:1": true, "[::1]:80": true, "127.3.4.5:9": true,
		"0.0.0.0:8765": false, ":8765": false, "192.168.1.5:80": false, "[::]:80": false, "example.org:80": false} {
		got, err := IsLoopback(addr)
		if err != nil || got != want {
			t.Errorf("IsLoopback(%q) = %v, %v; want %v", addr, got, err, want)
		}
	}
	if _, err := IsLoopback("8765"); err == nil {
		t.Error("IsLoopback accepted an address without a port")
	}
}

// BenchmarkPages renders each page over a study of ~150 entries (48
// models, their flows, 3 datasets and the run of all: the size of the
// paper preset's registry). Target: each page under 300 ms.
func BenchmarkPages(b *testing.B) {
	st := newStudy(b, 48)
	ts := newTestServer(b, st.s)
	run, model := hexOf(st.run.Digest), hexOf(st.models[5].Digest)
	var cmp []string
	for _, m := range st.models {
		cmp = append(cmp, "d="+hexOf(m.Digest))
	}
	for _, p := range []struct{ name, path string }{
		{"runs", "/"}, {"models", "/list/model"}, {"flows", "/list/flow"}, {"run", "/entry/" + run}, {"model", "/entry/" + model},
		{"run-lineage", "/lineage/" + run}, {"compare-48", "/compare?" + strings.Join(cmp, "&")},
	} {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if code, body := get(b, ts.URL+p.path); code != http.StatusOK {
					b.Fatalf("%d %s", code, body)
				}
			}
		})
	}
}
