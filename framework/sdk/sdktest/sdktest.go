package sdktest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"
	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/sdk"
)

// Starter starts the model under test with the given GOMAXPROCS and
// returns it; it registers its own clean-up with t.
type Starter func(t *testing.T, procs int) Target

// Target is a model under test and a way to read the CPU time of the
// process it runs in, with which the kit checks that cancelled work stops.
type Target struct {
	sdk.Model
	// CPUTime returns the CPU time used so far by the process serving the
	// model; ok is false where it cannot be measured.
	CPUTime func() (d time.Duration, ok bool)
}

// InProcess serves impl through the real gRPC shims inside the test
// process. GOMAXPROCS is set for the duration of the returned model's test.
func InProcess(impl sdk.Model) Starter {
	return func(t *testing.T, procs int) Target {
		t.Helper()
		old := runtime.GOMAXPROCS(procs)
		t.Cleanup(func() { runtime.GOMAXPROCS(old) })
		client, _ := plugin.TestPluginGRPCConn(t, false, sdk.PluginSet(sdk.ServeConfig{Model: impl}))
		t.Cleanup(func() { client.Close() })
		raw, err := client.Dispense(sdk.KindModel)
		if err != nil {
			t.Fatalf("dispense: %v", err)
		}
		return Target{Model: raw.(sdk.Model), CPUTime: selfCPUTime}
	}
}

// Subprocess launches the plugin binary at path as a host does (the
// handshake, gRPC with mutual TLS, the SDK's message limits), with
// GOMAXPROCS set in its environment. It uses go-plugin directly rather
// than framework/host, so that a plugin author's tests pull in nothing of
// the host.
func Subprocess(path string) Starter {
	return func(t *testing.T, procs int) Target {
		t.Helper()
		raw, pid := launch(t, path, procs, sdk.KindModel)
		m, ok := raw.(sdk.Model)
		if !ok {
			t.Fatalf("launching %s: the plugin serves %T, not a model", path, raw)
		}
		return Target{Model: m, CPUTime: func() (time.Duration, bool) { return procCPUTime(pid) }}
	}
}

// launch starts the plugin binary at path with GOMAXPROCS=procs and
// dispenses kind, returning it and the process id.
func launch(t *testing.T, path string, procs int, kind string) (any, int) {
	t.Helper()
	cmd := exec.Command(path)
	cmd.Env = append(cmd.Environ(), "GOMAXPROCS="+strconv.Itoa(procs))
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig: sdk.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{sdk.ProtocolVersion: {
			sdk.KindModel: &sdk.ModelPlugin{}, sdk.KindLearner: &sdk.LearnerPlugin{}, sdk.KindAnalyzer: &sdk.AnalyzerPlugin{},
		}},
		Cmd:              cmd,
		Managed:          true,
		AutoMTLS:         true,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		GRPCDialOptions:  sdk.GRPCDialOptions(),
		Logger:           hclog.NewNullLogger(),
	})
	t.Cleanup(client.Kill)
	proto, err := client.Client()
	if err != nil {
		t.Fatalf("launching %s: %v", path, err)
	}
	raw, err := proto.Dispense(kind)
	if err != nil {
		t.Fatalf("launching %s: %v", path, err)
	}
	return raw, cmd.Process.Pid
}

// TestModel runs the model conformance checks as subtests.
func TestModel(t *testing.T, start Starter) {
	target := start(t, 2)
	m := target.Model
	ctx := context.Background()
	d, err := m.Describe(ctx)
	if err != nil {
		t.Fatalf("Describe: %v", err)
	}
	t.Run("Describe", func(t *testing.T) { checkDescription(t, d) })
	if t.Failed() {
		return
	}
	size := max(d.MinSize, 4)
	sites := d.Sites(size)
	for _, a := range d.Algorithms {
		t.Run("Sample/"+a.Name, func(t *testing.T) {
			req := smallRequest(d, a.Name, size, 7)
			got := collect(t, m, req, sites)
			checkStates(t, d, got)
			again := collect(t, start(t, 1).Model, req, sites)
			if !bytes.Equal(asBytes(got), asBytes(again)) {
				t.Errorf("same request gave different configurations with GOMAXPROCS 2 and 1")
			}
			req.Seed++
			if other := collect(t, m, req, sites); bytes.Equal(asBytes(got), asBytes(other)) {
				t.Errorf("seeds %d and %d gave identical configurations", req.Seed-1, req.Seed)
			}
		})
	}
	t.Run("Cancel", func(t *testing.T) { checkCancel(t, target, d) })
	t.Run("InvalidArgument", func(t *testing.T) { checkInvalid(t, m, d, size) })
	t.Run("Observables", func(t *testing.T) { checkObservables(t, m, d, size) })
}

