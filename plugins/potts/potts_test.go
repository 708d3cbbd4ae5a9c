package potts_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-plugin"

	"github.com/rgml/rgml/framework/npz"
	"github.com/rgml/rgml/framework/sdk"
	"github.com/rgml/rgml/framework/sdk/sdktest"
)

// build packs the Python plugin with build.sh, or skips the test when the
// Debian packages it needs are missing (naming them).
func build(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the Python plugin")
	}
	if _, err := os.Stat("/usr/bin/python3"); err != nil {
		t.Skip("/usr/bin/python3 not installed")
	}
	check := exec.Command("/usr/bin/python3", "-c", "import grpc, google.protobuf, numpy, cryptography")
	if out, err := check.CombinedOutput(); err != nil {
		t.Skipf("/usr/bin/python3 lacks a module (apt-get install python3-grpcio python3-protobuf python3-numpy python3-cryptography): %s", bytes.TrimSpace(out))
	}
	for _, tool := range []string{"protoc", "grpc_python_plugin"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not found (apt-get install protobuf-compiler protobuf-compiler-grpc)", tool)
		}
	}
	out := filepath.Join(t.TempDir(), "rgml-plugin-potts")
	if b, err := exec.Command("./build.sh", out).CombinedOutput(); err != nil {
		t.Fatalf("build.sh: %v\n%s", err, b)
	}
	return out
}

// The Python plugin passes the same conformance kit as the Go models.
func TestConformance(t *testing.T) {
	sdktest.TestModel(t, sdktest.Subprocess(build(t)))
}

