package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/go-hclog"

	"github.com/rgml/rgml/framework/metrics"
	"github.com/rgml/rgml/registry"
)

func TestNormalizeArgs(t *testing.T) {
	app := newApp(&env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, logger: hclog.NewNullLogger(), metrics: metrics.New("")})
	for _, tc := range []struct {
		in, want string
	}{
		{"registry gc --dry-run", "registry gc --dry-run"},
		{"registry gc now --dry-run", "registry gc --dry-run now"},
		{"datasets list base --json", "datasets list --json base"},
		{"train --learner rbm --data d --metrics-addr 127.0.0.1:9000", "--metrics-addr 127.0.0.1:9000 train --learner rbm --data d"},
		{"datasets show x:1 --registry /r --log-level=info", "--registry /r --log-level=info datasets show x:1"},
		{"registry --registry /r gc", "--registry /r registry gc"},
		{"sample --param T=-1 --model ising", "sample --param T=-1 --model ising"},
		{"datasets show -- --json", "datasets show -- --json"},
		{"datasets show x -- -y", "datasets show -- x -y"},
		{"plugins lock a b --plugin-dir p", "--plugin-dir p plugins lock a b"},
		{"help sample", "help sample"},
		{"sample --help", "sample --help"},
		{"--version", "--version"},
		{"datasets show base -h", "datasets show -h"},
		{"models lineage m1 --help --json", "models lineage --help --json"},
		{"plugins lock a --help", "plugins lock --help"},
	} {
		got, err := normalizeArgs(app, append([]string{"rgml"}, strings.Fields(tc.in)...))
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if want := append([]string{"rgml"}, strings.Fields(tc.want)...); !reflect.DeepEqual(got, want) {
			t.Errorf("%q:\n got %q\nwant %q", tc.in, got, want)
		}
	}
}

// TestCommandLineMistakes: every mistake on the command line is exit 2
// with one line that names what to fix, and no help dump.
func TestCommandLineMistakes(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"registry", "gc", "now", "--dry-run"}, "registry gc takes no arguments (got \"now\")"},
		{[]string{"registry", "verify", "x"}, "registry verify takes no arguments"},
		{[]string{"datasets", "list", "a", "b"}, "datasets list takes at most 1 argument"},
		{[]string{"datasets", "export", "a"}, "datasets export needs REF DIR"},
		{[]string{"samle"}, `unknown command "samle"; did you mean "sample"?`},
		{[]string{"registry", "gcc"}, `registry: unknown command "gcc"; did you mean "gc"?`},
		{[]string{"sample", "--model", "ising", "--L", "ten"}, `sample: --L "ten": want an integer`},
		{[]string{"sample", "--model", "ising", "--temperature", "2"}, "sample: unknown flag --temperature"},
		{[]string{"sample", "--model"}, "sample: flag --model needs a value"},
		{[]string{"sample"}, "sample needs --model"},
		{[]string{"sample", "--model", "ising", "--seed", "-1"}, `sample: --seed "-1": want a non-negative integer`},
		// A spec refuses such a seed: the command line agrees.
		{[]string{"sample", "--model", "ising", "--seed", "9007199254740993"}, `sample: --seed 9007199254740993: want an integer below 2^53 = 9007199254740992`},
		{[]string{"train", "--learner", "rbm", "--data", "x", "--seed", "9007199254740992"}, "train: --seed 9007199254740992: want an integer below 2^53"},
		{[]string{"registry", "gc", "--dry-run=maybe"}, `registry gc: --dry-run "maybe": want true or false`},
		{[]string{"train", "--learner", "rbm", "--data", "x", "--plugin-timeout", "soon"}, `--plugin-timeout "soon": want a duration`},
		{[]string{"version", "--log-level", "loud"}, `--log-level "loud"`},
		{[]string{"--pushgateway", "localhost:9091", "version"}, `--pushgateway "localhost:9091": want an http:// or https:// URL`},
		{[]string{"--pushgateway", "http://", "version"}, "names no host"},
		{[]string{"completion", "tcsh"}, `rgml: completion "tcsh": want bash, zsh or fish`},
		{[]string{"train", "--learner", "rbm", "--data", "x", "--seed", "1", "--seed", "2"}, `train: --seed is given twice ("1" and "2"): give it once`},
		{[]string{"registry", "gc", "--dry-run", "--dry-run=false"}, `registry gc: --dry-run is given twice ("true" and "false")`},
		{[]string{"datasets", "list", "--json", "x", "--json=false"}, "--json is given twice"},
		{[]string{"--registry", "/tmp/a", "datasets", "list", "--registry", "/tmp/b"}, `rgml: --registry is given twice ("/tmp/a" and "/tmp/b"): give it once`},
		{[]string{"--plugin-dir=a", "--plugin-dir", "b", "version"}, `--plugin-dir is given twice ("a" and "b")`},
		{[]string{"datasets", "list", "--plugin-timeout", "1s", "--plugin-timeout", "2s"}, "--plugin-timeout is given twice"},
		{[]string{"--log-level", "info", "version", "--log-level", "debug"}, "--log-level is given twice"},
		{[]string{"train", "--metrics-addr", "off", "--learner", "rbm", "--metrics-addr", ":9"}, "--metrics-addr is given twice"},
		{[]string{"plugins", "lock", "nosuch"}, `no plugin "nosuch" in `},
		{[]string{"help", "smaple"}, `help: no help for "smaple": not a command; did you mean "sample"?`},
		{[]string{"datasets", "help", "bogus"}, `datasets help: no help for "bogus": not a command (commands: list`},
	} {
		code, stdout, stderr := rgml(t, tc.args...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != exitUsage || len(lines) != 1 || !strings.HasPrefix(lines[0], "rgml: ") || !strings.Contains(lines[0], tc.want) {
			t.Errorf("%q: exit %d, stderr %q: want exit 2 and one line with %q", tc.args, code, stderr, tc.want)
		}
		if stdout != "" {
			t.Errorf("%q: printed %q", tc.args, stdout)
		}
	}
	if _, err := os.Stat(registryDir(t)); err == nil {
		t.Error("a bad command line created the registry")
	}
}