func checkDescription(t *testing.T, d sdk.ModelDescription) {
	if d.Name == "" || d.Version == "" {
		t.Errorf("description lacks name (%q) or version (%q)", d.Name, d.Version)
	}
	if len(d.Algorithms) == 0 {
		t.Errorf("no algorithms")
	}
	if _, err := d.Algorithm(""); err != nil {
		t.Errorf("default algorithm %q is not listed: %v", d.DefaultAlgorithm, err)
	}
	if len(d.StateSpace) == 0 {
		t.Errorf("empty state space")
	}
	if d.Dimension < 1 || d.MinSize < 1 {
		t.Errorf("dimension %d, min size %d", d.Dimension, d.MinSize)
	}
	if err := d.CheckReferences(); err != nil {
		t.Errorf("references: %v", err)
	}
	for _, p := range d.Parameters {
		if p.Doc == "" {
			t.Errorf("parameter %s has no doc", p.Name)
		}
		if p.Kind != sdk.Choice {
			if err := p.Check(p.Default); err != nil {
				t.Errorf("default of %s: %v", p.Name, err)
			}
		}
	}
}

func smallRequest(d sdk.ModelDescription, alg string, size int, seed uint64) sdk.SampleRequest {
	def := sdk.Params{}
	for _, p := range d.Parameters {
		if p.Kind != sdk.Choice {
			def[p.Name] = p.Default
		}
	}
	req := sdk.SampleRequest{Points: []sdk.Params{def, def}, Size: size, PerPoint: 5, Algorithm: alg,
		Sweeps: 2, Thermalization: 10, Seed: seed}
	if a, err := d.Algorithm(alg); err == nil && a.NoThermalization {
		req.Thermalization = 0 // Validate refuses one
	}
	return req
}

// collect runs Sample and assembles the configurations point-major,
// failing on malformed, overlapping or missing chunks.
func collect(t *testing.T, m sdk.Model, req sdk.SampleRequest, sites int) []int8 {
	t.Helper()
	out := make([]int8, len(req.Points)*req.PerPoint*sites)
	seen := make([]bool, len(req.Points)*req.PerPoint)
	err := m.Sample(context.Background(), req, func(c sdk.SampleChunk) error {
		if len(c.Configs)%sites != 0 {
			return fmt.Errorf("chunk of %d values for %d sites", len(c.Configs), sites)
		}
		for i := 0; i < c.Count(sites); i++ {
			k := c.Point*req.PerPoint + c.First + i
			if c.Point < 0 || c.Point >= len(req.Points) || c.First+i >= req.PerPoint || seen[k] {
				return fmt.Errorf("configuration %d of point %d sent twice or out of range", c.First+i, c.Point)
			}
			seen[k] = true
		}
		copy(out[(c.Point*req.PerPoint+c.First)*sites:], c.Configs)
		return nil
	})
	if err != nil {
		t.Fatalf("Sample: %v", err)
	}
	for k, ok := range seen {
		if !ok {
			t.Fatalf("configuration %d of point %d never arrived", k%req.PerPoint, k/req.PerPoint)
		}
	}
	return out
}

func checkStates(t *testing.T, d sdk.ModelDescription, configs []int8) {
	t.Helper()
	for i, v := range configs {
		if !slices.Contains(d.StateSpace, v) {
			t.Fatalf("value %d at index %d is not in the state space %v", v, i, d.StateSpace)
		}
	}
}