// TestDeclares: the Python plugin declares, across the real wire, its
// T_c = 1/ln(1 + √3) with a source and the hypercubic lattice (so that
// G(r) is computed on its data), and answers the optional ExactCurve as
// unimplemented (a plugin without exact curves, as any older one).
func TestDeclares(t *testing.T) {
	m := sdktest.Subprocess(build(t))(t, 1).Model
	d, err := m.Describe(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if d.Lattice != sdk.LatticeHypercubic {
		t.Errorf("lattice %q, want %q", d.Lattice, sdk.LatticeHypercubic)
	}
	want := 1 / math.Log(1+math.Sqrt(3))
	if len(d.References) != 1 || d.References[0].Name != "T_c" || len(d.References[0].Points) != 1 ||
		math.Abs(d.References[0].Points[0]["T"]-want) > 1e-12 || !strings.Contains(d.References[0].Source, "Baxter") {
		t.Errorf("references %+v, want T_c = %.6f with its source", d.References, want)
	}
	em, ok := m.(sdk.ExactModel)
	if !ok {
		t.Fatalf("the SDK's model client %T does not offer ExactCurve", m)
	}
	if _, err := em.ExactCurve(context.Background(), 8, "energy"); !errors.Is(err, sdk.ErrUnimplemented) {
		t.Errorf("ExactCurve of a plugin without it: %v, want unimplemented", err)
	}
}

// With go-plugin's AutoMTLS the host sends its certificate; the plugin must
// serve TLS, require that certificate and announce its own in the
// handshake, or the client cannot connect.
func TestAutoMTLS(t *testing.T) {
	path := build(t)
	sockDir := t.TempDir()
	cmd := exec.Command(path)
	cmd.Env = append(os.Environ(), "PLUGIN_UNIX_SOCKET_DIR="+sockDir)
	client := plugin.NewClient(&plugin.ClientConfig{
		HandshakeConfig:  sdk.Handshake,
		VersionedPlugins: map[int]plugin.PluginSet{sdk.ProtocolVersion: {sdk.KindModel: &sdk.ModelPlugin{}}},
		Cmd:              cmd,
		AllowedProtocols: []plugin.Protocol{plugin.ProtocolGRPC},
		AutoMTLS:         true,
		GRPCDialOptions:  sdk.GRPCDialOptions(),
	})
	defer client.Kill()
	rpc, err := client.Client()
	if err != nil {
		t.Fatalf("connecting with AutoMTLS: %v", err)
	}
	if err := rpc.Ping(); err != nil {
		t.Fatalf("health check over TLS: %v", err)
	}
	raw, err := rpc.Dispense(sdk.KindModel)
	if err != nil {
		t.Fatal(err)
	}
	m := raw.(sdk.Model)
	d, err := m.Describe(context.Background())
	if err != nil || d.Name != "potts" {
		t.Fatalf("Describe over TLS: %+v, %v", d, err)
	}
	n := 0
	err = m.Sample(context.Background(), sdk.SampleRequest{Points: []sdk.Params{{"T": 1}}, Size: 4, PerPoint: 3, Seed: 1},
		func(c sdk.SampleChunk) error { n += c.Count(16); return nil })
	if err != nil || n != 3 {
		t.Fatalf("Sample over TLS: %d configurations, %v", n, err)
	}
	// The physics, roughly: energy per site −2 in the ordered phase (two
	// bonds per site), −2/3 at high T (a bond is satisfied with
	// probability 1/q), a Potts order parameter near 1 when ordered.
	for _, c := range []struct{ T, lo, hi, mlo float64 }{{0.5, -2.0, -1.8, 0.7}, {100, -0.72, -0.62, 0}} {
		var configs []int8
		err := m.Sample(context.Background(), sdk.SampleRequest{Points: []sdk.Params{{"T": c.T}}, Size: 8, PerPoint: 200, Seed: 2},
			func(ch sdk.SampleChunk) error { configs = append(configs, ch.Configs...); return nil })
		if err != nil {
			t.Fatal(err)
		}
		obs, err := m.Observables(context.Background(), sdk.Params{"T": c.T}, 8, configs)
		if err != nil {
			t.Fatal(err)
		}
		var e, mag float64
		for i := range obs["energy"] {
			e += obs["energy"][i] / float64(len(obs["energy"]))
			mag += obs["magnetization"][i] / float64(len(obs["energy"]))
		}
		if e < c.lo || e > c.hi || mag < c.mlo {
			t.Errorf("T = %g: ⟨E⟩/N = %.4f (want [%g, %g]), ⟨m⟩ = %.3f (want ≥ %g)", c.T, e, c.lo, c.hi, mag, c.mlo)
		}
	}
	// The socket lives in PLUGIN_UNIX_SOCKET_DIR, and is gone
	// once the host has shut the plugin down.
	socks, _ := filepath.Glob(filepath.Join(sockDir, "plugin*"))
	if len(socks) != 1 {
		t.Fatalf("sockets under %s: %v, want one", sockDir, socks)
	}
	client.Kill()
	if _, err := os.Stat(socks[0]); !os.IsNotExist(err) {
		t.Errorf("socket %s left behind after shutdown (%v)", socks[0], err)
	}
}

// The plugin exits, removing its socket, when its parent dies without
// shutting it down (a killed host).
func TestExitsWithParent(t *testing.T) {
	path := build(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "handshake")
	// sh is the plugin's parent; it reports the plugin's pid and waits.
	sh := exec.Command("/bin/sh", "-c", `"$0" >"$1" 2>/dev/null & echo $!; wait`, path, out)
	sh.Env = append(os.Environ(), sdk.Handshake.MagicCookieKey+"="+sdk.Handshake.MagicCookieValue)
	stdout, err := sh.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(line))
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Kill(pid, syscall.SIGKILL)
	var sock string
	for deadline := time.Now().Add(30 * time.Second); sock == "" && time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		b, _ := os.ReadFile(out)
		if f := strings.Split(strings.TrimSpace(string(b)), "|"); len(f) >= 4 {
			sock = f[3]
		}
	}
	if sock == "" {
		t.Fatal("no handshake line from the plugin")
	}
	if err := sh.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	sh.Wait()
	// A generous deadline, not a timing assertion: the plugin polls its
	// parent every 0.5 s.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if syscall.Kill(pid, 0) != nil {
			break
		}
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil && bytes.Contains(b, []byte(") Z ")) {
			break // a zombie: exited, waiting to be reaped by init
		}
	}
	if err := syscall.Kill(pid, 0); err == nil {
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); !bytes.Contains(b, []byte(") Z ")) {
			t.Fatalf("plugin %d still running 30 s after its parent died", pid)
		}
	}
	if _, err := os.Stat(sock); !os.IsNotExist(err) {
		t.Errorf("socket %s left behind (%v)", sock, err)
	}
}