// TestHelpAfterArguments: -h or --help after a command's arguments shows
// that command's help, rather than failing on "No help topic" (exit 3).
func TestHelpAfterArguments(t *testing.T) {
	for _, args := range [][]string{
		{"datasets", "show", "base", "-h"},
		{"models", "lineage", "m1", "--help"},
		{"completion", "bash", "-h"},
	} {
		code, stdout, stderr := rgml(t, args...)
		cmd := "rgml " + strings.Join(args[:len(args)-2], " ")
		if code != 0 || stderr != "" || !strings.Contains(stdout, cmd+" - ") {
			t.Errorf("%q: exit %d, stderr %q, stdout %.80q: want the command's help", args, code, stderr, stdout)
		}
	}
}

// TestFlagsAfterArguments: a command's flag after its arguments, and a
// global flag after the command, are honoured.
func TestFlagsAfterArguments(t *testing.T) {
	if code, _, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=2", "--per-point", "4", "--L", "4", "--name", "base"); code != 0 {
		t.Fatalf("sample: exit %d: %s", code, stderr)
	}
	code, stdout, stderr := rgml(t, "datasets", "list", "base", "--json")
	var v any
	if code != 0 || json.Unmarshal([]byte(stdout), &v) != nil {
		t.Errorf("datasets list base --json: exit %d, stdout %q, stderr %q: want JSON", code, stdout, stderr)
	}
	// A NAME with no entries is a mistake, not an empty list.
	code, stdout, stderr = rgml(t, "datasets", "list", "bsae", "--json")
	if code != exitUsage || stdout != "" || !strings.Contains(stderr, `dataset "bsae" in `+registryDir(t)) {
		t.Errorf("datasets list bsae --json: exit %d, stdout %q, stderr %q: want exit 2 naming the registry", code, stdout, stderr)
	}
	// The global flag after the command wins over the one rgmlIn puts first.
	other := filepath.Join(t.TempDir(), "other")
	if code, _, stderr := rgml(t, "registry", "init", "--registry", other); code != 0 {
		t.Fatalf("registry init: exit %d: %s", code, stderr)
	}
	code, stdout, stderr = rgml(t, "datasets", "list", "--registry", other)
	if code != 0 || strings.Contains(stdout, "base") {
		t.Errorf("--registry after the command was not honoured: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// TestNoPushForQuickCommands: --pushgateway (often set once, as
// RGML_PUSHGATEWAY) pushes nothing for a quick command.
func TestNoPushForQuickCommands(t *testing.T) {
	var pushes atomic.Int32
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { pushes.Add(1) }))
	defer gw.Close()
	if code, _, stderr := rgml(t, "registry", "init"); code != 0 {
		t.Fatalf("registry init: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{{"version"}, {"plugins", "list"}, {"datasets", "list"}, {"registry", "gc", "--dry-run"}} {
		if code, _, stderr := rgml(t, append(args, "--pushgateway", gw.URL)...); code != 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
	}
	if n := pushes.Load(); n != 0 {
		t.Errorf("quick commands pushed %d time(s)", n)
	}
}

// TestMetricsOnlyForLongCommands: a quick command neither fails nor warns
// when the metrics port is taken.
func TestMetricsOnlyForLongCommands(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if code, _, stderr := rgml(t, "registry", "init"); code != 0 {
		t.Fatalf("registry init: exit %d: %s", code, stderr)
	}
	for _, args := range [][]string{{"version"}, {"plugins", "list"}, {"datasets", "list"}} {
		code, _, stderr := rgml(t, append(args, "--metrics-addr", l.Addr().String(), "--log-level", "info")...)
		if code != 0 || strings.Contains(stderr, "metrics") {
			t.Errorf("%q with a busy metrics port: exit %d, stderr %q", args, code, stderr)
		}
	}
	// A long-working command still insists on the address asked for.
	code, _, stderr := rgml(t, "sample", "--model", "ising", "--per-point", "2", "--L", "2", "--metrics-addr", l.Addr().String())
	if code != exitUsage || !strings.Contains(stderr, "--metrics-addr") {
		t.Errorf("sample with a busy --metrics-addr: exit %d, stderr %q", code, stderr)
	}
}

// TestInterruptedIs130: work cut short by Ctrl-C (a cancelled context)
// exits 130 and registers nothing.
func TestInterruptedIs130(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := run(ctx, []string{"rgml", "--plugin-dir", pluginDir, "--registry", registryDir(t), "--metrics-addr", "off",
		"sample", "--model", "ising", "--per-point", "2", "--L", "4"}, &o, &e)
	if code != exitInterrupted || !strings.Contains(e.String(), "interrupted") {
		t.Errorf("exit %d, stderr %q: want 130", code, e.String())
	}
	_, stdout, _ := rgml(t, "datasets", "list")
	if strings.Contains(stdout, "ising") {
		t.Errorf("an interrupted sample registered a dataset: %q", stdout)
	}
}

// SIGTERM (Slurm's scancel, systemd) ends a command as Ctrl-C does, with
// the shell's code for it, 143, and the first SIGINT gives 130: the real
// binary, stopped while it trains.
func TestSignalExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("trains through the real binary")
	}
	reg := registryDir(t)
	if code, _, stderr := rgmlExec(t, "--registry", reg, "sample", "--model", "ising", "--param", "T=1,3", "--per-point", "50", "--L", "8", "--name", "d"); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		sig  syscall.Signal
		code int
		word string
	}{{syscall.SIGTERM, exitTerminated, "terminated: "}, {syscall.SIGINT, exitInterrupted, "interrupted: "}} {
		cmd, _, e := rgmlStart(t, "--registry", reg, "train", "--learner", "rbm", "--data", "d", "--set", "epochs=10000000", "--name", "long")
		time.Sleep(time.Second) // whatever it is doing by then, the signal ends it
		cmd.Process.Signal(c.sig)
		if code := waitExit(t, cmd, 30*time.Second); code != c.code || !strings.Contains(e.String(), c.word) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.sig, code, e.String(), c.code, c.word)
		}
	}
}