func checkCancel(t *testing.T, target Target, d sdk.ModelDescription) {
	m := target.Model
	req := smallRequest(d, "", max(d.MinSize, 64), 1)
	req.PerPoint = 1 << 30 / 64
	req.Sweeps = 1000
	if req.Thermalization != 0 {
		req.Thermalization = 1000
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- m.Sample(ctx, req, func(sdk.SampleChunk) error { return nil }) }()
	select {
	case err := <-done:
		if err == nil {
			t.Fatalf("a huge Sample finished within 50 ms without error: was the request ignored?")
		}
		if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled Sample returned %v, want a context error", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("Sample did not return within 5 s of its context being cancelled")
	}
	// The work must stop, not just the stream: after a grace period the
	// serving process must be nearly idle.
	// On a loaded machine a runaway model may get only a fraction of a
	// core, so watch for up to 3 s and stop at the first sign of work; an
	// idle process uses a few milliseconds in that time.
	time.Sleep(300 * time.Millisecond)
	if c0, ok := target.CPUTime(); ok {
		const window, limit = 3 * time.Second, 150 * time.Millisecond
		for start := time.Now(); time.Since(start) < window; time.Sleep(100 * time.Millisecond) {
			if c1, _ := target.CPUTime(); c1-c0 > limit {
				t.Errorf("the model is still computing after its context was cancelled: %v of CPU time within %v", c1-c0, time.Since(start).Round(time.Millisecond))
				break
			}
		}
	}
	// The plugin must still serve.
	small := smallRequest(d, "", max(d.MinSize, 4), 1)
	if err := m.Sample(context.Background(), small, func(sdk.SampleChunk) error { return nil }); err != nil {
		t.Errorf("Sample after a cancellation: %v", err)
	}
}

func checkInvalid(t *testing.T, m sdk.Model, d sdk.ModelDescription, size int) {
	ctx := context.Background()
	base := smallRequest(d, "", size, 1)
	cases := map[string]func(r *sdk.SampleRequest){
		"unknown algorithm":  func(r *sdk.SampleRequest) { r.Algorithm = "no-such-algorithm" },
		"size below minimum": func(r *sdk.SampleRequest) { r.Size = d.MinSize - 1 },
		"zero per point":     func(r *sdk.SampleRequest) { r.PerPoint = 0 },
		"unknown parameter":  func(r *sdk.SampleRequest) { r.Points = []sdk.Params{{"no_such_parameter": 1}} },
		"no points":          func(r *sdk.SampleRequest) { r.Points = nil },
	}
	for _, p := range d.Parameters {
		if p.HasMin {
			p := p
			cases["parameter "+p.Name+" below range"] = func(r *sdk.SampleRequest) {
				r.Points = []sdk.Params{{p.Name: p.Min - 1}}
			}
		}
	}
	for name, mutate := range cases {
		req := base
		req.Points = slices.Clone(base.Points)
		mutate(&req)
		err := m.Sample(ctx, req, func(sdk.SampleChunk) error { return nil })
		if !errors.Is(err, sdk.ErrInvalidArgument) {
			t.Errorf("%s: got %v, want an error wrapping sdk.ErrInvalidArgument", name, err)
		}
	}
	bad := make([]int8, d.Sites(size))
	bad[0] = 7
	if _, err := m.Observables(ctx, sdk.Params{}, size, bad); !errors.Is(err, sdk.ErrInvalidArgument) {
		t.Errorf("Observables of a configuration holding 7: got %v, want InvalidArgument", err)
	}
}

func checkObservables(t *testing.T, m sdk.Model, d sdk.ModelDescription, size int) {
	req := smallRequest(d, "", size, 3)
	configs := collect(t, m, req, d.Sites(size))
	obs, err := m.Observables(context.Background(), req.Points[0], size, configs)
	if err != nil {
		t.Fatalf("Observables: %v", err)
	}
	n := len(configs) / d.Sites(size)
	for _, o := range d.Observables {
		if len(obs[o.Name]) != n {
			t.Errorf("observable %s: %d values for %d configurations", o.Name, len(obs[o.Name]), n)
		}
	}
}

func asBytes(v []int8) []byte {
	b := make([]byte, len(v))
	for i, x := range v {
		b[i] = byte(x)
	}
	return b
}