// `rgml sample --model potts` through the built CLI registers a dataset
// like any other model's.
func TestCLISample(t *testing.T) {
	path := build(t)
	dir := t.TempDir()
	rgml := filepath.Join(dir, "rgml")
	if b, err := exec.Command("go", "build", "-o", rgml, "../../cmd/rgml").CombinedOutput(); err != nil {
		t.Fatalf("go build rgml: %v\n%s", err, b)
	}
	plugins := filepath.Join(dir, "plugins")
	if err := os.Mkdir(plugins, 0o755); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plugins, "rgml-plugin-potts"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(rgml, append([]string{"--plugin-dir", plugins, "--registry", filepath.Join(dir, "reg"), "--metrics-addr", "off"}, args...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("rgml %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("plugins", "lock")
	run("sample", "--model", "potts", "--param", "T=0.5:1.5:0.5", "--L", "8", "--per-point", "40", "--seed", "1", "--name", "potts-e2e")
	if out := run("datasets", "show", "potts-e2e"); !strings.Contains(out, "potts") {
		t.Errorf("datasets show potts-e2e does not mention the model:\n%s", out)
	}
}

// TestCLICorrelations: `rgml analyze --analyzer correlations` on Potts data
// (refused before as "want ±1") measures the plugin's own energy per site
// (checked here against −(1/N) Σ_<ij> δ(s_i, s_j) counted on the saved
// configurations) and G(r) = ⟨δ(s_i, s_j)⟩ − 1/q on its declared square
// lattice: G(0) = 1 − 1/3 exactly, where ⟨s_i s_j⟩ of the values 0, 1, 2
// would give ⟨s²⟩ ≈ 5/3.
func TestCLICorrelations(t *testing.T) {
	path := build(t)
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	rgml := filepath.Join(dir, "rgml")
	for out, pkg := range map[string]string{rgml: "../../cmd/rgml",
		filepath.Join(plugins, "rgml-plugin-correlations"): "../correlations/cmd/rgml-plugin-correlations"} {
		build := sdktest.BuildCommand(out, pkg) // a plugin, as the Makefile builds it
		if out == rgml {
			build = exec.Command("go", "build", "-o", out, pkg)
		}
		if b, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(plugins, "rgml-plugin-potts"), b, 0o755); err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, rgml, append([]string{"--plugin-dir", plugins, "--registry", filepath.Join(dir, "reg"), "--metrics-addr", "off"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rgml %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	const L, per = 6, 40
	data := filepath.Join(dir, "potts.npz")
	run("plugins", "lock")
	run("sample", "--model", "potts", "--param", "T=0.5,1.5", "--L", strconv.Itoa(L), "--per-point", strconv.Itoa(per), "--seed", "1", "--name", "pd", "--out", data)
	out := filepath.Join(dir, "an")
	run("analyze", "--analyzer", "correlations", "--data", "pd", "--name", "pc", "--out", out)
	arrays, err := npz.ReadFile(filepath.Join(out, "analysis.npz"))
	if err != nil {
		t.Fatal(err)
	}
	ds, err := npz.ReadFile(data)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := npz.Find(ds, "configs")
	configs := c.Data.([]int8)
	energy, G := npz.Float64s(arrays, "energy"), npz.Float64s(arrays, "G")
	if len(energy) != 2 || len(G) != 2*(L/2+1) {
		t.Fatalf("energy %v, G %v: want two temperatures", energy, G)
	}
	for g := range 2 {
		var want float64
		for k := g * per; k < (g+1)*per; k++ {
			s := configs[k*L*L : (k+1)*L*L]
			bonds := 0
			for x := range L {
				for y := range L {
					bonds += eq(s[x*L+y], s[((x+1)%L)*L+y]) + eq(s[x*L+y], s[x*L+(y+1)%L])
				}
			}
			want -= float64(bonds) / float64(L*L) / per
		}
		if math.Abs(energy[g]-want) > 1e-12 {
			t.Errorf("group %d: energy %.6f, counted %.6f", g, energy[g], want)
		}
		if g0 := G[g*(L/2+1)]; math.Abs(g0-2.0/3) > 1e-12 {
			t.Errorf("group %d: G(0) = %g, want 2/3", g, g0)
		}
	}
}

func eq(a, b int8) int {
	if a == b {
		return 1
	}
	return 0
}