func TestVersionAndCompletion(t *testing.T) {
	code, stdout, _ := rgml(t, "version")
	if code != 0 || !strings.HasPrefix(stdout, "rgml "+version) {
		t.Errorf("version: exit %d, %q", code, stdout)
	}
	for _, sh := range []string{"bash", "zsh", "fish"} {
		code, stdout, stderr := rgml(t, "completion", sh)
		if code != 0 || !strings.Contains(stdout, "rgml") {
			t.Errorf("completion %s: exit %d, stderr %q", sh, code, stderr)
		}
	}
	// The bash script really completes: ask it for the words after "rgml reg".
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	script := `source <("$RGML" completion bash)
COMP_WORDS=("$RGML" reg); COMP_CWORD=1; _rgml_complete; echo "${COMPREPLY[@]}"`
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = append(os.Environ(), "RGML="+rgmlBin, "RGML_PLUGIN_DIR="+pluginDir, "RGML_METRICS_ADDR=off")
	out, err := cmd.CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "registry" {
		t.Errorf("bash completion of \"rgml reg\": %q, %v", out, err)
	}
}

// Wolff's accepted/attempts is the mean cluster size (spins per cluster):
// printed and recorded as such, not as an acceptance.
func TestWolffReportsMeanClusterSize(t *testing.T) {
	code, stdout, stderr := rgml(t, "sample", "--model", "ising", "--param", "T=2.269", "--algorithm", "wolff",
		"--per-point", "8", "--L", "8", "--name", "tc")
	if code != 0 || !strings.Contains(stdout, "mean cluster size") || strings.Contains(stdout, "acceptance") {
		t.Errorf("wolff: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	code, stdout, _ = rgml(t, "sample", "--model", "ising", "--param", "T=2.269", "--algorithm", "metropolis",
		"--per-point", "8", "--L", "8", "--name", "tc-metropolis")
	if code != 0 || !strings.Contains(stdout, "acceptance") {
		t.Errorf("metropolis: exit %d, stdout %q", code, stdout)
	}
	s, err := registry.Open(registryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	en, err := s.Resolve(registry.Dataset, "tc")
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Manifest(en)
	if err != nil {
		t.Fatal(err)
	}
	clusters, _ := m.Lineage.Extra["clusters"].(float64)
	spins, _ := m.Lineage.Extra["cluster_spins"].(float64)
	if _, ok := m.Lineage.Extra["accepted"]; ok || clusters <= 0 || spins < clusters {
		t.Errorf("wolff lineage: %v", m.Lineage.Extra)
	}
}

// A text flag given empty is refused, not taken as "not given".
func TestBlankFlagValueIsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"analyze", "--analyzer", "spectrum", "--models", "m", "--out", ""},
		{"analyze", "--analyzer", "spectrum", "--models", "m", "--out", "  "},
		{"flow", "--rbm", "", "--thermometer", "t", "--from", "d"},
		{"train", "--learner", "rbm", "--data", "d", "--set", ""},
	} {
		code, _, stderr := rgml(t, args...)
		if code != exitUsage || !strings.Contains(stderr, "is empty") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%q: exit %d, %q", args, code, stderr)
		}
	}
}
